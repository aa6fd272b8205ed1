#include "clients/cpp/cli/help.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/cpp/cli/commands.h"
#include "clients/cpp/cli/global_options.h"

namespace accesstokens::cli {
namespace {

constexpr size_t kLineWidth = 79;
// Left columns wider than this push their text to the next line.
constexpr size_t kMaxLeftColumn = 30;

// Prints rows of "  left  text" with the texts aligned and wrapped.
void PrintTwoColumns(
    const std::vector<std::pair<std::string, std::string>>& rows,
    std::ostream& out) {
  size_t left_width = 0;
  for (const auto& [left, text] : rows) {
    if (left.size() <= kMaxLeftColumn) {
      left_width = std::max(left_width, left.size());
    }
  }
  const size_t indent = 2 + left_width + 2;
  for (const auto& [left, text] : rows) {
    out << "  " << left;
    if (left.size() > left_width) {
      out << "\n" << std::string(indent, ' ');
    } else {
      out << std::string(left_width - left.size() + 2, ' ');
    }
    out << WrapText(text, kLineWidth - indent, indent) << "\n";
  }
}

void PrintOptions(const std::vector<FlagSpec>& flags, std::ostream& out) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const FlagSpec& flag : flags) {
    std::string left = flag.short_name != '\0'
                           ? absl::StrCat("-", std::string(1, flag.short_name),
                                          ", --", flag.name)
                           : absl::StrCat("--", flag.name);
    if (!flag.value_name.empty()) absl::StrAppend(&left, " ", flag.value_name);
    std::string text = flag.help;
    if (flag.repeated) absl::StrAppend(&text, " (repeatable)");
    rows.emplace_back(std::move(left), std::move(text));
  }
  PrintTwoColumns(rows, out);
}

void PrintCommandList(absl::string_view group, std::ostream& out) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const Command& command : AllCommands()) {
    if (group.empty() || command.info.path.front() == group) {
      rows.emplace_back(command.Name(), command.info.summary);
    }
  }
  PrintTwoColumns(rows, out);
}

std::string Sentence(absl::string_view summary) {
  std::string sentence(summary);
  if (!sentence.empty()) sentence[0] = absl::ascii_toupper(sentence[0]);
  return absl::StrCat(sentence, ".");
}

constexpr char kActorNote[] =
    "Commands that change something send an actor: --actor-user-id with "
    "--actor-level for a human user, or --actor-bot for a bot user.";

}  // namespace

std::string WrapText(absl::string_view text, size_t width, size_t indent) {
  std::string wrapped;
  size_t line_length = 0;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (line_length > 0 && line_length + 1 + word.size() > width) {
      absl::StrAppend(&wrapped, "\n", std::string(indent, ' '));
      line_length = 0;
    } else if (line_length > 0) {
      wrapped += ' ';
      ++line_length;
    }
    absl::StrAppend(&wrapped, word);
    line_length += word.size();
  }
  return wrapped;
}

void PrintTopLevelHelp(std::ostream& out) {
  out << "accesstokens: a client of the accesstokens service, which issues, "
         "lists,\nrotates, revokes and authenticates project and group access "
         "tokens.\n\n"
      << "Usage: accesstokens [options] COMMAND [arguments]\n\n"
      << "Commands:\n";
  PrintCommandList("", out);
  out << "\nGlobal options, accepted before or after the command:\n";
  PrintOptions(GlobalFlags(), out);

  out << "\nEnvironment variables:\n";
  std::vector<std::pair<std::string, std::string>> variables;
  for (const EnvironmentVariable& variable : EnvironmentVariables()) {
    variables.emplace_back(variable.name, variable.help);
  }
  PrintTwoColumns(variables, out);

  out << "\nExit codes:\n";
  PrintTwoColumns(
      {{"0", "success"},
       {"1",
        "the call failed with any other status, such as "
        "INVALID_ARGUMENT from the server, or the server could not be "
        "reached"},
       {"2",
        "usage error: unknown command or option, missing or malformed "
        "argument, unreadable file; nothing was sent"},
       {"3", "NOT_FOUND: the resource does not exist"},
       {"4", "UNAUTHENTICATED: the token is unknown, revoked or expired"}},
      out);

  out << "\n"
      << WrapText(kActorNote, kLineWidth, 0) << "\n"
      << "Run 'accesstokens COMMAND --help' for the options of a command.\n";
}

void PrintGroupHelp(absl::string_view group, std::ostream& out) {
  out << "Usage: accesstokens " << group << " COMMAND [arguments]\n\n"
      << "Commands:\n";
  PrintCommandList(group, out);
  out << "\nRun 'accesstokens " << group
      << " COMMAND --help' for the options of a command.\n";
}

void PrintCommandHelp(const Command& command, std::ostream& out) {
  out << "Usage: accesstokens " << command.Name();
  if (!command.info.synopsis.empty()) out << " " << command.info.synopsis;
  std::string about = Sentence(command.info.summary);
  if (!command.info.description.empty()) {
    absl::StrAppend(&about, " ", command.info.description);
  }
  out << "\n\n" << WrapText(about, kLineWidth, 0) << "\n";
  if (!command.info.flags.empty()) {
    out << "\nOptions:\n";
    PrintOptions(command.info.flags, out);
  }
  if (command.info.mutating) {
    out << "\n" << WrapText(kActorNote, kLineWidth, 0) << "\n";
  }
  out << "\nRun 'accesstokens --help' for the global options, such as "
         "--server and\n--output json, and for the exit codes.\n";
}

}  // namespace accesstokens::cli
