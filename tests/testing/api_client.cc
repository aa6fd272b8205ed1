#include "tests/testing/api_client.h"

#include "absl/strings/str_cat.h"

namespace accesstokens::testing {

std::string Describe(const grpc::Status& status) {
  return absl::StrCat("code ", status.error_code(), ": ",
                      status.error_message());
}

v1::Actor OwnerActor() { return UserActor(1, v1::ACCESS_LEVEL_OWNER); }

v1::Actor UserActor(int64_t user_id, v1::AccessLevel level) {
  v1::Actor actor;
  actor.set_user_id(user_id);
  actor.set_access_level(level);
  return actor;
}

CallResult<v1::CreateGroupResponse> ApiClient::CreateGroup(
    int64_t id, const std::string& parent,
    std::optional<bool> allow_project_tokens) {
  v1::CreateGroupRequest request;
  request.set_group_id(id);
  request.mutable_group()->set_parent(parent);
  request.mutable_group()->set_display_name(absl::StrCat("Group ", id));
  *request.mutable_actor() = OwnerActor();
  if (allow_project_tokens.has_value()) {
    request.mutable_group()->set_allow_project_access_token_creation(
        *allow_project_tokens);
  }
  return Call(&Stub::CreateGroup, request);
}

CallResult<v1::CreateProjectResponse> ApiClient::CreateProject(
    int64_t id, const std::string& parent) {
  v1::CreateProjectRequest request;
  request.set_project_id(id);
  request.mutable_project()->set_parent(parent);
  request.mutable_project()->set_display_name(absl::StrCat("Project ", id));
  *request.mutable_actor() = OwnerActor();
  return Call(&Stub::CreateProject, request);
}

CallResult<v1::CreateAccessTokenResponse> ApiClient::CreateToken(
    const std::string& parent, const std::string& display_name,
    std::vector<v1::Scope> scopes, const std::string& expires_on,
    int access_level) {
  v1::CreateAccessTokenRequest request;
  request.set_parent(parent);
  v1::AccessToken* token = request.mutable_access_token();
  token->set_display_name(display_name);
  for (v1::Scope scope : scopes) token->add_scopes(scope);
  token->set_expires_on(expires_on);
  token->set_access_level(static_cast<v1::AccessLevel>(access_level));
  *request.mutable_actor() = OwnerActor();
  return Call(&Stub::CreateAccessToken, request);
}

CallResult<v1::GetAccessTokenResponse> ApiClient::GetToken(
    const std::string& name) {
  v1::GetAccessTokenRequest request;
  request.set_name(name);
  return Call(&Stub::GetAccessToken, request);
}

CallResult<v1::RevokeAccessTokenResponse> ApiClient::RevokeToken(
    const std::string& name) {
  v1::RevokeAccessTokenRequest request;
  request.set_name(name);
  *request.mutable_actor() = OwnerActor();
  return Call(&Stub::RevokeAccessToken, request);
}

CallResult<v1::AuthenticateAccessTokenResponse> ApiClient::Authenticate(
    const std::string& secret) {
  v1::AuthenticateAccessTokenRequest request;
  request.set_token(secret);
  return Call(&Stub::AuthenticateAccessToken, request);
}

CallResult<v1::ListAccessTokensResponse> ApiClient::ListTokens(
    const std::string& parent, const std::string& filter, int page_size,
    const std::string& page_token) {
  v1::ListAccessTokensRequest request;
  request.set_parent(parent);
  request.set_filter(filter);
  request.set_page_size(page_size);
  request.set_page_token(page_token);
  return Call(&Stub::ListAccessTokens, request);
}

CallResult<v1::GetBotUserResponse> ApiClient::GetBotUser(
    const std::string& name) {
  v1::GetBotUserRequest request;
  request.set_name(name);
  return Call(&Stub::GetBotUser, request);
}

CallResult<v1::ListBotUsersResponse> ApiClient::ListBotUsers(
    const std::string& parent, int page_size, const std::string& page_token) {
  v1::ListBotUsersRequest request;
  request.set_parent(parent);
  request.set_page_size(page_size);
  request.set_page_token(page_token);
  return Call(&Stub::ListBotUsers, request);
}

CallResult<v1::UpdateGroupResponse> ApiClient::SetAllowProjectTokens(
    const std::string& group, bool allow) {
  v1::UpdateGroupRequest request;
  request.mutable_group()->set_name(group);
  request.mutable_group()->set_allow_project_access_token_creation(allow);
  request.mutable_update_mask()->add_paths(
      "allow_project_access_token_creation");
  *request.mutable_actor() = OwnerActor();
  return Call(&Stub::UpdateGroup, request);
}

CallResult<v1::RotateAccessTokenResponse> ApiClient::RotateToken(
    const std::string& name, const std::string& expires_on) {
  v1::RotateAccessTokenRequest request;
  request.set_name(name);
  request.set_expires_on(expires_on);
  *request.mutable_actor() = OwnerActor();
  return Call(&Stub::RotateAccessToken, request);
}

CallResult<v1::ListAuditEventsResponse> ApiClient::ListAuditEvents(
    const std::string& filter, int page_size, const std::string& page_token) {
  v1::ListAuditEventsRequest request;
  request.set_filter(filter);
  request.set_page_size(page_size);
  request.set_page_token(page_token);
  return Call(&Stub::ListAuditEvents, request);
}

}  // namespace accesstokens::testing
