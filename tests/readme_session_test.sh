#!/usr/bin/env bash
# Runs the shell code of README.md between the session:start and
# session:end markers with buf curl against a real server on a free port,
# and checks that its output is what the README promises.
#
# Usage: readme_session_test.sh SERVER_BINARY REPOSITORY_ROOT
set -euo pipefail
source "$(dirname "$0")/testing/server.sh"
server_binary=$1
repository=$(cd "$2" && pwd)
buf="$repository/node_modules/.bin/buf"
if [[ ! -x "$buf" ]]; then
  echo "buf is not installed; run 'npm ci' in $repository (scripts/install-deps does)" >&2
  exit 1
fi

work=$(mktemp -d)
cleanup() {
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT

start_server "$server_binary" "$work"

# The session blocks as the README shows them, on the test server's port,
# with the installed buf in place of npx and without the npm install line.
awk '/<!-- session:start -->/ { marked = 1 } /<!-- session:end -->/ { marked = 0 }
     marked && /^```/ { code = !code; next }
     marked && code' "$repository/README.md" |
  grep -v '^npm ci' |
  sed -e "s|127\.0\.0\.1:50051|$address|g" -e "s|npx buf|$buf|g" >"$work/session.sh"
if [[ $(grep -c '\$API/' "$work/session.sh") -lt 5 ]]; then
  echo "the README session block was not found" >&2
  exit 1
fi

cd "$work"
set +e
bash -e "$work/session.sh" >"$work/output.txt" 2>&1
session_status=$?
set -e
cat "$work/output.txt"

failures=0
expect() {
  if ! grep -q -- "$1" "$work/output.txt"; then
    echo "FAILED: the session output lacks: $1" >&2
    failures=$((failures + 1))
  fi
}
expect '"name": "groups/109"'
expect '"name": "projects/123"'
expect '"username": "project_123_bot"'
expect '"email": "project123_bot@example.com"'
expect '"token": "glpat-'
expect '"state": "STATE_REVOKED"'
expect '"code": "unauthenticated"'
# Authenticate succeeded once: its response carries the project.
expect '"project": {'
# buf curl exits with the gRPC code times 8: UNAUTHENTICATED (16) for the
# revoked token, FAILED_PRECONDITION (9) while creation is switched off.
expect 'exit status 128'
expect '"code": "failed_precondition"'
expect 'exit status 72'
expect '"allowProjectAccessTokenCreation": false'
expect '"allowProjectAccessTokenCreation": true'
expect '"status": "SERVING"'
expect '"previousAccessToken": {'
expect '"action": "ACTION_ROTATE_ACCESS_TOKEN"'
# The creation refused while switched off leaves a line in the server log.
if ! grep -q "refused to create an access token under projects/123: FAILED_PRECONDITION" "$work/server.log"; then
  echo "FAILED: the server log lacks the refused creation" >&2
  failures=$((failures + 1))
fi
if [[ $session_status -ne 0 ]]; then
  echo "FAILED: a session command failed; the session ended with status $session_status" >&2
  failures=$((failures + 1))
fi
if grep -q "$(sed -n 's/.*"token": "\(glpat-[^"]*\)".*/\1/p' "$work/output.txt" | cut -c7-)" "$work/server.log"; then
  echo "FAILED: the secret appears in the server log" >&2
  failures=$((failures + 1))
fi
exit $((failures > 0))
