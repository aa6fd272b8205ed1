#include "service/filter_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace accesstokens {
namespace {

bool IsFieldChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool IsWordChar(char c) {
  return IsFieldChar(c) || c == '-' || c == '.' || c == ':' || c == '+' ||
         c == '/';
}

// A cursor over the filter text with the error messages of the grammar.
class Scanner {
 public:
  explicit Scanner(absl::string_view text) : text_(text) {}

  void SkipSpaces() {
    while (pos_ < text_.size() &&
           absl::ascii_isspace(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
  }
  bool AtEnd() {
    SkipSpaces();
    return pos_ == text_.size();
  }

  absl::Status Error(absl::string_view expected) const {
    const absl::string_view found =
        pos_ < text_.size() ? text_.substr(pos_, 20) : "the end";
    return absl::InvalidArgumentError(absl::StrCat(
        "filter \"", text_.substr(0, 200), "\" is invalid at character ",
        pos_ + 1, ": expected ", expected, ", found \"", found,
        "\"; write comparisons such as state = active, joined with AND"));
  }

  absl::StatusOr<std::string> Field() {
    SkipSpaces();
    const size_t start = pos_;
    while (pos_ < text_.size() && IsFieldChar(text_[pos_])) ++pos_;
    if (pos_ == start) return Error("a field name");
    return std::string(text_.substr(start, pos_ - start));
  }

  absl::StatusOr<std::string> Operator() {
    SkipSpaces();
    for (absl::string_view op : {"<=", ">=", "!=", "=", "<", ">", ":"}) {
      if (text_.substr(pos_, op.size()) == op) {
        pos_ += op.size();
        return std::string(op);
      }
    }
    return Error("an operator (=, !=, <, <=, >, >= or :)");
  }

  absl::StatusOr<std::string> Value() {
    SkipSpaces();
    if (pos_ < text_.size() && text_[pos_] == '"') return Quoted();
    const size_t start = pos_;
    while (pos_ < text_.size() && IsWordChar(text_[pos_])) ++pos_;
    if (pos_ == start) return Error("a value");
    return std::string(text_.substr(start, pos_ - start));
  }

  // Consumes "AND" followed by a space or the end; returns false if the
  // next word is something else.
  bool And() {
    SkipSpaces();
    if (text_.substr(pos_, 3) != "AND") return false;
    if (pos_ + 3 < text_.size() &&
        !absl::ascii_isspace(static_cast<unsigned char>(text_[pos_ + 3]))) {
      return false;
    }
    pos_ += 3;
    return true;
  }

 private:
  absl::StatusOr<std::string> Quoted() {
    const size_t open = pos_++;
    std::string value;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      value += text_[pos_++];
    }
    if (pos_ == text_.size()) {
      pos_ = open;
      return Error("a closing \" for the string");
    }
    ++pos_;
    return value;
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<FilterTerm>> ParseFilter(absl::string_view filter) {
  if (filter.size() > kMaxFilterLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("filter has ", filter.size(), " bytes; at most ",
                     kMaxFilterLength, " are allowed"));
  }
  Scanner scanner(filter);
  std::vector<FilterTerm> terms;
  if (scanner.AtEnd()) return terms;

  while (true) {
    FilterTerm term;
    absl::StatusOr<std::string> field = scanner.Field();
    if (!field.ok()) return field.status();
    absl::StatusOr<std::string> op = scanner.Operator();
    if (!op.ok()) return op.status();
    absl::StatusOr<std::string> value = scanner.Value();
    if (!value.ok()) return value.status();
    terms.push_back({*std::move(field), *std::move(op), *std::move(value)});

    if (scanner.AtEnd()) return terms;
    if (!scanner.And()) return scanner.Error("AND or the end of the filter");
  }
}

}  // namespace accesstokens
