#include "service/requests.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace accesstokens {
namespace {

TEST(ParseActorTest, HumanAndBot) {
  v1::Actor human;
  human.set_user_id(42);
  human.set_access_level(v1::ACCESS_LEVEL_DEVELOPER);
  absl::StatusOr<ActorRecord> parsed = ParseActor(human);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->user_id, 42);
  EXPECT_EQ(parsed->access_level, 30);

  v1::Actor bot;
  bot.set_bot_user("users/9");
  parsed = ParseActor(bot);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->bot_user_id, 9);
  EXPECT_FALSE(parsed->user_id.has_value());
}

TEST(ParseActorTest, RejectsIncompleteActors) {
  EXPECT_TRUE(absl::StrContains(ParseActor(v1::Actor()).status().message(),
                                "actor is required"));
  v1::Actor no_level;
  no_level.set_user_id(3);
  EXPECT_TRUE(absl::StrContains(ParseActor(no_level).status().message(),
                                "actor.access_level is required"));
  v1::Actor odd_level = no_level;
  odd_level.set_access_level(static_cast<v1::AccessLevel>(25));
  EXPECT_TRUE(absl::StrContains(ParseActor(odd_level).status().message(),
                                "actor.access_level 25"));
  v1::Actor bad_bot;
  bad_bot.set_bot_user("bots/1");
  EXPECT_TRUE(absl::StrContains(ParseActor(bad_bot).status().message(),
                                "actor.bot_user \"bots/1\""));
}

TEST(ValidateRequestIdTest, AcceptsUuidsOnly) {
  EXPECT_TRUE(ValidateRequestId("").ok());
  EXPECT_TRUE(ValidateRequestId("3f2b8c1e-9a4d-4b7e-8f61-2c5d0e9a7b13").ok());
  EXPECT_TRUE(ValidateRequestId("3F2B8C1E-9A4D-4B7E-8F61-2C5D0E9A7B13").ok());
  for (const char* bad : {"retry-1", "3f2b8c1e9a4d4b7e8f612c5d0e9a7b13",
                          "3f2b8c1e-9a4d-4b7e-8f61-2c5d0e9a7b1z",
                          "3f2b8c1e-9a4d-4b7e-8f61-2c5d0e9a7b133"}) {
    absl::Status status = ValidateRequestId(bad);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(RequestFingerprintTest, IgnoresOnlyTheRequestId) {
  v1::CreateAccessTokenRequest first;
  first.set_parent("projects/1");
  first.set_request_id("a");
  v1::CreateAccessTokenRequest retry = first;
  retry.set_request_id("b");
  EXPECT_EQ(RequestFingerprint(first), RequestFingerprint(retry));
  retry.set_parent("projects/2");
  EXPECT_NE(RequestFingerprint(first), RequestFingerprint(retry));

  v1::RotateAccessTokenRequest rotate;
  EXPECT_NE(RequestFingerprint(rotate),
            RequestFingerprint(v1::CreateAccessTokenRequest()));
}

TEST(ParseRotationTest, DefaultsToOneWeek) {
  v1::RotateAccessTokenRequest request;
  request.set_name("projects/1/accessTokens/2");
  request.mutable_actor()->set_user_id(1);
  request.mutable_actor()->set_access_level(v1::ACCESS_LEVEL_OWNER);
  absl::StatusOr<ParsedRotation> parsed =
      ParseRotation(request, absl::CivilDay(2026, 12, 4), 365);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->expires_on, absl::CivilDay(2026, 12, 11));
  ASSERT_TRUE(parsed->name.has_value());
  EXPECT_EQ(parsed->name->id, 2);
}

TEST(ParseRotationTest, BySecretNeedsNoActor) {
  v1::RotateAccessTokenRequest request;
  request.set_token("glpat-secret");
  absl::StatusOr<ParsedRotation> parsed =
      ParseRotation(request, absl::CivilDay(2026, 12, 4), 365);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_FALSE(parsed->actor.has_value());
  EXPECT_EQ(parsed->secret, "glpat-secret");

  request.set_token(std::string(2000, 'x'));
  EXPECT_EQ(ParseRotation(request, absl::CivilDay(2026, 12, 4), 365)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ParseGroupUpdateTest, StateMayOnlyBeActiveOrPending) {
  v1::UpdateGroupRequest request;
  request.mutable_group()->set_name("groups/1");
  request.mutable_update_mask()->add_paths("state");
  request.mutable_actor()->set_user_id(1);
  request.mutable_actor()->set_access_level(v1::ACCESS_LEVEL_OWNER);
  request.mutable_group()->set_state(v1::RESOURCE_STATE_PENDING_DELETION);
  absl::StatusOr<GroupUpdate> update = ParseGroupUpdate(request);
  ASSERT_TRUE(update.ok()) << update.status();
  EXPECT_EQ(update->state, ResourceState::kPendingDeletion);

  request.mutable_group()->set_state(v1::RESOURCE_STATE_DELETED);
  absl::Status deleted = ParseGroupUpdate(request).status();
  EXPECT_EQ(deleted.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(deleted.message(), "RESOURCE_STATE_DELETED"));
}

}  // namespace
}  // namespace accesstokens
