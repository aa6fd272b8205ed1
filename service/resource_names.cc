#include "service/resource_names.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace accesstokens {
namespace {

constexpr char kTokenForms[] =
    "projects/{project_id}/accessTokens/{id} or "
    "groups/{group_id}/accessTokens/{id}";
constexpr char kResourceForms[] = "projects/{project_id} or groups/{group_id}";

// Maximum length of a name quoted in full in a message.
constexpr size_t kMaxQuotedLength = 100;

std::string Quote(absl::string_view name) {
  if (name.size() <= kMaxQuotedLength) return absl::StrCat("\"", name, "\"");
  return absl::StrCat("\"", name.substr(0, kMaxQuotedLength), "...\" (",
                      name.size(), " bytes)");
}

absl::Status Malformed(absl::string_view field, absl::string_view name,
                       absl::string_view expected) {
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is required; expected ", expected));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      field, " ", Quote(name), " is not a valid name; expected ", expected));
}

// INVALID_ARGUMENT if `name` is too long to be valid, so that a huge value
// is rejected without splitting it.
absl::Status CheckNameLength(absl::string_view field, absl::string_view name,
                             absl::string_view expected) {
  if (name.size() <= kMaxNameLength) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      field, " \"", name.substr(0, kMaxQuotedLength), "...\" has ",
      name.size(), " bytes; at most ", kMaxNameLength,
      " are allowed; expected ", expected));
}

absl::Status InvalidId(absl::string_view field, absl::string_view name,
                       absl::string_view id) {
  return absl::InvalidArgumentError(absl::StrCat(
      field, " ", Quote(name), " has the id ", Quote(id),
      "; ids are positive integers without sign or leading zeros"));
}

// Parses a positive decimal id without sign or leading zeros.
bool ParseId(absl::string_view text, int64_t* id) {
  if (text.empty() || text.size() > 19 || text[0] == '0') return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return absl::SimpleAtoi(text, id) && *id > 0;
}

// Parses `{collection}/{id}` where collection is one of the two given (the
// second may be empty). Returns the index of the matched collection.
absl::StatusOr<std::pair<int, int64_t>> ParseSimpleName(
    absl::string_view field, absl::string_view name,
    absl::string_view collection0, absl::string_view collection1,
    absl::string_view expected) {
  absl::Status length = CheckNameLength(field, name, expected);
  if (!length.ok()) return length;
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 2) return Malformed(field, name, expected);
  int index;
  if (parts[0] == collection0) {
    index = 0;
  } else if (!collection1.empty() && parts[0] == collection1) {
    index = 1;
  } else {
    return Malformed(field, name, expected);
  }
  int64_t id;
  if (!ParseId(parts[1], &id)) return InvalidId(field, name, parts[1]);
  return std::make_pair(index, id);
}

}  // namespace

absl::StatusOr<int64_t> ParseGroupName(absl::string_view field,
                                       absl::string_view name) {
  auto parsed = ParseSimpleName(field, name, "groups", "", "groups/{group_id}");
  if (!parsed.ok()) return parsed.status();
  return parsed->second;
}

absl::StatusOr<int64_t> ParseProjectName(absl::string_view field,
                                         absl::string_view name) {
  auto parsed =
      ParseSimpleName(field, name, "projects", "", "projects/{project_id}");
  if (!parsed.ok()) return parsed.status();
  return parsed->second;
}

absl::StatusOr<ResourceRef> ParseProjectOrGroupName(absl::string_view field,
                                                    absl::string_view name) {
  auto parsed =
      ParseSimpleName(field, name, "projects", "groups", kResourceForms);
  if (!parsed.ok()) return parsed.status();
  return ResourceRef{
      parsed->first == 0 ? ResourceKind::kProject : ResourceKind::kGroup,
      parsed->second};
}

absl::StatusOr<AccessTokenRef> ParseAccessTokenName(absl::string_view field,
                                                    absl::string_view name) {
  absl::Status length = CheckNameLength(field, name, kTokenForms);
  if (!length.ok()) return length;
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[2] != "accessTokens" ||
      (parts[0] != "projects" && parts[0] != "groups")) {
    return Malformed(field, name, kTokenForms);
  }
  AccessTokenRef token;
  token.parent.kind =
      parts[0] == "projects" ? ResourceKind::kProject : ResourceKind::kGroup;
  const std::pair<absl::string_view, int64_t*> ids[] = {
      {parts[1], &token.parent.id}, {parts[3], &token.id}};
  for (const auto& [text, id] : ids) {
    if (!ParseId(text, id)) return InvalidId(field, name, text);
  }
  return token;
}

absl::StatusOr<int64_t> ParseUserName(absl::string_view field,
                                      absl::string_view name) {
  auto parsed = ParseSimpleName(field, name, "users", "", "users/{user_id}");
  if (!parsed.ok()) return parsed.status();
  return parsed->second;
}

absl::Status ValidateId(absl::string_view field, int64_t id) {
  if (id > 0) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, " ", id, " is not a positive integer"));
}

}  // namespace accesstokens
