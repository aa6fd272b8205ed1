// Who may create, rotate and revoke tokens and change groups and projects,
// tried as a platform would send it, against the real server binary.

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/sqlite_query.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::OwnerActor;
using ::accesstokens::testing::QueryInt64;
using ::accesstokens::testing::ServerProcessTest;
using ::accesstokens::testing::UserActor;
using Stub = v1::AccessTokenService::Stub;

v1::Actor BotActor(const std::string& bot_user) {
  v1::Actor actor;
  actor.set_bot_user(bot_user);
  return actor;
}

class PermissionsTest : public ServerProcessTest {
 protected:
  void SetUp() override {
    ServerProcessTest::SetUp();
    ASSERT_TRUE(api_->CreateGroup(1).ok());
    ASSERT_TRUE(api_->CreateProject(10, "groups/1").ok());
  }

  testing::CallResult<v1::CreateAccessTokenResponse> Create(
      const v1::Actor& actor, v1::AccessLevel level,
      v1::Scope scope = v1::SCOPE_API) {
    v1::CreateAccessTokenRequest request;
    request.set_parent("projects/10");
    request.mutable_access_token()->set_display_name("t");
    request.mutable_access_token()->add_scopes(scope);
    request.mutable_access_token()->set_access_level(level);
    *request.mutable_actor() = actor;
    return api_->Call(&Stub::CreateAccessToken, request);
  }

  testing::CallResult<v1::RevokeAccessTokenResponse> Revoke(
      const std::string& name, const v1::Actor& actor) {
    v1::RevokeAccessTokenRequest request;
    request.set_name(name);
    *request.mutable_actor() = actor;
    return api_->Call(&Stub::RevokeAccessToken, request);
  }

  testing::CallResult<v1::RotateAccessTokenResponse> Rotate(
      const std::string& name, const v1::Actor& actor) {
    v1::RotateAccessTokenRequest request;
    request.set_name(name);
    *request.mutable_actor() = actor;
    return api_->Call(&Stub::RotateAccessToken, request);
  }

  int64_t TokenRows() {
    return QueryInt64(server_->database_path(),
                      "SELECT count(*) FROM access_tokens")
        .value_or(-1);
  }
};

TEST_F(PermissionsTest, MissingActorIsInvalid) {
  v1::CreateAccessTokenRequest request;
  request.set_parent("projects/10");
  request.mutable_access_token()->set_display_name("t");
  request.mutable_access_token()->add_scopes(v1::SCOPE_API);
  auto created = api_->Call(&Stub::CreateAccessToken, request);
  EXPECT_EQ(created.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(created.message(), "actor is required"));

  *request.mutable_actor() = UserActor(7, v1::ACCESS_LEVEL_UNSPECIFIED);
  auto no_level = api_->Call(&Stub::CreateAccessToken, request);
  EXPECT_EQ(no_level.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(no_level.message(), "actor.access_level"));

  *request.mutable_actor() = UserActor(-7, v1::ACCESS_LEVEL_OWNER);
  auto negative = api_->Call(&Stub::CreateAccessToken, request);
  EXPECT_EQ(negative.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(negative.message(), "actor.user_id -7"));
}

