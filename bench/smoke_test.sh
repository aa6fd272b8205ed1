#!/usr/bin/env bash
# Runs every benchmark tool for a moment on a tiny database, so that the
# tools keep building and working. It covers the seeder, the empty
# baseline server, each load scenario against the real server (each must
# end with its expected status), the SQLite limits and one short pass of
# the micro-benchmarks. It measures nothing.
#
# Usage: smoke_test.sh BENCH_BINARY_DIR SERVER_BINARY
set -euo pipefail
bin=$1
server_binary=$2

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# wait_listening LOG: prints host:port once LOG has the server's
# "listening on" line.
wait_listening() {
  local address=""
  for _ in $(seq 1 300); do
    address=$(grep -o 'listening on 127\.0\.0\.1:[0-9]*' "$1" | cut -d' ' -f3 || true)
    if [[ -n "$address" ]]; then
      echo "$address"
      return 0
    fi
    sleep 0.1
  done
  echo "no server started; its log:" >&2
  cat "$1" >&2
  return 1
}

"$bin/accesstokens-bench-seed" --db="$work/bench.db" --tokens=3000 \
  --projects=5 --big_project_tokens=200

"$server_binary" --listen=127.0.0.1:0 --db="$work/bench.db" \
  --secret_key_file="$work/bench.db.key" >"$work/server.log" 2>&1 &
pids+=($!)
server_pid=$!
"$bin/accesstokens-bench-empty-server" >"$work/empty.log" 2>&1 &
pids+=($!)
server=$(wait_listening "$work/server.log")
empty=$(wait_listening "$work/empty.log")

# run SCENARIO TARGET [FLAGS...]: a short run that fails on any status but
# the scenario's expected one. Later flags override earlier ones, so the
# scenarios that use up tokens skip the warm-up.
run() {
  local scenario=$1 target=$2
  shift 2
  if ! "$bin/accesstokens-bench-load" --target="$target" \
      --scenario="$scenario" --layout="$work/bench.db.layout" --channels=2 \
      --calls_per_channel=4 --warmup_seconds=0.1 --duration_seconds=0.4 \
      --server_pid="$server_pid" --fail_on_unexpected \
      --json_file="$work/results.jsonl" "$@"; then
    # A sanitizer report or a crash of a server shows only in its log.
    echo "scenario $scenario failed; the end of the servers' logs:" >&2
    tail -n 60 "$work/server.log" "$work/empty.log" >&2
    return 1
  fi
}

run empty "$empty"
run authenticate_valid "$server" --token_range=0:400 --working_set=50
run authenticate_valid "$server" --token_range=0:400
run authenticate_unknown "$server" --client_addresses=100000
run authenticate_revoked "$server" --token_range=0:400 --client_addresses=100000
run list_first_page "$server"
run list_deep_page "$server"
run create "$server"
run rotate "$server" --consume_range=1000:2000 --warmup_seconds=0
run revoke "$server" --consume_range=2000:2500 --warmup_seconds=0
run mix "$server" --token_range=0:400 --working_set=50 --consume_range=2500:3000 \
  --write_fraction=0.2 --warmup_seconds=0

if [[ $(grep -c '"tool":"load"' "$work/results.jsonl") -ne 11 ]]; then
  echo "expected 11 JSON lines in $work/results.jsonl" >&2
  exit 1
fi

"$bin/accesstokens-bench-sqlite" --dir="$work" --seconds=0.2 --rows=1000
TMPDIR="$work" "$bin/accesstokens-microbench" --lookup_tokens=1000 \
  --benchmark_min_time=0.01
echo "benchmark tools ran"
