// Plain-text layouts for terminal output: Table prints rows under headers in
// aligned columns, FieldList prints one "label: value" line per field. Cells
// have control characters escaped, so a display name cannot move the cursor
// or fake extra lines. Not thread-safe; build and print on one thread.
#ifndef ACCESSTOKENS_CLIENTS_CPP_CLI_TABLE_H_
#define ACCESSTOKENS_CLIENTS_CPP_CLI_TABLE_H_

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace accesstokens::cli {

// Returns `text` with each control character (below 0x20, and 0x7f) written
// as a C escape such as \n or \x1b.
std::string EscapeControlCharacters(absl::string_view text);

class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // REQUIRES: `cells` has one entry per header.
  void AddRow(std::vector<std::string> cells);

  // Prints the headers and rows, columns separated by two spaces. Widths
  // count UTF-8 code points, which matches the terminal for most scripts
  // but not for double-width characters such as CJK.
  void Print(std::ostream& out) const;

 private:
  std::vector<std::vector<std::string>> rows_;  // The headers come first.
};

class FieldList {
 public:
  void Add(std::string label, std::string value);
  // Prints "label:" padded to the longest label, then the value.
  void Print(std::ostream& out) const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace accesstokens::cli

#endif  // ACCESSTOKENS_CLIENTS_CPP_CLI_TABLE_H_
