"""Stand-in for rules_java: each java_* macro forwards to Bazel's native rule.

Bazel 4 loads these macros from @rules_java while it resolves toolchains,
even for C++-only builds, and would otherwise download the repository.
"""

def java_binary(**attrs):
    native.java_binary(**attrs)

def java_import(**attrs):
    native.java_import(**attrs)

def java_library(**attrs):
    native.java_library(**attrs)

def java_proto_library(**attrs):
    native.java_proto_library(**attrs)

def java_runtime(**attrs):
    native.java_runtime(**attrs)

def java_test(**attrs):
    native.java_test(**attrs)

def java_toolchain(**attrs):
    native.java_toolchain(**attrs)
