// Token rotation, reuse detection and retries with request ids, against the
// real server binary.

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/policy.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/sqlite_query.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::OwnerActor;
using ::accesstokens::testing::QueryInt64;
using ::accesstokens::testing::ReadFileOrEmpty;
using ::accesstokens::testing::ServerProcessTest;
using Stub = v1::AccessTokenService::Stub;

constexpr char kRequestId[] = "3f2b8c1e-9a4d-4b7e-8f61-2c5d0e9a7b13";

class RotationTest : public ServerProcessTest {
 protected:
  void SetUp() override {
    ServerProcessTest::SetUp();
    ASSERT_TRUE(api_->CreateProject(10).ok());
    auto created = api_->CreateToken("projects/10", "deploy",
                                     {v1::SCOPE_API, v1::SCOPE_READ_REGISTRY},
                                     "", v1::ACCESS_LEVEL_DEVELOPER);
    ASSERT_TRUE(created.ok()) << created.status;
    original_ = created.response;
  }

  testing::CallResult<v1::RotateAccessTokenResponse> RotateBySecret(
      const std::string& secret) {
    v1::RotateAccessTokenRequest request;
    request.set_token(secret);
    return api_->Call(&Stub::RotateAccessToken, request);
  }

  v1::CreateAccessTokenResponse original_;
};

TEST_F(RotationTest, NewSecretSameBotAndSettings) {
  auto rotated = api_->RotateToken(original_.access_token().name());
  ASSERT_TRUE(rotated.ok()) << rotated.status;
  const v1::AccessToken& next = rotated.response.access_token();
  const v1::AccessToken& previous = rotated.response.previous_access_token();

  EXPECT_NE(next.name(), original_.access_token().name());
  EXPECT_NE(next.token(), original_.access_token().token());
  EXPECT_TRUE(absl::StartsWith(next.token(), "glpat-"));
  EXPECT_EQ(next.display_name(), "deploy");
  EXPECT_EQ(next.scopes_size(), 2);
  EXPECT_EQ(next.access_level(), v1::ACCESS_LEVEL_DEVELOPER);
  EXPECT_EQ(next.bot_user(), original_.bot_user().name());
  EXPECT_EQ(next.expires_on(), FormatDate(TodayUtc() + 7));
  EXPECT_EQ(next.previous_access_token(), original_.access_token().name());
  EXPECT_EQ(previous.state(), v1::AccessToken::STATE_REVOKED);
  EXPECT_EQ(previous.revocation_reason(),
            v1::AccessToken::REVOCATION_REASON_ROTATED);
  EXPECT_EQ(previous.next_access_token(), next.name());

  // The old secret stops at once; the new one works, for the same bot.
  EXPECT_EQ(api_->Authenticate(original_.access_token().token()).code(),
            grpc::StatusCode::UNAUTHENTICATED);
  auto authenticated = api_->Authenticate(next.token());
  ASSERT_TRUE(authenticated.ok()) << authenticated.status;
  EXPECT_EQ(authenticated.response.bot_user().username(), "project_10_bot");

  // The bot's membership follows the new token.
  const v1::BotUser& bot = rotated.response.bot_user();
  EXPECT_EQ(bot.state(), v1::BotUser::STATE_ACTIVE);
  EXPECT_EQ(bot.access_token(), next.name());
  EXPECT_EQ(bot.membership().access_level(), v1::ACCESS_LEVEL_DEVELOPER);
}

TEST_F(RotationTest, ExpiryComesFromRequestWithinMaximum) {
  const std::string date = FormatDate(TodayUtc() + 90);
  auto rotated = api_->RotateToken(original_.access_token().name(), date);
  ASSERT_TRUE(rotated.ok()) << rotated.status;
  EXPECT_EQ(rotated.response.access_token().expires_on(), date);

  auto too_late = api_->RotateToken(rotated.response.access_token().name(),
                                    FormatDate(TodayUtc() + 366));
  EXPECT_EQ(too_late.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(too_late.message(), "last allowed date"));
}

