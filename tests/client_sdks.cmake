# Checks of the Python, Go and TypeScript clients under clients/ and of the
# API definition they are generated from. The end-to-end tests start the
# real server on a free port of 127.0.0.1 with a new database; the binary
# reaches them in ACCESSTOKENS_SERVER.

set(ACCESSTOKENS_PYTHON /usr/bin/python3 CACHE FILEPATH
    "Python with Debian's python3-grpcio and python3-protobuf, for the Python client tests")
set(clients_dir "${PROJECT_SOURCE_DIR}/clients")
set(server_environment "ACCESSTOKENS_SERVER=$<TARGET_FILE:accesstokens-server>")

# The committed generated code matches proto/ (scripts/generate rewrites it).
add_test(NAME generated_code_fresh
  COMMAND "${PROJECT_SOURCE_DIR}/scripts/generate" --check)

# proto/ has no breaking change since the previous commit. In a clone
# without that commit the script exits with 77 and CTest reports the test
# as skipped.
add_test(NAME buf_breaking
  COMMAND "${PROJECT_SOURCE_DIR}/scripts/check-breaking")
set_tests_properties(buf_breaking PROPERTIES SKIP_RETURN_CODE 77)

add_test(NAME python_client_e2e
  COMMAND "${ACCESSTOKENS_PYTHON}" -m unittest discover -v
          -s "${clients_dir}/python/tests")
set_tests_properties(python_client_e2e PROPERTIES
  ENVIRONMENT "${server_environment};PYTHONPATH=${clients_dir}/python/src;PYTHONDONTWRITEBYTECODE=1"
  TIMEOUT 120)

# Unit and end-to-end tests of the Go client, built offline in GOPATH mode.
add_test(NAME go_client_test
  COMMAND "${clients_dir}/go/gopath-go" test -v ./...)
set_tests_properties(go_client_test PROPERTIES
  ENVIRONMENT "${server_environment}"
  TIMEOUT 600)

add_test(NAME go_client_gofmt
  COMMAND sh -c "unformatted=$(gofmt -l \"$0\") && test -z \"$unformatted\" || { echo \"not formatted by gofmt: $unformatted\"; exit 1; }"
          "${clients_dir}/go")

# Compiles the TypeScript client and its tests into clients/typescript/dist
# and runs them with Node.js's test runner; needs npm ci in that folder.
add_test(NAME typescript_client_e2e
  COMMAND npm test --silent
  WORKING_DIRECTORY "${clients_dir}/typescript")
set_tests_properties(typescript_client_e2e PROPERTIES
  ENVIRONMENT "${server_environment}"
  TIMEOUT 300)
