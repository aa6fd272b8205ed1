#include "service/pagination.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace accesstokens {
namespace {

// Page tokens are base64url("v1|" + listing + "|" + last id).
constexpr char kVersion[] = "v1|";

absl::Status InvalidToken(absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(
      "page_token is invalid: ", reason,
      "; pass the next_page_token of the previous page unchanged, with the "
      "same parent and filter, or an empty page_token for the first page"));
}

}  // namespace

absl::StatusOr<int> ResolvePageSize(int32_t page_size) {
  if (page_size < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size ", page_size,
                     " is negative; give 0 for the default of ",
                     kDefaultPageSize, " or up to ", kMaxPageSize));
  }
  if (page_size == 0) return kDefaultPageSize;
  return page_size > kMaxPageSize ? kMaxPageSize : page_size;
}

std::string EncodePageToken(absl::string_view listing, int64_t last_id) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kVersion, listing, "|", last_id));
}

absl::StatusOr<int64_t> DecodePageToken(absl::string_view listing,
                                        absl::string_view page_token) {
  if (page_token.empty()) return 0;

  std::string decoded;
  if (!absl::WebSafeBase64Unescape(page_token, &decoded)) {
    return InvalidToken("it is not a page token of this service");
  }
  absl::string_view rest = decoded;
  if (!absl::ConsumePrefix(&rest, kVersion)) {
    return InvalidToken("it is not a page token of this service");
  }
  const size_t separator = rest.rfind('|');
  if (separator == absl::string_view::npos) {
    return InvalidToken("it is not a page token of this service");
  }
  if (rest.substr(0, separator) != listing) {
    return InvalidToken("it belongs to a request with another parent or filter");
  }
  int64_t last_id = 0;
  if (!absl::SimpleAtoi(rest.substr(separator + 1), &last_id) ||
      last_id <= 0) {
    return InvalidToken("it is not a page token of this service");
  }
  return last_id;
}

}  // namespace accesstokens
