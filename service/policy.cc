#include "service/policy.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "service/scopes.h"

namespace accesstokens {
namespace {

constexpr int kAccessLevels[] = {10, 15, 20, 30, 40, 50};
constexpr char kAccessLevelList[] =
    "10 (guest), 15 (planner), 20 (reporter), 30 (developer), "
    "40 (maintainer), 50 (owner)";

constexpr absl::CivilDay kUnixEpochDay(1970, 1, 1);

// Returns the number of whole days from 1970-01-01 00:00 UTC to `time`,
// rounded down. UTC has no offsets, so a division replaces the time zone
// conversion, which callgrind measured at about ten times the instructions.
int64_t DaysSinceUnixEpoch(absl::Time time) {
  constexpr int64_t kSecondsPerDay = 24 * 60 * 60;
  const int64_t seconds = absl::ToUnixSeconds(time);
  int64_t days = seconds / kSecondsPerDay;
  if (seconds % kSecondsPerDay < 0) --days;
  return days;
}

// Decodes one UTF-8 sequence at the start of `text`. Returns its length in
// bytes and stores the code point, or returns 0 if the sequence is invalid
// (truncated, overlong, a surrogate or above U+10FFFF).
size_t DecodeUtf8(absl::string_view text, char32_t* code_point) {
  const auto byte = [&](size_t i) {
    return static_cast<unsigned char>(text[i]);
  };
  const unsigned char lead = byte(0);
  size_t length;
  char32_t value;
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2;
    value = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    value = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    value = lead & 0x07;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(i) & 0x3F);
  }
  constexpr char32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (value < kMinimum[length] || value > 0x10FFFF ||
      (value >= 0xD800 && value <= 0xDFFF)) {
    return 0;
  }
  *code_point = value;
  return length;
}

bool IsControl(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

// Checks that `value` is valid UTF-8 with at most `max_length` code points
// and no control characters except those `allowed_control` accepts.
absl::Status CheckText(absl::string_view field, absl::string_view value,
                       int max_length, bool (*allowed_control)(char32_t)) {
  int length = 0;
  for (size_t offset = 0; offset < value.size();) {
    char32_t c;
    const size_t size = DecodeUtf8(value.substr(offset), &c);
    if (size == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " is not valid UTF-8: invalid byte sequence at byte ",
          offset));
    }
    if (IsControl(c) && !allowed_control(c)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s contains the control character U+%04X at character %d; "
          "control characters are not allowed",
          field, static_cast<uint32_t>(c), length + 1));
    }
    offset += size;
    ++length;
  }
  if (length > max_length) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " has ", length, " characters; at most ",
                     max_length, " are allowed"));
  }
  return absl::OkStatus();
}

// Parses exactly `digits` ASCII digits.
bool ParseDigits(absl::string_view text, int digits, int* value) {
  if (static_cast<int>(text.size()) != digits) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return absl::SimpleAtoi(text, value);
}

}  // namespace

absl::StatusOr<uint32_t> ParseScopes(absl::Span<const int> scopes) {
  if (scopes.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "scopes is empty; give at least one of: ", ScopeNameList()));
  }
  if (static_cast<int>(scopes.size()) > kMaxScopesInRequest) {
    return absl::InvalidArgumentError(
        absl::StrCat("scopes has ", scopes.size(), " entries; at most ",
                     kMaxScopesInRequest, " are allowed"));
  }
  uint32_t bits = 0;
  for (int scope : scopes) {
    if (scope == v1::SCOPE_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          absl::StrCat("scope SCOPE_UNSPECIFIED (0) is not a scope; use one "
                       "of: ",
                       ScopeNameList()));
    }
    if (!v1::Scope_IsValid(scope) ||
        ScopeName(static_cast<v1::Scope>(scope)) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("scope ", scope, " is not one of: ", ScopeNameList()));
    }
    bits |= uint32_t{1} << scope;
  }
  return bits;
}

absl::StatusOr<int> ResolveAccessLevel(int requested) {
  if (requested == v1::ACCESS_LEVEL_UNSPECIFIED) {
    return v1::ACCESS_LEVEL_MAINTAINER;
  }
  for (int level : kAccessLevels) {
    if (level == requested) return level;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "access_level ", requested, " is not one of: ", kAccessLevelList));
}

absl::StatusOr<absl::CivilDay> ResolveExpiry(absl::string_view expires_on,
                                             absl::CivilDay today,
                                             int max_lifetime_days,
                                             int default_days) {
  const absl::CivilDay last_allowed = today + max_lifetime_days;
  if (expires_on.empty()) {
    return today + std::min(default_days, max_lifetime_days);
  }

  const std::optional<absl::CivilDay> parsed = ParseDate(expires_on);
  if (!parsed.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expires_on \"", expires_on.substr(0, 100),
                     "\" is not a valid date; expected YYYY-MM-DD, such as \"",
                     FormatDate(today + 30), "\""));
  }
  const absl::CivilDay date = *parsed;
  if (date <= today) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expires_on ", FormatDate(date), " is not after today (",
        FormatDate(today), " UTC); the earliest allowed date is ",
        FormatDate(today + 1)));
  }
  if (date > last_allowed) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expires_on ", FormatDate(date), " is beyond the maximum lifetime of ",
        max_lifetime_days, " days; the last allowed date is ",
        FormatDate(last_allowed)));
  }
  return date;
}

