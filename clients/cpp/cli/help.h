// Help text of the command-line tool, generated from the commands and
// options so that it cannot fall out of step with them. Stateless
// functions, so thread-safe.
#ifndef ACCESSTOKENS_CLIENTS_CPP_CLI_HELP_H_
#define ACCESSTOKENS_CLIENTS_CPP_CLI_HELP_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "clients/cpp/cli/command.h"

namespace accesstokens::cli {

// Prints the usage line, every command, the global options, the
// environment variables and the exit codes.
void PrintTopLevelHelp(std::ostream& out);

// Prints the subcommands of a command group such as "tokens".
void PrintGroupHelp(absl::string_view group, std::ostream& out);

// Prints a command's usage line, description and options.
void PrintCommandHelp(const Command& command, std::ostream& out);

// Returns `text` broken into lines of at most `width` characters, each
// after the first indented by `indent` spaces. Words longer than a line
// stay whole.
std::string WrapText(absl::string_view text, size_t width, size_t indent);

}  // namespace accesstokens::cli

#endif  // ACCESSTOKENS_CLIENTS_CPP_CLI_HELP_H_
