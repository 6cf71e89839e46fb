"""One cc_test per C test file, built the way every rsdk test binary is."""

load("@rules_cc//cc:defs.bzl", "cc_library", "cc_test")

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

# The event loops of the async tests (tests/support/async_loop.h).
LOOP_KINDS = ["builtin", "libevent", "libuv"]

def rsdk_loop_tests(names, loops = LOOP_KINDS, deps = [], size = "small", tags = [], **kwargs):
    """Each test of `names` once per event loop: <name>_<loop>.

    The same source, built once per loop, run with RSDK_TEST_LOOP=<loop>
    (what the loop factory's rsdk_test_loop_kind_from_env reads) and tagged
    loop_<loop>, so one suite covers every loop without a copy.

    Args:
      names: the tests; each is built from <name>.c.
      loops: the loop kinds.
      deps: the tests' dependencies.
      size: the Bazel test size.
      tags: tags of every target (loop_<loop> is added).
      **kwargs: any other cc_test attribute.
    """
    for name in names:
        for loop in loops:
            rsdk_c_test(
                name = name + "_" + loop,
                srcs = [name + ".c"],
                deps = deps,
                size = size,
                env = {"RSDK_TEST_LOOP": loop},
                tags = tags + ["loop_" + loop],
                **kwargs
            )

# The servers a multi-process suite (cluster, sentinel) runs on: the default
# redis-server and Valkey 9.1 from the matrix.
SERVER_PAIR = {
    "": "",
    "_valkey": "valkey-9.1-sid",
}

def rsdk_server_pair_tests(tests, env_var, tags, deps = []):
    """Each test of `tests` (name -> extra deps) on both servers of
    SERVER_PAIR: <name> and <name>_valkey, the server named to the test in
    `env_var`. Medium size; `tags` as given (these suites start their own
    servers, so they are tagged to run once, not per matrix server)."""
    for name, extra in tests.items():
        for suffix, server in SERVER_PAIR.items():
            rsdk_c_test(
                name = name + suffix,
                size = "medium",
                srcs = [name + ".c"],
                env = {env_var: server},
                tags = tags,
                deps = deps + extra,
            )

def rsdk_support_library(name, srcs = None, deps = [], **kwargs):
    """A test-support library `name` (name.c, name.h), included as support/name.h.

    Args:
      name: the target name; also the stem of its source and header.
      srcs: the sources, when they are not just name + ".c" ([] for a header only).
      deps: its dependencies.
      **kwargs: any other cc_library attribute (linkopts ...).
    """
    cc_library(
        name = name,
        testonly = True,
        srcs = srcs if srcs != None else [name + ".c"],
        hdrs = [name + ".h"],
        include_prefix = "support",
        visibility = ["//visibility:public"],
        deps = deps,
        **kwargs
    )
