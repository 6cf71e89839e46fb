"""Offline stand-in for @rules_cc: every rule forwards to Bazel's native one.

Debian's bazel-bootstrap 4.2.3 loads these symbols from @rules_cc while
building its own tools/cpp packages; on a current Bazel point @rules_cc at the
real repository instead and nothing else changes.
"""

def cc_library(**kwargs):
    native.cc_library(**kwargs)

def cc_binary(**kwargs):
    native.cc_binary(**kwargs)

def cc_test(**kwargs):
    native.cc_test(**kwargs)

def cc_import(**kwargs):
    native.cc_import(**kwargs)

def cc_toolchain(**kwargs):
    native.cc_toolchain(**kwargs)

def cc_toolchain_suite(**kwargs):
    native.cc_toolchain_suite(**kwargs)

def cc_proto_library(**kwargs):
    native.cc_proto_library(**kwargs)

def objc_library(**kwargs):
    native.objc_library(**kwargs)
