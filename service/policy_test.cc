#include "service/policy.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace accesstokens {
namespace {

const absl::CivilDay kToday(2026, 12, 4);

void ExpectInvalid(const absl::Status& status, const std::string& fragment) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), fragment))
      << "message \"" << status.message() << "\" lacks \"" << fragment << "\"";
}

TEST(ParseScopesTest, CollapsesDuplicates) {
  absl::StatusOr<uint32_t> bits = ParseScopes(
      {v1::SCOPE_API, v1::SCOPE_READ_REPOSITORY, v1::SCOPE_API});
  ASSERT_TRUE(bits.ok()) << bits.status();
  EXPECT_EQ(*bits, (1u << v1::SCOPE_API) | (1u << v1::SCOPE_READ_REPOSITORY));
}

TEST(ParseScopesTest, AcceptsEveryScope) {
  for (int scope = 1; scope <= 6; ++scope) {
    EXPECT_TRUE(ParseScopes({scope}).ok()) << scope;
  }
}

TEST(ParseScopesTest, RejectsEmptyUnspecifiedAndUnknown) {
  ExpectInvalid(ParseScopes({}).status(), "scopes is empty");
  ExpectInvalid(ParseScopes({0}).status(), "SCOPE_UNSPECIFIED");
  ExpectInvalid(ParseScopes({99}).status(), "scope 99 is not one of: api, ");
  ExpectInvalid(ParseScopes({-1}).status(), "scope -1");
  ExpectInvalid(ParseScopes(std::vector<int>(65, 1)).status(), "65 entries");
}

TEST(ResolveAccessLevelTest, UnspecifiedMeansMaintainer) {
  EXPECT_EQ(*ResolveAccessLevel(0), 40);
}

TEST(ResolveAccessLevelTest, AcceptsGitLabLevels) {
  for (int level : {10, 15, 20, 30, 40, 50}) {
    absl::StatusOr<int> resolved = ResolveAccessLevel(level);
    ASSERT_TRUE(resolved.ok()) << level;
    EXPECT_EQ(*resolved, level);
  }
}

TEST(ResolveAccessLevelTest, RejectsOtherNumbers) {
  for (int level : {-10, 1, 25, 45, 60}) {
    ExpectInvalid(ResolveAccessLevel(level).status(),
                  absl::StrCat("access_level ", level, " is not one of: 10"));
  }
}

TEST(ResolveExpiryTest, EmptyMeansDefaultWithinMaximum) {
  EXPECT_EQ(*ResolveExpiry("", kToday, 365, 365), kToday + 365);
  EXPECT_EQ(*ResolveExpiry("", kToday, 30, 30), absl::CivilDay(2027, 1, 3));
  EXPECT_EQ(*ResolveExpiry("", kToday, 365, kDefaultRotationDays),
            absl::CivilDay(2026, 12, 11));
  // A default beyond the maximum lifetime is cut to the maximum.
  EXPECT_EQ(*ResolveExpiry("", kToday, 3, kDefaultRotationDays),
            absl::CivilDay(2026, 12, 7));
}

TEST(ResolveExpiryTest, AcceptsTomorrowThroughLastAllowedDay) {
  EXPECT_EQ(*ResolveExpiry("2026-12-05", kToday, 365, 365),
            absl::CivilDay(2026, 12, 5));
  EXPECT_EQ(*ResolveExpiry("2027-12-04", kToday, 365, 365),
            absl::CivilDay(2027, 12, 4));
}

TEST(ResolveExpiryTest, RejectsMalformedDates) {
  for (const char* date :
       {"2027-13-01", "2027-02-30", "2027-2-01", "27-02-01", "2027/02/01",
        "tomorrow", "2027-02-01T00:00:00Z", " 2027-02-01", "+027-02-01",
        "2027-00-10", "2027-01-00"}) {
    ExpectInvalid(ResolveExpiry(date, kToday, 365, 365).status(),
                  absl::StrCat("expires_on \"", date, "\" is not a valid"));
  }
}

