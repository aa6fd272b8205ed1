// Bot user names and emails from the naming allocator, seen through the API.

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/server_fixture.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::ApiClient;
using ::accesstokens::testing::ServerProcessTest;

class BotNamingTest : public ServerProcessTest {
 protected:
  void SetUp() override {
    ServerProcessTest::SetUp();
    ASSERT_TRUE(api_->CreateGroup(109).ok());
    ASSERT_TRUE(api_->CreateProject(123, "groups/109").ok());
  }

  v1::BotUser CreateBot(const std::string& parent) {
    auto created = api_->CreateToken(parent);
    EXPECT_TRUE(created.ok()) << created.status;
    return created.response.bot_user();
  }
};

TEST_F(BotNamingTest, ProjectBotsCountUpFromUnnumbered) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"project_123_bot", "project123_bot@example.com"},
      {"project_123_bot1", "project123_bot1@example.com"},
      {"project_123_bot2", "project123_bot2@example.com"},
      {"project_123_bot3", "project123_bot3@example.com"},
  };
  for (const auto& [username, email] : expected) {
    const v1::BotUser bot = CreateBot("projects/123");
    EXPECT_EQ(bot.username(), username);
    EXPECT_EQ(bot.email(), email);
  }
}

TEST_F(BotNamingTest, GroupBotsKeepUnderscoreInEmail) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"group_109_bot", "group_109_bot@example.com"},
      {"group_109_bot1", "group_109_bot1@example.com"},
      {"group_109_bot2", "group_109_bot2@example.com"},
  };
  for (const auto& [username, email] : expected) {
    const v1::BotUser bot = CreateBot("groups/109");
    EXPECT_EQ(bot.username(), username);
    EXPECT_EQ(bot.email(), email);
    EXPECT_EQ(bot.user_type(), v1::USER_TYPE_GROUP_BOT);
  }
}

TEST_F(BotNamingTest, ProjectsAndGroupsCountSeparately) {
  EXPECT_EQ(CreateBot("projects/123").username(), "project_123_bot");
  EXPECT_EQ(CreateBot("groups/109").username(), "group_109_bot");
  ASSERT_TRUE(api_->CreateProject(124, "groups/109").ok());
  EXPECT_EQ(CreateBot("projects/124").username(), "project_124_bot");
  EXPECT_EQ(CreateBot("projects/123").username(), "project_123_bot1");
}

TEST_F(BotNamingTest, NumbersAreNeverReusedAfterRevoke) {
  CreateBot("projects/123");
  auto second = api_->CreateToken("projects/123");
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(api_->RevokeToken(second.response.access_token().name()).ok());

  EXPECT_EQ(CreateBot("projects/123").username(), "project_123_bot2");
}

TEST_F(BotNamingTest, NamesSurviveRestart) {
  CreateBot("projects/123");
  CreateBot("projects/123");
  RestartServer();
  EXPECT_EQ(CreateBot("projects/123").username(), "project_123_bot2");
}

TEST_F(BotNamingTest, FiftyConcurrentCreatesGetDistinctGapFreeNames) {
  constexpr int kCreates = 50;
  ASSERT_TRUE(api_->CreateProject(777).ok());

  // Each client has its own channel and TCP connection, connected before the
  // burst so that the creates race each other rather than the connects.
  // NOTE: gRPC 1.51 can report an in-progress connect as failed when errno
  // changes before it is read, so WaitForConnected retries after a backoff.
  std::vector<std::unique_ptr<ApiClient>> clients;
  for (int i = 0; i < kCreates; ++i) {
    std::shared_ptr<grpc::Channel> channel = server_->NewChannel();
    ASSERT_TRUE(channel->WaitForConnected(std::chrono::system_clock::now() +
                                          std::chrono::seconds(10)))
        << "channel " << i << " did not connect to " << server_->address();
    clients.push_back(
        std::make_unique<ApiClient>(v1::AccessTokenService::NewStub(channel)));
  }

  std::vector<std::string> usernames(kCreates);
  std::vector<std::string> emails(kCreates);
  std::vector<grpc::Status> statuses(kCreates);
  std::vector<std::thread> threads;
  for (int i = 0; i < kCreates; ++i) {
    threads.emplace_back([&, i] {
      auto created =
          clients[i]->CreateToken("projects/777", absl::StrCat("t", i));
      statuses[i] = created.status;
      usernames[i] = created.response.bot_user().username();
      emails[i] = created.response.bot_user().email();
    });
  }
  for (std::thread& thread : threads) thread.join();

  for (int i = 0; i < kCreates; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << "create " << i << ": " << statuses[i];
  }
  std::set<std::string> expected_usernames;
  std::set<std::string> expected_emails;
  for (int n = 0; n < kCreates; ++n) {
    const std::string suffix = n == 0 ? "" : absl::StrCat(n);
    expected_usernames.insert("project_777_bot" + suffix);
    expected_emails.insert("project777_bot" + suffix + "@example.com");
  }
  EXPECT_EQ(std::set<std::string>(usernames.begin(), usernames.end()),
            expected_usernames);
  EXPECT_EQ(std::set<std::string>(emails.begin(), emails.end()),
            expected_emails);

  // Username and email of each bot carry the same number.
  const std::string prefix = "project_777_bot";
  for (int i = 0; i < kCreates; ++i) {
    ASSERT_TRUE(absl::StartsWith(usernames[i], prefix)) << usernames[i];
    const std::string number = usernames[i].substr(prefix.size());
    EXPECT_EQ(emails[i], "project777_bot" + number + "@example.com");
  }
}

class EmailDomainTest : public ServerProcessTest {
 protected:
  std::vector<std::string> ServerFlags() const override {
    return {"--email_domain=bots.corp.test"};
  }
};

TEST_F(EmailDomainTest, FlagSetsTheDomain) {
  ASSERT_TRUE(api_->CreateProject(5).ok());
  auto created = api_->CreateToken("projects/5");
  ASSERT_TRUE(created.ok()) << created.status;
  EXPECT_EQ(created.response.bot_user().email(), "project5_bot@bots.corp.test");
}

}  // namespace
}  // namespace accesstokens
