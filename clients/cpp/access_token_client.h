// A C++ client of accesstokens.v1.AccessTokenService: a thin wrapper over the
// generated gRPC stub that returns absl::StatusOr. It sets a deadline on
// every call, connects in plaintext or over TLS, sends an optional bearer
// credential, and adds a default actor to mutating requests.
//
// Thread-safe: the options are fixed at construction and the gRPC stub may
// be shared, so one client can serve many threads at once.
//
// Example:
//   ClientOptions options;
//   options.address = "127.0.0.1:50051";
//   options.default_actor = HumanActor(1, v1::ACCESS_LEVEL_OWNER);
//   absl::StatusOr<AccessTokenClient> client =
//       AccessTokenClient::Create(options);
//   v1::GetProjectRequest request;
//   request.set_name("projects/123");
//   absl::StatusOr<v1::GetProjectResponse> project =
//       client->GetProject(request);
//   // On failure, project.status() has the server's code and message, such
//   // as NOT_FOUND and `project "projects/123" not found`.
#ifndef ACCESSTOKENS_CLIENTS_CPP_ACCESS_TOKEN_CLIENT_H_
#define ACCESSTOKENS_CLIENTS_CPP_ACCESS_TOKEN_CLIENT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "accesstokens/v1/access_token_service.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/support/status.h"

namespace accesstokens {

// TLS settings of the channel. An empty path means that file is not used.
struct TlsOptions {
  // PEM file of the certificate authorities that may sign the server's
  // certificate. Empty means gRPC's default roots: the file named by the
  // GRPC_DEFAULT_SSL_ROOTS_FILE_PATH environment variable, else the system's.
  std::string ca_file;
  // PEM files of a client certificate chain and its private key, for mutual
  // TLS. Give both or neither.
  std::string cert_file;
  std::string key_file;
  // Host name to verify the server's certificate against, when it differs
  // from the host in the address. Empty means the host in the address.
  std::string server_name;
};

struct ClientOptions {
  // Server address, `host:port` or any gRPC target such as `dns:///host:443`.
  std::string address = "127.0.0.1:50051";
  // Deadline of each call, counted from its start. CallOptions may override
  // it per call.
  absl::Duration timeout = absl::Seconds(10);
  // TLS settings, or nullopt for plaintext.
  std::optional<TlsOptions> tls;
  // Sent on every call as `authorization: Bearer <credential>` when not
  // empty. It is sent over plaintext channels too, so use TLS for any
  // server beyond the local machine.
  std::string bearer_credential;
  // Actor added to each mutating request that has none. RotateAccessToken
  // requests that carry a secret in `token` are left without one, because
  // the token's own bot user acts for them.
  std::optional<v1::Actor> default_actor;
};

// Settings of a single call.
struct CallOptions {
  // Deadline of this call; unset means ClientOptions::timeout.
  std::optional<absl::Duration> timeout;
};

// Returns an actor for a human user with the platform's `user_id` and
// `level` on the target project or group.
v1::Actor HumanActor(int64_t user_id, v1::AccessLevel level);

// Returns an actor for a bot user, `users/{user_id}`.
v1::Actor BotActor(const std::string& bot_user);

// Converts a gRPC status to an absl::Status with the same code and message.
absl::Status FromGrpcStatus(const grpc::Status& status);

class AccessTokenClient {
 public:
  // Creates a client whose channel connects on the first call. Reads the
  // TLS files now. INVALID_ARGUMENT for an empty address, a non-positive
  // timeout, a certificate without its key or the reverse, or a bearer
  // credential with characters outside printable ASCII; NOT_FOUND or
  // PERMISSION_DENIED for a TLS file that cannot be read, naming its path.
  static absl::StatusOr<AccessTokenClient> Create(const ClientOptions& options);

  // Creates a client on a channel the caller built. `options.address` and
  // `options.tls` are ignored. REQUIRES: options.timeout is positive.
  static AccessTokenClient FromChannel(std::shared_ptr<grpc::Channel> channel,
                                       const ClientOptions& options);

