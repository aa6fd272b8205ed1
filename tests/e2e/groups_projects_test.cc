// Creating, reading and updating groups and projects against the real
// server binary.

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/testing/server_fixture.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::ServerProcessTest;
using Stub = v1::AccessTokenService::Stub;

class GroupsProjectsTest : public ServerProcessTest {
 protected:
  v1::UpdateGroupRequest UpdateRequest(const std::string& name) {
    v1::UpdateGroupRequest request;
    request.mutable_group()->set_name(name);
    *request.mutable_actor() = testing::OwnerActor();
    return request;
  }
};

TEST_F(GroupsProjectsTest, CreateAndGetTopLevelGroup) {
  auto created = api_->CreateGroup(109);
  ASSERT_TRUE(created.ok()) << created.status;
  const v1::Group& group = created.response.group();
  EXPECT_EQ(group.name(), "groups/109");
  EXPECT_EQ(group.parent(), "");
  EXPECT_EQ(group.display_name(), "Group 109");
  EXPECT_TRUE(group.allow_project_access_token_creation());
  EXPECT_TRUE(group.has_create_time());

  v1::GetGroupRequest request;
  request.set_name("groups/109");
  auto got = api_->Call(&Stub::GetGroup, request);
  ASSERT_TRUE(got.ok()) << got.status;
  EXPECT_EQ(got.response.group().SerializeAsString(), group.SerializeAsString());
}

TEST_F(GroupsProjectsTest, SubgroupsReportTheirTopLevelSetting) {
  ASSERT_TRUE(api_->CreateGroup(1, "", false).ok());
  auto sub = api_->CreateGroup(2, "groups/1");
  ASSERT_TRUE(sub.ok()) << sub.status;
  EXPECT_EQ(sub.response.group().parent(), "groups/1");
  EXPECT_FALSE(sub.response.group().allow_project_access_token_creation());
  auto deep = api_->CreateGroup(3, "groups/2");
  ASSERT_TRUE(deep.ok()) << deep.status;
  EXPECT_FALSE(deep.response.group().allow_project_access_token_creation());
}

