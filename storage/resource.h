// Identity of a project or group, the two kinds of resource that own access
// tokens and bot users, and their resource names.
#ifndef ACCESSTOKENS_STORAGE_RESOURCE_H_
#define ACCESSTOKENS_STORAGE_RESOURCE_H_

#include <cstdint>
#include <string>

namespace accesstokens {

enum class ResourceKind { kProject, kGroup };

// A project or group by id. Ids are the platform's positive integers.
struct ResourceRef {
  ResourceKind kind = ResourceKind::kProject;
  int64_t id = 0;

  friend bool operator==(const ResourceRef& a, const ResourceRef& b) {
    return a.kind == b.kind && a.id == b.id;
  }
  friend bool operator!=(const ResourceRef& a, const ResourceRef& b) {
    return !(a == b);
  }
};

// Returns "projects/{id}" or "groups/{id}".
std::string ResourceName(const ResourceRef& resource);
std::string GroupName(int64_t group_id);
std::string ProjectName(int64_t project_id);
// Returns "projects/{project_id}/accessTokens/{token_id}" or the group form.
std::string AccessTokenName(const ResourceRef& parent, int64_t token_id);
// Returns "users/{user_id}".
std::string UserName(int64_t user_id);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_STORAGE_RESOURCE_H_