absl::Status ValidateDisplayName(absl::string_view field,
                                 absl::string_view value) {
  if (absl::StripAsciiWhitespace(value).empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, value.empty() ? " is empty" : " is blank",
                     "; give 1 to ", kMaxDisplayNameLength,
                     " characters that are not all spaces"));
  }
  return CheckText(field, value, kMaxDisplayNameLength,
                   [](char32_t) { return false; });
}

absl::Status ValidateDescription(absl::string_view value) {
  return CheckText("description", value, kMaxDescriptionLength,
                   [](char32_t c) { return c == '\t' || c == '\n'; });
}

absl::Status CheckTokenCreationAllowed(const TokenParentState& parent) {
  const std::string name = ResourceName(parent.resource);
  if (parent.state == ResourceState::kDeleted) {
    return absl::FailedPreconditionError(
        absl::StrCat("\"", name, "\" is deleted; it takes no new tokens"));
  }
  if (parent.state == ResourceState::kPendingDeletion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "\"", name, "\" is pending deletion; it takes no new tokens"));
  }
  if (parent.inactive_ancestor_id.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "\"", name, "\" is beneath group \"",
        GroupName(*parent.inactive_ancestor_id),
        "\", which is deleted or pending deletion; it takes no new tokens"));
  }
  if (parent.resource.kind == ResourceKind::kProject &&
      !parent.project_token_creation_allowed) {
    return absl::FailedPreconditionError(absl::StrCat(
        "project access token creation is switched off for \"",
        ResourceName(parent.resource), "\" by its top-level group \"",
        GroupName(parent.top_level_group_id.value_or(0)),
        "\" (allow_project_access_token_creation is false)"));
  }
  return absl::OkStatus();
}

absl::Status CheckGroupSettingChange(const GroupRecord& group) {
  if (!group.parent_id.has_value()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "group \"", GroupName(group.id),
      "\" is a subgroup; allow_project_access_token_creation can only be set "
      "on its top-level group \"",
      GroupName(group.top_level_id), "\""));
}

absl::Status CheckTokenRotatable(const TokenRecord& token,
                                 const TokenParentState& parent,
                                 absl::Time now) {
  const std::string name = AccessTokenName(token.parent, token.id);
  switch (TokenState(token, now)) {
    case v1::AccessToken::STATE_REVOKED:
      return absl::FailedPreconditionError(absl::StrCat(
          "access token \"", name, "\" is revoked; only active tokens can be "
          "rotated"));
    case v1::AccessToken::STATE_EXPIRED:
      return absl::FailedPreconditionError(absl::StrCat(
          "access token \"", name, "\" expired on ",
          FormatDate(token.expires_on),
          "; only active tokens can be rotated"));
    default:
      break;
  }
  return CheckTokenCreationAllowed(parent);
}

absl::CivilDay TodayUtc(absl::Time now) {
  return kUnixEpochDay + DaysSinceUnixEpoch(now);
}

v1::AccessToken::State TokenState(const TokenRecord& token, absl::Time now) {
  if (token.revoke_time.has_value()) return v1::AccessToken::STATE_REVOKED;
  // Compares day numbers, because this runs on every authentication and
  // adding many days to a CivilDay walks year by year.
  if (DaysSinceUnixEpoch(now) >= token.expires_on - kUnixEpochDay) {
    return v1::AccessToken::STATE_EXPIRED;
  }
  return v1::AccessToken::STATE_ACTIVE;
}

std::optional<absl::CivilDay> ParseDate(absl::string_view text) {
  int year = 0, month = 0, day = 0;
  const bool well_formed =
      text.size() == 10 && text[4] == '-' && text[7] == '-' &&
      ParseDigits(text.substr(0, 4), 4, &year) &&
      ParseDigits(text.substr(5, 2), 2, &month) &&
      ParseDigits(text.substr(8, 2), 2, &day);
  const absl::CivilDay date(year, month, day);
  // CivilDay normalizes out-of-range fields (2027-02-30 becomes 2027-03-02),
  // so a date is real only if it keeps its fields.
  if (!well_formed || date.year() != year || date.month() != month ||
      date.day() != day) {
    return std::nullopt;
  }
  return date;
}

std::string FormatDate(absl::CivilDay day) {
  if (day.year() < 0 || day.year() > 9999) {
    return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(),
                           day.day());
  }
  // Written by hand, because every authenticated and listed token has a
  // date to format. absl::StrFormat costs several times more (an estimate).
  const auto digit = [](int64_t value) {
    return static_cast<char>('0' + value % 10);
  };
  const int64_t year = day.year();
  const int month = day.month();
  const int day_of_month = day.day();
  return std::string({digit(year / 1000), digit(year / 100), digit(year / 10),
                      digit(year), '-', digit(month / 10), digit(month), '-',
                      digit(day_of_month / 10), digit(day_of_month)});
}

}  // namespace accesstokens
