// The command-line tool `accesstokens` as a function: it takes the
// arguments and the process's streams and environment, runs one command,
// and returns the exit code. main() only passes in the real ones, so tests
// can run the whole tool in-process.
#ifndef ACCESSTOKENS_CLIENTS_CPP_CLI_CLI_H_
#define ACCESSTOKENS_CLIENTS_CPP_CLI_CLI_H_

#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "clients/cpp/cli/global_options.h"

namespace accesstokens::cli {

struct CliEnvironment {
  std::istream* in = nullptr;
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  Getenv getenv;
  // File descriptor of the terminal behind `in`, or -1 if it is not one.
  int stdin_terminal_fd = -1;
};

// Runs the tool with `args`, the arguments after the program name, and
// returns an exit code from exit_codes.h. Results go to `out`; errors,
// prompts and hints to `err`.
int RunCli(const std::vector<std::string>& args, const CliEnvironment& env);

}  // namespace accesstokens::cli

#endif  // ACCESSTOKENS_CLIENTS_CPP_CLI_CLI_H_
