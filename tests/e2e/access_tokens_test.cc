// Creating, reading, listing, revoking and authenticating access tokens
// against the real server binary.

#include <regex>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/policy.h"
#include "tests/testing/server_fixture.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::ServerProcessTest;

class AccessTokensTest : public ServerProcessTest {
 protected:
  void SetUp() override {
    ServerProcessTest::SetUp();
    ASSERT_TRUE(api_->CreateGroup(109).ok());
    ASSERT_TRUE(api_->CreateProject(123, "groups/109").ok());
  }

  // Creates a token in projects/123 and returns the response.
  v1::CreateAccessTokenResponse CreateProjectToken(
      const std::string& display_name = "ci") {
    auto created = api_->CreateToken("projects/123", display_name);
    EXPECT_TRUE(created.ok()) << created.status;
    return created.response;
  }
};

TEST_F(AccessTokensTest, CreateReturnsTokenBotUserAndSecret) {
  v1::CreateAccessTokenRequest request;
  request.set_parent("projects/123");
  v1::AccessToken* input = request.mutable_access_token();
  input->set_display_name("deploy bot");
  input->set_description("pushes release images");
  input->add_scopes(v1::SCOPE_WRITE_REGISTRY);
  input->add_scopes(v1::SCOPE_READ_REPOSITORY);
  input->set_access_level(v1::ACCESS_LEVEL_DEVELOPER);
  input->set_expires_on(FormatDate(TodayUtc() + 30));
  *request.mutable_actor() = testing::OwnerActor();

  auto created = api_->Call(&v1::AccessTokenService::Stub::CreateAccessToken,
                            request);
  ASSERT_TRUE(created.ok()) << created.status;

  const v1::AccessToken& token = created.response.access_token();
  EXPECT_TRUE(std::regex_match(token.name(),
                               std::regex("projects/123/accessTokens/[1-9][0-9]*")))
      << token.name();
  EXPECT_EQ(token.display_name(), "deploy bot");
  EXPECT_EQ(token.description(), "pushes release images");
  ASSERT_EQ(token.scopes_size(), 2);
  EXPECT_EQ(token.scopes(0), v1::SCOPE_WRITE_REGISTRY);
  EXPECT_EQ(token.scopes(1), v1::SCOPE_READ_REPOSITORY);
  EXPECT_EQ(token.access_level(), v1::ACCESS_LEVEL_DEVELOPER);
  EXPECT_EQ(token.expires_on(), FormatDate(TodayUtc() + 30));
  EXPECT_EQ(token.state(), v1::AccessToken::STATE_ACTIVE);
  EXPECT_TRUE(std::regex_match(token.token(),
                               std::regex("glpat-[A-Za-z0-9_-]{32}")))
      << "secret has an unexpected form";
  EXPECT_TRUE(token.has_create_time());
  EXPECT_FALSE(token.has_revoke_time());

  const v1::BotUser& bot = created.response.bot_user();
  EXPECT_EQ(token.bot_user(), bot.name());
  EXPECT_EQ(bot.username(), "project_123_bot");
  EXPECT_EQ(bot.email(), "project123_bot@example.com");
  EXPECT_EQ(bot.display_name(), "deploy bot");
  EXPECT_EQ(bot.user_type(), v1::USER_TYPE_PROJECT_BOT);
  EXPECT_FALSE(bot.billable());
  EXPECT_EQ(bot.state(), v1::BotUser::STATE_ACTIVE);
  EXPECT_EQ(bot.resource(), "projects/123");
  EXPECT_EQ(bot.membership().resource(), "projects/123");
  EXPECT_EQ(bot.membership().access_level(), v1::ACCESS_LEVEL_DEVELOPER);
  EXPECT_EQ(bot.access_token(), token.name());
}

TEST_F(AccessTokensTest, DefaultsAreMaintainerAndMaximumLifetime) {
  const v1::AccessToken token = CreateProjectToken().access_token();
  EXPECT_EQ(token.access_level(), v1::ACCESS_LEVEL_MAINTAINER);
  EXPECT_EQ(token.expires_on(), FormatDate(TodayUtc() + 365));
}

TEST_F(AccessTokensTest, DuplicateScopesCollapse) {
  auto created = api_->CreateToken(
      "projects/123", "ci",
      {v1::SCOPE_API, v1::SCOPE_READ_API, v1::SCOPE_API, v1::SCOPE_READ_API});
  ASSERT_TRUE(created.ok()) << created.status;
  const auto& scopes = created.response.access_token().scopes();
  ASSERT_EQ(scopes.size(), 2);
  EXPECT_EQ(scopes[0], v1::SCOPE_API);
  EXPECT_EQ(scopes[1], v1::SCOPE_READ_API);
}