TEST_F(PermissionsTest, MaintainerAskingForOwnerTokenIsDenied) {
  auto escalation =
      Create(UserActor(5, v1::ACCESS_LEVEL_MAINTAINER), v1::ACCESS_LEVEL_OWNER);
  EXPECT_EQ(escalation.code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(absl::StrContains(escalation.message(), "maintainer (40)"))
      << escalation.message();
  EXPECT_TRUE(absl::StrContains(escalation.message(), "owner (50)"));
  EXPECT_EQ(TokenRows(), 0);
  auto bots = api_->ListBotUsers("projects/10");
  ASSERT_TRUE(bots.ok());
  EXPECT_EQ(bots.response.bot_users_size(), 0);

  // Up to the actor's own level is fine, and only owners make owner tokens.
  EXPECT_TRUE(Create(UserActor(5, v1::ACCESS_LEVEL_MAINTAINER),
                     v1::ACCESS_LEVEL_MAINTAINER)
                  .ok());
  EXPECT_TRUE(Create(OwnerActor(), v1::ACCESS_LEVEL_OWNER).ok());
}

TEST_F(PermissionsTest, DevelopersMayNotManageTokens) {
  auto created =
      Create(UserActor(5, v1::ACCESS_LEVEL_DEVELOPER), v1::ACCESS_LEVEL_GUEST);
  EXPECT_EQ(created.code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(absl::StrContains(created.message(), "at least the level "
                                                   "maintainer (40)"));
  EXPECT_EQ(TokenRows(), 0);
}

TEST_F(PermissionsTest, MaintainerRotatingOwnerTokenIsDenied) {
  auto owner_token = Create(OwnerActor(), v1::ACCESS_LEVEL_OWNER);
  ASSERT_TRUE(owner_token.ok());
  const std::string& name = owner_token.response.access_token().name();

  auto rotated = Rotate(name, UserActor(5, v1::ACCESS_LEVEL_MAINTAINER));
  EXPECT_EQ(rotated.code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(absl::StrContains(rotated.message(), name)) << rotated.message();
  auto revoked = Revoke(name, UserActor(5, v1::ACCESS_LEVEL_MAINTAINER));
  EXPECT_EQ(revoked.code(), grpc::StatusCode::PERMISSION_DENIED);

  // The old token stays active and authenticates.
  auto token = api_->GetToken(name);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token.response.access_token().state(),
            v1::AccessToken::STATE_ACTIVE);
  EXPECT_TRUE(
      api_->Authenticate(owner_token.response.access_token().token()).ok());
  EXPECT_EQ(TokenRows(), 1);
}

TEST_F(PermissionsTest, ChecksComeBeforeLookups) {
  const v1::Actor developer = UserActor(5, v1::ACCESS_LEVEL_DEVELOPER);
  for (const char* name :
       {"projects/10/accessTokens/999", "projects/404/accessTokens/1"}) {
    EXPECT_EQ(Revoke(name, developer).code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << name;
    EXPECT_EQ(Rotate(name, developer).code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << name;
  }
  // With permission, the missing token is NOT_FOUND.
  EXPECT_EQ(Revoke("projects/10/accessTokens/999", OwnerActor()).code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(PermissionsTest, BotsMayNotCreateOrRevokeTokens) {
  auto own = Create(OwnerActor(), v1::ACCESS_LEVEL_MAINTAINER);
  ASSERT_TRUE(own.ok());
  const v1::Actor bot = BotActor(own.response.bot_user().name());

  auto created = Create(bot, v1::ACCESS_LEVEL_GUEST);
  EXPECT_EQ(created.code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(absl::StrContains(created.message(), "bot user"));
  auto revoked = Revoke(own.response.access_token().name(), bot);
  EXPECT_EQ(revoked.code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(TokenRows(), 1);
}

TEST_F(PermissionsTest, BotsMayRotateOnlyTheirOwnToken) {
  auto mine = Create(OwnerActor(), v1::ACCESS_LEVEL_MAINTAINER);
  auto theirs = Create(OwnerActor(), v1::ACCESS_LEVEL_MAINTAINER);
  ASSERT_TRUE(mine.ok());
  ASSERT_TRUE(theirs.ok());
  const v1::Actor bot = BotActor(mine.response.bot_user().name());

  for (const std::string& name :
       {theirs.response.access_token().name(),
        std::string("projects/10/accessTokens/999")}) {
    auto rotated = Rotate(name, bot);
    EXPECT_EQ(rotated.code(), grpc::StatusCode::PERMISSION_DENIED) << name;
    EXPECT_TRUE(absl::StrContains(rotated.message(), "their own"))
        << rotated.message();
  }
  EXPECT_TRUE(Rotate(mine.response.access_token().name(), bot).ok());

  auto unknown_bot = Rotate(mine.response.access_token().name(),
                            BotActor("users/999"));
  EXPECT_EQ(unknown_bot.code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(PermissionsTest, SelfRotationNeedsApiOrSelfRotateScope) {
  struct Case {
    v1::Scope scope;
    grpc::StatusCode code;
  };
  const Case cases[] = {
      {v1::SCOPE_API, grpc::StatusCode::OK},
      {v1::SCOPE_SELF_ROTATE, grpc::StatusCode::OK},
      {v1::SCOPE_READ_API, grpc::StatusCode::PERMISSION_DENIED},
      {v1::SCOPE_WRITE_REPOSITORY, grpc::StatusCode::PERMISSION_DENIED},
  };
  for (const Case& c : cases) {
    auto created = Create(OwnerActor(), v1::ACCESS_LEVEL_MAINTAINER, c.scope);
    ASSERT_TRUE(created.ok());
    auto rotated = Rotate(created.response.access_token().name(),
                          BotActor(created.response.bot_user().name()));
    EXPECT_EQ(rotated.code(), c.code) << v1::Scope_Name(c.scope) << ": "
                                      << rotated.status;
    if (c.code != grpc::StatusCode::OK) {
      EXPECT_TRUE(absl::StrContains(rotated.message(), "self_rotate"));
    }
  }
}

TEST_F(PermissionsTest, GroupAndProjectChangesNeedOwners) {
  const v1::Actor maintainer = UserActor(5, v1::ACCESS_LEVEL_MAINTAINER);
  v1::UpdateGroupRequest update;
  update.mutable_group()->set_name("groups/1");
  update.mutable_group()->set_allow_project_access_token_creation(false);
  update.mutable_update_mask()->add_paths(
      "allow_project_access_token_creation");
  *update.mutable_actor() = maintainer;
  EXPECT_EQ(api_->Call(&Stub::UpdateGroup, update).code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::DeleteProjectRequest delete_project;
  delete_project.set_name("projects/10");
  *delete_project.mutable_actor() = maintainer;
  EXPECT_EQ(api_->Call(&Stub::DeleteProject, delete_project).code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Checked before the lookup: a missing project is denied too.
  delete_project.set_name("projects/404");
  EXPECT_EQ(api_->Call(&Stub::DeleteProject, delete_project).code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::CreateGroupRequest create;
  create.set_group_id(2);
  create.mutable_group()->set_display_name("by a bot");
  *create.mutable_actor() = BotActor("users/1");
  EXPECT_EQ(api_->Call(&Stub::CreateGroup, create).code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(PermissionsTest, RefusalsAreAudited) {
  ASSERT_EQ(Create(UserActor(5, v1::ACCESS_LEVEL_MAINTAINER),
                   v1::ACCESS_LEVEL_OWNER)
                .code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A later write is a barrier: audit writes run in order.
  ASSERT_TRUE(api_->CreateProject(11).ok());

  auto events = api_->ListAuditEvents(
      "action = ACTION_CREATE_ACCESS_TOKEN AND target = \"projects/10\"");
  ASSERT_TRUE(events.ok()) << events.status;
  ASSERT_EQ(events.response.audit_events_size(), 1);
  const v1::AuditEvent& event = events.response.audit_events(0);
  EXPECT_EQ(event.status_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(event.actor().user_id(), 5);
  EXPECT_EQ(event.actor().access_level(), v1::ACCESS_LEVEL_MAINTAINER);
  EXPECT_TRUE(absl::StrContains(event.status_message(), "owner (50)"));
}

}  // namespace
}  // namespace accesstokens
