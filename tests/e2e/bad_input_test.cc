// Every bad input to CreateAccessToken gets its precise status and a message
// naming the value, and leaves no bot user, membership or token behind.

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "service/policy.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/sqlite_query.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::QueryInt64;
using ::accesstokens::testing::ServerProcessTest;

struct BadTokenCase {
  std::string description;
  std::function<void(v1::CreateAccessTokenRequest&)> mutate;
  grpc::StatusCode code;
  std::string message_fragment;
};

class BadInputTest : public ServerProcessTest {
 protected:
  void SetUp() override {
    ServerProcessTest::SetUp();
    ASSERT_TRUE(api_->CreateGroup(109).ok());
    ASSERT_TRUE(api_->CreateProject(123, "groups/109").ok());
  }

  static v1::CreateAccessTokenRequest ValidRequest() {
    v1::CreateAccessTokenRequest request;
    request.set_parent("projects/123");
    request.mutable_access_token()->set_display_name("ci");
    request.mutable_access_token()->add_scopes(v1::SCOPE_READ_REPOSITORY);
    *request.mutable_actor() = testing::OwnerActor();
    return request;
  }

  int64_t CountRows(const std::string& table) {
    absl::StatusOr<int64_t> count = QueryInt64(
        server_->database_path(), absl::StrCat("SELECT count(*) FROM ", table));
    EXPECT_TRUE(count.ok()) << count.status();
    return count.value_or(-1);
  }
};

