#include "clients/cpp/cli/argument_parser.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace accesstokens::cli {
namespace {

// Finds the spec of `--name` or `-c`; nullptr if unknown.
const FlagSpec* FindSpec(absl::Span<const FlagSpec> specs,
                         absl::string_view dashed_name) {
  for (const FlagSpec& spec : specs) {
    if (absl::StartsWith(dashed_name, "--") &&
        dashed_name.substr(2) == spec.name) {
      return &spec;
    }
    if (spec.short_name != '\0' && dashed_name.size() == 2 &&
        dashed_name[0] == '-' && dashed_name[1] == spec.short_name) {
      return &spec;
    }
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> ParsedArguments::Value(
    const std::string& flag) const {
  auto it = flags_.find(flag);
  if (it == flags_.end()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedArguments::Values(
    const std::string& flag) const {
  auto it = flags_.find(flag);
  if (it == flags_.end()) return {};
  return it->second;
}

void ParsedArguments::AddFlag(const std::string& flag, std::string value) {
  flags_[flag].push_back(std::move(value));
}

void ParsedArguments::AddPositional(std::string value) {
  positionals_.push_back(std::move(value));
}

absl::StatusOr<ParsedArguments> ParseArguments(
    absl::Span<const std::string> args, absl::Span<const FlagSpec> specs) {
  ParsedArguments parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      for (++i; i < args.size(); ++i) parsed.AddPositional(args[i]);
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      parsed.AddPositional(arg);
      continue;
    }

    // Split `--name=value`.
    const size_t equals = arg.find('=');
    const std::string dashed_name = arg.substr(0, equals);
    const FlagSpec* spec = FindSpec(specs, dashed_name);
    if (spec == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown option ", dashed_name));
    }
    const std::string option = absl::StrCat("--", spec->name);
    if (!spec->repeated && parsed.Has(spec->name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("option ", option, " is given more than once"));
    }

    if (spec->value_name.empty()) {
      if (equals != std::string::npos) {
        return absl::InvalidArgumentError(
            absl::StrCat("option ", option, " takes no value, but got \"",
                         arg.substr(equals + 1), "\""));
      }
      parsed.AddFlag(spec->name, "");
    } else if (equals != std::string::npos) {
      parsed.AddFlag(spec->name, arg.substr(equals + 1));
    } else if (i + 1 < args.size()) {
      parsed.AddFlag(spec->name, args[++i]);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("option ", option,
                                                     " needs a value: ", option,
                                                     " ", spec->value_name));
    }
  }
  return parsed;
}

bool WantsHelp(absl::Span<const std::string> args) {
  for (const std::string& arg : args) {
    if (arg == "--") return false;
    if (arg == "-h" || arg == "--help") return true;
  }
  return false;
}

}  // namespace accesstokens::cli
