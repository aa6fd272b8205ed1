// The catalog of token scopes: each scope's enum value, plain name and what
// it allows.
#ifndef ACCESSTOKENS_SERVICE_SCOPES_H_
#define ACCESSTOKENS_SERVICE_SCOPES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "accesstokens/v1/resources.pb.h"

namespace accesstokens {

struct ScopeInfo {
  v1::Scope scope;
  const char* name;         // Plain name, such as "read_registry".
  const char* description;  // One line on what the scope allows.
};

// Every scope, in enum order.
absl::Span<const ScopeInfo> AllScopes();

// Returns the plain name of `scope`, or nullptr if it is not a known scope.
const char* ScopeName(v1::Scope scope);

// Returns "api, read_api, ...": the plain names of all scopes.
const std::string& ScopeNameList();

// Returns the scopes whose bits are set in `scopes` (bit n for enum value
// n), in enum order.
std::vector<v1::Scope> ScopesFromBits(uint32_t scopes);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_SCOPES_H_
