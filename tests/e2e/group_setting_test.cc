// The top-level group setting that switches off project access token
// creation beneath it.

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/testing/server_fixture.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::ServerProcessTest;

// groups/1 (top level) > groups/2 > groups/3, with projects/10 in groups/3,
// projects/11 in groups/1 and projects/12 outside any group.
class GroupSettingTest : public ServerProcessTest {
 protected:
  void SetUp() override {
    ServerProcessTest::SetUp();
    ASSERT_TRUE(api_->CreateGroup(1).ok());
    ASSERT_TRUE(api_->CreateGroup(2, "groups/1").ok());
    ASSERT_TRUE(api_->CreateGroup(3, "groups/2").ok());
    ASSERT_TRUE(api_->CreateProject(10, "groups/3").ok());
    ASSERT_TRUE(api_->CreateProject(11, "groups/1").ok());
    ASSERT_TRUE(api_->CreateProject(12).ok());
  }
};

TEST_F(GroupSettingTest, SwitchedOffStopsProjectTokensAtAnyDepth) {
  ASSERT_TRUE(api_->SetAllowProjectTokens("groups/1", false).ok());

  for (const char* project : {"projects/10", "projects/11"}) {
    auto created = api_->CreateToken(project);
    EXPECT_EQ(created.code(), grpc::StatusCode::FAILED_PRECONDITION)
        << project;
    EXPECT_TRUE(absl::StrContains(created.message(), project))
        << created.message();
    EXPECT_TRUE(absl::StrContains(created.message(), "\"groups/1\""))
        << created.message();
  }
  auto bots = api_->ListBotUsers("projects/10");
  ASSERT_TRUE(bots.ok());
  EXPECT_EQ(bots.response.bot_users_size(), 0);

  v1::GetProjectRequest request;
  request.set_name("projects/10");
  auto project = api_->Call(&v1::AccessTokenService::Stub::GetProject, request);
  ASSERT_TRUE(project.ok());
  EXPECT_FALSE(project.response.project().access_token_creation_allowed());
}

TEST_F(GroupSettingTest, ProjectsOutsideGroupsAndGroupTokensUnaffected) {
  ASSERT_TRUE(api_->SetAllowProjectTokens("groups/1", false).ok());

  EXPECT_TRUE(api_->CreateToken("projects/12").ok());
  for (const char* group : {"groups/1", "groups/2", "groups/3"}) {
    auto created = api_->CreateToken(group);
    EXPECT_TRUE(created.ok()) << group << ": " << created.status;
  }
}

TEST_F(GroupSettingTest, ExistingTokensStillAuthenticateAndRevoke) {
  auto before = api_->CreateToken("projects/10");
  ASSERT_TRUE(before.ok()) << before.status;
  ASSERT_TRUE(api_->SetAllowProjectTokens("groups/1", false).ok());

  EXPECT_TRUE(api_->Authenticate(before.response.access_token().token()).ok());
  auto revoked = api_->RevokeToken(before.response.access_token().name());
  ASSERT_TRUE(revoked.ok()) << revoked.status;
  EXPECT_EQ(revoked.response.access_token().state(),
            v1::AccessToken::STATE_REVOKED);
}

TEST_F(GroupSettingTest, TurningBackOnAllowsCreationAgain) {
  ASSERT_TRUE(api_->CreateToken("projects/10").ok());
  ASSERT_TRUE(api_->SetAllowProjectTokens("groups/1", false).ok());
  ASSERT_EQ(api_->CreateToken("projects/10").code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  ASSERT_TRUE(api_->SetAllowProjectTokens("groups/1", true).ok());
  auto created = api_->CreateToken("projects/10");
  ASSERT_TRUE(created.ok()) << created.status;
  // The rejected attempt used no bot number.
  EXPECT_EQ(created.response.bot_user().username(), "project_10_bot1");
}

TEST_F(GroupSettingTest, OnlyTopLevelGroupsTakeTheSetting) {
  auto subgroup = api_->SetAllowProjectTokens("groups/2", false);
  EXPECT_EQ(subgroup.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(subgroup.message(), "groups/2"));
  EXPECT_TRUE(api_->CreateToken("projects/10").ok());
}

TEST_F(GroupSettingTest, DefaultAllowsCreation) {
  EXPECT_TRUE(api_->CreateToken("projects/10").ok());
  EXPECT_TRUE(api_->CreateToken("projects/11").ok());
}

}  // namespace
}  // namespace accesstokens
