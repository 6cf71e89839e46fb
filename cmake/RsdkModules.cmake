# Modules are found, not listed: each folder modules/<name>/ with a BUILD file
# is one. With spec/<name>/ beside it, its bindings are generated with the
# rsdk_module arguments its BUILD file gives (module, prefix, header, strip,
# shards, groups: the same command line codegen/defs.bzl builds). The system
# libraries a module links are the //third_party:<name> labels its BUILD file
# names, and the other modules it needs its //modules/<name> labels.
include_guard(GLOBAL)

function(rsdk_discover_modules out)
  file(GLOB _dirs LIST_DIRECTORIES true RELATIVE ${PROJECT_SOURCE_DIR}/modules
       ${PROJECT_SOURCE_DIR}/modules/*)
  set(_mods "")
  foreach(d IN LISTS _dirs)
    if(EXISTS ${PROJECT_SOURCE_DIR}/modules/${d}/BUILD)
      list(APPEND _mods ${d})
    endif()
  endforeach()
  set(${out} ${_mods} PARENT_SCOPE)
endfunction()

# The value of `key = "..."` in a BUILD file's text, or `default`.
function(_rsdk_build_string text key default out)
  if(text MATCHES "[ \t\n(]${key} = \"([^\"]*)\"")
    set(${out} "${CMAKE_MATCH_1}" PARENT_SCOPE)
  else()
    set(${out} "${default}" PARENT_SCOPE)
  endif()
endfunction()

# Adds custom commands that run rsdkgen over spec/<m>/*.json; sets
# <out_srcs> to the generated sources and <out_inc> to the generated include
# directory.
function(_rsdk_generate m text out_srcs out_inc)
  _rsdk_build_string("${text}" module "${m}" _module)
  _rsdk_build_string("${text}" prefix "" _prefix)
  _rsdk_build_string("${text}" header "rsdk/${_module}.h" _header)
  if(NOT _prefix)
    message(FATAL_ERROR "modules/${m}/BUILD: rsdk_module has no prefix = \"...\"")
  endif()
  set(_shards 4)
  if(text MATCHES "[ \t\n(]shards = ([0-9]+)")
    set(_shards ${CMAKE_MATCH_1})
  endif()
  set(_strip_args "")
  if(text MATCHES "[ \t\n(]strip = \\[([^]]*)\\]")
    string(REGEX MATCHALL "\"[^\"]*\"" _strips "${CMAKE_MATCH_1}")
    foreach(s IN LISTS _strips)
      string(REPLACE "\"" "" s "${s}")
      list(APPEND _strip_args --strip "${s}")
    endforeach()
  endif()

  set(_gen ${PROJECT_BINARY_DIR}/gen/${m})
  set(_hdr ${_gen}/include/${_header})
  # groups = [...]: one header per command group under rsdk/<module>/, with
  # their shared base.h; file names as codegen/defs.bzl makes them.
  set(_group_args "")
  set(_group_hdrs "")
  if(text MATCHES "[ \t\n(]groups = \\[([^]]*)\\]")
    string(REGEX MATCHALL "\"[^\"]*\"" _groups "${CMAKE_MATCH_1}")
    list(TRANSFORM _groups REPLACE "\"" "")
    list(SORT _groups)
    string(REGEX REPLACE "\\.h$" "" _group_dir "${_gen}/include/${_header}")
    list(APPEND _group_hdrs ${_group_dir}/base.h)
    list(APPEND _group_args --out-base ${_group_dir}/base.h)
    foreach(g IN LISTS _groups)
      string(REPLACE "-" "_" _f "${g}")
      string(TOLOWER "${_f}" _f)
      list(APPEND _group_hdrs ${_group_dir}/${_f}.h)
      list(APPEND _group_args --group "${g}=${_group_dir}/${_f}.h")
    endforeach()
  endif()
  set(_srcs ${_gen}/_${m}_gen/meta.c)
  set(_src_args "")
  math(EXPR _last "${_shards} - 1")
  foreach(i RANGE ${_last})
    list(APPEND _srcs ${_gen}/_${m}_gen/part${i}.c)
    list(APPEND _src_args --out-src ${_gen}/_${m}_gen/part${i}.c)
  endforeach()
  # Relative spec paths, run from the source root: what Bazel passes.
  file(GLOB _specs CONFIGURE_DEPENDS RELATIVE ${PROJECT_SOURCE_DIR}
       ${PROJECT_SOURCE_DIR}/spec/${m}/*.json)
  get_filename_component(_hdr_dir ${_hdr} DIRECTORY)
  add_custom_command(
    OUTPUT ${_hdr} ${_group_hdrs} ${_srcs} ${_gen}/_${m}_gen/${_module}.md
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_hdr_dir} ${_group_dir} ${_gen}/_${m}_gen
    COMMAND rsdkgen --module ${_module} --prefix ${_prefix} --header ${_header}
            --out-header ${_hdr} --out-meta ${_gen}/_${m}_gen/meta.c
            --out-doc ${_gen}/_${m}_gen/${_module}.md ${_strip_args} ${_src_args} ${_group_args} ${_specs}
    DEPENDS rsdkgen ${_specs}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    COMMENT "rsdkgen: generating the ${m} bindings"
    VERBATIM)
  set(${out_srcs} ${_hdr} ${_group_hdrs} ${_srcs} PARENT_SCOPE)
  set(${out_inc} ${_gen}/include PARENT_SCOPE)
endfunction()

function(rsdk_add_module m)
  set(_dir ${PROJECT_SOURCE_DIR}/modules/${m})
  file(READ ${_dir}/BUILD _text)
  # Comments name labels too; only code counts.
  string(REGEX REPLACE "#[^\n]*" "" _text "${_text}")

  string(REGEX MATCHALL "//third_party:[A-Za-z0-9_]+" _sys_labels "${_text}")
  set(_sys "")
  foreach(l IN LISTS _sys_labels)
    string(REPLACE "//third_party:" "" l "${l}")
    list(APPEND _sys ${l})
  endforeach()
  list(REMOVE_DUPLICATES _sys)

  string(REGEX MATCHALL "//modules/[A-Za-z0-9_]+" _mod_labels "${_text}")
  set(_deps rsdk)
  foreach(l IN LISTS _mod_labels)
    string(REPLACE "//modules/" "" l "${l}")
    if(NOT l STREQUAL m)
      if(NOT TARGET rsdk_${l}_shared AND NOT l IN_LIST RSDK_MODULES_SELECTED)
        message(FATAL_ERROR "module ${m} needs module ${l}: add it to RSDK_MODULES")
      endif()
      list(APPEND _deps rsdk_${l})
    endif()
  endforeach()
  list(REMOVE_DUPLICATES _deps)

  file(GLOB_RECURSE _srcs CONFIGURE_DEPENDS ${_dir}/src/*.c)
  set(_pub "")
  if(EXISTS ${_dir}/include)
    list(APPEND _pub ${_dir}/include)
    install(DIRECTORY ${_dir}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
            FILES_MATCHING PATTERN "*.h")
  endif()
  if(EXISTS ${PROJECT_SOURCE_DIR}/spec/${m} AND _text MATCHES "rsdk_module\\(")
    _rsdk_generate(${m} "${_text}" _gen_srcs _gen_inc)
    list(APPEND _srcs ${_gen_srcs})
    list(APPEND _pub ${_gen_inc})
    install(DIRECTORY ${_gen_inc}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
            FILES_MATCHING PATTERN "*.h")
  endif()

  string(REPLACE "_" "-" _dash ${m})
  rsdk_library(rsdk_${m}
    NAME rsdk-${_dash}
    COMPONENT ${m}
    DESCRIPTION "rsdk module ${m}"
    SOURCES ${_srcs}
    PUBLIC_INCLUDES ${_pub}
    PRIVATE_INCLUDES ${_dir}/src ${PROJECT_SOURCE_DIR}
    DEPS ${_deps}
    SYSTEM ${_sys})
endfunction()
