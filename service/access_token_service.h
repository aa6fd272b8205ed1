// The gRPC service AccessTokenService on gRPC's callback API. Handlers
// validate the request, apply the policy and call the store. Reads run on
// the gRPC thread and writes on the store's writer thread. A write's RPC
// finishes only after its commit is durable. AuthenticateAccessToken, the
// hot path, is a raw method: it parses its request itself and sends the
// response bytes that the store encoded once per token read.
#ifndef ACCESSTOKENS_SERVICE_ACCESS_TOKEN_SERVICE_H_
#define ACCESSTOKENS_SERVICE_ACCESS_TOKEN_SERVICE_H_

#include "accesstokens/v1/access_token_service.grpc.pb.h"
#include "service/auth_rate_limiter.h"
#include "service/caller_auth.h"
#include "service/clock.h"
#include "service/last_use_recorder.h"
#include "service/resource_names.h"
#include "service/token_secrets.h"
#include "storage/store.h"

namespace accesstokens {

struct ServiceOptions {
  // Maximum token lifetime in days, and the lifetime of a token created
  // without an expiry date.
  int max_token_lifetime_days = 365;
  // Shortest time between two recorded last uses of one token.
  absl::Duration last_use_interval = absl::Minutes(1);
  // Failed authentications from one client address within
  // auth_failure_window after which its authentications are refused until
  // the window ends; 0 turns the limit off.
  int auth_failure_limit = 20;
  absl::Duration auth_failure_window = absl::Minutes(1);
  // The callers allowed to call; null if any caller may.
  const CallerAuthenticator* callers = nullptr;
};

// Thread-safe. The store, clock, secrets and callers must outlive the
// service.
class AccessTokenServiceImpl final
    : public v1::AccessTokenService::WithRawCallbackMethod_AuthenticateAccessToken<
          v1::AccessTokenService::CallbackService> {
 public:
  AccessTokenServiceImpl(Store* store, const Clock* clock,
                         const TokenSecrets* secrets, ServiceOptions options);

  grpc::ServerUnaryReactor* CreateGroup(
      grpc::CallbackServerContext* context,
      const v1::CreateGroupRequest* request,
      v1::CreateGroupResponse* response) override;
  grpc::ServerUnaryReactor* GetGroup(grpc::CallbackServerContext* context,
                                     const v1::GetGroupRequest* request,
                                     v1::GetGroupResponse* response) override;
  grpc::ServerUnaryReactor* UpdateGroup(
      grpc::CallbackServerContext* context,
      const v1::UpdateGroupRequest* request,
      v1::UpdateGroupResponse* response) override;
  grpc::ServerUnaryReactor* DeleteGroup(
      grpc::CallbackServerContext* context,
      const v1::DeleteGroupRequest* request,
      v1::DeleteGroupResponse* response) override;
  grpc::ServerUnaryReactor* CreateProject(
      grpc::CallbackServerContext* context,
      const v1::CreateProjectRequest* request,
      v1::CreateProjectResponse* response) override;
  grpc::ServerUnaryReactor* GetProject(
      grpc::CallbackServerContext* context,
      const v1::GetProjectRequest* request,
      v1::GetProjectResponse* response) override;
  grpc::ServerUnaryReactor* UpdateProject(
      grpc::CallbackServerContext* context,
      const v1::UpdateProjectRequest* request,
      v1::UpdateProjectResponse* response) override;
  grpc::ServerUnaryReactor* DeleteProject(
      grpc::CallbackServerContext* context,
      const v1::DeleteProjectRequest* request,
      v1::DeleteProjectResponse* response) override;
  grpc::ServerUnaryReactor* CreateAccessToken(
      grpc::CallbackServerContext* context,
      const v1::CreateAccessTokenRequest* request,
      v1::CreateAccessTokenResponse* response) override;
  grpc::ServerUnaryReactor* GetAccessToken(
      grpc::CallbackServerContext* context,
      const v1::GetAccessTokenRequest* request,
      v1::GetAccessTokenResponse* response) override;
  grpc::ServerUnaryReactor* ListAccessTokens(
      grpc::CallbackServerContext* context,
      const v1::ListAccessTokensRequest* request,
      v1::ListAccessTokensResponse* response) override;
  grpc::ServerUnaryReactor* RevokeAccessToken(
      grpc::CallbackServerContext* context,
      const v1::RevokeAccessTokenRequest* request,
      v1::RevokeAccessTokenResponse* response) override;
  grpc::ServerUnaryReactor* RotateAccessToken(
      grpc::CallbackServerContext* context,
      const v1::RotateAccessTokenRequest* request,
      v1::RotateAccessTokenResponse* response) override;
  // Parses `request` as an AuthenticateAccessTokenRequest and fills
  // `response` with a serialized AuthenticateAccessTokenResponse.
  grpc::ServerUnaryReactor* AuthenticateAccessToken(
      grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
      grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* GetBotUser(
      grpc::CallbackServerContext* context,
      const v1::GetBotUserRequest* request,
      v1::GetBotUserResponse* response) override;
  grpc::ServerUnaryReactor* ListBotUsers(
      grpc::CallbackServerContext* context,
      const v1::ListBotUsersRequest* request,
      v1::ListBotUsersResponse* response) override;
  grpc::ServerUnaryReactor* ListScopes(
      grpc::CallbackServerContext* context,
      const v1::ListScopesRequest* request,
      v1::ListScopesResponse* response) override;
  grpc::ServerUnaryReactor* ListAuditEvents(
      grpc::CallbackServerContext* context,
      const v1::ListAuditEventsRequest* request,
      v1::ListAuditEventsResponse* response) override;

 private:
  // Returns the token that `request` presents, if it may authenticate,
  // and records its use.
  absl::StatusOr<std::shared_ptr<const TokenOwnership>> Authenticate(
      grpc::CallbackServerContext* context,
      const v1::AuthenticateAccessTokenRequest& request);

  // Finishes the call and returns its reactor if its caller may not make
  // it: UNAUTHENTICATED for an unknown caller, PERMISSION_DENIED for a
  // caller whose role does not cover the call. Returns null otherwise.
  grpc::ServerUnaryReactor* RefuseCaller(grpc::CallbackServerContext* context,
                                         CallerRole required);

  // Finishes a call that the actor may not make: records the refusal in
  // the audit log, then fails the call with `status`.
  grpc::ServerUnaryReactor* Refuse(grpc::CallbackServerContext* context,
                                   const absl::Status& status,
                                   AuditAction action, std::string target,
                                   const ChangeContext& change);

  // Checks a bot actor's rotation by name before any lookup of the token:
  // the bot may name only its own current token.
  absl::Status CheckBotNamesOwnToken(const ActorRecord& actor,
                                     const AccessTokenRef& name);

  Store* const store_;
  const Clock* const clock_;
  const TokenSecrets* const secrets_;
  const ServiceOptions options_;
  LastUseRecorder last_use_;
  AuthRateLimiter rate_limiter_;
};

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_ACCESS_TOKEN_SERVICE_H_
