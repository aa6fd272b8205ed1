#include "storage/resource.h"

#include "absl/strings/str_cat.h"

namespace accesstokens {

std::string ResourceName(const ResourceRef& resource) {
  return resource.kind == ResourceKind::kProject ? ProjectName(resource.id)
                                                 : GroupName(resource.id);
}

std::string GroupName(int64_t group_id) {
  return absl::StrCat("groups/", group_id);
}

std::string ProjectName(int64_t project_id) {
  return absl::StrCat("projects/", project_id);
}

std::string AccessTokenName(const ResourceRef& parent, int64_t token_id) {
  return absl::StrCat(ResourceName(parent), "/accessTokens/", token_id);
}

std::string UserName(int64_t user_id) {
  return absl::StrCat("users/", user_id);
}

}  // namespace accesstokens
