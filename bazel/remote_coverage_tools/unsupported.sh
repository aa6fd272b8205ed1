#!/bin/sh
echo "bazel coverage is not supported: this offline set-up has only stand-ins for Bazel's coverage tools (bazel/remote_coverage_tools in accesstokens)" >&2
exit 1
