#include "clients/cpp/cli/command.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cpp/cli/value_parsers.h"

namespace accesstokens::cli {

std::string Command::Name() const { return absl::StrJoin(info.path, " "); }

absl::StatusOr<std::string> SinglePositional(const Invocation& call,
                                             absl::string_view placeholder) {
  const std::vector<std::string>& positionals = call.arguments.positionals();
  if (positionals.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("missing argument ", placeholder));
  }
  if (positionals.size() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument \"", positionals[1], "\": only one ",
                     placeholder, " is allowed"));
  }
  return positionals.front();
}

absl::Status NoPositionals(const Invocation& call) {
  const std::vector<std::string>& positionals = call.arguments.positionals();
  if (!positionals.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument \"", positionals.front(),
                     "\": this command takes options only"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> RequiredFlag(const Invocation& call,
                                         const FlagSpec& flag) {
  std::optional<std::string> value = call.arguments.Value(flag.name);
  if (!value.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("missing option --", flag.name, " ", flag.value_name));
  }
  return *value;
}

absl::StatusOr<std::string> ParentFromFlags(const Invocation& call) {
  const std::optional<std::string> project = call.arguments.Value("project");
  const std::optional<std::string> group = call.arguments.Value("group");
  if (project.has_value() && group.has_value()) {
    return absl::InvalidArgumentError(
        "give either --project ID or --group ID, not both");
  }
  if (project.has_value()) {
    return ParseResourceName("--project", "projects", *project);
  }
  if (group.has_value()) return ParseResourceName("--group", "groups", *group);
  return absl::InvalidArgumentError(
      "missing option --project ID or --group ID");
}

FlagSpec ProjectFlag(absl::string_view purpose) {
  return {"project", "ID",
          absl::StrCat("project ", purpose,
                       ", by id (123) or name (projects/123)")};
}

FlagSpec GroupFlag(absl::string_view purpose) {
  return {
      "group", "ID",
      absl::StrCat("group ", purpose, ", by id (109) or name (groups/109)")};
}

std::vector<FlagSpec> PageFlags() {
  return {{"page-size", "N",
           "maximum number of results; 0 means the server's default of 20, "
           "and the server returns at most 100"},
          {"page-token", "TOKEN",
           "next-page token printed with the previous page"}};
}

void PrintNextPageHint(const std::string& next_page_token,
                       std::ostream& notes) {
  if (next_page_token.empty()) return;
  notes << "More results: repeat the command with --page-token="
        << next_page_token << "\n";
}

}  // namespace accesstokens::cli