TEST_F(RotationTest, RevokedTokenCannotBeRotated) {
  ASSERT_TRUE(api_->RevokeToken(original_.access_token().name()).ok());
  auto rotated = api_->RotateToken(original_.access_token().name());
  EXPECT_EQ(rotated.code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(rotated.message(), "is revoked"));

  auto by_secret = RotateBySecret(original_.access_token().token());
  EXPECT_EQ(by_secret.code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(RotationTest, RotationBySecretActsAsTheBot) {
  auto rotated = RotateBySecret(original_.access_token().token());
  ASSERT_TRUE(rotated.ok()) << rotated.status;
  EXPECT_TRUE(api_->Authenticate(rotated.response.access_token().token()).ok());

  EXPECT_EQ(RotateBySecret("glpat-not-a-token").code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(RotationTest, RotateRequestNeedsNameOrTokenNotBoth) {
  v1::RotateAccessTokenRequest neither;
  *neither.mutable_actor() = OwnerActor();
  EXPECT_EQ(api_->Call(&Stub::RotateAccessToken, neither).code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::RotateAccessTokenRequest both = neither;
  both.set_name(original_.access_token().name());
  both.set_token(original_.access_token().token());
  EXPECT_EQ(api_->Call(&Stub::RotateAccessToken, both).code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::RotateAccessTokenRequest human_by_secret = neither;
  human_by_secret.set_token(original_.access_token().token());
  auto refused = api_->Call(&Stub::RotateAccessToken, human_by_secret);
  EXPECT_EQ(refused.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(refused.message(), "own bot user"));
}

TEST_F(RotationTest, ReusedRotatedSecretRevokesWholeFamily) {
  auto second = RotateBySecret(original_.access_token().token());
  ASSERT_TRUE(second.ok());
  auto third = RotateBySecret(second.response.access_token().token());
  ASSERT_TRUE(third.ok());
  const std::string live = third.response.access_token().token();
  ASSERT_TRUE(api_->Authenticate(live).ok());

  // A second holder presents the first secret to rotation.
  auto reused = RotateBySecret(original_.access_token().token());
  EXPECT_EQ(reused.code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(reused.message(), "already rotated"))
      << reused.message();
  EXPECT_TRUE(absl::StrContains(reused.message(),
                                third.response.access_token().name()));
  EXPECT_FALSE(absl::StrContains(reused.message(), live));

  // The live successor is revoked too, and its bot blocked.
  EXPECT_EQ(api_->Authenticate(live).code(),
            grpc::StatusCode::UNAUTHENTICATED);
  auto token = api_->GetToken(third.response.access_token().name());
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token.response.access_token().revocation_reason(),
            v1::AccessToken::REVOCATION_REASON_REUSE_DETECTED);
  auto bot = api_->GetBotUser(original_.bot_user().name());
  ASSERT_TRUE(bot.ok());
  EXPECT_EQ(bot.response.bot_user().state(), v1::BotUser::STATE_BLOCKED);

  // The audit log records the refused rotation and the family revocation.
  auto events = api_->ListAuditEvents("action = ACTION_REVOKE_TOKEN_FAMILY");
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events.response.audit_events_size(), 1);
  EXPECT_EQ(events.response.audit_events(0).related_resources(0),
            third.response.access_token().name());
}

TEST_F(RotationTest, AuthenticatingRotatedSecretLeavesFamilyAlone) {
  auto rotated = RotateBySecret(original_.access_token().token());
  ASSERT_TRUE(rotated.ok());

  EXPECT_EQ(api_->Authenticate(original_.access_token().token()).code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(api_->Authenticate(rotated.response.access_token().token()).ok());
}

TEST_F(RotationTest, RetriedCreateReturnsFirstTokenAndSecret) {
  v1::CreateAccessTokenRequest request;
  request.set_parent("projects/10");
  request.mutable_access_token()->set_display_name("ci");
  request.mutable_access_token()->add_scopes(v1::SCOPE_READ_API);
  *request.mutable_actor() = OwnerActor();
  request.set_request_id(kRequestId);

  auto first = api_->Call(&Stub::CreateAccessToken, request);
  ASSERT_TRUE(first.ok()) << first.status;
  // The response is lost; the client retries the same request.
  auto retried = api_->Call(&Stub::CreateAccessToken, request);
  ASSERT_TRUE(retried.ok()) << retried.status;
  EXPECT_EQ(retried.response.access_token().name(),
            first.response.access_token().name());
  EXPECT_EQ(retried.response.access_token().token(),
            first.response.access_token().token());
  EXPECT_EQ(QueryInt64(server_->database_path(),
                       "SELECT count(*) FROM access_tokens")
                .value_or(-1),
            2);

  request.mutable_access_token()->set_display_name("other");
  auto conflict = api_->Call(&Stub::CreateAccessToken, request);
  EXPECT_EQ(conflict.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(conflict.message(), kRequestId));

  request.set_request_id("not-a-uuid");
  auto malformed = api_->Call(&Stub::CreateAccessToken, request);
  EXPECT_EQ(malformed.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(malformed.message(), "not a UUID"));
}

TEST_F(RotationTest, RetriedRotateReturnsSameNewSecret) {
  v1::RotateAccessTokenRequest request;
  request.set_name(original_.access_token().name());
  request.set_request_id(kRequestId);
  *request.mutable_actor() = OwnerActor();

  auto first = api_->Call(&Stub::RotateAccessToken, request);
  ASSERT_TRUE(first.ok()) << first.status;
  auto retried = api_->Call(&Stub::RotateAccessToken, request);
  ASSERT_TRUE(retried.ok()) << retried.status;
  EXPECT_EQ(retried.response.access_token().name(),
            first.response.access_token().name());
  EXPECT_EQ(retried.response.access_token().token(),
            first.response.access_token().token());
  EXPECT_TRUE(api_->Authenticate(retried.response.access_token().token()).ok());
  // One rotation happened, not two, and the log marks the retry as a repeat.
  EXPECT_EQ(QueryInt64(server_->database_path(),
                       "SELECT count(*) FROM access_tokens")
                .value_or(-1),
            2);
  const std::string log = ReadFileOrEmpty(server_->log_path());
  const std::string rotation =
      absl::StrCat("access token ", original_.access_token().name(), " into ",
                   first.response.access_token().name(), ", request ",
                   kRequestId);
  EXPECT_TRUE(absl::StrContains(log, "] rotated " + rotation)) << log;
  EXPECT_TRUE(absl::StrContains(log, "] repeated rotation of " + rotation))
      << log;
}

TEST_F(RotationTest, SecretsNeverReachTheAuditLog) {
  auto rotated = api_->RotateToken(original_.access_token().name());
  ASSERT_TRUE(rotated.ok());
  ASSERT_EQ(RotateBySecret(original_.access_token().token()).code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  auto events = api_->ListAuditEvents("", 100);
  ASSERT_TRUE(events.ok());
  const std::string dump = events.response.DebugString();
  for (const std::string& secret : {original_.access_token().token(),
                                    rotated.response.access_token().token()}) {
    EXPECT_FALSE(absl::StrContains(dump, secret.substr(6)));
  }
}

}  // namespace
}  // namespace accesstokens