  // Each method sends one RPC and returns its response. On failure the
  // status has the gRPC code and message: the server's, or gRPC's own, such
  // as DEADLINE_EXCEEDED when the deadline passes and UNAVAILABLE when the
  // server cannot be reached. The .proto file documents each RPC's errors.
  // Methods marked "mutating" add the default actor.

  // Mutating.
  absl::StatusOr<v1::CreateGroupResponse> CreateGroup(
      const v1::CreateGroupRequest& request, const CallOptions& call = {});
  absl::StatusOr<v1::GetGroupResponse> GetGroup(
      const v1::GetGroupRequest& request, const CallOptions& call = {});
  // Mutating.
  absl::StatusOr<v1::UpdateGroupResponse> UpdateGroup(
      const v1::UpdateGroupRequest& request, const CallOptions& call = {});
  // Mutating.
  absl::StatusOr<v1::DeleteGroupResponse> DeleteGroup(
      const v1::DeleteGroupRequest& request, const CallOptions& call = {});

  // Mutating.
  absl::StatusOr<v1::CreateProjectResponse> CreateProject(
      const v1::CreateProjectRequest& request, const CallOptions& call = {});
  absl::StatusOr<v1::GetProjectResponse> GetProject(
      const v1::GetProjectRequest& request, const CallOptions& call = {});
  // Mutating.
  absl::StatusOr<v1::UpdateProjectResponse> UpdateProject(
      const v1::UpdateProjectRequest& request, const CallOptions& call = {});
  // Mutating.
  absl::StatusOr<v1::DeleteProjectResponse> DeleteProject(
      const v1::DeleteProjectRequest& request, const CallOptions& call = {});

  // Mutating. The response carries the token's secret.
  absl::StatusOr<v1::CreateAccessTokenResponse> CreateAccessToken(
      const v1::CreateAccessTokenRequest& request,
      const CallOptions& call = {});
  absl::StatusOr<v1::GetAccessTokenResponse> GetAccessToken(
      const v1::GetAccessTokenRequest& request, const CallOptions& call = {});
  absl::StatusOr<v1::ListAccessTokensResponse> ListAccessTokens(
      const v1::ListAccessTokensRequest& request, const CallOptions& call = {});
  // Mutating.
  absl::StatusOr<v1::RevokeAccessTokenResponse> RevokeAccessToken(
      const v1::RevokeAccessTokenRequest& request,
      const CallOptions& call = {});
  // Mutating, unless the request carries a secret in `token`. The response
  // carries the new secret.
  absl::StatusOr<v1::RotateAccessTokenResponse> RotateAccessToken(
      const v1::RotateAccessTokenRequest& request,
      const CallOptions& call = {});
  absl::StatusOr<v1::AuthenticateAccessTokenResponse> AuthenticateAccessToken(
      const v1::AuthenticateAccessTokenRequest& request,
      const CallOptions& call = {});

  absl::StatusOr<v1::GetBotUserResponse> GetBotUser(
      const v1::GetBotUserRequest& request, const CallOptions& call = {});
  absl::StatusOr<v1::ListBotUsersResponse> ListBotUsers(
      const v1::ListBotUsersRequest& request, const CallOptions& call = {});

  absl::StatusOr<v1::ListScopesResponse> ListScopes(
      const v1::ListScopesRequest& request = {}, const CallOptions& call = {});
  absl::StatusOr<v1::ListAuditEventsResponse> ListAuditEvents(
      const v1::ListAuditEventsRequest& request, const CallOptions& call = {});

 private:
  using Stub = v1::AccessTokenService::Stub;

  AccessTokenClient(std::shared_ptr<grpc::Channel> channel,
                    const ClientOptions& options);

  // Sends `request` with `method` under a deadline and the bearer
  // credential, and converts the result.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request, const CallOptions& call);

  // Like Call, but first adds the default actor if `request` has none.
  template <typename Request, typename Response>
  absl::StatusOr<Response> CallWithActor(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request, const CallOptions& call);

  std::shared_ptr<Stub> stub_;
  absl::Duration timeout_;
  std::string bearer_credential_;
  std::optional<v1::Actor> default_actor_;
};

}  // namespace accesstokens

#endif  // ACCESSTOKENS_CLIENTS_CPP_ACCESS_TOKEN_CLIENT_H_
