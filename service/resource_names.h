// Parsing of the resource names in requests. Each parser rejects a malformed
// name with INVALID_ARGUMENT, naming the request field, the value and the
// expected form. Ids are positive decimal integers without sign or leading
// zeros. A name longer than kMaxNameLength is rejected before it is split.
#ifndef ACCESSTOKENS_SERVICE_RESOURCE_NAMES_H_
#define ACCESSTOKENS_SERVICE_RESOURCE_NAMES_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/resource.h"

namespace accesstokens {

// Maximum length of a resource name in a request, in bytes. The longest
// valid name, a token name with two 19-digit ids, has 61.
inline constexpr size_t kMaxNameLength = 128;

struct AccessTokenRef {
  ResourceRef parent;
  int64_t id = 0;
};

// Parses `groups/{group_id}`.
absl::StatusOr<int64_t> ParseGroupName(absl::string_view field,
                                       absl::string_view name);

// Parses `projects/{project_id}`.
absl::StatusOr<int64_t> ParseProjectName(absl::string_view field,
                                         absl::string_view name);

// Parses `projects/{project_id}` or `groups/{group_id}`.
absl::StatusOr<ResourceRef> ParseProjectOrGroupName(absl::string_view field,
                                                    absl::string_view name);

// Parses `projects/{project_id}/accessTokens/{id}` or
// `groups/{group_id}/accessTokens/{id}`.
absl::StatusOr<AccessTokenRef> ParseAccessTokenName(absl::string_view field,
                                                    absl::string_view name);

// Parses `users/{user_id}`.
absl::StatusOr<int64_t> ParseUserName(absl::string_view field,
                                      absl::string_view name);

// Checks an id given as a number, such as CreateGroupRequest.group_id.
absl::Status ValidateId(absl::string_view field, int64_t id);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_RESOURCE_NAMES_H_
