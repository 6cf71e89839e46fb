"""rsdk_module: generated command bindings as a cc_library.

    load("//codegen:defs.bzl", "rsdk_module")

    rsdk_module(
        name = "core",
        module = "core",
        prefix = "rcore_",
        specs = "//spec/core",
        reference = "//docs/reference:core.md",
        groups = ["bitmap", "string", ...],
    )

runs rsdkgen over the specs in a genrule (nothing generated is committed) and
builds cc_library `name` from the generated header (include/rsdk/<module>.h,
included as "rsdk/<module>.h"), the generated sources and any hand-written
`srcs`/`hdrs` (put headers under include/rsdk/ in the package). Both spec
layouts work: one command per file (Redis core) and one file mapping full
names to descriptors (modules: pass strip = ["JSON."] so JSON.SET becomes
rjson_set).

With `groups` (the command groups of the specs, each once), the commands are
declared one header per group, include/rsdk/<module>/<group>.h, which share
include/rsdk/<module>/base.h, and rsdk/<module>.h includes them all; rsdkgen
stops when a command's group is missing from the list or a listed group has
no command. Without it (a module with few groups) rsdk/<module>.h declares
everything.

With `reference`, two more targets keep the committed reference current:
  <name>_reference_test    fails when the committed file differs
  <name>_update_reference  `bazel run` it to rewrite the committed file
"""

load("//runtime:defs.bzl", "RUNTIME_COPTS")

_SUPPORT = "//codegen:support"
_RUNTIME = ["//runtime:base", "//runtime:reader", "//runtime:net"]

def rsdk_module(
        name,
        module,
        prefix,
        specs,
        header = None,
        strip = [],
        srcs = [],
        hdrs = [],
        deps = [],
        copts = [],
        shards = 4,
        groups = [],
        reference = None,
        visibility = None):
    header = header or "rsdk/%s.h" % module
    gen_header = "include/" + header
    gen_meta = "_%s_gen/meta.c" % name
    gen_doc = "_%s_gen/%s.md" % (name, module)
    gen_srcs = ["_%s_gen/part%d.c" % (name, i) for i in range(shards)]
    groups = sorted(groups)
    group_dir = "include/" + header[:-2] if header.endswith(".h") else "include/" + header
    gen_groups = ["%s/%s.h" % (group_dir, g.replace("-", "_").lower()) for g in groups]
    gen_base = [group_dir + "/base.h"] if groups else []
    tool = str(Label("//codegen:rsdkgen"))

    cmd = [
        "$(execpath %s)" % tool,
        "--module",
        module,
        "--prefix",
        prefix,
        "--header",
        header,
        "--out-header $(execpath %s)" % gen_header,
        "--out-meta $(execpath %s)" % gen_meta,
        "--out-doc $(execpath %s)" % gen_doc,
    ]
    cmd += ["--strip '%s'" % s for s in strip]
    cmd += ["--out-src $(execpath %s)" % s for s in gen_srcs]
    cmd += ["--out-base $(execpath %s)" % s for s in gen_base]
    cmd += ["--group '%s=$(execpath %s)'" % (g, h) for g, h in zip(groups, gen_groups)]
    cmd.append("$(SRCS)")

    native.genrule(
        name = name + "_gen",
        srcs = [specs],
        outs = [gen_header, gen_meta, gen_doc] + gen_base + gen_groups + gen_srcs,
        cmd = " ".join(cmd),
        tools = [tool],
        message = "rsdkgen: generating the %s bindings" % module,
    )

    native.cc_library(
        name = name,
        srcs = [gen_meta] + gen_srcs + srcs,
        hdrs = [gen_header] + gen_base + gen_groups + hdrs,
        strip_include_prefix = "include",
        copts = RUNTIME_COPTS + copts,
        deps = [str(Label(_SUPPORT))] + [str(Label(d)) for d in _RUNTIME] + deps,
        visibility = visibility,
    )

    native.filegroup(
        name = name + "_reference",
        srcs = [gen_doc],
        visibility = visibility,
    )

    if reference:
        native.sh_test(
            name = name + "_reference_test",
            srcs = [str(Label("//codegen:reference_check.sh"))],
            args = ["$(location %s)" % gen_doc, "$(location %s)" % reference, "//%s:%s_update_reference" % (native.package_name(), name)],
            data = [gen_doc, reference],
        )
        native.sh_binary(
            name = name + "_update_reference",
            srcs = [str(Label("//codegen:reference_update.sh"))],
            args = ["$(location %s)" % gen_doc, "$(location %s)" % reference],
            data = [gen_doc, reference],
        )
