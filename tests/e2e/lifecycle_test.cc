// The parts of the token life cycle that depend on time, against a server
// in the test process whose clock the test controls: last use, expiry of
// rotated tokens, the purge of bot users, and listing by time.

#include <string>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/server_fixture.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::InProcessServerTest;
using ::accesstokens::testing::OwnerActor;
using Stub = v1::AccessTokenService::Stub;

absl::Time TimeOf(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

class LifecycleTest : public InProcessServerTest {
 protected:
  void SetUp() override {
    InProcessServerTest::SetUp();
    ASSERT_TRUE(api_->CreateProject(1).ok());
    auto created = api_->CreateToken("projects/1", "ci");
    ASSERT_TRUE(created.ok()) << created.status;
    token_ = created.response;
  }

  // Waits until every write submitted so far is durable: writes run in
  // order, so a new write's completion covers the earlier ones.
  void WaitForWrites() {
    static int next_project = 1000;
    ASSERT_TRUE(api_->CreateProject(next_project++).ok());
  }

  v1::AccessToken Reload() {
    auto got = api_->GetToken(token_.access_token().name());
    EXPECT_TRUE(got.ok()) << got.status;
    return got.response.access_token();
  }

  testing::CallResult<v1::AuthenticateAccessTokenResponse> AuthenticateFrom(
      const std::string& address) {
    v1::AuthenticateAccessTokenRequest request;
    request.set_token(token_.access_token().token());
    request.set_client_address(address);
    return api_->Call(&Stub::AuthenticateAccessToken, request);
  }

  v1::CreateAccessTokenResponse token_;
};

TEST_F(LifecycleTest, LastUseIsWrittenAtMostOnceAMinute) {
  const absl::Time start = clock_.Now();
  ASSERT_TRUE(AuthenticateFrom("203.0.113.7").ok());
  WaitForWrites();
  v1::AccessToken token = Reload();
  ASSERT_TRUE(token.has_last_use_time());
  EXPECT_EQ(TimeOf(token.last_use_time()), start);
  ASSERT_EQ(token.last_use_addresses_size(), 1);
  EXPECT_EQ(token.last_use_addresses(0), "203.0.113.7");

  // Within the minute nothing is written, from any address.
  clock_.Advance(absl::Seconds(59));
  ASSERT_TRUE(AuthenticateFrom("198.51.100.1").ok());
  WaitForWrites();
  token = Reload();
  EXPECT_EQ(TimeOf(token.last_use_time()), start);
  EXPECT_EQ(token.last_use_addresses_size(), 1);

  // A minute after the last write, the next use is written.
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(AuthenticateFrom("198.51.100.1").ok());
  WaitForWrites();
  token = Reload();
  EXPECT_EQ(TimeOf(token.last_use_time()), start + absl::Minutes(1));
  ASSERT_EQ(token.last_use_addresses_size(), 2);
  EXPECT_EQ(token.last_use_addresses(0), "198.51.100.1");
  EXPECT_EQ(token.last_use_addresses(1), "203.0.113.7");
}

TEST_F(LifecycleTest, CachedResponseShowsLastUse) {
  // The first authentication reads the token. Its use is written after the
  // response.
  auto first = AuthenticateFrom("203.0.113.7");
  ASSERT_TRUE(first.ok()) << first.status;
  EXPECT_FALSE(first.response.access_token().has_last_use_time());
  WaitForWrites();

  // The second reads the token again, with that use, and caches it.
  ASSERT_TRUE(AuthenticateFrom("203.0.113.7").ok());

  // A minute later, the cached token is used from another address, and that
  // use is written too.
  clock_.Advance(absl::Minutes(1));
  ASSERT_TRUE(AuthenticateFrom("198.51.100.1").ok());
  WaitForWrites();

  // The next comes from the cache, which the write updated.
  auto cached = AuthenticateFrom("198.51.100.1");
  ASSERT_TRUE(cached.ok()) << cached.status;
  const v1::AccessToken stored = Reload();
  ASSERT_EQ(stored.last_use_addresses_size(), 2);
  EXPECT_EQ(stored.last_use_addresses(0), "198.51.100.1");
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      cached.response.access_token(), stored))
      << cached.response.access_token().DebugString() << "\nvs\n"
      << stored.DebugString();
  EXPECT_EQ(cached.response.project().name(), "projects/1");
}

