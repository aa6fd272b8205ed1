// Splits command-line arguments into flags and positional arguments against
// a list of known flags. It does not interpret the values, because the
// commands parse and check them.
//
// Accepted forms: `--name value`, `--name=value`, `-x value` for a flag with
// a short name, `--switch` for a flag without a value, and `--` to end the
// flags. Stateless functions, so thread-safe.
#ifndef ACCESSTOKENS_CLIENTS_CPP_CLI_ARGUMENT_PARSER_H_
#define ACCESSTOKENS_CLIENTS_CPP_CLI_ARGUMENT_PARSER_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace accesstokens::cli {

// A flag that a command accepts.
struct FlagSpec {
  // Long name without the dashes, such as "project".
  std::string name;
  // Placeholder of the value in help text, such as "ID"; empty for a switch
  // that takes no value.
  std::string value_name;
  // One line for --help: what the flag sets, with its unit or form.
  std::string help;
  // Whether the flag may be given more than once.
  bool repeated = false;
  // Optional one-letter alias, such as 'o' for -o.
  char short_name = '\0';
};

// The result of parsing: values by flag name, in command-line order, and the
// positional arguments. A switch has one empty value per occurrence.
class ParsedArguments {
 public:
  bool Has(const std::string& flag) const { return flags_.count(flag) > 0; }
  // Returns the flag's last value, or nullopt if the flag is absent.
  std::optional<std::string> Value(const std::string& flag) const;
  // Returns every value of a repeated flag, or an empty list if absent.
  std::vector<std::string> Values(const std::string& flag) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

  void AddFlag(const std::string& flag, std::string value);
  void AddPositional(std::string value);

 private:
  std::map<std::string, std::vector<std::string>> flags_;
  std::vector<std::string> positionals_;
};

// Parses `args` against `specs`. Returns INVALID_ARGUMENT, naming the flag,
// for an unknown flag, a missing value, a value given to a switch, or a
// second occurrence of a flag that is not repeated.
absl::StatusOr<ParsedArguments> ParseArguments(
    absl::Span<const std::string> args, absl::Span<const FlagSpec> specs);

// Whether `args` contains -h or --help before any `--`.
bool WantsHelp(absl::Span<const std::string> args);

}  // namespace accesstokens::cli

#endif  // ACCESSTOKENS_CLIENTS_CPP_CLI_ARGUMENT_PARSER_H_
