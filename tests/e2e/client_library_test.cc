// The C++ client library against the real server binary: a token's whole
// life, and the exact status of bad input, a missing resource and an
// unreachable server.

#include <string>

#include "absl/strings/str_cat.h"
#include "clients/cpp/access_token_client.h"
#include "gtest/gtest.h"
#include "service/scopes.h"
#include "tests/testing/server_fixture.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::ServerProcessTest;

class ClientLibraryTest : public ServerProcessTest {
 protected:
  void SetUp() override {
    ServerProcessTest::SetUp();
    ClientOptions options;
    options.address = server_->address();
    options.default_actor = HumanActor(1, v1::ACCESS_LEVEL_OWNER);
    absl::StatusOr<AccessTokenClient> client =
        AccessTokenClient::Create(options);
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::make_unique<AccessTokenClient>(*std::move(client));

    v1::CreateGroupRequest group;
    group.set_group_id(109);
    group.mutable_group()->set_display_name("Platform");
    ASSERT_TRUE(client_->CreateGroup(group).ok());
    v1::CreateProjectRequest project;
    project.set_project_id(123);
    project.mutable_project()->set_parent("groups/109");
    project.mutable_project()->set_display_name("Billing API");
    ASSERT_TRUE(client_->CreateProject(project).ok());
  }

  absl::StatusOr<v1::CreateAccessTokenResponse> CreateToken(
      v1::Scope scope = v1::SCOPE_READ_REPOSITORY) {
    v1::CreateAccessTokenRequest request;
    request.set_parent("projects/123");
    request.mutable_access_token()->set_display_name("ci");
    request.mutable_access_token()->add_scopes(scope);
    return client_->CreateAccessToken(request);
  }

  absl::Status Authenticate(const std::string& secret) {
    v1::AuthenticateAccessTokenRequest request;
    request.set_token(secret);
    return client_->AuthenticateAccessToken(request).status();
  }

  absl::StatusOr<v1::ListAccessTokensResponse> ListActive() {
    v1::ListAccessTokensRequest request;
    request.set_parent("projects/123");
    request.set_filter("state = active");
    return client_->ListAccessTokens(request);
  }

  std::unique_ptr<AccessTokenClient> client_;
};

TEST_F(ClientLibraryTest, CreateAuthenticateListRevoke) {
  auto created = CreateToken();
  ASSERT_TRUE(created.ok()) << created.status();
  const std::string name = created->access_token().name();
  const std::string secret = created->access_token().token();
  EXPECT_EQ(name, "projects/123/accessTokens/1");

  v1::AuthenticateAccessTokenRequest authenticate;
  authenticate.set_token(secret);
  auto authenticated = client_->AuthenticateAccessToken(authenticate);
  ASSERT_TRUE(authenticated.ok()) << authenticated.status();
  EXPECT_EQ(authenticated->access_token().name(), name);
  EXPECT_EQ(authenticated->project().name(), "projects/123");

  auto listed = ListActive();
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->access_tokens_size(), 1);
  EXPECT_EQ(listed->access_tokens(0).name(), name);

  v1::RevokeAccessTokenRequest revoke;
  revoke.set_name(name);
  auto revoked = client_->RevokeAccessToken(revoke);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->access_token().state(), v1::AccessToken::STATE_REVOKED);
  EXPECT_EQ(Authenticate(secret).code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ListActive()->access_tokens_size(), 0);
}

TEST_F(ClientLibraryTest, CreateAuthenticateListRotateRevoke) {
  auto created = CreateToken();
  ASSERT_TRUE(created.ok()) << created.status();
  const std::string old_name = created->access_token().name();
  const std::string old_secret = created->access_token().token();
  ASSERT_TRUE(Authenticate(old_secret).ok());
  ASSERT_EQ(ListActive()->access_tokens_size(), 1);

  v1::RotateAccessTokenRequest rotate;
  rotate.set_name(old_name);
  auto rotated = client_->RotateAccessToken(rotate);
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  const std::string new_name = rotated->access_token().name();
  const std::string new_secret = rotated->access_token().token();
  EXPECT_NE(new_name, old_name);
  EXPECT_NE(new_secret, old_secret);
  EXPECT_EQ(rotated->previous_access_token().name(), old_name);
  EXPECT_EQ(Authenticate(old_secret).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(Authenticate(new_secret).ok());

  auto listed = ListActive();
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->access_tokens_size(), 1);
  EXPECT_EQ(listed->access_tokens(0).name(), new_name);

  v1::RevokeAccessTokenRequest revoke;
  revoke.set_name(new_name);
  ASSERT_TRUE(client_->RevokeAccessToken(revoke).ok());
  EXPECT_EQ(Authenticate(new_secret).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(ClientLibraryTest, UnknownScopeIsInvalidArgument) {
  auto created = CreateToken(static_cast<v1::Scope>(42));
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(created.status().message(),
            absl::StrCat("scope 42 is not one of: ", ScopeNameList()));
}

TEST_F(ClientLibraryTest, MissingTokenIsNotFound) {
  v1::GetAccessTokenRequest request;
  request.set_name("projects/123/accessTokens/99");
  auto token = client_->GetAccessToken(request);
  EXPECT_EQ(token.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(token.status().message(),
            "access token \"projects/123/accessTokens/99\" not found");
}

TEST_F(ClientLibraryTest, StoppedServerIsUnavailable) {
  server_->Stop();
  auto scopes = client_->ListScopes();
  EXPECT_EQ(scopes.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace accesstokens
