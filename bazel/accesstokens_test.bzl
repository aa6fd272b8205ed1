"""The Bazel counterpart of accesstokens_add_test in the top CMakeLists.txt."""

load("@rules_cc//cc:defs.bzl", "cc_test")

def accesstokens_cc_test(name, srcs, deps = [], **attrs):
    """Declares a GoogleTest binary linked against gtest_main.

    Like its CMake counterpart it links the project's libraries statically
    and shortens gRPC's client backup poll interval. The binary gets Bazel's
    long timeout, 900 seconds, where CMake gives each test case 600.
    """
    cc_test(
        name = name,
        srcs = srcs,
        deps = deps + [
            "@system//:gtest",
            "@system//:gtest_main",
        ],
        linkstatic = True,
        timeout = "long",
        # An idle gRPC client answers the server's shutdown ping only when its
        # backup poller runs, which is every 5 s by default. Polling more
        # often keeps tests that stop a server from waiting for it.
        env = {"GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS": "100"},
        **attrs
    )
