// A libFuzzer target for the request parsers that see untrusted text:
// filters, order_by, page tokens, resource names, dates, display names,
// descriptions, request ids and scopes. The first input byte chooses the
// parser and the rest is its input. Far faster than service_fuzzer, so it
// reaches deeper into each parser in the same time.
//
// Besides crashes and sanitizer reports, the target aborts when a parser
// breaks one of these rules:
//   - an accepted name, date or page token formats back to the same text
//     or value (names and dates have one spelling each);
//   - every page cursor that the service can issue survives encoding and
//     decoding unchanged;
//   - accepted scopes are a non-empty set of defined scopes;
//   - an accepted expiry date lies after today and within the lifetime.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "accesstokens/v1/resources.pb.h"
#include "service/filter_parser.h"
#include "service/list_queries.h"
#include "service/pagination.h"
#include "service/policy.h"
#include "service/requests.h"
#include "service/resource_names.h"

namespace accesstokens::fuzz {
namespace {

constexpr absl::string_view kListing = "tokens\nprojects/10\n\n";
const absl::CivilDay kToday(2026, 6, 15);
constexpr int kLifetimeDays = 365;

[[noreturn]] void Violation(absl::string_view parser, absl::string_view input,
                            absl::string_view what) {
  fprintf(stderr, "parser_fuzzer: %.*s broke a rule on \"%.*s\": %.*s\n",
          static_cast<int>(parser.size()), parser.data(),
          static_cast<int>(std::min<size_t>(input.size(), 200)), input.data(),
          static_cast<int>(what.size()), what.data());
  abort();
}

bool SameCursor(const PageCursor& a, const PageCursor& b) {
  return a.id == b.id && a.sort_key == b.sort_key;
}

void FuzzFilters(absl::string_view text) {
  absl::StatusOr<std::vector<FilterTerm>> terms = ParseFilter(text);
  TokenListQuery tokens;
  AuditListQuery audit;
  const absl::Status token_status = ApplyTokenFilter(text, tokens);
  ApplyAuditFilter(text, audit).IgnoreError();
  ApplyTokenOrder(text, tokens).IgnoreError();
  if (!terms.ok() && token_status.ok()) {
    Violation("ApplyTokenFilter", text, "accepted a filter that ParseFilter "
                                        "rejects");
  }
}

void FuzzPageToken(absl::string_view text) {
  absl::StatusOr<std::optional<PageCursor>> decoded =
      DecodePageToken(kListing, text);
  if (decoded.ok() && decoded->has_value()) {
    const std::string encoded = EncodePageToken(kListing, **decoded);
    absl::StatusOr<std::optional<PageCursor>> again =
        DecodePageToken(kListing, encoded);
    if (!again.ok() || !again->has_value() ||
        !SameCursor(**again, **decoded)) {
      Violation("DecodePageToken", text, "a decoded cursor does not survive "
                                         "encoding");
    }
  }

  // Any cursor with the input as its string key round-trips, if the key
  // is no longer than a display name, the longest string key there is.
  if (text.size() > 4 * static_cast<size_t>(kMaxDisplayNameLength)) return;
  PageCursor cursor;
  cursor.id = static_cast<int64_t>(text.size()) + 1;
  cursor.sort_key = std::string(text);
  absl::StatusOr<std::optional<PageCursor>> back =
      DecodePageToken(kListing, EncodePageToken(kListing, cursor));
  if (!back.ok() || !back->has_value() || !SameCursor(**back, cursor)) {
    Violation("EncodePageToken", text, "the cursor does not round-trip");
  }
}

void FuzzNames(absl::string_view text) {
  absl::StatusOr<AccessTokenRef> token = ParseAccessTokenName("name", text);
  if (token.ok() && AccessTokenName(token->parent, token->id) != text) {
    Violation("ParseAccessTokenName", text, "accepted a non-canonical name");
  }
  absl::StatusOr<ResourceRef> resource =
      ParseProjectOrGroupName("parent", text);
  if (resource.ok() && ResourceName(*resource) != text) {
    Violation("ParseProjectOrGroupName", text,
              "accepted a non-canonical name");
  }
  absl::StatusOr<int64_t> user = ParseUserName("name", text);
  if (user.ok() && UserName(*user) != text) {
    Violation("ParseUserName", text, "accepted a non-canonical name");
  }
}

void FuzzDates(absl::string_view text) {
  const std::optional<absl::CivilDay> date = ParseDate(text);
  if (date.has_value() && FormatDate(*date) != text) {
    Violation("ParseDate", text, "accepted a non-canonical date");
  }
  absl::StatusOr<absl::CivilDay> expiry =
      ResolveExpiry(text, kToday, kLifetimeDays, kLifetimeDays);
  if (expiry.ok() && (*expiry <= kToday || *expiry > kToday + kLifetimeDays)) {
    Violation("ResolveExpiry", text,
              absl::StrCat("accepted ", FormatDate(*expiry)));
  }
}

void FuzzText(absl::string_view text) {
  if (ValidateDisplayName("display_name", text).ok() &&
      text.size() > 4 * static_cast<size_t>(kMaxDisplayNameLength)) {
    Violation("ValidateDisplayName", text, "accepted an over-long name");
  }
  if (ValidateDescription(text).ok() &&
      text.size() > 4 * static_cast<size_t>(kMaxDescriptionLength)) {
    Violation("ValidateDescription", text, "accepted an over-long text");
  }
  if (ValidateRequestId(text).ok() && !text.empty() && text.size() != 36) {
    Violation("ValidateRequestId", text, "accepted a request id that is not "
                                         "36 characters long");
  }
}

void FuzzScopes(absl::string_view bytes) {
  std::vector<int> scopes;
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
    scopes.push_back(static_cast<int8_t>(bytes[i]) * 256 +
                     static_cast<uint8_t>(bytes[i + 1]));
  }
  absl::StatusOr<uint32_t> bits = ParseScopes(scopes);
  if (!bits.ok()) return;
  if (*bits == 0) Violation("ParseScopes", bytes, "accepted no scope");
  for (int scope = 0; scope < 32; ++scope) {
    if ((*bits >> scope & 1) != 0 &&
        (scope == v1::SCOPE_UNSPECIFIED || !v1::Scope_IsValid(scope))) {
      Violation("ParseScopes", bytes,
                absl::StrCat("accepted the undefined scope ", scope));
    }
  }
}

}  // namespace
}  // namespace accesstokens::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace accesstokens::fuzz;
  if (size == 0) return 0;
  const absl::string_view text(reinterpret_cast<const char*>(data) + 1,
                               size - 1);
  switch (data[0] % 6) {
    case 0:
      FuzzFilters(text);
      break;
    case 1:
      FuzzPageToken(text);
      break;
    case 2:
      FuzzNames(text);
      break;
    case 3:
      FuzzDates(text);
      break;
    case 4:
      FuzzText(text);
      break;
    case 5:
      FuzzScopes(text);
      break;
  }
  return 0;
}