TEST_F(LifecycleTest, LastUseDefaultsToCallerAddress) {
  ASSERT_TRUE(api_->Authenticate(token_.access_token().token()).ok());
  WaitForWrites();
  v1::AccessToken token = Reload();
  ASSERT_EQ(token.last_use_addresses_size(), 1);
  EXPECT_EQ(token.last_use_addresses(0), "127.0.0.1");
}

TEST_F(LifecycleTest, ListingFiltersAndOrdersByLastUse) {
  auto unused = api_->CreateToken("projects/1", "unused");
  ASSERT_TRUE(unused.ok());
  ASSERT_TRUE(AuthenticateFrom("203.0.113.7").ok());
  WaitForWrites();

  auto never = api_->ListTokens("projects/1", "last_use_time = null");
  ASSERT_TRUE(never.ok()) << never.status;
  ASSERT_EQ(never.response.access_tokens_size(), 1);
  EXPECT_EQ(never.response.access_tokens(0).display_name(), "unused");

  auto recent = api_->ListTokens(
      "projects/1", "last_use_time >= \"2026-06-15T00:00:00Z\"");
  ASSERT_TRUE(recent.ok()) << recent.status;
  ASSERT_EQ(recent.response.access_tokens_size(), 1);
  EXPECT_EQ(recent.response.access_tokens(0).display_name(), "ci");

  v1::ListAccessTokensRequest request;
  request.set_parent("projects/1");
  request.set_order_by("last_use_time desc");
  auto ordered = api_->Call(&Stub::ListAccessTokens, request);
  ASSERT_TRUE(ordered.ok()) << ordered.status;
  ASSERT_EQ(ordered.response.access_tokens_size(), 2);
  EXPECT_EQ(ordered.response.access_tokens(0).display_name(), "ci");
}

TEST_F(LifecycleTest, ExpiredTokenCannotBeRotated) {
  clock_.Advance(absl::Hours(24 * 366));
  auto rotated = api_->RotateToken(token_.access_token().name());
  EXPECT_EQ(rotated.code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(rotated.message(), "expired on 2027-06-15"))
      << rotated.message();
}

TEST_F(LifecycleTest, RotationDefaultsToOneWeek) {
  auto rotated = api_->RotateToken(token_.access_token().name());
  ASSERT_TRUE(rotated.ok()) << rotated.status;
  EXPECT_EQ(rotated.response.access_token().expires_on(), "2026-06-22");
}

TEST_F(LifecycleTest, BlockedBotsArePurgedAfterRetention) {
  ASSERT_TRUE(api_->RevokeToken(token_.access_token().name()).ok());
  const std::string bot = token_.bot_user().name();

  clock_.Advance(absl::Hours(24 * 30) - absl::Seconds(1));
  absl::StatusOr<int> early = server_->RunMaintenance();
  ASSERT_TRUE(early.ok()) << early.status();
  EXPECT_EQ(*early, 0);
  EXPECT_EQ(api_->GetBotUser(bot).response.bot_user().state(),
            v1::BotUser::STATE_BLOCKED);

  clock_.Advance(absl::Seconds(2));
  absl::StatusOr<int> purged = server_->RunMaintenance();
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 1);
  auto purged_bot = api_->GetBotUser(bot);
  ASSERT_TRUE(purged_bot.ok());
  EXPECT_EQ(purged_bot.response.bot_user().state(),
            v1::BotUser::STATE_PURGED);
  EXPECT_EQ(purged_bot.response.bot_user().username(), "project_1_bot");

  // The token record stays, and the name stays reserved.
  EXPECT_TRUE(api_->GetToken(token_.access_token().name()).ok());
  auto next = api_->CreateToken("projects/1");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next.response.bot_user().username(), "project_1_bot1");

  auto events = api_->ListAuditEvents("action = ACTION_PURGE_BOT_USER");
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events.response.audit_events_size(), 1);
  EXPECT_EQ(events.response.audit_events(0).target(), bot);
  EXPECT_FALSE(events.response.audit_events(0).has_actor());
}

