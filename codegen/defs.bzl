"""rsdk_module: generated command bindings as a cc_library.

    load("//codegen:defs.bzl", "rsdk_module")

    rsdk_module(
        name = "core",
        module = "core",
        prefix = "rcore_",
        specs = "//spec/core",
        reference = "//docs/reference:core.md",
    )

runs rsdkgen over the specs in a genrule (nothing generated is committed) and
builds cc_library `name` from the generated header (include/rsdk/<module>.h,
included as "rsdk/<module>.h"), the generated sources and any hand-written
`srcs`/`hdrs` (put headers under include/rsdk/ in the package). Both spec
layouts work: one command per file (Redis core) and one file mapping full
names to descriptors (modules: pass strip = ["JSON."] so JSON.SET becomes
rjson_set).

With `reference`, two more targets keep the committed reference current:
  <name>_reference_test    fails when the committed file differs
  <name>_update_reference  `bazel run` it to rewrite the committed file
"""

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
        reference = None,
        visibility = None):
    header = header or "rsdk/%s.h" % module
    gen_header = "include/" + header
    gen_meta = "_%s_gen/meta.c" % name
    gen_doc = "_%s_gen/%s.md" % (name, module)
    gen_srcs = ["_%s_gen/part%d.c" % (name, i) for i in range(shards)]
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
    cmd.append("$(SRCS)")

    native.genrule(
        name = name + "_gen",
        srcs = [specs],
        outs = [gen_header, gen_meta, gen_doc] + gen_srcs,
        cmd = " ".join(cmd),
        tools = [tool],
        message = "rsdkgen: generating the %s bindings" % module,
    )

    native.cc_library(
        name = name,
        srcs = [gen_meta] + gen_srcs + srcs,
        hdrs = [gen_header] + hdrs,
        strip_include_prefix = "include",
        copts = ["-fvisibility=hidden"] + copts,
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