TEST(ResolveExpiryTest, RejectsTodayAndPast) {
  ExpectInvalid(ResolveExpiry("2026-12-04", kToday, 365, 365).status(),
                "2026-12-04 is not after today");
  ExpectInvalid(ResolveExpiry("2020-01-01", kToday, 365, 365).status(),
                "earliest allowed date is 2026-12-05");
}

TEST(ResolveExpiryTest, RejectsBeyondMaximumNamingLastDay) {
  ExpectInvalid(ResolveExpiry("2027-12-05", kToday, 365, 365).status(),
                "the last allowed date is 2027-12-04");
  ExpectInvalid(ResolveExpiry("2027-01-04", kToday, 30, 30).status(),
                "maximum lifetime of 30 days; the last allowed date is "
                "2027-01-03");
}

TEST(ValidateDisplayNameTest, AcceptsUnicodeUpToLimit) {
  std::string name;
  for (int i = 0; i < kMaxDisplayNameLength; ++i) name += "\xC3\xA9";  // é
  EXPECT_TRUE(ValidateDisplayName("display_name", name).ok());
  EXPECT_TRUE(ValidateDisplayName("display_name", "ci \xF0\x9F\x9A\x80").ok());
}

TEST(ValidateDisplayNameTest, RejectsBadNames) {
  ExpectInvalid(ValidateDisplayName("display_name", ""),
                "display_name is empty");
  ExpectInvalid(ValidateDisplayName("display_name", " \t "),
                "display_name is blank");
  ExpectInvalid(
      ValidateDisplayName("display_name", std::string(256, 'a')),
      "display_name has 256 characters; at most 255 are allowed");
  ExpectInvalid(ValidateDisplayName("display_name", "a\nb"),
                "control character U+000A at character 2");
  ExpectInvalid(ValidateDisplayName("display_name", "bad \xC3"),
                "not valid UTF-8");
  ExpectInvalid(ValidateDisplayName("display_name", "\xC0\xAF"),
                "not valid UTF-8");  // Overlong '/'.
  ExpectInvalid(ValidateDisplayName("display_name", "\xED\xA0\x80"),
                "not valid UTF-8");  // Surrogate.
}

TEST(ValidateDescriptionTest, AllowsEmptyAndNewlines) {
  EXPECT_TRUE(ValidateDescription("").ok());
  EXPECT_TRUE(ValidateDescription("line one\n\tline two").ok());
  ExpectInvalid(ValidateDescription(std::string(1025, 'd')),
                "description has 1025 characters; at most 1024");
  ExpectInvalid(ValidateDescription("bell \a"), "U+0007");
}

TEST(CheckTokenCreationAllowedTest, OnlyProjectsUnderSwitchedOffGroups) {
  TokenParentState project;
  project.resource = {ResourceKind::kProject, 5};
  project.top_level_group_id = 1;
  project.project_token_creation_allowed = false;
  absl::Status rejected = CheckTokenCreationAllowed(project);
  EXPECT_EQ(rejected.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(rejected.message(), "projects/5"));
  EXPECT_TRUE(absl::StrContains(rejected.message(), "groups/1"));

  project.project_token_creation_allowed = true;
  EXPECT_TRUE(CheckTokenCreationAllowed(project).ok());
  TokenParentState group;
  group.resource = {ResourceKind::kGroup, 1};
  group.top_level_group_id = 1;
  group.project_token_creation_allowed = false;
  EXPECT_TRUE(CheckTokenCreationAllowed(group).ok());
}

TEST(CheckTokenCreationAllowedTest, RejectsInactiveResources) {
  TokenParentState parent;
  parent.resource = {ResourceKind::kProject, 5};
  parent.state = ResourceState::kPendingDeletion;
  absl::Status pending = CheckTokenCreationAllowed(parent);
  EXPECT_EQ(pending.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(pending.message(), "pending deletion"));

  parent.state = ResourceState::kDeleted;
  EXPECT_TRUE(absl::StrContains(CheckTokenCreationAllowed(parent).message(),
                                "\"projects/5\" is deleted"));

  parent.state = ResourceState::kActive;
  parent.inactive_ancestor_id = 3;
  absl::Status beneath = CheckTokenCreationAllowed(parent);
  EXPECT_EQ(beneath.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(beneath.message(), "groups/3")) << beneath;
}

