# rsdk_library: one rsdk library, static and shared, from one set of objects,
# installed with its pkg-config file and exported as rsdk::<component>
# (shared) and rsdk::<component>_static.
include_guard(GLOBAL)

#   rsdk_library(<target> NAME <lib name without "lib"> COMPONENT <name>
#                DESCRIPTION <text> SOURCES ... [PUBLIC_INCLUDES ...]
#                [PRIVATE_INCLUDES ...] [DEPS <rsdk targets>...] [SYSTEM <names>...])
# <target>_shared and <target>_static are made; DEPS are other rsdk_library
# targets (their pkg-config names go to Requires), SYSTEM names of
# rsdk_system_lib (linked privately; Requires.private/Libs.private).
function(rsdk_library t)
  cmake_parse_arguments(A "" "NAME;COMPONENT;DESCRIPTION"
    "SOURCES;PUBLIC_INCLUDES;PRIVATE_INCLUDES;DEPS;SYSTEM" ${ARGN})

  add_library(${t}_obj OBJECT ${A_SOURCES})
  target_compile_options(${t}_obj PRIVATE ${RSDK_PRIVATE_FLAGS})
  target_compile_definitions(${t}_obj PRIVATE ${RSDK_PRIVATE_DEFINES})
  target_include_directories(${t}_obj PRIVATE ${A_PRIVATE_INCLUDES})
  set(_pub "")
  foreach(d IN LISTS A_PUBLIC_INCLUDES)
    list(APPEND _pub "$<BUILD_INTERFACE:${d}>")
  endforeach()
  target_include_directories(${t}_obj PUBLIC ${_pub})

  set(_requires "")
  set(_requires_private "")
  set(_libs_private "")
  foreach(d IN LISTS A_DEPS)
    target_link_libraries(${t}_obj PUBLIC ${d}_static)
    get_target_property(_dn ${d}_shared OUTPUT_NAME)
    list(APPEND _requires ${_dn})
  endforeach()
  set(_sys "")
  foreach(s IN LISTS A_SYSTEM)
    rsdk_system_lib(${s})
    if(s STREQUAL "pthread")
      set(s threads)
    endif()
    list(APPEND _sys rsdk::sys_${s})
    rsdk_system_pc(${s} _pc)
    if(_pc)
      list(APPEND _requires_private ${_pc})
    elseif(s STREQUAL "threads")
      list(APPEND _libs_private -pthread)
    else()
      list(APPEND _libs_private -l${s})
    endif()
  endforeach()
  target_link_libraries(${t}_obj PRIVATE ${_sys})

  foreach(kind shared static)
    string(TOUPPER ${kind} _K)
    add_library(${t}_${kind} ${_K} $<TARGET_OBJECTS:${t}_obj>)
    target_include_directories(${t}_${kind} PUBLIC ${_pub} $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
    foreach(d IN LISTS A_DEPS)
      target_link_libraries(${t}_${kind} PUBLIC ${d}_${kind})
    endforeach()
    target_link_libraries(${t}_${kind} PRIVATE ${_sys})
    set(_export ${A_COMPONENT})
    if(kind STREQUAL "static")
      set(_export ${A_COMPONENT}_static)
    endif()
    set_target_properties(${t}_${kind} PROPERTIES OUTPUT_NAME ${A_NAME} EXPORT_NAME ${_export})
  endforeach()
  set_target_properties(${t}_shared PROPERTIES
    VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
  # Every symbol a shared library needs must come from its own objects or
  # the libraries it names: a missing one fails here, not in a user's link.
  target_link_options(${t}_shared PRIVATE -Wl,--no-undefined)
  install(TARGETS ${t}_shared ${t}_static EXPORT rsdkTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})

  # pkg-config
  list(JOIN _requires " " RSDK_PC_REQUIRES)
  list(JOIN _requires_private " " RSDK_PC_REQUIRES_PRIVATE)
  list(JOIN _libs_private " " RSDK_PC_LIBS_PRIVATE)
  set(RSDK_PC_NAME ${A_NAME})
  set(RSDK_PC_DESCRIPTION "${A_DESCRIPTION}")
  configure_file(${PROJECT_SOURCE_DIR}/cmake/rsdk.pc.in ${PROJECT_BINARY_DIR}/pkgconfig/${A_NAME}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/${A_NAME}.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

  # What the installed CMake package needs to know of this component.
  set(_deps_c "")
  foreach(d IN LISTS A_DEPS)
    get_target_property(_dc ${d}_shared EXPORT_NAME)
    list(APPEND _deps_c ${_dc})
  endforeach()
  list(JOIN _deps_c "," _deps_c)
  list(JOIN A_SYSTEM "," _sys_c)
  set_property(GLOBAL APPEND PROPERTY RSDK_COMPONENTS ${A_COMPONENT})
  set_property(GLOBAL APPEND PROPERTY RSDK_COMPONENT_INFO "${A_COMPONENT}:${_deps_c}:${_sys_c}")
endfunction()
