#include "clients/cpp/cli/value_parsers.h"

#include <limits>
#include <optional>
#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "clients/cpp/cli/enum_names.h"

namespace accesstokens::cli {
namespace {

absl::Status Invalid(absl::string_view what, absl::string_view value,
                     absl::string_view expected) {
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid value \"", value, "\" for ", what, ": expected ", expected));
}

// Whether `value` is an id of the API: a positive int64 in decimal, without
// sign or leading zeros.
bool IsId(absl::string_view value) {
  if (value.empty() || value[0] == '0') return false;
  for (char c : value) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  int64_t id = 0;
  return absl::SimpleAtoi(value, &id);
}

}  // namespace

absl::StatusOr<int64_t> ParseId(absl::string_view what,
                                absl::string_view value) {
  int64_t id = 0;
  if (!IsId(value) || !absl::SimpleAtoi(value, &id)) {
    return Invalid(what, value, "a positive integer such as 123");
  }
  return id;
}

absl::StatusOr<std::string> ParseResourceName(absl::string_view what,
                                              absl::string_view collection,
                                              absl::string_view value) {
  absl::string_view id = value;
  const std::string prefix = absl::StrCat(collection, "/");
  absl::ConsumePrefix(&id, prefix);
  if (!IsId(id)) {
    return Invalid(what, value,
                   absl::StrCat(prefix,
                                "{id} or {id}, where {id} is a "
                                "positive integer such as 123"));
  }
  return absl::StrCat(prefix, id);
}

absl::StatusOr<std::string> ParseAccessTokenName(absl::string_view what,
                                                 absl::string_view value) {
  static const std::regex kTokenName(
      "(projects|groups)/[1-9][0-9]*/accessTokens/[1-9][0-9]*");
  if (!std::regex_match(value.begin(), value.end(), kTokenName)) {
    return Invalid(what, value,
                   "projects/{id}/accessTokens/{id} or "
                   "groups/{id}/accessTokens/{id}, such as "
                   "projects/123/accessTokens/7");
  }
  return std::string(value);
}

absl::StatusOr<std::vector<v1::Scope>> ParseScopes(
    absl::string_view what, const std::vector<std::string>& values) {
  std::vector<v1::Scope> scopes;
  for (const std::string& value : values) {
    for (absl::string_view name : absl::StrSplit(value, ',')) {
      std::optional<int> scope = ParseEnumName(
          v1::Scope_descriptor(), absl::StripAsciiWhitespace(name));
      if (!scope.has_value()) {
        return Invalid(
            what, name,
            absl::StrCat("one of ", EnumPlainNameList(v1::Scope_descriptor())));
      }
      scopes.push_back(static_cast<v1::Scope>(*scope));
    }
  }
  return scopes;
}

absl::StatusOr<v1::AccessLevel> ParseAccessLevel(absl::string_view what,
                                                 absl::string_view value) {
  std::optional<int> level = ParseEnumName(v1::AccessLevel_descriptor(), value);
  int number = 0;
  if (!level.has_value() && absl::SimpleAtoi(value, &number) && number != 0 &&
      v1::AccessLevel_IsValid(number)) {
    level = number;
  }
  if (!level.has_value()) {
    return Invalid(
        what, value,
        absl::StrCat("one of ", EnumPlainNameList(v1::AccessLevel_descriptor()),
                     ", or its number: 10, 15, 20, 30, 40 or 50"));
  }
  return static_cast<v1::AccessLevel>(*level);
}

absl::StatusOr<v1::ResourceState> ParseResourceState(absl::string_view what,
                                                     absl::string_view value) {
  std::optional<int> state =
      ParseEnumName(v1::ResourceState_descriptor(), value);
  if (!state.has_value()) {
    return Invalid(
        what, value,
        absl::StrCat("one of ",
                     EnumPlainNameList(v1::ResourceState_descriptor())));
  }
  return static_cast<v1::ResourceState>(*state);
}

absl::StatusOr<std::string> ParseDate(absl::string_view what,
                                      absl::string_view value) {
  // ParseCivilTime normalizes 2027-02-30 to 2027-03-02, so a date is valid
  // only if it formats back to itself.
  absl::CivilDay day;
  if (value.size() != 10 || !absl::ParseCivilTime(value, &day) ||
      absl::FormatCivilTime(day) != value) {
    return Invalid(what, value, "a date YYYY-MM-DD such as 2027-03-01");
  }
  return std::string(value);
}

absl::StatusOr<bool> ParseBool(absl::string_view what,
                               absl::string_view value) {
  if (value == "true") return true;
  if (value == "false") return false;
  return Invalid(what, value, "true or false");
}

absl::StatusOr<int32_t> ParsePageSize(absl::string_view what,
                                      absl::string_view value) {
  int32_t size = 0;
  if (!absl::SimpleAtoi(value, &size) || size < 0) {
    return Invalid(what, value,
                   absl::StrCat("an integer from 0 to ",
                                std::numeric_limits<int32_t>::max()));
  }
  return size;
}

absl::StatusOr<absl::Duration> ParseTimeout(absl::string_view what,
                                            absl::string_view value) {
  absl::Duration timeout;
  if (!absl::ParseDuration(value, &timeout) ||
      timeout <= absl::ZeroDuration() || timeout == absl::InfiniteDuration()) {
    return Invalid(what, value,
                   "a positive duration with a unit, such as 10s, 1.5s or "
                   "500ms");
  }
  return timeout;
}

}  // namespace accesstokens::cli
