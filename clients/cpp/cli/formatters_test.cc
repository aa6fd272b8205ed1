#include "clients/cpp/cli/formatters.h"

#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace accesstokens::cli {
namespace {

template <typename Message>
Message FromText(const std::string& text) {
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &message))
      << text;
  return message;
}

// 2026-06-15T12:00:00Z in seconds since the Unix epoch.
constexpr int64_t kNoonSeconds = 1781524800;

v1::AccessToken ActiveToken() {
  v1::AccessToken token = FromText<v1::AccessToken>(R"pb(
    name: "projects/123/accessTokens/7"
    display_name: "ci"
    scopes: [ SCOPE_READ_API, SCOPE_READ_REPOSITORY ]
    access_level: ACCESS_LEVEL_DEVELOPER
    expires_on: "2027-03-01"
    state: STATE_ACTIVE
    bot_user: "users/5"
  )pb");
  token.mutable_create_time()->set_seconds(kNoonSeconds);
  return token;
}

TEST(FormatTimestamp, PrintsRfc3339OrPlaceholder) {
  google::protobuf::Timestamp time;
  EXPECT_EQ(FormatTimestamp(time), "-");
  EXPECT_EQ(FormatTimestamp(time, "never"), "never");
  time.set_seconds(kNoonSeconds);
  time.set_nanos(500);
  EXPECT_EQ(FormatTimestamp(time), "2026-06-15T12:00:00Z");
}

TEST(FormatActor, NamesHumanBotOrNone) {
  EXPECT_EQ(FormatActor(FromText<v1::Actor>(
                "user_id: 1 access_level: ACCESS_LEVEL_OWNER")),
            "user 1 (owner)");
  EXPECT_EQ(FormatActor(FromText<v1::Actor>("bot_user: 'users/5'")), "users/5");
  EXPECT_EQ(FormatActor(v1::Actor()), "-");
}

TEST(FormatJson, UsesProtobufJsonMapping) {
  v1::GetAccessTokenResponse response;
  *response.mutable_access_token() = ActiveToken();
  absl::StatusOr<std::string> formatted = FormatJson(response);
  ASSERT_TRUE(formatted.ok()) << formatted.status();
  const std::string& json = *formatted;
  EXPECT_TRUE(absl::StrContains(json, "\"displayName\": \"ci\"")) << json;
  EXPECT_TRUE(absl::StrContains(json, "\"SCOPE_READ_API\"")) << json;
  EXPECT_TRUE(
      absl::StrContains(json, "\"createTime\": \"2026-06-15T12:00:00Z\""))
      << json;
  EXPECT_EQ(json.back(), '\n');
}

TEST(PrintAccessToken, ShowsEveryField) {
  std::ostringstream out;
  PrintAccessToken(ActiveToken(), out);
  EXPECT_EQ(out.str(),
            "name:          projects/123/accessTokens/7\n"
            "display name:  ci\n"
            "description:   -\n"
            "scopes:        read_api,read_repository\n"
            "access level:  developer\n"
            "state:         active\n"
            "expires on:    2027-03-01\n"
            "bot user:      users/5\n"
            "created:       2026-06-15T12:00:00Z\n"
            "last used:     never\n");
}

TEST(PrintAccessToken, ShowsSecretRevocationAndRotation) {
  v1::AccessToken token = ActiveToken();
  token.set_token("glpat-secret");
  token.set_state(v1::AccessToken::STATE_REVOKED);
  token.mutable_revoke_time()->set_seconds(kNoonSeconds + 60);
  token.set_revocation_reason(v1::AccessToken::REVOCATION_REASON_ROTATED);
  token.set_next_access_token("projects/123/accessTokens/8");
  token.add_last_use_addresses("203.0.113.7");
  token.mutable_last_use_time()->set_seconds(kNoonSeconds + 30);

  std::ostringstream out;
  PrintAccessToken(token, out);
  const std::string text = out.str();
  EXPECT_TRUE(absl::StrContains(
      text, "revoked:         2026-06-15T12:01:00Z (rotated)\n"))
      << text;
  EXPECT_TRUE(
      absl::StrContains(text, "last used:       2026-06-15T12:00:30Z\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(text, "last used from:  203.0.113.7\n"))
      << text;
  EXPECT_TRUE(
      absl::StrContains(text, "next token:      projects/123/accessTokens/8\n"))
      << text;
  EXPECT_TRUE(absl::StrContains(text, "token:           glpat-secret\n"))
      << text;
}

TEST(PrintAccessTokenTable, OneRowPerToken) {
  v1::ListAccessTokensResponse response;
  *response.add_access_tokens() = ActiveToken();
  std::ostringstream out;
  PrintAccessTokenTable(response.access_tokens(), out);
  EXPECT_EQ(out.str(),
            "NAME                         DISPLAY NAME  SCOPES                "
            "    ACCESS LEVEL  STATE   EXPIRES ON  LAST USED\n"
            "projects/123/accessTokens/7  ci            "
            "read_api,read_repository  developer     active  2027-03-01  "
            "never\n");
}

TEST(PrintGroup, ShowsUnsetSettingAsDash) {
  std::ostringstream out;
  PrintGroup(FromText<v1::Group>(R"pb(
               name: "groups/110"
               parent: "groups/109"
               display_name: "Sub"
               state: RESOURCE_STATE_PENDING_DELETION
             )pb"),
             out);
  EXPECT_EQ(out.str(),
            "name:                    groups/110\n"
            "parent:                  groups/109\n"
            "display name:            Sub\n"
            "state:                   pending_deletion\n"
            "project tokens allowed:  -\n"
            "created:                 -\n"
            "updated:                 -\n");
}

TEST(PrintAuthentication, NamesTokenBotAndProject) {
  v1::AuthenticateAccessTokenResponse response;
  *response.mutable_access_token() = ActiveToken();
  response.mutable_bot_user()->set_name("users/5");
  response.mutable_bot_user()->set_username("project_123_bot");
  response.mutable_project()->set_name("projects/123");
  std::ostringstream out;
  PrintAuthentication(response, out);
  EXPECT_EQ(out.str(),
            "access token:  projects/123/accessTokens/7\n"
            "display name:  ci\n"
            "scopes:        read_api,read_repository\n"
            "access level:  developer\n"
            "expires on:    2027-03-01\n"
            "bot user:      users/5 (project_123_bot)\n"
            "project:       projects/123\n");
}

TEST(PrintAuditEventTable, ShowsActorAndStatus) {
  v1::ListAuditEventsResponse response;
  v1::AuditEvent* event = response.add_audit_events();
  *event = FromText<v1::AuditEvent>(R"pb(
    actor { user_id: 1 access_level: ACCESS_LEVEL_MAINTAINER }
    action: ACTION_REVOKE_ACCESS_TOKEN
    target: "projects/123/accessTokens/7"
    status_code: 7
    status_message: "only an owner may revoke an owner token"
  )pb");
  event->mutable_time()->set_seconds(kNoonSeconds);
  std::ostringstream out;
  PrintAuditEventTable(response.audit_events(), out);
  EXPECT_EQ(out.str(),
            "TIME                  ACTION               TARGET              "
            "         ACTOR                STATUS\n"
            "2026-06-15T12:00:00Z  revoke_access_token  "
            "projects/123/accessTokens/7  user 1 (maintainer)  "
            "PERMISSION_DENIED: only an owner may revoke an owner token\n");
}

}  // namespace
}  // namespace accesstokens::cli
