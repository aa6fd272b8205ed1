#include "service/flags_help.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"

namespace accesstokens {
namespace {

constexpr size_t kLineWidth = 80;
constexpr absl::string_view kHelpIndent = "      ";

// Writes `text` word by word, starting each line with kHelpIndent.
void WriteWrapped(std::ostream& out, absl::string_view text) {
  size_t column = 0;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (column > 0 && column + 1 + word.size() > kLineWidth) {
      out << "\n";
      column = 0;
    }
    if (column == 0) {
      out << kHelpIndent << word;
      column = kHelpIndent.size() + word.size();
    } else {
      out << " " << word;
      column += 1 + word.size();
    }
  }
  out << "\n";
}

}  // namespace

void WriteFlagsHelp(std::ostream& out, absl::string_view flags_file) {
  out << absl::ProgramUsageMessage() << "\n\nFlags:\n";

  std::vector<const absl::CommandLineFlag*> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (absl::EndsWith(flag->Filename(), flags_file)) flags.push_back(flag);
  }
  std::sort(flags.begin(), flags.end(),
            [](const absl::CommandLineFlag* a, const absl::CommandLineFlag* b) {
              return a->Name() < b->Name();
            });

  for (const absl::CommandLineFlag* flag : flags) {
    std::string default_value = flag->DefaultValue();
    if (flag->IsOfType<std::string>()) {
      default_value = "\"" + default_value + "\"";
    }
    out << "  --" << flag->Name() << " (default: " << default_value << ")\n";
    WriteWrapped(out, flag->Help());
  }
}

void HandleHelpFlag(int argc, char** argv, absl::string_view flags_file) {
  for (int i = 1; i < argc; ++i) {
    const absl::string_view argument = argv[i];
    if (argument == "--") return;
    if (argument == "--help" || argument == "-h") {
      WriteFlagsHelp(std::cout, flags_file);
      std::exit(0);
    }
  }
}

}  // namespace accesstokens
