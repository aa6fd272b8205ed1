#include "service/auth_rate_limiter.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace accesstokens {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1800000000);

TEST(AuthRateLimiterTest, RejectsAddressPastLimitUntilWindowEnds) {
  AuthRateLimiter limiter(3, absl::Seconds(60));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(limiter.Check("10.0.0.1", kStart).ok());
    limiter.RecordFailure("10.0.0.1", kStart);
  }

  absl::Status rejected = limiter.Check("10.0.0.1", kStart + absl::Seconds(1));
  EXPECT_EQ(rejected.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(rejected.message().find("10.0.0.1"), absl::string_view::npos)
      << rejected;
  EXPECT_NE(rejected.message().find("retry in 59 s"), absl::string_view::npos)
      << rejected;
  EXPECT_TRUE(rejected.GetPayload(kRetryInfoTypeUrl).has_value());

  EXPECT_TRUE(limiter.Check("10.0.0.2", kStart + absl::Seconds(1)).ok());
  EXPECT_TRUE(limiter.Check("10.0.0.1", kStart + absl::Seconds(60)).ok());
}

TEST(AuthRateLimiterTest, LimitZeroTurnsLimitingOff) {
  AuthRateLimiter limiter(0, absl::Seconds(60));
  for (int i = 0; i < 100; ++i) limiter.RecordFailure("10.0.0.1", kStart);

  EXPECT_TRUE(limiter.Check("10.0.0.1", kStart).ok());
  EXPECT_EQ(limiter.TrackedAddresses(), 0);
}

// More addresses than the first sweep threshold, all in running windows:
// none is forgotten, so each keeps its count. Once their windows end, the
// next sweep drops them.
TEST(AuthRateLimiterTest, TracksManyAddressesAndSweepsEnded) {
  constexpr int kAddresses = 250000;
  AuthRateLimiter limiter(1, absl::Seconds(60));
  for (int i = 0; i < kAddresses; ++i) {
    limiter.RecordFailure(absl::StrCat("address-", i), kStart);
  }

  EXPECT_EQ(limiter.TrackedAddresses(), kAddresses);
  EXPECT_EQ(limiter.Check("address-0", kStart).code(),
            absl::StatusCode::kResourceExhausted);

  // The next sweep runs once the map has doubled in size after the last
  // one; by then the first windows have ended.
  const absl::Time later = kStart + absl::Seconds(61);
  for (int i = 0; i < 2 * kAddresses; ++i) {
    limiter.RecordFailure(absl::StrCat("later-", i), later);
  }
  EXPECT_EQ(limiter.TrackedAddresses(), 2 * kAddresses);
  EXPECT_TRUE(limiter.Check("address-0", later).ok());
}

}  // namespace
}  // namespace accesstokens
