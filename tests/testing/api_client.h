// Blocking calls to AccessTokenService for tests, with request builders for
// the common cases. Each call returns the status and the response together.
#ifndef ACCESSTOKENS_TESTS_TESTING_API_CLIENT_H_
#define ACCESSTOKENS_TESTS_TESTING_API_CLIENT_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "accesstokens/v1/access_token_service.grpc.pb.h"
#include "grpcpp/client_context.h"

namespace accesstokens::testing {

template <typename Response>
struct CallResult {
  grpc::Status status;
  Response response;

  bool ok() const { return status.ok(); }
  grpc::StatusCode code() const { return status.error_code(); }
  std::string message() const { return status.error_message(); }
};

// Prints "CODE: message" so that failed expectations show the server's
// message.
std::string Describe(const grpc::Status& status);

// Returns the actor that the helpers below send: user 1, an owner.
v1::Actor OwnerActor();

// Returns a human actor with `user_id` and `level`.
v1::Actor UserActor(int64_t user_id, v1::AccessLevel level);

// Thread-safe, like the stub it wraps. The helpers that change something
// send OwnerActor().
class ApiClient {
 public:
  using Stub = v1::AccessTokenService::Stub;

  explicit ApiClient(std::unique_ptr<Stub> stub) : stub_(std::move(stub)) {}

  // Calls `method` with `request` and optional metadata pairs.
  template <typename Request, typename Response>
  CallResult<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request,
      std::initializer_list<std::pair<std::string, std::string>> metadata =
          {}) {
    grpc::ClientContext context;
    for (const auto& [key, value] : metadata) context.AddMetadata(key, value);
    CallResult<Response> result;
    result.status = (stub_.get()->*method)(&context, request, &result.response);
    return result;
  }

  CallResult<v1::CreateGroupResponse> CreateGroup(
      int64_t id, const std::string& parent = "",
      std::optional<bool> allow_project_tokens = std::nullopt);
  CallResult<v1::CreateProjectResponse> CreateProject(
      int64_t id, const std::string& parent = "");
  // Creates a token; by default with the scope api, the default access
  // level and the default expiry.
  CallResult<v1::CreateAccessTokenResponse> CreateToken(
      const std::string& parent, const std::string& display_name = "token",
      std::vector<v1::Scope> scopes = {v1::SCOPE_API},
      const std::string& expires_on = "", int access_level = 0);
  CallResult<v1::GetAccessTokenResponse> GetToken(const std::string& name);
  CallResult<v1::RevokeAccessTokenResponse> RevokeToken(
      const std::string& name);
  CallResult<v1::AuthenticateAccessTokenResponse> Authenticate(
      const std::string& secret);
  CallResult<v1::ListAccessTokensResponse> ListTokens(
      const std::string& parent, const std::string& filter = "",
      int page_size = 0, const std::string& page_token = "");
  CallResult<v1::GetBotUserResponse> GetBotUser(const std::string& name);
  CallResult<v1::ListBotUsersResponse> ListBotUsers(
      const std::string& parent, int page_size = 0,
      const std::string& page_token = "");
  CallResult<v1::UpdateGroupResponse> SetAllowProjectTokens(
      const std::string& group, bool allow);
  CallResult<v1::RotateAccessTokenResponse> RotateToken(
      const std::string& name, const std::string& expires_on = "");
  CallResult<v1::ListAuditEventsResponse> ListAuditEvents(
      const std::string& filter, int page_size = 0,
      const std::string& page_token = "");

  Stub& stub() { return *stub_; }

 private:
  std::unique_ptr<Stub> stub_;
};

}  // namespace accesstokens::testing

namespace grpc {
// Lets failure messages print statuses.
inline std::ostream& operator<<(std::ostream& out, const Status& status) {
  return out << accesstokens::testing::Describe(status);
}
}  // namespace grpc

#endif  // ACCESSTOKENS_TESTS_TESTING_API_CLIENT_H_
