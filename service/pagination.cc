#include "service/pagination.h"

#include <openssl/sha.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace accesstokens {
namespace {

// Page tokens are base64url of five newline-separated fields: the format
// version, a digest of the listing, the kind of sort key ("i" for an
// integer, "s" for a string), the sort key (base64url for strings) and the
// id.
constexpr char kVersion[] = "p2";

std::string ListingDigest(absl::string_view listing) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(listing.data()),
         listing.size(), digest);
  // Half of the digest, 128 bits, is enough to distinguish listings and
  // keeps the token short.
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(digest), SHA256_DIGEST_LENGTH / 2));
}

absl::Status InvalidToken(absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(
      "page_token is invalid: ", reason,
      "; pass the next_page_token of the previous page unchanged, with the "
      "same parent, filter and order, or an empty page_token for the first "
      "page"));
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

std::string EncodePageToken(absl::string_view listing,
                            const PageCursor& cursor) {
  std::string key;
  const char* kind = "i";
  if (const auto* number = std::get_if<int64_t>(&cursor.sort_key)) {
    key = absl::StrCat(*number);
  } else {
    kind = "s";
    key = absl::WebSafeBase64Escape(std::get<std::string>(cursor.sort_key));
  }
  return absl::WebSafeBase64Escape(absl::StrCat(
      kVersion, "\n", ListingDigest(listing), "\n", kind, "\n", key, "\n",
      cursor.id));
}

absl::StatusOr<std::optional<PageCursor>> DecodePageToken(
    absl::string_view listing, absl::string_view page_token) {
  if (page_token.empty()) return std::optional<PageCursor>();
  if (page_token.size() > kMaxPageTokenLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "page_token has ", page_token.size(), " bytes; at most ",
        kMaxPageTokenLength,
        " are allowed; pass the next_page_token of the previous page "
        "unchanged"));
  }

  std::string decoded;
  if (!absl::WebSafeBase64Unescape(page_token, &decoded)) {
    return InvalidToken("it is not a page token of this service");
  }
  std::vector<absl::string_view> fields = absl::StrSplit(decoded, '\n');
  if (fields.size() != 5 || fields[0] != kVersion) {
    return InvalidToken("it is not a page token of this service");
  }
  if (fields[1] != ListingDigest(listing)) {
    return InvalidToken(
        "it belongs to a request with another parent, filter or order");
  }

  PageCursor cursor;
  if (!absl::SimpleAtoi(fields[4], &cursor.id) || cursor.id <= 0) {
    return InvalidToken("it is not a page token of this service");
  }
  if (fields[2] == "i") {
    int64_t number = 0;
    if (!absl::SimpleAtoi(fields[3], &number)) {
      return InvalidToken("it is not a page token of this service");
    }
    cursor.sort_key = number;
  } else if (fields[2] == "s") {
    std::string text;
    if (!absl::WebSafeBase64Unescape(fields[3], &text)) {
      return InvalidToken("it is not a page token of this service");
    }
    cursor.sort_key = std::move(text);
  } else {
    return InvalidToken("it is not a page token of this service");
  }
  return std::optional<PageCursor>(std::move(cursor));
}

}  // namespace accesstokens
