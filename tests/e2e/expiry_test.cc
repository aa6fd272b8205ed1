// Token expiry against a server in the test process, whose clock the test
// controls.

#include <string>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "service/policy.h"
#include "tests/testing/server_fixture.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::InProcessServerTest;

absl::Time MidnightUtc(absl::CivilDay day) {
  return absl::FromCivil(day, absl::UTCTimeZone());
}

class ExpiryTest : public InProcessServerTest {
 protected:
  void SetUp() override {
    InProcessServerTest::SetUp();
    ASSERT_TRUE(api_->CreateProject(1).ok());
  }
};

TEST_F(ExpiryTest, TokenStopsAtMidnightUtcOfItsDate) {
  // The clock starts at 2026-06-15 12:00 UTC.
  auto created = api_->CreateToken("projects/1", "ci", {v1::SCOPE_API},
                                   "2026-06-20");
  ASSERT_TRUE(created.ok()) << created.status;
  const std::string secret = created.response.access_token().token();
  const std::string name = created.response.access_token().name();

  clock_.Set(MidnightUtc(absl::CivilDay(2026, 6, 20)) -
             absl::Microseconds(1));
  EXPECT_TRUE(api_->Authenticate(secret).ok());
  EXPECT_EQ(api_->GetToken(name).response.access_token().state(),
            v1::AccessToken::STATE_ACTIVE);

  clock_.Set(MidnightUtc(absl::CivilDay(2026, 6, 20)));
  auto expired = api_->Authenticate(secret);
  EXPECT_EQ(expired.code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(api_->GetToken(name).response.access_token().state(),
            v1::AccessToken::STATE_EXPIRED);

  // Expired, unknown and revoked tokens share one message.
  auto unknown = api_->Authenticate("glpat-unknown");
  EXPECT_EQ(expired.message(), unknown.message());
}

TEST_F(ExpiryTest, ExpiredTokensListAsInactive) {
  ASSERT_TRUE(api_->CreateToken("projects/1", "short", {v1::SCOPE_API},
                                "2026-06-16")
                  .ok());
  ASSERT_TRUE(api_->CreateToken("projects/1", "long", {v1::SCOPE_API},
                                "2026-09-01")
                  .ok());
  clock_.Set(MidnightUtc(absl::CivilDay(2026, 6, 16)));

  auto inactive = api_->ListTokens("projects/1", "state = inactive");
  ASSERT_TRUE(inactive.ok());
  ASSERT_EQ(inactive.response.access_tokens_size(), 1);
  EXPECT_EQ(inactive.response.access_tokens(0).display_name(), "short");
  auto active = api_->ListTokens("projects/1", "state = active");
  ASSERT_TRUE(active.ok());
  ASSERT_EQ(active.response.access_tokens_size(), 1);
  EXPECT_EQ(active.response.access_tokens(0).display_name(), "long");
}

TEST_F(ExpiryTest, OmittedDateMeansTodayPlusMaximumLifetime) {
  auto created = api_->CreateToken("projects/1");
  ASSERT_TRUE(created.ok()) << created.status;
  EXPECT_EQ(created.response.access_token().expires_on(), "2027-06-15");
}

TEST_F(ExpiryTest, TodayFollowsTheClockAcrossMidnight) {
  clock_.Set(MidnightUtc(absl::CivilDay(2026, 6, 16)) - absl::Seconds(1));
  EXPECT_TRUE(api_->CreateToken("projects/1", "a", {v1::SCOPE_API},
                                "2026-06-16")
                  .ok());
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(api_->CreateToken("projects/1", "b", {v1::SCOPE_API},
                              "2026-06-16")
                .code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

class ShortLifetimeTest : public ExpiryTest {
 protected:
  void Configure(ServerOptions& options) const override {
    options.max_token_lifetime_days = 30;
  }
};

TEST_F(ShortLifetimeTest, MaximumLifetimeIsConfigurable) {
  auto defaulted = api_->CreateToken("projects/1");
  ASSERT_TRUE(defaulted.ok()) << defaulted.status;
  EXPECT_EQ(defaulted.response.access_token().expires_on(), "2026-07-15");

  EXPECT_TRUE(api_->CreateToken("projects/1", "last", {v1::SCOPE_API},
                                "2026-07-15")
                  .ok());
  auto beyond = api_->CreateToken("projects/1", "beyond", {v1::SCOPE_API},
                                  "2026-07-16");
  EXPECT_EQ(beyond.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(beyond.message(),
            "expires_on 2026-07-16 is beyond the maximum lifetime of 30 days; "
            "the last allowed date is 2026-07-15");
}

}  // namespace
}  // namespace accesstokens
