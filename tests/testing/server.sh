# Shell helpers for tests that start the real server. Source this file.
#
#   start_server SERVER_BINARY FOLDER [FLAG...]
#       starts the server on 127.0.0.1:0 with its database and key in
#       FOLDER and its log in FOLDER/server.log, waits until it listens, and
#       sets server_pid and address (host:port); exits the script with the
#       log if the server does not start within 30 seconds.
#   stop_server
#       stops the server, if it runs, and waits for it.

server_pid=""
address=""

start_server() {
  local binary=$1 folder=$2
  shift 2
  mkdir -p "$folder/data"
  "$binary" --listen=127.0.0.1:0 --db="$folder/data/accesstokens.db" \
    --secret_key_file="$folder/data/secret.key" "$@" >"$folder/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    address=$(grep -o 'listening on 127\.0\.0\.1:[0-9]*' "$folder/server.log" | cut -d' ' -f3 || true)
    [[ -n "$address" ]] && return 0
    sleep 0.1
  done
  echo "the server did not start within 30 seconds; its log:" >&2
  cat "$folder/server.log" >&2
  exit 1
}

stop_server() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
