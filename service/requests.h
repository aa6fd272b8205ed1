// Validation of AccessTokenService requests and their conversion to store
// requests. Every function rejects bad input with INVALID_ARGUMENT naming
// the request field, the value and what is allowed. Times and actors'
// permissions are left to the handlers.
//
// All functions are pure and thread-safe.
#ifndef ACCESSTOKENS_SERVICE_REQUESTS_H_
#define ACCESSTOKENS_SERVICE_REQUESTS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "accesstokens/v1/access_token_service.pb.h"
#include "google/protobuf/message.h"
#include "service/resource_names.h"
#include "storage/store.h"

namespace accesstokens {

// Parses the actor of a mutating request. An unset actor is rejected.
absl::StatusOr<ActorRecord> ParseActor(const v1::Actor& actor);

// Checks an optional request_id: empty, or a UUID such as
// 3f2b8c1e-9a4d-4b7e-8f61-2c5d0e9a7b13 (any case).
absl::Status ValidateRequestId(absl::string_view request_id);

// Returns a digest of `request` with its request_id field cleared, equal
// for requests of equal content.
std::string RequestFingerprint(const google::protobuf::Message& request);

absl::StatusOr<NewGroup> ParseNewGroup(const v1::CreateGroupRequest& request);
absl::StatusOr<GroupUpdate> ParseGroupUpdate(
    const v1::UpdateGroupRequest& request);
absl::StatusOr<NewProject> ParseNewProject(
    const v1::CreateProjectRequest& request);
absl::StatusOr<ProjectUpdate> ParseProjectUpdate(
    const v1::UpdateProjectRequest& request);

// Parses everything of a new token but its secret, check and idempotency
// key. `today` and `max_lifetime_days` bound the expiry date.
absl::StatusOr<NewAccessToken> ParseNewAccessToken(
    const v1::CreateAccessTokenRequest& request, absl::CivilDay today,
    int max_lifetime_days);

// A rotation request: which token, and the new expiry date.
struct ParsedRotation {
  std::optional<AccessTokenRef> name;  // Set when given by name.
  std::string secret;                  // Set when given by secret.
  absl::CivilDay expires_on;
  std::optional<ActorRecord> actor;  // Unset only for rotation by secret.
};
absl::StatusOr<ParsedRotation> ParseRotation(
    const v1::RotateAccessTokenRequest& request, absl::CivilDay today,
    int max_lifetime_days);

// A token listing: the store query (without its cursor), and the identity
// of the listing for page tokens.
struct TokenListing {
  TokenListQuery query;
  std::string listing;
};
absl::StatusOr<TokenListing> ParseTokenListing(
    const v1::ListAccessTokensRequest& request, absl::CivilDay today);

// An audit listing, like TokenListing.
struct AuditListing {
  AuditListQuery query;
  std::string listing;
};
absl::StatusOr<AuditListing> ParseAuditListing(
    const v1::ListAuditEventsRequest& request);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_REQUESTS_H_
