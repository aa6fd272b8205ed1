#include "service/last_use_recorder.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "storage/sqlite_store.h"
#include "tests/testing/await_callback.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens {
namespace {

const absl::CivilDay kToday(2026, 6, 15);
const absl::Time kNow = absl::FromCivil(kToday, absl::UTCTimeZone());

// A recorder over a real store holding project 1 with three tokens.
class LastUseRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteStoreOptions options;
    options.path = dir_.File("tokens.db");
    absl::StatusOr<std::unique_ptr<SqliteStore>> store =
        SqliteStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);

    NewProject project;
    project.id = 1;
    project.display_name = "project 1";
    project.context.time = kNow;
    ASSERT_TRUE(testing::AwaitCallback<ProjectRecord>([&](auto done) {
                  store_->CreateProject(project, std::move(done));
                }).ok());
    for (int n = 0; n < 3; ++n) {
      NewAccessToken token;
      token.parent = ResourceRef{ResourceKind::kProject, 1};
      token.display_name = absl::StrCat("token ", n);
      token.scopes = 1u << 1;
      token.access_level = 40;
      token.expires_on = kToday + 30;
      token.digest = std::string(32, static_cast<char>('a' + n));
      token.context.time = kNow;
      token.context.actor.user_id = 1;
      token.context.actor.access_level = 50;
      token.check = [](const TokenParentState&) { return absl::OkStatus(); };
      absl::StatusOr<CreatedAccessToken> created =
          testing::AwaitCallback<CreatedAccessToken>([&](auto done) {
            store_->CreateAccessToken(std::move(token), std::move(done));
          });
      ASSERT_TRUE(created.ok()) << created.status();
      tokens_.push_back(created->token);
    }
  }

  std::optional<absl::Time> StoredLastUse(int n) {
    absl::StatusOr<TokenRecord> token =
        store_->GetAccessToken(tokens_[n].id);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? token->last_use_time : std::nullopt;
  }

  testing::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  std::vector<TokenRecord> tokens_;
};

TEST_F(LastUseRecorderTest, WritesEachTokenOncePerInterval) {
  {
    LastUseRecorder recorder(store_.get(), absl::Minutes(1));
    recorder.Record(tokens_[0], kNow, "10.0.0.1");
    recorder.Record(tokens_[0], kNow + absl::Seconds(30), "10.0.0.2");
  }  // The destructor waits for the writes.

  EXPECT_EQ(StoredLastUse(0), kNow);
  EXPECT_EQ(StoredLastUse(1), std::nullopt);
}

TEST_F(LastUseRecorderTest, DropsUsesOverTheBudgetUntilItRefills) {
  {
    LastUseRecorder recorder(store_.get(), absl::Minutes(1),
                             /*uses_per_second=*/2);
    recorder.Record(tokens_[0], kNow, "10.0.0.1");
    recorder.Record(tokens_[1], kNow, "10.0.0.1");
    recorder.Record(tokens_[2], kNow, "10.0.0.1");  // Over the budget.
  }
  EXPECT_EQ(StoredLastUse(0), kNow);
  EXPECT_EQ(StoredLastUse(1), kNow);
  EXPECT_EQ(StoredLastUse(2), std::nullopt);

  {
    LastUseRecorder recorder(store_.get(), absl::Minutes(1),
                             /*uses_per_second=*/2);
    recorder.Record(tokens_[2], kNow, "10.0.0.1");
    recorder.Record(tokens_[0], kNow, "10.0.0.1");
    recorder.Record(tokens_[1], kNow, "10.0.0.1");
    // Half a second refills one use.
    recorder.Record(tokens_[1], kNow + absl::Milliseconds(500), "10.0.0.1");
  }
  EXPECT_EQ(StoredLastUse(2), kNow);
  EXPECT_EQ(StoredLastUse(1), kNow + absl::Milliseconds(500));
}

TEST(MergeAddressesTest, MovesToFrontAndCaps) {
  EXPECT_EQ(MergeAddresses({}, "a"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(MergeAddresses({"b", "a", "c"}, "a"),
            (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(MergeAddresses({"a", "b", "c", "d", "e"}, "f"),
            (std::vector<std::string>{"f", "a", "b", "c", "d"}));
}

TEST(PeerAddressTest, StripsSchemeAndPort) {
  EXPECT_EQ(PeerAddress("ipv4:127.0.0.1:50432"), "127.0.0.1");
  EXPECT_EQ(PeerAddress("ipv6:[::1]:50432"), "::1");
  EXPECT_EQ(PeerAddress("unix:/tmp/socket"), "unix:/tmp/socket");
}

}  // namespace
}  // namespace accesstokens
