// Deleting projects and groups, and marking them for deletion, against the
// real server binary.

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::OwnerActor;
using ::accesstokens::testing::ReadFileOrEmpty;
using ::accesstokens::testing::ServerProcessTest;
using Stub = v1::AccessTokenService::Stub;

// groups/1 > groups/2 > projects/10, and projects/11 in groups/1, each with
// a token.
class DeletionTest : public ServerProcessTest {
 protected:
  void SetUp() override {
    ServerProcessTest::SetUp();
    ASSERT_TRUE(api_->CreateGroup(1).ok());
    ASSERT_TRUE(api_->CreateGroup(2, "groups/1").ok());
    ASSERT_TRUE(api_->CreateProject(10, "groups/2").ok());
    ASSERT_TRUE(api_->CreateProject(11, "groups/1").ok());
    for (const char* parent : {"projects/10", "projects/11", "groups/2"}) {
      auto created = api_->CreateToken(parent);
      ASSERT_TRUE(created.ok()) << created.status;
      secrets_.push_back(created.response.access_token().token());
      names_.push_back(created.response.access_token().name());
    }
  }

  testing::CallResult<v1::DeleteGroupResponse> DeleteGroup(
      const std::string& name, bool force) {
    v1::DeleteGroupRequest request;
    request.set_name(name);
    request.set_force(force);
    *request.mutable_actor() = OwnerActor();
    return api_->Call(&Stub::DeleteGroup, request);
  }

  testing::CallResult<v1::UpdateGroupResponse> SetGroupState(
      const std::string& name, v1::ResourceState state) {
    v1::UpdateGroupRequest request;
    request.mutable_group()->set_name(name);
    request.mutable_group()->set_state(state);
    request.mutable_update_mask()->add_paths("state");
    *request.mutable_actor() = OwnerActor();
    return api_->Call(&Stub::UpdateGroup, request);
  }

  std::vector<std::string> secrets_;
  std::vector<std::string> names_;
};

