// The options every command accepts: where and how to connect, the output
// format, and the actor. Each has a command-line option, and most also an
// environment variable that the option overrides. The bearer credential
// comes only from a file or the environment, never from the command line,
// where other users of the machine could read it. Stateless functions, so
// thread-safe.
#ifndef ACCESSTOKENS_CLIENTS_CPP_CLI_GLOBAL_OPTIONS_H_
#define ACCESSTOKENS_CLIENTS_CPP_CLI_GLOBAL_OPTIONS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "clients/cpp/access_token_client.h"
#include "clients/cpp/cli/argument_parser.h"

namespace accesstokens::cli {

// Returns the value of an environment variable, or nullopt if it is unset.
using Getenv = std::function<std::optional<std::string>(const std::string&)>;

enum class OutputFormat { kTable, kJson };

struct GlobalOptions {
  ClientOptions client;
  OutputFormat output = OutputFormat::kTable;
};

// The environment variables read, with what each sets, for --help.
struct EnvironmentVariable {
  const char* name;
  const char* help;
};
const std::vector<EnvironmentVariable>& EnvironmentVariables();

// The global options, --help included.
const std::vector<FlagSpec>& GlobalFlags();

// Reads the global options from `arguments` and the environment.
// INVALID_ARGUMENT names the option or variable and the allowed values;
// an unreadable credential file gives the code of its errno.
absl::StatusOr<GlobalOptions> ReadGlobalOptions(
    const ParsedArguments& arguments, const Getenv& getenv);

}  // namespace accesstokens::cli

#endif  // ACCESSTOKENS_CLIENTS_CPP_CLI_GLOBAL_OPTIONS_H_
