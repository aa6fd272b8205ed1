// The rules of the access token service in one place: which scopes, access
// levels, expiry dates and names are valid, when a token may be created and
// when it authenticates. Every rejection is INVALID_ARGUMENT unless noted,
// with a message that names the value and what is allowed.
//
// All functions are pure and thread-safe.
#ifndef ACCESSTOKENS_SERVICE_POLICY_H_
#define ACCESSTOKENS_SERVICE_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "accesstokens/v1/resources.pb.h"
#include "storage/store.h"

namespace accesstokens {

// Maximum display name length, in Unicode code points.
inline constexpr int kMaxDisplayNameLength = 255;
// Maximum description length, in Unicode code points.
inline constexpr int kMaxDescriptionLength = 1024;
// Maximum length of a secret presented for authentication, in bytes.
inline constexpr size_t kMaxSecretLength = 1024;
// Maximum number of scopes in one request, duplicates included.
inline constexpr int kMaxScopesInRequest = 64;

// Returns the bit set of `scopes` (bit n for enum value n). Duplicates
// collapse. Rejects an empty list, SCOPE_UNSPECIFIED and unknown numbers.
absl::StatusOr<uint32_t> ParseScopes(absl::Span<const int> scopes);

// Returns the requested access level: ACCESS_LEVEL_UNSPECIFIED
// means maintainer (40). Rejects numbers that are not GitLab levels.
absl::StatusOr<int> ResolveAccessLevel(int requested);

// Returns the expiry date of a new token. `expires_on` is `YYYY-MM-DD` or
// empty for `today` plus `default_days`, capped at `max_lifetime_days`.
// Rejects malformed dates, today and earlier, and dates after today plus
// `max_lifetime_days`.
absl::StatusOr<absl::CivilDay> ResolveExpiry(absl::string_view expires_on,
                                             absl::CivilDay today,
                                             int max_lifetime_days,
                                             int default_days);

// Days until a rotated token expires when the request gives no date.
inline constexpr int kDefaultRotationDays = 7;

// Checks a display name: valid UTF-8, 1 to kMaxDisplayNameLength code
// points, not blank, no control characters. `field` names it in messages.
absl::Status ValidateDisplayName(absl::string_view field,
                                 absl::string_view value);

// Checks a description: valid UTF-8, at most kMaxDescriptionLength code
// points, no control characters other than tab and newline.
absl::Status ValidateDescription(absl::string_view value);

// FAILED_PRECONDITION if no token may be issued under `parent`: it is
// deleted or pending deletion, or a group above it is, or it is a project
// whose top-level group has switched off project access token creation.
// Group tokens are never affected by that setting.
absl::Status CheckTokenCreationAllowed(const TokenParentState& parent);

// FAILED_PRECONDITION if `token` cannot be rotated at `now`: it is revoked
// or expired, or no token may be issued under its parent.
absl::Status CheckTokenRotatable(const TokenRecord& token,
                                 const TokenParentState& parent,
                                 absl::Time now);

// INVALID_ARGUMENT unless `group` is a top-level group, the only kind that
// stores allow_project_access_token_creation.
absl::Status CheckGroupSettingChange(const GroupRecord& group);

// Returns the current UTC date.
absl::CivilDay TodayUtc(absl::Time now);

// Returns the state of `token` at `now`: revoked, expired (from 00:00 UTC on
// its expiry date) or active.
v1::AccessToken::State TokenState(const TokenRecord& token, absl::Time now);

// Parses a date of the form YYYY-MM-DD; unset if it is malformed or not a
// real date.
std::optional<absl::CivilDay> ParseDate(absl::string_view text);

// Formats a date as YYYY-MM-DD.
std::string FormatDate(absl::CivilDay day);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_POLICY_H_
