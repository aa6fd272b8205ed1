// Page sizes and page tokens of the List methods. A page token records
// where the previous page ended (the sort key and id of its last record)
// together with a digest of the request it belongs to, so that it cannot
// be replayed against another parent, filter or order.
#ifndef ACCESSTOKENS_SERVICE_PAGINATION_H_
#define ACCESSTOKENS_SERVICE_PAGINATION_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/store.h"

namespace accesstokens {

inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 100;
// Maximum length of a page token, in bytes. The longest token this service
// issues, one after a display name of 255 four-byte characters, has about
// 1,900.
inline constexpr size_t kMaxPageTokenLength = 4096;

// Position after which a page starts: the sort key and id of the last
// record of the page before.
using PageCursor = TokenCursor;

// Returns the effective page size: 0 means kDefaultPageSize, larger than
// kMaxPageSize means kMaxPageSize, negative is INVALID_ARGUMENT.
absl::StatusOr<int> ResolvePageSize(int32_t page_size);

// Returns the opaque token of the page after `cursor` in `listing`, a
// string that identifies the parent, filter and order of the request.
std::string EncodePageToken(absl::string_view listing,
                            const PageCursor& cursor);

// Returns where the page starts: unset for an empty token.
// INVALID_ARGUMENT for a token that is malformed, from another listing or
// longer than kMaxPageTokenLength.
absl::StatusOr<std::optional<PageCursor>> DecodePageToken(
    absl::string_view listing, absl::string_view page_token);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_PAGINATION_H_
