// A parser for the filters of List methods: a subset of AIP-160
// (https://google.aip.dev/160) made of comparisons joined with AND.
//
//   filter     = comparison { "AND" comparison }
//   comparison = field operator value
//   field      = name of letters, digits and "_"
//   operator   = "=" | "!=" | "<" | "<=" | ">" | ">=" | ":"
//   value      = a "double-quoted" string with \" and \\ escapes, or a bare
//                word of letters, digits and "_-.:+/"
//
// Which fields, operators and values mean something is up to each List
// method.
#ifndef ACCESSTOKENS_SERVICE_FILTER_PARSER_H_
#define ACCESSTOKENS_SERVICE_FILTER_PARSER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace accesstokens {

struct FilterTerm {
  std::string field;
  std::string op;     // As written, such as "<=".
  std::string value;  // Unquoted and unescaped.
};

// Maximum filter length, in bytes.
inline constexpr size_t kMaxFilterLength = 2048;

// Parses `filter`; an empty or blank filter has no terms. INVALID_ARGUMENT
// names the position and what was expected there.
absl::StatusOr<std::vector<FilterTerm>> ParseFilter(absl::string_view filter);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_FILTER_PARSER_H_
