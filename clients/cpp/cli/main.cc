// The accesstokens command-line tool. See `accesstokens --help`.

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "clients/cpp/cli/cli.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);

  accesstokens::cli::CliEnvironment env;
  env.in = &std::cin;
  env.out = &std::cout;
  env.err = &std::cerr;
  env.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  env.stdin_terminal_fd = isatty(STDIN_FILENO) ? STDIN_FILENO : -1;
  return accesstokens::cli::RunCli(args, env);
}