TEST_F(BadInputTest, CreateAccessTokenRejectsEachBadInput) {
  const absl::CivilDay today = TodayUtc();
  const std::string last_allowed = FormatDate(today + 365);
  const std::vector<BadTokenCase> cases = {
      {"empty parent", [](auto& r) { r.set_parent(""); },
       grpc::StatusCode::INVALID_ARGUMENT, "parent is required"},
      {"parent of an unknown kind", [](auto& r) { r.set_parent("users/5"); },
       grpc::StatusCode::INVALID_ARGUMENT, "parent \"users/5\" is not a valid name"},
      {"parent id not a number",
       [](auto& r) { r.set_parent("projects/abc"); },
       grpc::StatusCode::INVALID_ARGUMENT, "has the id \"abc\""},
      {"parent id zero", [](auto& r) { r.set_parent("projects/0"); },
       grpc::StatusCode::INVALID_ARGUMENT, "has the id \"0\""},
      {"parent id negative", [](auto& r) { r.set_parent("groups/-109"); },
       grpc::StatusCode::INVALID_ARGUMENT, "has the id \"-109\""},
      {"missing project", [](auto& r) { r.set_parent("projects/999"); },
       grpc::StatusCode::NOT_FOUND, "project \"projects/999\" not found"},
      {"missing group", [](auto& r) { r.set_parent("groups/999"); },
       grpc::StatusCode::NOT_FOUND, "group \"groups/999\" not found"},
      {"no scopes",
       [](auto& r) { r.mutable_access_token()->clear_scopes(); },
       grpc::StatusCode::INVALID_ARGUMENT,
       "scopes is empty; give at least one of: api, read_api"},
      {"unknown scope number",
       [](auto& r) {
         r.mutable_access_token()->add_scopes(static_cast<v1::Scope>(42));
       },
       grpc::StatusCode::INVALID_ARGUMENT, "scope 42 is not one of: api"},
      {"unspecified scope",
       [](auto& r) { r.mutable_access_token()->add_scopes(v1::SCOPE_UNSPECIFIED); },
       grpc::StatusCode::INVALID_ARGUMENT, "SCOPE_UNSPECIFIED"},
      {"access level between levels",
       [](auto& r) {
         r.mutable_access_token()->set_access_level(
             static_cast<v1::AccessLevel>(25));
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "access_level 25 is not one of: 10 (guest), 15 (planner)"},
      {"access level above owner",
       [](auto& r) {
         r.mutable_access_token()->set_access_level(
             static_cast<v1::AccessLevel>(60));
       },
       grpc::StatusCode::INVALID_ARGUMENT, "access_level 60"},
      {"malformed date",
       [](auto& r) { r.mutable_access_token()->set_expires_on("2027-13-01"); },
       grpc::StatusCode::INVALID_ARGUMENT,
       "expires_on \"2027-13-01\" is not a valid date; expected YYYY-MM-DD"},
      {"date in words",
       [](auto& r) { r.mutable_access_token()->set_expires_on("next week"); },
       grpc::StatusCode::INVALID_ARGUMENT, "expires_on \"next week\""},
      {"date today",
       [&](auto& r) {
         r.mutable_access_token()->set_expires_on(FormatDate(today));
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       absl::StrCat("expires_on ", FormatDate(today), " is not after today")},
      {"date in the past",
       [](auto& r) { r.mutable_access_token()->set_expires_on("2020-01-01"); },
       grpc::StatusCode::INVALID_ARGUMENT, "2020-01-01 is not after today"},
      {"date beyond the maximum lifetime",
       [&](auto& r) {
         r.mutable_access_token()->set_expires_on(FormatDate(today + 366));
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       absl::StrCat("the last allowed date is ", last_allowed)},
      {"empty display name",
       [](auto& r) { r.mutable_access_token()->set_display_name(""); },
       grpc::StatusCode::INVALID_ARGUMENT,
       "access_token.display_name is empty"},
      {"blank display name",
       [](auto& r) { r.mutable_access_token()->set_display_name("   "); },
       grpc::StatusCode::INVALID_ARGUMENT,
       "access_token.display_name is blank"},
      {"over-long display name",
       [](auto& r) {
         r.mutable_access_token()->set_display_name(std::string(256, 'n'));
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "access_token.display_name has 256 characters; at most 255"},
      {"huge display name",
       [](auto& r) {
         r.mutable_access_token()->set_display_name(
             std::string(1 << 20, 'n'));
       },
       grpc::StatusCode::INVALID_ARGUMENT, "has 1048576 characters"},
      {"over-long description",
       [](auto& r) {
         r.mutable_access_token()->set_description(std::string(1025, 'd'));
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "description has 1025 characters; at most 1024"},
      {"thousands of scopes",
       [](auto& r) {
         for (int i = 0; i < 5000; ++i) {
           r.mutable_access_token()->add_scopes(v1::SCOPE_API);
         }
       },
       grpc::StatusCode::INVALID_ARGUMENT, "at most 64 are allowed"},
  };

  for (const BadTokenCase& c : cases) {
    v1::CreateAccessTokenRequest request = ValidRequest();
    c.mutate(request);
    auto result =
        api_->Call(&v1::AccessTokenService::Stub::CreateAccessToken, request);
    EXPECT_EQ(result.code(), c.code) << c.description << ": " << result.status;
    EXPECT_TRUE(absl::StrContains(result.message(), c.message_fragment))
        << c.description << ": message \"" << result.message()
        << "\" lacks \"" << c.message_fragment << "\"";
  }

  // Nothing of the rejected calls reached the database.
  EXPECT_EQ(CountRows("users"), 0);
  EXPECT_EQ(CountRows("memberships"), 0);
  EXPECT_EQ(CountRows("access_tokens"), 0);
  EXPECT_EQ(CountRows("bot_name_counters"), 0);

  // The first accepted token still gets the first bot name.
  auto accepted = api_->Call(
      &v1::AccessTokenService::Stub::CreateAccessToken, ValidRequest());
  ASSERT_TRUE(accepted.ok()) << accepted.status;
  EXPECT_EQ(accepted.response.bot_user().username(), "project_123_bot");
}

TEST_F(BadInputTest, BoundaryValuesAreAccepted) {
  const absl::CivilDay today = TodayUtc();
  std::string long_name;
  for (int i = 0; i < 255; ++i) long_name += "\xC3\xA9";  // é, two bytes.

  const std::vector<std::function<void(v1::CreateAccessTokenRequest&)>>
      accepted = {
          [&](auto& r) {
            r.mutable_access_token()->set_expires_on(FormatDate(today + 1));
          },
          [&](auto& r) {
            r.mutable_access_token()->set_expires_on(FormatDate(today + 365));
          },
          [&](auto& r) { r.mutable_access_token()->set_display_name(long_name); },
          [](auto& r) {
            r.mutable_access_token()->set_description(std::string(1024, 'd'));
          },
          [](auto& r) {
            r.mutable_access_token()->set_access_level(v1::ACCESS_LEVEL_OWNER);
          },
          [](auto& r) {
            r.mutable_access_token()->set_access_level(v1::ACCESS_LEVEL_GUEST);
          },
      };
  for (size_t i = 0; i < accepted.size(); ++i) {
    v1::CreateAccessTokenRequest request = ValidRequest();
    accepted[i](request);
    auto result =
        api_->Call(&v1::AccessTokenService::Stub::CreateAccessToken, request);
    EXPECT_TRUE(result.ok()) << "case " << i << ": " << result.status;
  }
}

}  // namespace
}  // namespace accesstokens