TEST_F(LifecycleTest, ActiveBotsAreNeverPurged) {
  clock_.Advance(absl::Hours(24 * 300));
  absl::StatusOr<int> purged = server_->RunMaintenance();
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 0);
  EXPECT_TRUE(api_->Authenticate(token_.access_token().token()).ok());
}

TEST_F(LifecycleTest, RequestIdsAreKeptForAtLeastADay) {
  v1::CreateAccessTokenRequest request;
  request.set_parent("projects/1");
  request.mutable_access_token()->set_display_name("retried");
  request.mutable_access_token()->add_scopes(v1::SCOPE_API);
  request.set_request_id("0a0b0c0d-0000-4000-8000-000000000002");
  *request.mutable_actor() = OwnerActor();
  auto first = api_->Call(&Stub::CreateAccessToken, request);
  ASSERT_TRUE(first.ok()) << first.status;

  clock_.Advance(absl::Hours(25));
  ASSERT_TRUE(server_->RunMaintenance().ok());
  auto after_a_day = api_->Call(&Stub::CreateAccessToken, request);
  ASSERT_TRUE(after_a_day.ok()) << after_a_day.status;
  EXPECT_EQ(after_a_day.response.access_token().name(),
            first.response.access_token().name());
  EXPECT_EQ(after_a_day.response.access_token().token(),
            first.response.access_token().token());

  // After two days the key is forgotten, and the request creates anew.
  clock_.Advance(absl::Hours(24));
  ASSERT_TRUE(server_->RunMaintenance().ok());
  auto after_two_days = api_->Call(&Stub::CreateAccessToken, request);
  ASSERT_TRUE(after_two_days.ok()) << after_two_days.status;
  EXPECT_NE(after_two_days.response.access_token().name(),
            first.response.access_token().name());
}

TEST_F(LifecycleTest, AuditEventsCarryTimeActorAndRequest) {
  v1::RotateAccessTokenRequest request;
  request.set_name(token_.access_token().name());
  request.set_request_id("0a0b0c0d-0000-4000-8000-000000000001");
  *request.mutable_actor() = OwnerActor();
  clock_.Advance(absl::Minutes(5));
  auto rotated = api_->Call(&Stub::RotateAccessToken, request);
  ASSERT_TRUE(rotated.ok()) << rotated.status;

  auto events = api_->ListAuditEvents(
      "target : \"projects/1\" AND time > \"2026-06-15T12:01:00Z\"");
  ASSERT_TRUE(events.ok()) << events.status;
  ASSERT_EQ(events.response.audit_events_size(), 1);
  const v1::AuditEvent& event = events.response.audit_events(0);
  EXPECT_EQ(event.action(), v1::AuditEvent::ACTION_ROTATE_ACCESS_TOKEN);
  EXPECT_EQ(event.target(), token_.access_token().name());
  EXPECT_EQ(TimeOf(event.time()), kStartTime + absl::Minutes(5));
  EXPECT_EQ(event.actor().user_id(), 1);
  EXPECT_EQ(event.request_id(), "0a0b0c0d-0000-4000-8000-000000000001");
  EXPECT_EQ(event.status_code(), 0);
  ASSERT_EQ(event.related_resources_size(), 1);
  EXPECT_EQ(event.related_resources(0),
            rotated.response.access_token().name());
}

}  // namespace
}  // namespace accesstokens
