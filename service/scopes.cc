#include "service/scopes.h"

#include "absl/strings/str_join.h"

namespace accesstokens {
namespace {

constexpr ScopeInfo kScopes[] = {
    {v1::SCOPE_API, "api",
     "Read and write access to the whole API of the project or group, "
     "registries included."},
    {v1::SCOPE_READ_API, "read_api",
     "Read-only access to the API of the project or group."},
    {v1::SCOPE_READ_REGISTRY, "read_registry",
     "Pull images from the container registry."},
    {v1::SCOPE_WRITE_REGISTRY, "write_registry",
     "Push images to the container registry."},
    {v1::SCOPE_READ_REPOSITORY, "read_repository",
     "Clone and fetch the Git repositories."},
    {v1::SCOPE_WRITE_REPOSITORY, "write_repository",
     "Clone, fetch and push to the Git repositories."},
    {v1::SCOPE_SELF_ROTATE, "self_rotate",
     "Rotate this token itself, and nothing else."},
};

}  // namespace

absl::Span<const ScopeInfo> AllScopes() { return kScopes; }

const char* ScopeName(v1::Scope scope) {
  for (const ScopeInfo& info : kScopes) {
    if (info.scope == scope) return info.name;
  }
  return nullptr;
}

const std::string& ScopeNameList() {
  static const std::string* const kList = new std::string(absl::StrJoin(
      kScopes, ", ",
      [](std::string* out, const ScopeInfo& info) { out->append(info.name); }));
  return *kList;
}

std::vector<v1::Scope> ScopesFromBits(uint32_t scopes) {
  std::vector<v1::Scope> result;
  for (const ScopeInfo& info : kScopes) {
    if ((scopes & (uint32_t{1} << info.scope)) != 0) {
      result.push_back(info.scope);
    }
  }
  return result;
}

}  // namespace accesstokens
