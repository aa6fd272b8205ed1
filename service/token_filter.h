// The filter of ListAccessTokens.
#ifndef ACCESSTOKENS_SERVICE_TOKEN_FILTER_H_
#define ACCESSTOKENS_SERVICE_TOKEN_FILTER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/store.h"

namespace accesstokens {

struct TokenFilter {
  TokenStateFilter state = TokenStateFilter::kAll;
  // A canonical spelling of the filter, equal for equal filters; page tokens
  // carry it.
  std::string canonical;
};

// Parses an empty filter or `state = active`, `state = inactive`,
// `state = all`, with any spacing around `=` and values in any case.
// INVALID_ARGUMENT names the filter and the supported forms.
absl::StatusOr<TokenFilter> ParseTokenFilter(absl::string_view filter);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_TOKEN_FILTER_H_
