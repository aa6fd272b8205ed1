#!/usr/bin/env bash
# Runs the shell code of README.md between the session:start and
# session:end markers against a real server on a free port, checks its
# output against what the README shows, and checks that the README's C++
# example is examples/first_token.cc unchanged.
#
# Usage: readme_session_test.sh SERVER_BINARY TOOL_BINARY EXAMPLE_BINARY FOLDER
# where FOLDER is clients/cpp of the source tree.
set -euo pipefail
source "$(dirname "$0")/../../tests/testing/server.sh"
# The session runs in a temporary folder, so relative paths, which Bazel's
# sh_test passes, become absolute first.
server_binary=$(realpath "$1")
tool_binary=$(realpath "$2")
example_binary=$(realpath "$3")
folder=$(cd "$4" && pwd)

work=$(mktemp -d)
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
fail() {
  echo "FAILED: $1" >&2
  failures=$((failures + 1))
}

# The README's example must be the file that CMake builds.
awk '/^```cpp/ { code = 1; next } code && /^```/ { code = 0 } code' \
  "$folder/README.md" >"$work/example.cc"
if ! diff -u "$folder/examples/first_token.cc" "$work/example.cc"; then
  fail "the C++ example in README.md differs from examples/first_token.cc"
fi

start_server "$server_binary" "$work"

# The session block as the README shows it, with the built binaries and
# the test server's port.
awk '/<!-- session:start -->/ { marked = 1 } /<!-- session:end -->/ { marked = 0 }
     marked && /^```/ { code = !code; next }
     marked && code' "$folder/README.md" |
  sed -e "s|127\.0\.0\.1:50051|$address|g" \
      -e "s|build/clients/cpp/accesstokens|$tool_binary|g" \
      -e "s|build/clients/cpp/first_token|$example_binary|g" >"$work/session.sh"
if [[ $(grep -c '\$AT ' "$work/session.sh") -lt 8 ]]; then
  echo "the README session block was not found" >&2
  exit 1
fi

cd "$work"
set +e
bash -e "$work/session.sh" >"$work/output.txt" 2>&1
session_status=$?
set -e
cat "$work/output.txt"

expect() {
  if ! grep -qF -- "$1" "$work/output.txt"; then
    fail "the session output lacks: $1"
  fi
}
expect 'name:                    groups/109'
expect 'name:                    projects/123'
expect 'bot user:      users/1 (project_123_bot)'
expect 'projects/123/accessTokens/1  ci  '
expect 'accesstokens authenticate: UNAUTHENTICATED: access token is invalid: it is unknown, revoked or expired'
expect 'exit status 4'
expect 'access token:  projects/123/accessTokens/2'
expect '(revoked)'
expect 'accesstokens tokens get: NOT_FOUND: access token "projects/123/accessTokens/99" not found'
expect 'exit status 3'
expect 'created projects/123/accessTokens/3'
expect 'authenticated as project_123_bot1 in projects/123'
if [[ $session_status -ne 0 ]]; then
  fail "a session command failed; the session ended with status $session_status"
fi
if grep -q 'glpat-' "$work/output.txt"; then
  fail "a secret appears in the session output, which prints none"
fi
exit $((failures > 0))
