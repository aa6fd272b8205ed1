#include "service/resource_names.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace accesstokens {
namespace {

TEST(ParseProjectOrGroupNameTest, ParsesBothKinds) {
  absl::StatusOr<ResourceRef> project =
      ParseProjectOrGroupName("parent", "projects/123");
  ASSERT_TRUE(project.ok());
  EXPECT_EQ(*project, (ResourceRef{ResourceKind::kProject, 123}));
  absl::StatusOr<ResourceRef> group =
      ParseProjectOrGroupName("parent", "groups/9223372036854775807");
  ASSERT_TRUE(group.ok());
  EXPECT_EQ(*group, (ResourceRef{ResourceKind::kGroup, INT64_MAX}));
}

TEST(ParseProjectOrGroupNameTest, RejectsMalformedNames) {
  struct Case {
    const char* name;
    const char* fragment;
  };
  const Case cases[] = {
      {"", "parent is required; expected projects/{project_id} or "
           "groups/{group_id}"},
      {"projects", "parent \"projects\" is not a valid name"},
      {"projects/", "has the id \"\""},
      {"projects/abc", "has the id \"abc\""},
      {"projects/0", "has the id \"0\"; ids are positive integers"},
      {"projects/-5", "has the id \"-5\""},
      {"projects/+5", "has the id \"+5\""},
      {"projects/007", "has the id \"007\""},
      {"projects/9223372036854775808", "has the id"},
      {"projects/1/extra", "is not a valid name"},
      {"users/5", "parent \"users/5\" is not a valid name"},
      {"Projects/5", "is not a valid name"},
  };
  for (const Case& c : cases) {
    absl::Status status = ParseProjectOrGroupName("parent", c.name).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_TRUE(absl::StrContains(status.message(), c.fragment))
        << c.name << ": " << status;
  }
}

TEST(ParseProjectOrGroupNameTest, ShortensHugeNames) {
  const std::string huge = "projects/" + std::string(100000, '1');
  absl::Status status = ParseProjectOrGroupName("parent", huge).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_LT(status.message().size(), 400u);
}

TEST(ParseAccessTokenNameTest, RejectsNamesAboveTheMaximumLength) {
  const std::string longest_valid =
      "projects/9223372036854775807/accessTokens/9223372036854775807";
  EXPECT_TRUE(ParseAccessTokenName("name", longest_valid).ok());

  const std::string over_long =
      "projects/1/accessTokens/" + std::string(kMaxNameLength, '1');
  absl::Status status = ParseAccessTokenName("name", over_long).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(
      status.message(),
      "name \"projects/1/accessTokens/111"))
      << status;
  EXPECT_TRUE(absl::StrContains(
      status.message(),
      absl::StrCat("...\" has ", over_long.size(), " bytes; at most 128 are "
                   "allowed; expected projects/{project_id}/accessTokens/{id}")))
      << status;
}

TEST(ParseAccessTokenNameTest, ParsesProjectAndGroupTokens) {
  absl::StatusOr<AccessTokenRef> token =
      ParseAccessTokenName("name", "projects/123/accessTokens/7");
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->parent, (ResourceRef{ResourceKind::kProject, 123}));
  EXPECT_EQ(token->id, 7);
  token = ParseAccessTokenName("name", "groups/5/accessTokens/5");
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->parent, (ResourceRef{ResourceKind::kGroup, 5}));
  EXPECT_EQ(token->id, 5);
}

TEST(ParseAccessTokenNameTest, RejectsMalformedNames) {
  for (const char* name :
       {"", "projects/1", "projects/1/tokens/2", "projects/1/accessTokens",
        "projects/1/accessTokens/0", "projects/x/accessTokens/1",
        "users/1/accessTokens/2", "projects/1/accessTokens/2/x"}) {
    absl::Status status = ParseAccessTokenName("name", name).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << name;
  }
}

TEST(ParseSingleKindNamesTest, AcceptOnlyTheirCollection) {
  EXPECT_EQ(*ParseGroupName("name", "groups/3"), 3);
  EXPECT_EQ(*ParseProjectName("name", "projects/4"), 4);
  EXPECT_EQ(*ParseUserName("name", "users/5"), 5);
  EXPECT_FALSE(ParseGroupName("name", "projects/3").ok());
  EXPECT_FALSE(ParseProjectName("name", "groups/4").ok());
  EXPECT_FALSE(ParseUserName("name", "users/0").ok());
  EXPECT_EQ(ParseUserName("actor.bot_user", "users/" + std::string(200, '1'))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ValidateIdTest, RequiresPositive) {
  EXPECT_TRUE(ValidateId("group_id", 1).ok());
  absl::Status zero = ValidateId("group_id", 0);
  EXPECT_EQ(zero.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(zero.message(), "group_id 0 is not a positive integer");
  EXPECT_FALSE(ValidateId("project_id", -3).ok());
}

}  // namespace
}  // namespace accesstokens