TEST_F(AccessTokensTest, SecretIsReturnedOnlyOnCreate) {
  const v1::CreateAccessTokenResponse created = CreateProjectToken();
  const std::string& name = created.access_token().name();

  auto got = api_->GetToken(name);
  ASSERT_TRUE(got.ok()) << got.status;
  EXPECT_EQ(got.response.access_token().token(), "");
  EXPECT_EQ(got.response.access_token().name(), name);

  auto listed = api_->ListTokens("projects/123");
  ASSERT_TRUE(listed.ok()) << listed.status;
  ASSERT_EQ(listed.response.access_tokens_size(), 1);
  EXPECT_EQ(listed.response.access_tokens(0).token(), "");

  auto authenticated = api_->Authenticate(created.access_token().token());
  ASSERT_TRUE(authenticated.ok()) << authenticated.status;
  EXPECT_EQ(authenticated.response.access_token().token(), "");
}

TEST_F(AccessTokensTest, AuthenticateReturnsTokenBotAndProject) {
  const v1::CreateAccessTokenResponse created = CreateProjectToken();

  auto result = api_->Authenticate(created.access_token().token());
  ASSERT_TRUE(result.ok()) << result.status;
  const v1::AuthenticateAccessTokenResponse& response = result.response;
  EXPECT_EQ(response.access_token().name(), created.access_token().name());
  EXPECT_EQ(response.access_token().state(), v1::AccessToken::STATE_ACTIVE);
  EXPECT_EQ(response.access_token().scopes_size(), 1);
  EXPECT_EQ(response.access_token().access_level(),
            v1::ACCESS_LEVEL_MAINTAINER);
  EXPECT_EQ(response.access_token().expires_on(),
            created.access_token().expires_on());
  EXPECT_EQ(response.bot_user().username(), "project_123_bot");
  ASSERT_EQ(response.resource_case(),
            v1::AuthenticateAccessTokenResponse::kProject);
  EXPECT_EQ(response.project().name(), "projects/123");
  EXPECT_EQ(response.project().parent(), "groups/109");
}

TEST_F(AccessTokensTest, AuthenticateReadsPrivateTokenMetadata) {
  const v1::CreateAccessTokenResponse created = CreateProjectToken();

  auto result =
      api_->Call(&v1::AccessTokenService::Stub::AuthenticateAccessToken,
                 v1::AuthenticateAccessTokenRequest(),
                 {{"private-token", created.access_token().token()}});
  ASSERT_TRUE(result.ok()) << result.status;
  EXPECT_EQ(result.response.access_token().name(),
            created.access_token().name());
}

TEST_F(AccessTokensTest, AuthenticatePrefersRequestFieldOverMetadata) {
  const v1::CreateAccessTokenResponse created = CreateProjectToken();
  v1::AuthenticateAccessTokenRequest request;
  request.set_token(created.access_token().token());

  auto result =
      api_->Call(&v1::AccessTokenService::Stub::AuthenticateAccessToken,
                 request, {{"private-token", "glpat-not-a-real-token"}});
  ASSERT_TRUE(result.ok()) << result.status;
}

TEST_F(AccessTokensTest, AuthenticateGroupTokenReturnsGroup) {
  auto created = api_->CreateToken("groups/109");
  ASSERT_TRUE(created.ok()) << created.status;

  auto result = api_->Authenticate(created.response.access_token().token());
  ASSERT_TRUE(result.ok()) << result.status;
  ASSERT_EQ(result.response.resource_case(),
            v1::AuthenticateAccessTokenResponse::kGroup);
  EXPECT_EQ(result.response.group().name(), "groups/109");
  EXPECT_EQ(result.response.bot_user().user_type(), v1::USER_TYPE_GROUP_BOT);
}

