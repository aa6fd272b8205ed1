// Reads a token secret for the command-line tool from the ACCESSTOKENS_TOKEN
// environment variable or from standard input, so that it never appears in
// the command line, the shell history or the process list. Not thread-safe:
// it reads the given stream and may switch the terminal's echo.
#ifndef ACCESSTOKENS_CLIENTS_CPP_CLI_SECRET_INPUT_H_
#define ACCESSTOKENS_CLIENTS_CPP_CLI_SECRET_INPUT_H_

#include <istream>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "clients/cpp/cli/global_options.h"

namespace accesstokens::cli {

// The sources of ReadSecret.
struct SecretSource {
  Getenv getenv;
  std::istream* in = nullptr;
  // File descriptor of a terminal behind `in`, or -1 when `in` is not a
  // terminal. On a terminal, ReadSecret prompts on `prompt` and turns echo
  // off while the user types.
  int terminal_fd = -1;
  std::ostream* prompt = nullptr;
};

// Returns ACCESSTOKENS_TOKEN if set and not empty, else the first line of
// the input without surrounding whitespace. INVALID_ARGUMENT if both are
// empty. The messages never contain the secret.
absl::StatusOr<std::string> ReadSecret(const SecretSource& source);

}  // namespace accesstokens::cli

#endif  // ACCESSTOKENS_CLIENTS_CPP_CLI_SECRET_INPUT_H_