TEST(CheckTokenRotatableTest, OnlyActiveTokens) {
  const absl::Time now = absl::FromCivil(kToday, absl::UTCTimeZone());
  TokenParentState parent;
  parent.resource = {ResourceKind::kProject, 5};
  TokenRecord token;
  token.id = 8;
  token.parent = parent.resource;
  token.expires_on = kToday + 10;
  EXPECT_TRUE(CheckTokenRotatable(token, parent, now).ok());

  token.expires_on = kToday;
  absl::Status expired = CheckTokenRotatable(token, parent, now);
  EXPECT_EQ(expired.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(expired.message(), "expired on 2026-12-04"));

  token.expires_on = kToday + 10;
  token.revoke_time = now;
  absl::Status revoked = CheckTokenRotatable(token, parent, now);
  EXPECT_EQ(revoked.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(revoked.message(), "is revoked"));
}

TEST(ParseDateTest, AcceptsOnlyRealDates) {
  EXPECT_EQ(ParseDate("2028-02-29"), absl::CivilDay(2028, 2, 29));
  EXPECT_FALSE(ParseDate("2027-02-29").has_value());
  EXPECT_FALSE(ParseDate("2027-1-01").has_value());
  EXPECT_FALSE(ParseDate("").has_value());
}

TEST(FormatDateTest, MatchesParseDateBothWays) {
  EXPECT_EQ(FormatDate(absl::CivilDay(2027, 3, 1)), "2027-03-01");
  EXPECT_EQ(FormatDate(absl::CivilDay(1999, 12, 31)), "1999-12-31");
  EXPECT_EQ(FormatDate(absl::CivilDay(10, 1, 9)), "0010-01-09");
  for (absl::CivilDay day(2026, 12, 1); day < absl::CivilDay(2029, 1, 1);
       ++day) {
    EXPECT_EQ(ParseDate(FormatDate(day)), day) << day;
  }
}

TEST(TodayUtcTest, AgreesWithUtcTimeZone) {
  const absl::Time midnight =
      absl::FromCivil(absl::CivilDay(2027, 3, 1), absl::UTCTimeZone());
  for (const absl::Time time :
       {midnight, midnight - absl::Nanoseconds(1), midnight + absl::Hours(23),
        absl::UnixEpoch(), absl::UnixEpoch() - absl::Nanoseconds(1),
        absl::UnixEpoch() - absl::Hours(24 * 400 + 5)}) {
    EXPECT_EQ(TodayUtc(time), absl::ToCivilDay(time, absl::UTCTimeZone()))
        << time;
  }
}

TEST(CheckGroupSettingChangeTest, OnlyTopLevelGroups) {
  GroupRecord top;
  top.id = 1;
  top.top_level_id = 1;
  EXPECT_TRUE(CheckGroupSettingChange(top).ok());
  GroupRecord sub;
  sub.id = 2;
  sub.parent_id = 1;
  sub.top_level_id = 1;
  ExpectInvalid(CheckGroupSettingChange(sub),
                "\"groups/2\" is a subgroup; allow_project_access_token_"
                "creation can only be set on its top-level group "
                "\"groups/1\"");
}

TEST(TokenStateTest, ExpiresAtMidnightUtcOfExpiryDate) {
  TokenRecord token;
  token.expires_on = absl::CivilDay(2027, 3, 1);
  const absl::Time midnight =
      absl::FromCivil(absl::CivilDay(2027, 3, 1), absl::UTCTimeZone());
  EXPECT_EQ(TokenState(token, midnight - absl::Microseconds(1)),
            v1::AccessToken::STATE_ACTIVE);
  EXPECT_EQ(TokenState(token, midnight), v1::AccessToken::STATE_EXPIRED);
  token.revoke_time = midnight - absl::Hours(1);
  EXPECT_EQ(TokenState(token, midnight - absl::Minutes(1)),
            v1::AccessToken::STATE_REVOKED);
}

}  // namespace
}  // namespace accesstokens
