// Page sizes and page tokens of the List methods. A page token records the
// id that ended the previous page together with the listing it belongs to,
// so it cannot be replayed against another parent or filter.
#ifndef ACCESSTOKENS_SERVICE_PAGINATION_H_
#define ACCESSTOKENS_SERVICE_PAGINATION_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace accesstokens {

inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 100;

// Returns the effective page size: 0 means kDefaultPageSize, larger than
// kMaxPageSize means kMaxPageSize, negative is INVALID_ARGUMENT.
absl::StatusOr<int> ResolvePageSize(int32_t page_size);

// Returns the opaque token of the page after `last_id` in `listing`, a
// string that identifies the parent and filter of the request.
std::string EncodePageToken(absl::string_view listing, int64_t last_id);

// Returns the id after which the page starts: 0 for an empty token.
// INVALID_ARGUMENT for a token that is malformed or from another listing.
absl::StatusOr<int64_t> DecodePageToken(absl::string_view listing,
                                        absl::string_view page_token);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_PAGINATION_H_
