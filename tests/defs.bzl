"""One cc_test per C test file, built the way every rsdk test binary is."""

load("@rules_cc//cc:defs.bzl", "cc_test")

_CMOCKA = "//third_party:cmocka"

def rsdk_c_test(name, srcs = None, deps = [], size = "small", **kwargs):
    """A cmocka test binary `name` built from `name`.c (or `srcs`).

    Args:
      name: the target name; also the source file's stem unless srcs is given.
      srcs: the sources, when they are not just name + ".c".
      deps: the test's dependencies; cmocka is added when absent.
      size: the Bazel test size.
      **kwargs: any other cc_test attribute (data, tags, timeout, env, copts ...).
    """
    cc_test(
        name = name,
        size = size,
        srcs = srcs if srcs != None else [name + ".c"],
        # linkstatic: the runtime is built with -fvisibility=hidden, so its
        # internal rsdk__ helpers only resolve inside one static link.
        linkstatic = True,
        deps = deps if _CMOCKA in deps else deps + [_CMOCKA],
        **kwargs
    )

def rsdk_c_tests(names, deps = [], size = "small", **kwargs):
    """rsdk_c_test for each of `names`, all with the same attributes."""
    for name in names:
        rsdk_c_test(name = name, deps = deps, size = size, **kwargs)
