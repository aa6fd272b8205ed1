// --help for the command-line programs. Abseil's own --help exits with
// status 1 and heads its flag list with the source path of each flag, so
// scripts read a help request as a failure. This one exits with status 0.
#ifndef ACCESSTOKENS_SERVICE_FLAGS_HELP_H_
#define ACCESSTOKENS_SERVICE_FLAGS_HELP_H_

#include <ostream>

#include "absl/strings/string_view.h"

namespace accesstokens {

// Writes the program usage message and then each flag defined in a source
// file whose path ends with `flags_file`: its name, default and help,
// sorted by name and wrapped at 80 columns.
void WriteFlagsHelp(std::ostream& out, absl::string_view flags_file);

// If an argument is --help or -h, writes the help to stdout and exits with
// status 0. Call it after absl::SetProgramUsageMessage() and before
// absl::ParseCommandLine().
void HandleHelpFlag(int argc, char** argv, absl::string_view flags_file);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_FLAGS_HELP_H_
