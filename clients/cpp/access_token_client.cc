#include "clients/cpp/access_token_client.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace accesstokens {
namespace {

// Reads a whole PEM file. `what` names the file's role in the error.
absl::StatusOr<std::string> ReadPemFile(const std::string& path,
                                        const char* what) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const int error = errno;
    return absl::Status(absl::ErrnoToStatusCode(error),
                        absl::StrCat("cannot read the ", what, " file \"", path,
                                     "\": ", std::strerror(error)));
  }
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> TlsCredentials(
    const TlsOptions& tls) {
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "mutual TLS needs both a client certificate file and its key file; "
        "got certificate \"",
        tls.cert_file, "\" and key \"", tls.key_file, "\""));
  }

  grpc::SslCredentialsOptions ssl;
  if (!tls.ca_file.empty()) {
    absl::StatusOr<std::string> roots =
        ReadPemFile(tls.ca_file, "TLS certificate authority");
    if (!roots.ok()) return roots.status();
    ssl.pem_root_certs = *std::move(roots);
  }
  if (!tls.cert_file.empty()) {
    absl::StatusOr<std::string> chain =
        ReadPemFile(tls.cert_file, "TLS client certificate");
    if (!chain.ok()) return chain.status();
    absl::StatusOr<std::string> key =
        ReadPemFile(tls.key_file, "TLS client key");
    if (!key.ok()) return key.status();
    ssl.pem_cert_chain = *std::move(chain);
    ssl.pem_private_key = *std::move(key);
  }
  return grpc::SslCredentials(ssl);
}

// gRPC fails a call whose metadata value has other characters, with a
// message that would not name the cause.
bool IsPrintableAscii(const std::string& value) {
  for (char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

absl::Status ValidateOptions(const ClientOptions& options) {
  if (options.address.empty()) {
    return absl::InvalidArgumentError(
        "the server address is empty; give host:port, such as "
        "127.0.0.1:50051");
  }
  if (options.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the timeout ", absl::FormatDuration(options.timeout),
                     " is not positive"));
  }
  // The message leaves the credential out, because it is a secret.
  if (!IsPrintableAscii(options.bearer_credential)) {
    return absl::InvalidArgumentError(
        "the bearer credential contains a character that is not printable "
        "ASCII, such as a line break");
  }
  return absl::OkStatus();
}

}  // namespace

v1::Actor HumanActor(int64_t user_id, v1::AccessLevel level) {
  v1::Actor actor;
  actor.set_user_id(user_id);
  actor.set_access_level(level);
  return actor;
}