TEST_F(DeletionTest, DeleteProjectRevokesItsTokens) {
  v1::DeleteProjectRequest request;
  request.set_name("projects/10");
  *request.mutable_actor() = OwnerActor();
  auto deleted = api_->Call(&Stub::DeleteProject, request);
  ASSERT_TRUE(deleted.ok()) << deleted.status;
  EXPECT_EQ(deleted.response.project().state(), v1::RESOURCE_STATE_DELETED);
  EXPECT_EQ(deleted.response.revoked_access_token_count(), 1);

  EXPECT_EQ(api_->Authenticate(secrets_[0]).code(),
            grpc::StatusCode::UNAUTHENTICATED);
  auto token = api_->GetToken(names_[0]);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token.response.access_token().revocation_reason(),
            v1::AccessToken::REVOCATION_REASON_RESOURCE_DELETED);
  auto bots = api_->ListBotUsers("projects/10");
  ASSERT_TRUE(bots.ok());
  ASSERT_EQ(bots.response.bot_users_size(), 1);
  EXPECT_EQ(bots.response.bot_users(0).state(), v1::BotUser::STATE_BLOCKED);
  EXPECT_FALSE(bots.response.bot_users(0).has_membership());

  // Other tokens are untouched; the deleted project takes no new tokens.
  EXPECT_TRUE(api_->Authenticate(secrets_[1]).ok());
  auto refused = api_->CreateToken("projects/10");
  EXPECT_EQ(refused.code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(refused.message(), "is deleted"));
  EXPECT_EQ(api_->Call(&Stub::DeleteProject, request).code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(api_->CreateProject(10).code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(DeletionTest, DeleteGroupWithChildrenNeedsForce) {
  auto refused = DeleteGroup("groups/1", false);
  EXPECT_EQ(refused.code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(refused.message(), "set force"))
      << refused.message();
  for (const std::string& secret : secrets_) {
    EXPECT_TRUE(api_->Authenticate(secret).ok());
  }

  auto deleted = DeleteGroup("groups/1", true);
  ASSERT_TRUE(deleted.ok()) << deleted.status;
  EXPECT_EQ(deleted.response.revoked_access_token_count(), 3);
  EXPECT_EQ(std::vector<std::string>(
                deleted.response.deleted_resources().begin(),
                deleted.response.deleted_resources().end()),
            (std::vector<std::string>{"groups/2", "projects/10",
                                      "projects/11"}));
  for (const std::string& secret : secrets_) {
    EXPECT_EQ(api_->Authenticate(secret).code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }

  auto events = api_->ListAuditEvents("action = ACTION_DELETE_GROUP");
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events.response.audit_events_size(), 2);
  EXPECT_EQ(events.response.audit_events(0).status_code(), 0);
  EXPECT_EQ(events.response.audit_events(1).status_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(DeletionTest, EmptyGroupNeedsNoForce) {
  ASSERT_TRUE(api_->CreateGroup(3).ok());
  auto deleted = DeleteGroup("groups/3", false);
  ASSERT_TRUE(deleted.ok()) << deleted.status;
  EXPECT_EQ(deleted.response.group().state(), v1::RESOURCE_STATE_DELETED);
  EXPECT_EQ(DeleteGroup("groups/404", false).code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(DeletionTest, PendingDeletionStopsTokensBeneathAtOnce) {
  ASSERT_TRUE(SetGroupState("groups/1", v1::RESOURCE_STATE_PENDING_DELETION)
                  .ok());
  for (const std::string& secret : secrets_) {
    EXPECT_EQ(api_->Authenticate(secret).code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  auto refused = api_->CreateToken("projects/10");
  EXPECT_EQ(refused.code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(refused.message(), "groups/1"))
      << refused.message();
  // Revocation still works while deletion is pending.
  EXPECT_TRUE(api_->RevokeToken(names_[1]).ok());

  // Restoring the group brings back the tokens that were not revoked.
  ASSERT_TRUE(SetGroupState("groups/1", v1::RESOURCE_STATE_ACTIVE).ok());
  EXPECT_TRUE(api_->Authenticate(secrets_[0]).ok());
  EXPECT_EQ(api_->Authenticate(secrets_[1]).code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(api_->Authenticate(secrets_[2]).ok());
}

TEST_F(DeletionTest, ProjectPendingDeletionStopsItsTokens) {
  v1::UpdateProjectRequest request;
  request.mutable_project()->set_name("projects/11");
  request.mutable_project()->set_state(v1::RESOURCE_STATE_PENDING_DELETION);
  request.mutable_update_mask()->add_paths("state");
  *request.mutable_actor() = OwnerActor();
  auto updated = api_->Call(&Stub::UpdateProject, request);
  ASSERT_TRUE(updated.ok()) << updated.status;
  EXPECT_EQ(updated.response.project().state(),
            v1::RESOURCE_STATE_PENDING_DELETION);

  EXPECT_EQ(api_->Authenticate(secrets_[1]).code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(api_->Authenticate(secrets_[0]).ok());

  request.mutable_project()->set_state(v1::RESOURCE_STATE_DELETED);
  auto invalid = api_->Call(&Stub::UpdateProject, request);
  EXPECT_EQ(invalid.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(invalid.message(), "DeleteProject"));
}

TEST_F(DeletionTest, SettingChangesAreAudited) {
  ASSERT_TRUE(api_->SetAllowProjectTokens("groups/1", false).ok());
  auto events = api_->ListAuditEvents("action = ACTION_UPDATE_GROUP");
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events.response.audit_events_size(), 1);
  EXPECT_EQ(events.response.audit_events(0).target(), "groups/1");
  EXPECT_EQ(events.response.audit_events(0).actor().user_id(), 1);
}

TEST_F(DeletionTest, LogsSettingChangeWithNewValue) {
  ASSERT_TRUE(api_->SetAllowProjectTokens("groups/1", false).ok());
  ASSERT_TRUE(api_->SetAllowProjectTokens("groups/1", true).ok());

  const std::string log = ReadFileOrEmpty(server_->log_path());
  EXPECT_TRUE(absl::StrContains(
      log,
      "updated group groups/1: allow_project_access_token_creation=0, "
      "state=RESOURCE_STATE_ACTIVE"))
      << log;
  EXPECT_TRUE(absl::StrContains(
      log,
      "updated group groups/1: allow_project_access_token_creation=1, "
      "state=RESOURCE_STATE_ACTIVE"))
      << log;
}

}  // namespace
}  // namespace accesstokens
