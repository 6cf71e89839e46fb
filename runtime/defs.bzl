"""One macro for the runtime's layer folders (runtime/src/<layer>)."""

load("@rules_cc//cc:defs.bzl", "cc_library")

# What every rsdk source is compiled with, whatever the flags of the
# workspace that builds it (rsdk's .bazelrc applies only in rsdk's own):
# hidden symbols (the API is marked RSDK_API), and POSIX.1-2008 declarations
# (clock_gettime, strdup, ...), which a strict -std=c11 hides otherwise.
RUNTIME_COPTS = ["-fvisibility=hidden", "-D_POSIX_C_SOURCE=200809L", "-D_DEFAULT_SOURCE"]

def runtime_layer(name, deps = [], linkopts = [], tls = False):
    """The library of one layer folder: every .c and internal .h in it.

    Its internal headers are reached by their bare names, but only from
    targets that depend on this layer, so a file cannot include a header of a
    layer above its own: the compiler does not find it.

    Args:
      name: the folder's name, which is also the target's.
      deps: the layers below this one (and third-party libraries).
      linkopts: extra link options for whoever links this layer.
      tls: the folder holds the TLS transport (tls_*.c, OpenSSL). With
        --define=rsdk_tls=off (//runtime:tls_off) those files and OpenSSL
        are left out and tls_off/tls_off.c, which refuses TLS, stands in.
    """
    srcs = native.glob(["*.c"])
    if tls:
        tls_srcs = native.glob(["tls_*.c"])
        srcs = [s for s in srcs if s not in tls_srcs] + select({
            "//runtime:tls_off": ["tls_off/tls_off.c"],
            "//conditions:default": tls_srcs,
        })
        deps = deps + select({
            "//runtime:tls_off": [],
            "//conditions:default": ["//third_party:openssl"],
        })
    cc_library(
        name = name,
        srcs = srcs,
        hdrs = native.glob(["*.h"]),
        includes = ["."],
        copts = RUNTIME_COPTS,
        linkstatic = True,
        linkopts = linkopts,
        visibility = [
            "//runtime:__subpackages__",
            "//tests:__subpackages__",
            "//modules:__subpackages__",
        ],
        deps = ["//runtime:headers"] + deps,
    )

    # The folder's sources and its library, for the test that looks for
    # import circles.
    native.filegroup(
        name = "files",
        srcs = native.glob(["*.c", "*.h"]) + [":" + name],
        visibility = ["//tests:__subpackages__"],
    )