TEST_F(GroupsProjectsTest, CreateGroupRejectsBadInput) {
  ASSERT_TRUE(api_->CreateGroup(1).ok());

  auto duplicate = api_->CreateGroup(1);
  EXPECT_EQ(duplicate.code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(duplicate.message(), "group \"groups/1\" already exists");

  auto zero = api_->CreateGroup(0);
  EXPECT_EQ(zero.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(zero.message(), "group_id 0 is not a positive integer");
  auto negative = api_->CreateGroup(-4);
  EXPECT_EQ(negative.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(negative.message(), "-4"));

  auto missing_parent = api_->CreateGroup(2, "groups/77");
  EXPECT_EQ(missing_parent.code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(missing_parent.message(),
            "parent group \"groups/77\" not found");

  auto bad_parent = api_->CreateGroup(2, "projects/1");
  EXPECT_EQ(bad_parent.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(bad_parent.message(),
                                "group.parent \"projects/1\""));

  auto setting_on_subgroup = api_->CreateGroup(2, "groups/1", false);
  EXPECT_EQ(setting_on_subgroup.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(setting_on_subgroup.message(),
                                "only be set on a top-level group"));

  v1::CreateGroupRequest unnamed;
  unnamed.set_group_id(3);
  *unnamed.mutable_actor() = testing::OwnerActor();
  auto no_name = api_->Call(&Stub::CreateGroup, unnamed);
  EXPECT_EQ(no_name.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(no_name.message(), "group.display_name"));

  // None of the rejected groups exist.
  v1::GetGroupRequest get;
  get.set_name("groups/2");
  EXPECT_EQ(api_->Call(&Stub::GetGroup, get).code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(GroupsProjectsTest, GetGroupRejectsBadNames) {
  v1::GetGroupRequest request;
  request.set_name("groups/5");
  auto missing = api_->Call(&Stub::GetGroup, request);
  EXPECT_EQ(missing.code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(missing.message(), "group \"groups/5\" not found");

  request.set_name("group/5");
  auto malformed = api_->Call(&Stub::GetGroup, request);
  EXPECT_EQ(malformed.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(malformed.message(),
                                "expected groups/{group_id}"));
}

TEST_F(GroupsProjectsTest, UpdateGroupChangesMaskedFields) {
  ASSERT_TRUE(api_->CreateGroup(1).ok());
  v1::UpdateGroupRequest request = UpdateRequest("groups/1");
  request.mutable_group()->set_display_name("Renamed");
  request.mutable_group()->set_allow_project_access_token_creation(false);
  request.mutable_update_mask()->add_paths("display_name");

  auto renamed = api_->Call(&Stub::UpdateGroup, request);
  ASSERT_TRUE(renamed.ok()) << renamed.status;
  EXPECT_EQ(renamed.response.group().display_name(), "Renamed");
  // Fields outside the mask stay as they were.
  EXPECT_TRUE(renamed.response.group().allow_project_access_token_creation());

  auto switched = api_->SetAllowProjectTokens("groups/1", false);
  ASSERT_TRUE(switched.ok()) << switched.status;
  EXPECT_FALSE(switched.response.group().allow_project_access_token_creation());
  EXPECT_EQ(switched.response.group().display_name(), "Renamed");
}

TEST_F(GroupsProjectsTest, UpdateGroupRejectsBadMasks) {
  ASSERT_TRUE(api_->CreateGroup(1).ok());
  ASSERT_TRUE(api_->CreateGroup(2, "groups/1").ok());

  auto empty_mask = api_->Call(&Stub::UpdateGroup, UpdateRequest("groups/1"));
  EXPECT_EQ(empty_mask.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(empty_mask.message(), "update_mask is empty"));

  v1::UpdateGroupRequest parent_change = UpdateRequest("groups/1");
  parent_change.mutable_update_mask()->add_paths("parent");
  auto immutable = api_->Call(&Stub::UpdateGroup, parent_change);
  EXPECT_EQ(immutable.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(immutable.message(), "path \"parent\""));

  v1::UpdateGroupRequest unset = UpdateRequest("groups/1");
  unset.mutable_update_mask()->add_paths("allow_project_access_token_creation");
  EXPECT_EQ(api_->Call(&Stub::UpdateGroup, unset).code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  auto subgroup = api_->SetAllowProjectTokens("groups/2", false);
  EXPECT_EQ(subgroup.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(subgroup.message(),
            "group \"groups/2\" is a subgroup; "
            "allow_project_access_token_creation can only be set on its "
            "top-level group \"groups/1\"");

  EXPECT_EQ(api_->SetAllowProjectTokens("groups/9", false).code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(GroupsProjectsTest, CreateAndGetProjects) {
  ASSERT_TRUE(api_->CreateGroup(1).ok());
  auto inside = api_->CreateProject(10, "groups/1");
  ASSERT_TRUE(inside.ok()) << inside.status;
  EXPECT_EQ(inside.response.project().name(), "projects/10");
  EXPECT_EQ(inside.response.project().parent(), "groups/1");
  EXPECT_TRUE(inside.response.project().access_token_creation_allowed());

  auto outside = api_->CreateProject(11);
  ASSERT_TRUE(outside.ok()) << outside.status;
  EXPECT_EQ(outside.response.project().parent(), "");

  v1::GetProjectRequest request;
  request.set_name("projects/10");
  auto got = api_->Call(&Stub::GetProject, request);
  ASSERT_TRUE(got.ok()) << got.status;
  EXPECT_EQ(got.response.project().display_name(), "Project 10");
}

TEST_F(GroupsProjectsTest, CreateProjectRejectsBadInput) {
  ASSERT_TRUE(api_->CreateProject(10).ok());

  auto duplicate = api_->CreateProject(10);
  EXPECT_EQ(duplicate.code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(duplicate.message(), "project \"projects/10\" already exists");

  auto zero = api_->CreateProject(0);
  EXPECT_EQ(zero.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(zero.message(), "project_id 0 is not a positive integer");

  auto missing_group = api_->CreateProject(11, "groups/404");
  EXPECT_EQ(missing_group.code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(missing_group.message(), "parent group \"groups/404\" not found");

  auto bad_parent = api_->CreateProject(11, "groups/x");
  EXPECT_EQ(bad_parent.code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::CreateProjectRequest long_name;
  long_name.set_project_id(12);
  long_name.mutable_project()->set_display_name(std::string(300, 'p'));
  *long_name.mutable_actor() = testing::OwnerActor();
  auto too_long = api_->Call(&Stub::CreateProject, long_name);
  EXPECT_EQ(too_long.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(too_long.message(),
                                "project.display_name has 300 characters"));

  v1::GetProjectRequest get;
  get.set_name("projects/11");
  EXPECT_EQ(api_->Call(&Stub::GetProject, get).code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace accesstokens
