#include "service/permissions.h"

#include "absl/strings/match.h"
#include "accesstokens/v1/resources.pb.h"
#include "gtest/gtest.h"

namespace accesstokens {
namespace {

ActorRecord Human(int level) { return ActorRecord{7, std::nullopt, level}; }
ActorRecord Bot(int64_t id) { return ActorRecord{std::nullopt, id, 0}; }

TEST(CheckCanManageTokensTest, NeedsMaintainer) {
  for (TokenAction action :
       {TokenAction::kCreate, TokenAction::kRotate, TokenAction::kRevoke}) {
    EXPECT_TRUE(CheckCanManageTokens(Human(40), action, "projects/1").ok());
    EXPECT_TRUE(CheckCanManageTokens(Human(50), action, "projects/1").ok());
    absl::Status denied = CheckCanManageTokens(Human(30), action, "projects/1");
    EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_TRUE(absl::StrContains(denied.message(), "developer (30)"));
  }
}

TEST(CheckCanManageTokensTest, BotsMayOnlyRotate) {
  EXPECT_TRUE(
      CheckCanManageTokens(Bot(3), TokenAction::kRotate, "projects/1").ok());
  EXPECT_EQ(
      CheckCanManageTokens(Bot(3), TokenAction::kCreate, "projects/1").code(),
      absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(
      CheckCanManageTokens(Bot(3), TokenAction::kRevoke, "projects/1").code(),
      absl::StatusCode::kPermissionDenied);
}

TEST(CheckTokenLevelTest, TokenMayNotExceedActor) {
  EXPECT_TRUE(CheckTokenLevel(Human(40), 40, "t").ok());
  EXPECT_TRUE(CheckTokenLevel(Human(50), 50, "t").ok());
  absl::Status denied = CheckTokenLevel(Human(40), 50, "t");
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(denied.message(), "owner (50)"));
}

TEST(CheckBotRotationTest, OwnCurrentTokenWithScope) {
  TokenRecord token;
  token.id = 5;
  token.parent = {ResourceKind::kProject, 1};
  token.user_id = 3;
  token.scopes = 1u << v1::SCOPE_SELF_ROTATE;
  EXPECT_TRUE(CheckBotRotation(Bot(3), token).ok());
  EXPECT_TRUE(CheckBotRotation(Human(50), token).ok());

  EXPECT_EQ(CheckBotRotation(Bot(4), token).code(),
            absl::StatusCode::kPermissionDenied);
  TokenRecord replaced = token;
  replaced.next_id = 6;
  EXPECT_EQ(CheckBotRotation(Bot(3), replaced).code(),
            absl::StatusCode::kPermissionDenied);
  TokenRecord read_only = token;
  read_only.scopes = 1u << v1::SCOPE_READ_API;
  absl::Status denied = CheckBotRotation(Bot(3), read_only);
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(denied.message(), "api or self_rotate"));
}

TEST(CheckCanAdministerTest, NeedsHumanOwner) {
  EXPECT_TRUE(CheckCanAdminister(Human(50), "groups/1").ok());
  EXPECT_EQ(CheckCanAdminister(Human(40), "groups/1").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckCanAdminister(Bot(1), "groups/1").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(CheckCanMirror(Human(10), "groups/1").ok());
  EXPECT_EQ(CheckCanMirror(Bot(1), "groups/1").code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace accesstokens
