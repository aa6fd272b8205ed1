#include "clients/cpp/cli/value_parsers.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace accesstokens::cli {
namespace {

constexpr char kScopeList[] =
    "api, read_api, read_registry, write_registry, read_repository, "
    "write_repository, self_rotate";

TEST(ParseId, AcceptsPositiveDecimal) {
  EXPECT_EQ(ParseId("--project", "123").value(), 123);
  EXPECT_EQ(ParseId("--project", "9223372036854775807").value(),
            9223372036854775807);
}

TEST(ParseId, RejectsOtherForms) {
  for (const char* value :
       {"", "0", "-1", "+1", "012", "1.5", "12a", "9223372036854775808"}) {
    auto id = ParseId("--project", value);
    ASSERT_FALSE(id.ok()) << value;
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(id.status().message(),
              std::string("invalid value \"") + value +
                  "\" for --project: expected a positive integer such as 123");
  }
}

TEST(ParseResourceName, AcceptsIdOrFullName) {
  EXPECT_EQ(ParseResourceName("GROUP", "groups", "109").value(), "groups/109");
  EXPECT_EQ(ParseResourceName("GROUP", "groups", "groups/109").value(),
            "groups/109");
}

TEST(ParseResourceName, RejectsOtherCollection) {
  auto name = ParseResourceName("GROUP", "groups", "projects/109");
  ASSERT_FALSE(name.ok());
  EXPECT_EQ(name.status().message(),
            "invalid value \"projects/109\" for GROUP: expected groups/{id} "
            "or {id}, where {id} is a positive integer such as 123");
}

TEST(ParseAccessTokenName, AcceptsProjectAndGroupTokens) {
  EXPECT_TRUE(ParseAccessTokenName("NAME", "projects/123/accessTokens/7").ok());
  EXPECT_TRUE(ParseAccessTokenName("NAME", "groups/109/accessTokens/1").ok());
}

TEST(ParseAccessTokenName, RejectsMalformedNames) {
  for (const char* value :
       {"7", "projects/123", "projects/123/accessTokens/0",
        "projects/123/accesstokens/7", "users/1/accessTokens/7",
        "projects/123/accessTokens/7/"}) {
    auto name = ParseAccessTokenName("NAME", value);
    ASSERT_FALSE(name.ok()) << value;
    EXPECT_EQ(name.status().message(),
              std::string("invalid value \"") + value +
                  "\" for NAME: expected projects/{id}/accessTokens/{id} or "
                  "groups/{id}/accessTokens/{id}, such as "
                  "projects/123/accessTokens/7");
  }
}

TEST(ParseScopes, AcceptsPlainAndEnumNamesAndCommas) {
  auto scopes = ParseScopes(
      "--scope", {"read_repository,READ_API", "SCOPE_API", " self_rotate "});
  ASSERT_TRUE(scopes.ok()) << scopes.status();
  EXPECT_EQ(*scopes, (std::vector<v1::Scope>{v1::SCOPE_READ_REPOSITORY,
                                             v1::SCOPE_READ_API, v1::SCOPE_API,
                                             v1::SCOPE_SELF_ROTATE}));
}

TEST(ParseScopes, RejectsUnknownAndUnspecified) {
  for (const char* value : {"read_everything", "unspecified", ""}) {
    auto scopes = ParseScopes("--scope", {std::string("api,") + value});
    ASSERT_FALSE(scopes.ok()) << value;
    EXPECT_EQ(scopes.status().message(),
              std::string("invalid value \"") + value +
                  "\" for --scope: expected one of " + kScopeList);
  }
}

TEST(ParseAccessLevel, AcceptsNameEnumNameAndNumber) {
  EXPECT_EQ(ParseAccessLevel("--actor-level", "owner").value(),
            v1::ACCESS_LEVEL_OWNER);
  EXPECT_EQ(ParseAccessLevel("--actor-level", "ACCESS_LEVEL_GUEST").value(),
            v1::ACCESS_LEVEL_GUEST);
  EXPECT_EQ(ParseAccessLevel("--actor-level", "30").value(),
            v1::ACCESS_LEVEL_DEVELOPER);
}

TEST(ParseAccessLevel, RejectsUnknownLevels) {
  for (const char* value : {"admin", "0", "35", "unspecified"}) {
    auto level = ParseAccessLevel("--actor-level", value);
    ASSERT_FALSE(level.ok()) << value;
    EXPECT_EQ(level.status().message(),
              std::string("invalid value \"") + value +
                  "\" for --actor-level: expected one of guest, planner, "
                  "reporter, developer, maintainer, owner, or its number: "
                  "10, 15, 20, 30, 40 or 50");
  }
}

TEST(ParseResourceState, AcceptsPendingDeletion) {
  EXPECT_EQ(ParseResourceState("--state", "pending_deletion").value(),
            v1::RESOURCE_STATE_PENDING_DELETION);
  EXPECT_EQ(ParseResourceState("--state", "deleting").status().message(),
            "invalid value \"deleting\" for --state: expected one of active, "
            "pending_deletion, deleted");
}

TEST(ParseDate, AcceptsRealDates) {
  EXPECT_EQ(ParseDate("--expires", "2027-03-01").value(), "2027-03-01");
  EXPECT_EQ(ParseDate("--expires", "2028-02-29").value(), "2028-02-29");
}

TEST(ParseDate, RejectsOtherForms) {
  for (const char* value : {"2027-02-30", "2027-3-1", "01.03.2027",
                            "2027-03-01T00:00", "tomorrow", ""}) {
    auto date = ParseDate("--expires", value);
    ASSERT_FALSE(date.ok()) << value;
    EXPECT_EQ(date.status().message(),
              std::string("invalid value \"") + value +
                  "\" for --expires: expected a date YYYY-MM-DD such as "
                  "2027-03-01");
  }
}

TEST(ParseBool, AcceptsOnlyTrueAndFalse) {
  EXPECT_TRUE(ParseBool("--allow-project-tokens", "true").value());
  EXPECT_FALSE(ParseBool("--allow-project-tokens", "false").value());
  EXPECT_EQ(ParseBool("--allow-project-tokens", "yes").status().message(),
            "invalid value \"yes\" for --allow-project-tokens: expected true "
            "or false");
}

TEST(ParsePageSize, AcceptsZeroAndRejectsNegative) {
  EXPECT_EQ(ParsePageSize("--page-size", "0").value(), 0);
  EXPECT_EQ(ParsePageSize("--page-size", "-1").status().message(),
            "invalid value \"-1\" for --page-size: expected an integer from 0 "
            "to 2147483647");
  EXPECT_FALSE(ParsePageSize("--page-size", "2147483648").ok());
}

TEST(ParseTimeout, AcceptsUnitsAndRejectsZero) {
  EXPECT_EQ(ParseTimeout("--timeout", "1.5s").value(),
            absl::Milliseconds(1500));
  EXPECT_EQ(ParseTimeout("--timeout", "500ms").value(),
            absl::Milliseconds(500));
  for (const char* value : {"0s", "-1s", "10", "inf", "soon"}) {
    auto timeout = ParseTimeout("--timeout", value);
    ASSERT_FALSE(timeout.ok()) << value;
    EXPECT_EQ(timeout.status().message(),
              std::string("invalid value \"") + value +
                  "\" for --timeout: expected a positive duration with a "
                  "unit, such as 10s, 1.5s or 500ms");
  }
}

}  // namespace
}  // namespace accesstokens::cli
