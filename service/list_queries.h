// The filters and orders of ListAccessTokens and ListAuditEvents, turned
// into store queries. The accepted forms are documented on the request
// messages in access_token_service.proto; anything else is
// INVALID_ARGUMENT naming the field, operator or value and what is allowed.
//
// All functions are pure and thread-safe.
#ifndef ACCESSTOKENS_SERVICE_LIST_QUERIES_H_
#define ACCESSTOKENS_SERVICE_LIST_QUERIES_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "service/pagination.h"
#include "storage/store.h"

namespace accesstokens {

// Sets the filter fields of `query` from a ListAccessTokens filter.
absl::Status ApplyTokenFilter(absl::string_view filter,
                              TokenListQuery& query);

// Maximum length of an order_by, in bytes.
inline constexpr size_t kMaxOrderByLength = 64;

// Sets the order of `query` from a ListAccessTokens order_by, of at most
// kMaxOrderByLength bytes.
absl::Status ApplyTokenOrder(absl::string_view order_by,
                             TokenListQuery& query);

// Returns the cursor that continues a token listing in `order` after
// `token`.
PageCursor TokenCursorOf(const TokenRecord& token, TokenOrder order);

// Sets the filter fields of `query` from a ListAuditEvents filter.
absl::Status ApplyAuditFilter(absl::string_view filter,
                              AuditListQuery& query);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_LIST_QUERIES_H_