TEST_F(AccessTokensTest, UnknownAndRevokedTokensShareOneMessage) {
  const v1::CreateAccessTokenResponse created = CreateProjectToken();
  const std::string secret = created.access_token().token();

  auto unknown = api_->Authenticate("glpat-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(unknown.code(), grpc::StatusCode::UNAUTHENTICATED);

  ASSERT_TRUE(api_->RevokeToken(created.access_token().name()).ok());
  auto revoked = api_->Authenticate(secret);
  EXPECT_EQ(revoked.code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(revoked.message(), unknown.message());
  EXPECT_FALSE(absl::StrContains(revoked.message(), secret));
}

TEST_F(AccessTokensTest, AuthenticateWithoutTokenIsUnauthenticated) {
  auto result = api_->Authenticate("");
  EXPECT_EQ(result.code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(absl::StrContains(result.message(), "private-token"))
      << result.message();
}

TEST_F(AccessTokensTest, AuthenticateRejectsOversizedToken) {
  auto result = api_->Authenticate(std::string(1 << 20, 'a'));
  EXPECT_EQ(result.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(result.message(), "1048576 bytes"))
      << result.message();
}

TEST_F(AccessTokensTest, RevokeBlocksBotAndEndsMembership) {
  const v1::CreateAccessTokenResponse created = CreateProjectToken();
  const std::string& name = created.access_token().name();

  auto revoked = api_->RevokeToken(name);
  ASSERT_TRUE(revoked.ok()) << revoked.status;
  EXPECT_EQ(revoked.response.access_token().state(),
            v1::AccessToken::STATE_REVOKED);
  EXPECT_TRUE(revoked.response.access_token().has_revoke_time());

  auto bot = api_->GetBotUser(created.bot_user().name());
  ASSERT_TRUE(bot.ok()) << bot.status;
  EXPECT_EQ(bot.response.bot_user().state(), v1::BotUser::STATE_BLOCKED);
  EXPECT_FALSE(bot.response.bot_user().has_membership());
  EXPECT_EQ(bot.response.bot_user().resource(), "projects/123");

  // The records stay.
  auto got = api_->GetToken(name);
  ASSERT_TRUE(got.ok()) << got.status;
  EXPECT_EQ(got.response.access_token().state(),
            v1::AccessToken::STATE_REVOKED);
  auto bots = api_->ListBotUsers("projects/123");
  ASSERT_TRUE(bots.ok());
  EXPECT_EQ(bots.response.bot_users_size(), 1);
}

TEST_F(AccessTokensTest, RevokeAgainReturnsTokenUnchanged) {
  const v1::CreateAccessTokenResponse created = CreateProjectToken();
  auto first = api_->RevokeToken(created.access_token().name());
  ASSERT_TRUE(first.ok()) << first.status;

  auto second = api_->RevokeToken(created.access_token().name());
  ASSERT_TRUE(second.ok()) << second.status;
  EXPECT_EQ(second.response.access_token().SerializeAsString(),
            first.response.access_token().SerializeAsString());
}

TEST_F(AccessTokensTest, TokenUnderAnotherParentIsNotFound) {
  ASSERT_TRUE(api_->CreateProject(124, "groups/109").ok());
  const v1::CreateAccessTokenResponse created = CreateProjectToken();
  const std::string id = created.access_token().name().substr(
      std::string("projects/123/accessTokens/").size());

  for (const std::string& name :
       {"projects/124/accessTokens/" + id, "groups/109/accessTokens/" + id}) {
    auto got = api_->GetToken(name);
    EXPECT_EQ(got.code(), grpc::StatusCode::NOT_FOUND) << name;
    EXPECT_TRUE(absl::StrContains(got.message(), name)) << got.message();
    auto revoked = api_->RevokeToken(name);
    EXPECT_EQ(revoked.code(), grpc::StatusCode::NOT_FOUND) << name;
  }
  EXPECT_TRUE(api_->Authenticate(created.access_token().token()).ok());
}

TEST_F(AccessTokensTest, UnknownTokenNameIsNotFound) {
  auto got = api_->GetToken("projects/123/accessTokens/999");
  EXPECT_EQ(got.code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(got.message(),
            "access token \"projects/123/accessTokens/999\" not found");
  EXPECT_EQ(api_->RevokeToken("projects/123/accessTokens/999").code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(AccessTokensTest, ListFiltersByState) {
  CreateProjectToken("one");
  const v1::CreateAccessTokenResponse two = CreateProjectToken("two");
  CreateProjectToken("three");
  ASSERT_TRUE(api_->RevokeToken(two.access_token().name()).ok());

  struct Case {
    const char* filter;
    std::vector<std::string> names;
  };
  const Case cases[] = {
      {"", {"one", "two", "three"}},
      {"state = all", {"one", "two", "three"}},
      {"state = active", {"one", "three"}},
      {"state = ACTIVE", {"one", "three"}},
      {"state = inactive", {"two"}},
  };
  for (const Case& c : cases) {
    auto listed = api_->ListTokens("projects/123", c.filter);
    ASSERT_TRUE(listed.ok()) << c.filter << ": " << listed.status;
    std::vector<std::string> names;
    for (const v1::AccessToken& token : listed.response.access_tokens()) {
      names.push_back(token.display_name());
    }
    EXPECT_EQ(names, c.names) << c.filter;
  }

  auto bad = api_->ListTokens("projects/123", "state = gone");
  EXPECT_EQ(bad.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(bad.message(), "\"gone\" of state"))
      << bad.message();
}

TEST_F(AccessTokensTest, ListPaginatesInCreationOrder) {
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) {
    created.push_back(
        CreateProjectToken(absl::StrCat("token ", i)).access_token().name());
  }

  std::vector<std::string> seen;
  std::string page_token;
  int pages = 0;
  do {
    auto page = api_->ListTokens("projects/123", "", 2, page_token);
    ASSERT_TRUE(page.ok()) << page.status;
    for (const v1::AccessToken& token : page.response.access_tokens()) {
      seen.push_back(token.name());
    }
    page_token = page.response.next_page_token();
    ++pages;
  } while (!page_token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, created);
}

TEST_F(AccessTokensTest, ListPageSizeDefaultAndMaximum) {
  for (int i = 0; i < 101; ++i) CreateProjectToken(absl::StrCat("t", i));

  auto default_page = api_->ListTokens("projects/123");
  ASSERT_TRUE(default_page.ok());
  EXPECT_EQ(default_page.response.access_tokens_size(), 20);
  EXPECT_FALSE(default_page.response.next_page_token().empty());

  auto capped = api_->ListTokens("projects/123", "", 1000);
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(capped.response.access_tokens_size(), 100);
  auto last = api_->ListTokens("projects/123", "", 1000,
                               capped.response.next_page_token());
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last.response.access_tokens_size(), 1);
  EXPECT_EQ(last.response.next_page_token(), "");
}

TEST_F(AccessTokensTest, ListRejectsBadPaging) {
  CreateProjectToken("a");
  CreateProjectToken("b");
  auto first = api_->ListTokens("projects/123", "", 1);
  ASSERT_TRUE(first.ok());
  const std::string token = first.response.next_page_token();
  ASSERT_FALSE(token.empty());

  auto negative = api_->ListTokens("projects/123", "", -1);
  EXPECT_EQ(negative.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(negative.message(), "page_size -1"));

  auto other_filter = api_->ListTokens("projects/123", "state = active", 1,
                                       token);
  EXPECT_EQ(other_filter.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(other_filter.message(), "page_token"));

  auto garbage = api_->ListTokens("projects/123", "", 1, "not-a-token");
  EXPECT_EQ(garbage.code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AccessTokensTest, ListOfMissingParentIsNotFound) {
  auto listed = api_->ListTokens("projects/999");
  EXPECT_EQ(listed.code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(absl::StrContains(listed.message(), "projects/999"));
  EXPECT_EQ(api_->ListBotUsers("groups/999").code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(AccessTokensTest, ListBotUsersPaginates) {
  for (int i = 0; i < 3; ++i) CreateProjectToken();
  auto first = api_->ListBotUsers("projects/123", 2);
  ASSERT_TRUE(first.ok()) << first.status;
  ASSERT_EQ(first.response.bot_users_size(), 2);
  EXPECT_EQ(first.response.bot_users(0).username(), "project_123_bot");
  EXPECT_EQ(first.response.bot_users(1).username(), "project_123_bot1");
  auto second =
      api_->ListBotUsers("projects/123", 2, first.response.next_page_token());
  ASSERT_TRUE(second.ok()) << second.status;
  ASSERT_EQ(second.response.bot_users_size(), 1);
  EXPECT_EQ(second.response.bot_users(0).username(), "project_123_bot2");
  EXPECT_EQ(second.response.next_page_token(), "");
}

TEST_F(AccessTokensTest, GetBotUserRejectsBadNames) {
  EXPECT_EQ(api_->GetBotUser("users/999").code(), grpc::StatusCode::NOT_FOUND);
  auto bad = api_->GetBotUser("users/abc");
  EXPECT_EQ(bad.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(bad.message(), "\"abc\"")) << bad.message();
}

TEST_F(AccessTokensTest, ListScopesDescribesEveryScope) {
  auto scopes = api_->Call(&v1::AccessTokenService::Stub::ListScopes,
                           v1::ListScopesRequest());
  ASSERT_TRUE(scopes.ok()) << scopes.status;
  std::vector<std::string> names;
  for (const v1::ScopeDescription& scope : scopes.response.scopes()) {
    names.push_back(scope.name());
    EXPECT_FALSE(scope.description().empty()) << scope.name();
  }
  EXPECT_EQ(names, (std::vector<std::string>{
                       "api", "read_api", "read_registry", "write_registry",
                       "read_repository", "write_repository", "self_rotate"}));
  EXPECT_EQ(scopes.response.scopes(2).scope(), v1::SCOPE_READ_REGISTRY);
}

}  // namespace
}  // namespace accesstokens