v1::Actor BotActor(const std::string& bot_user) {
  v1::Actor actor;
  actor.set_bot_user(bot_user);
  return actor;
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

absl::StatusOr<AccessTokenClient> AccessTokenClient::Create(
    const ClientOptions& options) {
  absl::Status valid = ValidateOptions(options);
  if (!valid.ok()) return valid;

  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  grpc::ChannelArguments arguments;
  if (options.tls.has_value()) {
    auto tls = TlsCredentials(*options.tls);
    if (!tls.ok()) return tls.status();
    credentials = *std::move(tls);
    if (!options.tls->server_name.empty()) {
      arguments.SetSslTargetNameOverride(options.tls->server_name);
    }
  }

  return AccessTokenClient(
      grpc::CreateCustomChannel(options.address, credentials, arguments),
      options);
}

AccessTokenClient AccessTokenClient::FromChannel(
    std::shared_ptr<grpc::Channel> channel, const ClientOptions& options) {
  return AccessTokenClient(std::move(channel), options);
}

AccessTokenClient::AccessTokenClient(std::shared_ptr<grpc::Channel> channel,
                                     const ClientOptions& options)
    : stub_(v1::AccessTokenService::NewStub(std::move(channel))),
      timeout_(options.timeout),
      bearer_credential_(options.bearer_credential),
      default_actor_(options.default_actor) {}

template <typename Request, typename Response>
absl::StatusOr<Response> AccessTokenClient::Call(
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    const Request& request, const CallOptions& call) {
  grpc::ClientContext context;
  const absl::Duration timeout = call.timeout.value_or(timeout_);
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  if (!bearer_credential_.empty()) {
    context.AddMetadata("authorization",
                        absl::StrCat("Bearer ", bearer_credential_));
  }

  Response response;
  grpc::Status status = ((*stub_).*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

template <typename Request, typename Response>
absl::StatusOr<Response> AccessTokenClient::CallWithActor(
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                 Response*),
    const Request& request, const CallOptions& call) {
  if (request.has_actor() || !default_actor_.has_value()) {
    return Call(method, request, call);
  }
  Request with_actor = request;
  *with_actor.mutable_actor() = *default_actor_;
  return Call(method, with_actor, call);
}

absl::StatusOr<v1::CreateGroupResponse> AccessTokenClient::CreateGroup(
    const v1::CreateGroupRequest& request, const CallOptions& call) {
  return CallWithActor(&Stub::CreateGroup, request, call);
}

absl::StatusOr<v1::GetGroupResponse> AccessTokenClient::GetGroup(
    const v1::GetGroupRequest& request, const CallOptions& call) {
  return Call(&Stub::GetGroup, request, call);
}

absl::StatusOr<v1::UpdateGroupResponse> AccessTokenClient::UpdateGroup(
    const v1::UpdateGroupRequest& request, const CallOptions& call) {
  return CallWithActor(&Stub::UpdateGroup, request, call);
}

absl::StatusOr<v1::DeleteGroupResponse> AccessTokenClient::DeleteGroup(
    const v1::DeleteGroupRequest& request, const CallOptions& call) {
  return CallWithActor(&Stub::DeleteGroup, request, call);
}

absl::StatusOr<v1::CreateProjectResponse> AccessTokenClient::CreateProject(
    const v1::CreateProjectRequest& request, const CallOptions& call) {
  return CallWithActor(&Stub::CreateProject, request, call);
}

absl::StatusOr<v1::GetProjectResponse> AccessTokenClient::GetProject(
    const v1::GetProjectRequest& request, const CallOptions& call) {
  return Call(&Stub::GetProject, request, call);
}

absl::StatusOr<v1::UpdateProjectResponse> AccessTokenClient::UpdateProject(
    const v1::UpdateProjectRequest& request, const CallOptions& call) {
  return CallWithActor(&Stub::UpdateProject, request, call);
}

absl::StatusOr<v1::DeleteProjectResponse> AccessTokenClient::DeleteProject(
    const v1::DeleteProjectRequest& request, const CallOptions& call) {
  return CallWithActor(&Stub::DeleteProject, request, call);
}

absl::StatusOr<v1::CreateAccessTokenResponse>
AccessTokenClient::CreateAccessToken(
    const v1::CreateAccessTokenRequest& request, const CallOptions& call) {
  return CallWithActor(&Stub::CreateAccessToken, request, call);
}

absl::StatusOr<v1::GetAccessTokenResponse> AccessTokenClient::GetAccessToken(
    const v1::GetAccessTokenRequest& request, const CallOptions& call) {
  return Call(&Stub::GetAccessToken, request, call);
}

absl::StatusOr<v1::ListAccessTokensResponse>
AccessTokenClient::ListAccessTokens(const v1::ListAccessTokensRequest& request,
                                    const CallOptions& call) {
  return Call(&Stub::ListAccessTokens, request, call);
}

absl::StatusOr<v1::RevokeAccessTokenResponse>
AccessTokenClient::RevokeAccessToken(
    const v1::RevokeAccessTokenRequest& request, const CallOptions& call) {
  return CallWithActor(&Stub::RevokeAccessToken, request, call);
}

absl::StatusOr<v1::RotateAccessTokenResponse>
AccessTokenClient::RotateAccessToken(
    const v1::RotateAccessTokenRequest& request, const CallOptions& call) {
  // With a secret, the token's bot user acts, so no default actor is added.
  if (!request.token().empty()) {
    return Call(&Stub::RotateAccessToken, request, call);
  }
  return CallWithActor(&Stub::RotateAccessToken, request, call);
}

absl::StatusOr<v1::AuthenticateAccessTokenResponse>
AccessTokenClient::AuthenticateAccessToken(
    const v1::AuthenticateAccessTokenRequest& request,
    const CallOptions& call) {
  return Call(&Stub::AuthenticateAccessToken, request, call);
}

absl::StatusOr<v1::GetBotUserResponse> AccessTokenClient::GetBotUser(
    const v1::GetBotUserRequest& request, const CallOptions& call) {
  return Call(&Stub::GetBotUser, request, call);
}

absl::StatusOr<v1::ListBotUsersResponse> AccessTokenClient::ListBotUsers(
    const v1::ListBotUsersRequest& request, const CallOptions& call) {
  return Call(&Stub::ListBotUsers, request, call);
}

absl::StatusOr<v1::ListScopesResponse> AccessTokenClient::ListScopes(
    const v1::ListScopesRequest& request, const CallOptions& call) {
  return Call(&Stub::ListScopes, request, call);
}

absl::StatusOr<v1::ListAuditEventsResponse> AccessTokenClient::ListAuditEvents(
    const v1::ListAuditEventsRequest& request, const CallOptions& call) {
  return Call(&Stub::ListAuditEvents, request, call);
}

}  // namespace accesstokens
