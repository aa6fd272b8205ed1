#include "clients/cpp/cli/table.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "glog/logging.h"

namespace accesstokens::cli {
namespace {

// Counts UTF-8 code points: every byte that is not a continuation byte.
size_t DisplayWidth(absl::string_view text) {
  return std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
}

void PrintPadded(std::ostream& out, const std::string& text, size_t width) {
  out << text << std::string(width - std::min(width, DisplayWidth(text)), ' ');
}

}  // namespace

std::string EscapeControlCharacters(absl::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      escaped += "\\n";
    } else if (c == '\t') {
      escaped += "\\t";
    } else if (c == '\r') {
      escaped += "\\r";
    } else if (byte < 0x20 || byte == 0x7f) {
      escaped += absl::StrFormat("\\x%02x", byte);
    } else {
      escaped += c;
    }
  }
  return escaped;
}

Table::Table(std::vector<std::string> headers) {
  rows_.push_back(std::move(headers));
}

void Table::AddRow(std::vector<std::string> cells) {
  CHECK_EQ(cells.size(), rows_.front().size())
      << "a row needs one cell per column";
  for (std::string& cell : cells) cell = EscapeControlCharacters(cell);
  rows_.push_back(std::move(cells));
}

void Table::Print(std::ostream& out) const {
  const size_t columns = rows_.front().size();
  std::vector<size_t> widths(columns, 0);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < columns; ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }

  for (const auto& row : rows_) {
    for (size_t i = 0; i + 1 < columns; ++i) {
      PrintPadded(out, row[i], widths[i]);
      out << "  ";
    }
    out << row[columns - 1] << "\n";
  }
}

void FieldList::Add(std::string label, std::string value) {
  fields_.emplace_back(std::move(label), EscapeControlCharacters(value));
}

void FieldList::Print(std::ostream& out) const {
  size_t width = 0;
  for (const auto& [label, value] : fields_) {
    width = std::max(width, DisplayWidth(label) + 1);
  }
  for (const auto& [label, value] : fields_) {
    PrintPadded(out, label + ":", width);
    out << "  " << value << "\n";
  }
}

}  // namespace accesstokens::cli
