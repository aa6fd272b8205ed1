#include "storage/sqlite_store.h"

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "storage/schema.h"
#include "tests/testing/await_callback.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens {
namespace {

const absl::CivilDay kToday(2026, 6, 15);
const absl::Time kNow = absl::FromCivil(kToday, absl::UTCTimeZone());

// Runs an asynchronous store write and waits for its result.
template <typename T, typename Submit>
absl::StatusOr<T> Await(Submit submit) {
  return testing::AwaitCallback<T>(std::move(submit));
}

std::string Digest(int n) {
  std::string digest(32, '\0');
  const std::string tag = absl::StrCat(n);
  digest.replace(0, tag.size(), tag);
  return digest;
}

NewAccessToken TokenFor(ResourceRef parent, int n) {
  NewAccessToken token;
  token.parent = parent;
  token.display_name = absl::StrCat("token ", n);
  token.scopes = 1u << 1;
  token.access_level = 40;
  token.expires_on = kToday + 30;
  token.digest = Digest(n);
  token.context.time = kNow;
  token.context.actor.user_id = 1;
  token.context.actor.access_level = 50;
  token.check = [](const TokenParentState&) { return absl::OkStatus(); };
  return token;
}

// Opens the database file with its own connection, as another process would.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
  }
  ~RawDatabase() { sqlite3_close(db_); }

  void Execute(const std::string& sql) {
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << sql << ": " << (error ? error : "");
    sqlite3_free(error);
  }

  int64_t QueryInt(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr),
              SQLITE_OK)
        << sql;
    EXPECT_EQ(sqlite3_step(statement), SQLITE_ROW) << sql;
    const int64_t value = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen(absl::Duration busy_timeout = absl::Seconds(5),
              bool keep_in_memory = false) {
    store_.reset();
    SqliteStoreOptions options;
    options.path = path_;
    options.busy_timeout = busy_timeout;
    options.keep_in_memory = keep_in_memory;
    absl::StatusOr<std::unique_ptr<SqliteStore>> store =
        SqliteStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  absl::StatusOr<GroupRecord> CreateGroup(int64_t id,
                                          std::optional<int64_t> parent = {}) {
    NewGroup group;
    group.id = id;
    group.parent_id = parent;
    group.display_name = absl::StrCat("group ", id);
    group.context.time = kNow;
    return Await<GroupRecord>(
        [&](auto done) { store_->CreateGroup(group, std::move(done)); });
  }

  absl::StatusOr<ProjectRecord> CreateProject(
      int64_t id, std::optional<int64_t> group = {}) {
    NewProject project;
    project.id = id;
    project.group_id = group;
    project.display_name = absl::StrCat("project ", id);
    project.context.time = kNow;
    return Await<ProjectRecord>(
        [&](auto done) { store_->CreateProject(project, std::move(done)); });
  }

  absl::StatusOr<CreatedAccessToken> CreateToken(NewAccessToken token) {
    return Await<CreatedAccessToken>([&](auto done) {
      store_->CreateAccessToken(std::move(token), std::move(done));
    });
  }

  absl::StatusOr<TokenRecord> Revoke(ResourceRef parent, int64_t id,
                                     absl::Time now = kNow) {
    TokenRevocation revocation;
    revocation.token = {parent, id};
    revocation.context.time = now;
    revocation.check = [](const TokenRecord&, const TokenParentState&) {
      return absl::OkStatus();
    };
    return Await<TokenRecord>([&](auto done) {
      store_->RevokeAccessToken(std::move(revocation), std::move(done));
    });
  }

  absl::StatusOr<RotatedAccessToken> Rotate(
      std::variant<TokenKey, std::string> token, int n,
      absl::Time now = kNow) {
    TokenRotation rotation;
    rotation.token = std::move(token);
    rotation.expires_on = kToday + 7;
    rotation.new_digest = Digest(n);
    rotation.context.time = now;
    rotation.check = [](const TokenRecord&, const TokenParentState&) {
      return absl::OkStatus();
    };
    return Await<RotatedAccessToken>([&](auto done) {
      store_->RotateAccessToken(std::move(rotation), std::move(done));
    });
  }

  int64_t CountRows(const std::string& sql) {
    return RawDatabase(path_).QueryInt(sql);
  }

  // Token rows whose copy of the bot user's fields matches the user row.
  int64_t RowsWithBotCopy() {
    return CountRows(
        "SELECT count(*) FROM access_tokens t "
        "JOIN users u ON u.id = t.user_id "
        "WHERE t.bot_username = u.username AND t.bot_email = u.email "
        "AND t.bot_create_time = u.create_time");
  }

  testing::TempDir folder_;
  const std::string path_ = folder_.File("store.db");
  std::unique_ptr<SqliteStore> store_;
};

constexpr ResourceRef kProject1{ResourceKind::kProject, 1};

TEST_F(SqliteStoreTest, OpenCreatesLatestSchema) {
  EXPECT_EQ(store_->schema_version(), LatestSchemaVersion());
  store_.reset();
  RawDatabase raw(path_);
  EXPECT_EQ(raw.QueryInt("PRAGMA user_version"), LatestSchemaVersion());
  EXPECT_EQ(raw.QueryInt("SELECT count(*) FROM sqlite_master WHERE name = "
                         "'access_tokens'"),
            1);
}

TEST_F(SqliteStoreTest, NewFilesAreOwnerOnly) {
  ASSERT_TRUE(CreateGroup(7).ok());

  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::filesystem::perms perms =
        std::filesystem::status(path_ + suffix).permissions();
    EXPECT_EQ(perms & std::filesystem::perms::all,
              std::filesystem::perms::owner_read |
                  std::filesystem::perms::owner_write)
        << path_ + suffix;
  }
}

TEST_F(SqliteStoreTest, ReopenKeepsRecords) {
  ASSERT_TRUE(CreateGroup(7).ok());
  Reopen();
  absl::StatusOr<GroupRecord> group = store_->GetGroup(7);
  ASSERT_TRUE(group.ok()) << group.status();
  EXPECT_EQ(group->display_name, "group 7");
}

TEST_F(SqliteStoreTest, NewerSchemaIsRejected) {
  store_.reset();
  RawDatabase(path_).Execute("PRAGMA user_version = 999");

  SqliteStoreOptions options;
  options.path = path_;
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(options);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(store.status().message(), "999"))
      << store.status();
}

TEST_F(SqliteStoreTest, CorruptFileIsDataLoss) {
  store_.reset();
  const std::string path = folder_.File("corrupt.db");
  std::ofstream(path) << std::string(8192, 'x');

  SqliteStoreOptions options;
  options.path = path;
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(options);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss)
      << store.status();
}

TEST_F(SqliteStoreTest, DuplicateIdsAlreadyExist) {
  ASSERT_TRUE(CreateGroup(5).ok());
  EXPECT_EQ(CreateGroup(5).status().code(), absl::StatusCode::kAlreadyExists);
  ASSERT_TRUE(CreateProject(5).ok());
  EXPECT_EQ(CreateProject(5).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(SqliteStoreTest, MissingParentsAreNotFound) {
  EXPECT_EQ(CreateGroup(2, 99).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(CreateProject(2, 99).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CreateToken(TokenFor(kProject1, 1)).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, SubgroupsInheritTopLevelSetting) {
  NewGroup top;
  top.id = 1;
  top.display_name = "top";
  top.allow_project_token_creation = false;
  top.context.time = kNow;
  ASSERT_TRUE(Await<GroupRecord>([&](auto done) {
                store_->CreateGroup(top, std::move(done));
              }).ok());
  ASSERT_TRUE(CreateGroup(2, 1).ok());
  ASSERT_TRUE(CreateGroup(3, 2).ok());
  ASSERT_TRUE(CreateProject(30, 3).ok());

  absl::StatusOr<GroupRecord> deep = store_->GetGroup(3);
  ASSERT_TRUE(deep.ok());
  EXPECT_EQ(deep->top_level_id, 1);
  EXPECT_FALSE(deep->allow_project_token_creation);
  absl::StatusOr<ProjectRecord> project = store_->GetProject(30);
  ASSERT_TRUE(project.ok());
  EXPECT_EQ(project->top_level_group_id, 1);
  EXPECT_FALSE(project->token_creation_allowed);
}

TEST_F(SqliteStoreTest, AllocatorHandsOutSequentialNames) {
  ASSERT_TRUE(CreateProject(1).ok());
  for (int n = 0; n < 4; ++n) {
    absl::StatusOr<CreatedAccessToken> created =
        CreateToken(TokenFor(kProject1, n));
    ASSERT_TRUE(created.ok()) << created.status();
    const std::string suffix = n == 0 ? "" : absl::StrCat(n);
    EXPECT_EQ(created->bot_user.username, "project_1_bot" + suffix);
    EXPECT_EQ(created->bot_user.email,
              "project1_bot" + suffix + "@example.com");
  }
}

TEST_F(SqliteStoreTest, AllocatorSkipsTakenCandidates) {
  ASSERT_TRUE(CreateProject(1).ok());
  {
    // Users that hold bot 1's username and bot 3's email, as an import from
    // another system might leave behind.
    RawDatabase raw(path_);
    raw.Execute(
        "INSERT INTO users (username, email, display_name, project_id, "
        "create_time) VALUES "
        "('project_1_bot1', 'someone@example.com', 'x', 1, 0), "
        "('someone_else', 'project1_bot3@example.com', 'y', 1, 0)");
  }

  std::vector<std::string> names;
  std::vector<std::string> emails;
  for (int n = 0; n < 3; ++n) {
    absl::StatusOr<CreatedAccessToken> created =
        CreateToken(TokenFor(kProject1, n));
    ASSERT_TRUE(created.ok()) << created.status();
    names.push_back(created->bot_user.username);
    emails.push_back(created->bot_user.email);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"project_1_bot", "project_1_bot2",
                                             "project_1_bot4"}));
  EXPECT_EQ(emails, (std::vector<std::string>{"project1_bot@example.com",
                                              "project1_bot2@example.com",
                                              "project1_bot4@example.com"}));
}

TEST_F(SqliteStoreTest, AllocatorNeverReusesNumbers) {
  ASSERT_TRUE(CreateProject(1).ok());
  absl::StatusOr<CreatedAccessToken> first =
      CreateToken(TokenFor(kProject1, 0));
  absl::StatusOr<CreatedAccessToken> second =
      CreateToken(TokenFor(kProject1, 1));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(Revoke(kProject1, second->token.id).ok());
  ASSERT_TRUE(Revoke(kProject1, first->token.id).ok());

  absl::StatusOr<CreatedAccessToken> third =
      CreateToken(TokenFor(kProject1, 2));
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(third->bot_user.username, "project_1_bot2");
}

TEST_F(SqliteStoreTest, RejectedCreationLeavesNothing) {
  ASSERT_TRUE(CreateProject(1).ok());
  NewAccessToken token = TokenFor(kProject1, 0);
  token.check = [](const TokenParentState&) {
    return absl::FailedPreconditionError("switched off");
  };
  EXPECT_EQ(CreateToken(std::move(token)).status().code(),
            absl::StatusCode::kFailedPrecondition);

  // A digest collision fails the insert of the token after the user and the
  // membership were inserted; the savepoint takes those back too.
  ASSERT_TRUE(CreateToken(TokenFor(kProject1, 7)).ok());
  EXPECT_EQ(CreateToken(TokenFor(kProject1, 7)).status().code(),
            absl::StatusCode::kAlreadyExists);

  RawDatabase raw(path_);
  EXPECT_EQ(raw.QueryInt("SELECT count(*) FROM users"), 1);
  EXPECT_EQ(raw.QueryInt("SELECT count(*) FROM memberships"), 1);
  EXPECT_EQ(raw.QueryInt("SELECT count(*) FROM access_tokens"), 1);
  EXPECT_EQ(raw.QueryInt("SELECT next_number FROM bot_name_counters"), 1);
}

TEST_F(SqliteStoreTest, ConcurrentWritesShareBatchesAndFailAlone) {
  ASSERT_TRUE(CreateProject(1).ok());
  constexpr int kWrites = 40;
  std::vector<absl::StatusOr<CreatedAccessToken>> results(
      kWrites, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kWrites; ++i) {
    threads.emplace_back([&, i] {
      // Every fourth write names a project that does not exist.
      const ResourceRef parent =
          i % 4 == 3 ? ResourceRef{ResourceKind::kProject, 999} : kProject1;
      results[i] = CreateToken(TokenFor(parent, i));
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::set<std::string> names;
  for (int i = 0; i < kWrites; ++i) {
    if (i % 4 == 3) {
      EXPECT_EQ(results[i].status().code(), absl::StatusCode::kNotFound);
    } else {
      ASSERT_TRUE(results[i].ok()) << results[i].status();
      names.insert(results[i]->bot_user.username);
    }
  }
  std::set<std::string> expected = {"project_1_bot"};
  for (int n = 1; n < kWrites * 3 / 4; ++n) {
    expected.insert(absl::StrCat("project_1_bot", n));
  }
  EXPECT_EQ(names, expected);
}

TEST_F(SqliteStoreTest, LockedDatabaseIsUnavailableUntilReleased) {
  ASSERT_TRUE(CreateProject(1).ok());
  Reopen(absl::Milliseconds(100));
  RawDatabase other(path_);
  other.Execute("BEGIN EXCLUSIVE");

  absl::StatusOr<CreatedAccessToken> blocked =
      CreateToken(TokenFor(kProject1, 0));
  EXPECT_EQ(blocked.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(blocked.status().message(), "locked"))
      << blocked.status();

  other.Execute("COMMIT");
  absl::StatusOr<CreatedAccessToken> recovered =
      CreateToken(TokenFor(kProject1, 0));
  ASSERT_TRUE(recovered.ok()) << recovered.status();
  EXPECT_EQ(recovered->bot_user.username, "project_1_bot");
}

TEST_F(SqliteStoreTest, RevokeBlocksUserAndEndsMembership) {
  ASSERT_TRUE(CreateProject(1).ok());
  absl::StatusOr<CreatedAccessToken> created =
      CreateToken(TokenFor(kProject1, 0));
  ASSERT_TRUE(created.ok());

  absl::StatusOr<TokenRecord> revoked = Revoke(kProject1, created->token.id);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->revoke_time, kNow);
  absl::StatusOr<BotUserRecord> user =
      store_->GetBotUser(created->bot_user.id);
  ASSERT_TRUE(user.ok());
  EXPECT_TRUE(user->blocked);
  EXPECT_FALSE(user->membership_access_level.has_value());

  // Revoking again changes nothing, not even the time.
  absl::StatusOr<TokenRecord> again =
      Revoke(kProject1, created->token.id, kNow + absl::Hours(1));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->revoke_time, kNow);
}

TEST_F(SqliteStoreTest, RevokeUnderAnotherParentIsNotFound) {
  ASSERT_TRUE(CreateProject(1).ok());
  ASSERT_TRUE(CreateProject(2).ok());
  absl::StatusOr<CreatedAccessToken> created =
      CreateToken(TokenFor(kProject1, 0));
  ASSERT_TRUE(created.ok());

  absl::StatusOr<TokenRecord> revoked =
      Revoke({ResourceKind::kProject, 2}, created->token.id);
  EXPECT_EQ(revoked.status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<TokenRecord> token =
      store_->GetAccessToken(created->token.id);
  ASSERT_TRUE(token.ok());
  EXPECT_FALSE(token->revoke_time.has_value());
}

TEST_F(SqliteStoreTest, FindTokenByDigestReturnsOwnership) {
  ASSERT_TRUE(CreateGroup(9).ok());
  const ResourceRef group{ResourceKind::kGroup, 9};
  ASSERT_TRUE(CreateToken(TokenFor(group, 3)).ok());

  absl::StatusOr<std::shared_ptr<const TokenOwnership>> found =
      store_->FindTokenByDigest(Digest(3));
  ASSERT_TRUE(found.ok()) << found.status();
  const TokenOwnership& owner = **found;
  EXPECT_EQ(owner.token.parent, group);
  EXPECT_EQ(owner.bot_user.username, "group_9_bot");
  EXPECT_EQ(owner.digest, Digest(3));
  ASSERT_TRUE(std::holds_alternative<GroupRecord>(owner.resource));
  EXPECT_EQ(std::get<GroupRecord>(owner.resource).id, 9);

  EXPECT_EQ(store_->FindTokenByDigest(Digest(4)).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, StoreKeptInMemoryReadsAndWrites) {
  ASSERT_TRUE(CreateGroup(9).ok());
  Reopen(absl::Seconds(5), /*keep_in_memory=*/true);
  const ResourceRef group{ResourceKind::kGroup, 9};

  ASSERT_TRUE(CreateToken(TokenFor(group, 3)).ok());
  absl::StatusOr<std::shared_ptr<const TokenOwnership>> found =
      store_->FindTokenByDigest(Digest(3));
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ((*found)->bot_user.username, "group_9_bot");

  Reopen();
  EXPECT_TRUE(store_->FindTokenByDigest(Digest(3)).ok());
}

TEST_F(SqliteStoreTest, ListingPagesByIdAndFiltersByState) {
  ASSERT_TRUE(CreateProject(1).ok());
  std::vector<int64_t> ids;
  for (int n = 0; n < 5; ++n) {
    absl::StatusOr<CreatedAccessToken> created =
        CreateToken(TokenFor(kProject1, n));
    ASSERT_TRUE(created.ok());
    ids.push_back(created->token.id);
  }
  ASSERT_TRUE(Revoke(kProject1, ids[1]).ok());

  TokenListQuery query;
  query.parent = kProject1;
  query.today = kToday;
  query.page.limit = 2;
  absl::StatusOr<Page<TokenRecord>> first = store_->ListAccessTokens(query);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->records.size(), 2u);
  EXPECT_TRUE(first->has_more);
  const int64_t last = first->records.back().id;
  query.after = TokenCursor{last, last};
  absl::StatusOr<Page<TokenRecord>> second = store_->ListAccessTokens(query);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->records.size(), 2u);
  EXPECT_EQ(second->records[0].id, ids[2]);

  query.after.reset();
  query.page = PageQuery{10};
  query.state = TokenStateFilter::kActive;
  EXPECT_EQ(store_->ListAccessTokens(query)->records.size(), 4u);
  query.state = TokenStateFilter::kInactive;
  EXPECT_EQ(store_->ListAccessTokens(query)->records.size(), 1u);
  // On the expiry date itself a token is inactive.
  query.today = kToday + 30;
  EXPECT_EQ(store_->ListAccessTokens(query)->records.size(), 5u);
}

TEST_F(SqliteStoreTest, DigestKeyFingerprintMustMatch) {
  EXPECT_TRUE(store_->CheckDigestKey("fingerprint-a").ok());
  EXPECT_TRUE(store_->CheckDigestKey("fingerprint-a").ok());
  Reopen();
  EXPECT_EQ(store_->CheckDigestKey("fingerprint-b").code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(SqliteStoreTest, RotationKeepsBotAndLinksTokens) {
  ASSERT_TRUE(CreateProject(1).ok());
  absl::StatusOr<CreatedAccessToken> created =
      CreateToken(TokenFor(kProject1, 0));
  ASSERT_TRUE(created.ok());
  const int64_t old_id = created->token.id;

  absl::StatusOr<RotatedAccessToken> rotated =
      Rotate(TokenKey{kProject1, old_id}, 1, kNow + absl::Hours(1));
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_FALSE(rotated->reuse_detected);
  EXPECT_EQ(rotated->next.user_id, created->bot_user.id);
  EXPECT_EQ(rotated->next.previous_id, old_id);
  EXPECT_EQ(rotated->next.family_id, old_id);
  EXPECT_EQ(rotated->next.expires_on, kToday + 7);
  EXPECT_EQ(rotated->next.display_name, created->token.display_name);
  EXPECT_EQ(rotated->previous.revocation_reason, RevocationReason::kRotated);
  EXPECT_EQ(rotated->previous.next_id, rotated->next.id);
  EXPECT_FALSE(rotated->bot_user.blocked);
  EXPECT_EQ(rotated->bot_user.token_id, rotated->next.id);
  EXPECT_EQ(rotated->bot_user.membership_access_level, 40);
  EXPECT_EQ(CountRows(absl::StrCat("SELECT token_id FROM memberships")),
            rotated->next.id);
}

// Authentication takes the bot's membership from a live token itself, from
// the membership for a rotated token, and from the bot's tokens once the
// membership has ended. Each way agrees with GetBotUser().
TEST_F(SqliteStoreTest, OwnershipNamesBotsLatestToken) {
  ASSERT_TRUE(CreateProject(1).ok());
  absl::StatusOr<CreatedAccessToken> created =
      CreateToken(TokenFor(kProject1, 0));
  ASSERT_TRUE(created.ok());
  absl::StatusOr<RotatedAccessToken> rotated =
      Rotate(TokenKey{kProject1, created->token.id}, 1);
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  const int64_t latest = rotated->next.id;

  absl::StatusOr<BotUserRecord> bot = store_->GetBotUser(created->bot_user.id);
  ASSERT_TRUE(bot.ok()) << bot.status();
  ASSERT_EQ(bot->membership_access_level, 40);
  for (int n : {0, 1}) {
    absl::StatusOr<std::shared_ptr<const TokenOwnership>> found =
        store_->FindTokenByDigest(Digest(n));
    ASSERT_TRUE(found.ok()) << found.status();
    EXPECT_EQ((*found)->bot_user.token_id, latest) << "digest " << n;
    EXPECT_EQ((*found)->bot_user.membership_access_level,
              bot->membership_access_level)
        << "digest " << n;
    EXPECT_FALSE((*found)->bot_user.blocked) << "digest " << n;
  }

  ASSERT_TRUE(Revoke(kProject1, latest).ok());
  for (int n : {0, 1}) {
    absl::StatusOr<std::shared_ptr<const TokenOwnership>> found =
        store_->FindTokenByDigest(Digest(n));
    ASSERT_TRUE(found.ok()) << found.status();
    EXPECT_FALSE((*found)->bot_user.membership_access_level.has_value());
    EXPECT_EQ((*found)->bot_user.token_id, latest) << "digest " << n;
  }
}

void ExpectSameBot(const BotUserRecord& actual, const BotUserRecord& expected) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.username, expected.username);
  EXPECT_EQ(actual.email, expected.email);
  EXPECT_EQ(actual.display_name, expected.display_name);
  EXPECT_EQ(actual.resource, expected.resource);
  EXPECT_EQ(actual.blocked, expected.blocked);
  EXPECT_EQ(actual.purged, expected.purged);
  EXPECT_EQ(actual.membership_access_level, expected.membership_access_level);
  EXPECT_EQ(actual.token_id, expected.token_id);
  EXPECT_EQ(actual.create_time, expected.create_time);
}

// A live token's bot comes from the copy in the token row, or from users for
// a row without the copy. Both agree with GetBotUser().
TEST_F(SqliteStoreTest, OwnershipBotFromEitherRow) {
  ASSERT_TRUE(CreateProject(1).ok());
  absl::StatusOr<CreatedAccessToken> created =
      CreateToken(TokenFor(kProject1, 0));
  ASSERT_TRUE(created.ok()) << created.status();
  ASSERT_TRUE(Rotate(TokenKey{kProject1, created->token.id}, 1).ok());
  absl::StatusOr<BotUserRecord> bot = store_->GetBotUser(created->bot_user.id);
  ASSERT_TRUE(bot.ok()) << bot.status();
  EXPECT_EQ(RowsWithBotCopy(), 2);

  absl::StatusOr<std::shared_ptr<const TokenOwnership>> from_token_row =
      store_->FindTokenByDigest(Digest(1));
  ASSERT_TRUE(from_token_row.ok()) << from_token_row.status();
  ExpectSameBot((*from_token_row)->bot_user, *bot);

  RawDatabase(path_).Execute(
      "UPDATE access_tokens SET bot_username = NULL, bot_email = NULL, "
      "bot_create_time = NULL");
  absl::StatusOr<std::shared_ptr<const TokenOwnership>> from_user_row =
      store_->FindTokenByDigest(Digest(1));
  ASSERT_TRUE(from_user_row.ok()) << from_user_row.status();
  ExpectSameBot((*from_user_row)->bot_user, *bot);
}

// FillBotCopies() fills in rows without the copy from the top down, one
// batch per call, and then deletes its setting.
TEST_F(SqliteStoreTest, FillBotCopiesFillsOldRows) {
  ASSERT_TRUE(CreateProject(1).ok());
  for (int n = 0; n < 5; ++n) {
    ASSERT_TRUE(CreateToken(TokenFor(kProject1, n)).ok());
  }
  ASSERT_TRUE(Revoke(kProject1, 2).ok());
  RawDatabase(path_).Execute(
      "UPDATE access_tokens SET bot_username = NULL, bot_email = NULL, "
      "bot_create_time = NULL WHERE id < 5; "
      "INSERT INTO settings (key, value) "
      "VALUES ('bot_copies_missing_below', 5)");
  const auto fill = [&] {
    return Await<BotCopyProgress>(
        [&](auto done) { store_->FillBotCopies(3, std::move(done)); });
  };

  absl::StatusOr<BotCopyProgress> first = fill();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->rows_copied, 3);
  EXPECT_EQ(first->ids_left, 1);
  EXPECT_EQ(CountRows("SELECT count(*) FROM access_tokens "
                      "WHERE bot_username IS NULL"),
            1);
  EXPECT_EQ(CountRows("SELECT value FROM settings "
                      "WHERE key = 'bot_copies_missing_below'"),
            2);

  absl::StatusOr<BotCopyProgress> last = fill();
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(last->rows_copied, 1);
  EXPECT_EQ(last->ids_left, 0);
  EXPECT_EQ(RowsWithBotCopy(), 5);
  EXPECT_EQ(CountRows("SELECT count(*) FROM settings "
                      "WHERE key = 'bot_copies_missing_below'"),
            0);

  absl::StatusOr<BotCopyProgress> done = fill();
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->rows_copied, 0);
  EXPECT_EQ(done->ids_left, 0);
}

TEST_F(SqliteStoreTest, ReusedRotatedSecretRevokesFamily) {
  ASSERT_TRUE(CreateProject(1).ok());
  absl::StatusOr<CreatedAccessToken> created =
      CreateToken(TokenFor(kProject1, 0));
  ASSERT_TRUE(created.ok());
  absl::StatusOr<RotatedAccessToken> second =
      Rotate(TokenKey{kProject1, created->token.id}, 1);
  ASSERT_TRUE(second.ok());
  absl::StatusOr<RotatedAccessToken> third =
      Rotate(TokenKey{kProject1, second->next.id}, 2);
  ASSERT_TRUE(third.ok());

  // The first secret comes back.
  absl::StatusOr<RotatedAccessToken> reused = Rotate(Digest(0), 3);
  ASSERT_TRUE(reused.ok()) << reused.status();
  EXPECT_TRUE(reused->reuse_detected);
  ASSERT_EQ(reused->family_revoked.size(), 1u);
  EXPECT_EQ(reused->family_revoked[0].id, third->next.id);
  absl::StatusOr<TokenRecord> live = store_->GetAccessToken(third->next.id);
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(live->revocation_reason, RevocationReason::kReuseDetected);
  absl::StatusOr<BotUserRecord> bot = store_->GetBotUser(created->bot_user.id);
  ASSERT_TRUE(bot.ok());
  EXPECT_TRUE(bot->blocked);
  EXPECT_FALSE(bot->membership_access_level.has_value());
  // Reuse revokes; it does not rotate.
  EXPECT_EQ(CountRows("SELECT count(*) FROM access_tokens"), 3);
}

TEST_F(SqliteStoreTest, IdempotentCreateReplaysFirstResult) {
  ASSERT_TRUE(CreateProject(1).ok());
  NewAccessToken first = TokenFor(kProject1, 0);
  first.idempotency = IdempotencyKey{"key-1", "fingerprint-a", "sealed-a"};
  absl::StatusOr<CreatedAccessToken> created = CreateToken(std::move(first));
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_FALSE(created->replayed_sealed_secret.has_value());

  NewAccessToken again = TokenFor(kProject1, 1);
  again.idempotency = IdempotencyKey{"key-1", "fingerprint-a", "sealed-b"};
  absl::StatusOr<CreatedAccessToken> replayed = CreateToken(std::move(again));
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(replayed->token.id, created->token.id);
  EXPECT_EQ(replayed->replayed_sealed_secret, "sealed-a");

  NewAccessToken different = TokenFor(kProject1, 2);
  different.idempotency = IdempotencyKey{"key-1", "fingerprint-b", "sealed-c"};
  absl::StatusOr<CreatedAccessToken> conflict =
      CreateToken(std::move(different));
  EXPECT_EQ(conflict.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(conflict.status().message(), "key-1"));
  EXPECT_EQ(CountRows("SELECT count(*) FROM access_tokens"), 1);
}

TEST_F(SqliteStoreTest, DeleteGroupNeedsForceForDescendants) {
  ASSERT_TRUE(CreateGroup(1).ok());
  ASSERT_TRUE(CreateGroup(2, 1).ok());
  ASSERT_TRUE(CreateProject(10, 2).ok());
  ASSERT_TRUE(CreateToken(TokenFor({ResourceKind::kProject, 10}, 0)).ok());
  ASSERT_TRUE(CreateToken(TokenFor({ResourceKind::kGroup, 1}, 1)).ok());

  ResourceDeletion deletion;
  deletion.resource = {ResourceKind::kGroup, 1};
  deletion.context.time = kNow;
  absl::StatusOr<DeletedResource> refused = Await<DeletedResource>(
      [&](auto done) { store_->DeleteResource(deletion, std::move(done)); });
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "set force"));

  deletion.force = true;
  absl::StatusOr<DeletedResource> deleted = Await<DeletedResource>(
      [&](auto done) { store_->DeleteResource(deletion, std::move(done)); });
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(deleted->revoked_token_count, 2);
  EXPECT_EQ(deleted->deleted_descendants.size(), 2u);
  EXPECT_EQ(CountRows("SELECT count(*) FROM access_tokens "
                      "WHERE revocation_reason = 4"),
            2);
  EXPECT_EQ(CountRows("SELECT count(*) FROM users WHERE blocked = 1"), 2);
  EXPECT_EQ(CountRows("SELECT count(*) FROM memberships"), 0);
  EXPECT_EQ(store_->GetProject(10)->state, ResourceState::kDeleted);
  EXPECT_EQ(CreateProject(11, 2).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(SqliteStoreTest, PendingDeletionAboveMakesTokensUnusable) {
  ASSERT_TRUE(CreateGroup(1).ok());
  ASSERT_TRUE(CreateGroup(2, 1).ok());
  ASSERT_TRUE(CreateProject(10, 2).ok());
  ASSERT_TRUE(CreateToken(TokenFor({ResourceKind::kProject, 10}, 0)).ok());
  EXPECT_TRUE((*store_->FindTokenByDigest(Digest(0)))->resource_usable);

  GroupUpdate pending;
  pending.id = 1;
  pending.state = ResourceState::kPendingDeletion;
  pending.context.time = kNow;
  ASSERT_TRUE(Await<GroupRecord>([&](auto done) {
                store_->UpdateGroup(pending, std::move(done));
              }).ok());
  EXPECT_FALSE((*store_->FindTokenByDigest(Digest(0)))->resource_usable);

  pending.state = ResourceState::kActive;
  ASSERT_TRUE(Await<GroupRecord>([&](auto done) {
                store_->UpdateGroup(pending, std::move(done));
              }).ok());
  EXPECT_TRUE((*store_->FindTokenByDigest(Digest(0)))->resource_usable);
}

TEST_F(SqliteStoreTest, RevocationDropsCachedToken) {
  ASSERT_TRUE(CreateProject(1).ok());
  absl::StatusOr<CreatedAccessToken> created =
      CreateToken(TokenFor(kProject1, 0));
  ASSERT_TRUE(created.ok());
  // The second read fills the cache, and the third comes from it.
  ASSERT_TRUE(store_->FindTokenByDigest(Digest(0)).ok());
  ASSERT_TRUE(store_->FindTokenByDigest(Digest(0)).ok());
  absl::StatusOr<std::shared_ptr<const TokenOwnership>> cached =
      store_->FindTokenByDigest(Digest(0));
  ASSERT_TRUE(cached.ok());
  EXPECT_FALSE((*cached)->token.revoke_time.has_value());

  ASSERT_TRUE(Revoke(kProject1, created->token.id).ok());
  absl::StatusOr<std::shared_ptr<const TokenOwnership>> after =
      store_->FindTokenByDigest(Digest(0));
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE((*after)->token.revoke_time.has_value());
  EXPECT_TRUE((*after)->bot_user.blocked);
}

TEST_F(SqliteStoreTest, ResourceChangesDropCachedTokens) {
  ASSERT_TRUE(CreateGroup(1).ok());
  ASSERT_TRUE(CreateProject(10, 1).ok());
  ASSERT_TRUE(CreateToken(TokenFor({ResourceKind::kProject, 10}, 0)).ok());
  ASSERT_TRUE((*store_->FindTokenByDigest(Digest(0)))->resource_usable);

  GroupUpdate pending;
  pending.id = 1;
  pending.state = ResourceState::kPendingDeletion;
  pending.context.time = kNow;
  ASSERT_TRUE(Await<GroupRecord>([&](auto done) {
                store_->UpdateGroup(pending, std::move(done));
              }).ok());
  EXPECT_FALSE((*store_->FindTokenByDigest(Digest(0)))->resource_usable);
}

TEST_F(SqliteStoreTest, PurgeKeepsNamesReserved) {
  ASSERT_TRUE(CreateProject(1).ok());
  absl::StatusOr<CreatedAccessToken> created =
      CreateToken(TokenFor(kProject1, 0));
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(Revoke(kProject1, created->token.id).ok());

  const auto purge = [&](absl::Time revoked_before) {
    return Await<int>([&](auto done) {
      store_->Purge(revoked_before, kNow, 100, kNow + absl::Hours(24 * 31),
                    std::move(done));
    });
  };
  EXPECT_EQ(*purge(kNow), 0);  // Revoked at kNow, not before it.
  EXPECT_EQ(*purge(kNow + absl::Seconds(1)), 1);
  EXPECT_EQ(*purge(kNow + absl::Seconds(1)), 0);

  absl::StatusOr<BotUserRecord> bot = store_->GetBotUser(created->bot_user.id);
  ASSERT_TRUE(bot.ok());
  EXPECT_TRUE(bot->purged);
  EXPECT_EQ(bot->display_name, "");
  EXPECT_EQ(bot->username, "project_1_bot");
  absl::StatusOr<CreatedAccessToken> next = CreateToken(TokenFor(kProject1, 1));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->bot_user.username, "project_1_bot1");
  EXPECT_EQ(CountRows("SELECT count(*) FROM audit_events WHERE action = 11"),
            1);
}

TEST_F(SqliteStoreTest, AuditLogRecordsChangesAndRefusals) {
  ASSERT_TRUE(CreateProject(1).ok());
  ASSERT_TRUE(CreateToken(TokenFor(kProject1, 0)).ok());
  NewAccessToken refused = TokenFor(kProject1, 1);
  refused.context.request_id = "req-9";
  refused.check = [](const TokenParentState&) {
    return absl::FailedPreconditionError("switched off");
  };
  ASSERT_FALSE(CreateToken(std::move(refused)).ok());

  AuditListQuery query;
  query.target_prefix = "projects/1";
  query.page.limit = 10;
  absl::StatusOr<Page<AuditEventRecord>> events =
      store_->ListAuditEvents(query);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->records.size(), 3u);
  const AuditEventRecord& newest = events->records[0];
  EXPECT_EQ(newest.action, AuditAction::kCreateAccessToken);
  EXPECT_EQ(newest.target, "projects/1");
  EXPECT_EQ(newest.request_id, "req-9");
  EXPECT_EQ(newest.status_code,
            static_cast<int>(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(newest.status_message, "switched off");
  EXPECT_EQ(newest.actor.user_id, 1);
  const AuditEventRecord& created = events->records[1];
  EXPECT_EQ(created.status_code, 0);
  EXPECT_EQ(created.target, "projects/1/accessTokens/1");
  EXPECT_EQ(created.related_resources,
            (std::vector<std::string>{"users/1"}));
  EXPECT_EQ(events->records[2].action, AuditAction::kCreateProject);

  query.target_prefix.reset();
  query.target = "projects/1/accessTokens/1";
  EXPECT_EQ(store_->ListAuditEvents(query)->records.size(), 1u);
}

TEST_F(SqliteStoreTest, TokenUsesSetLastUse) {
  ASSERT_TRUE(CreateProject(1).ok());
  absl::StatusOr<CreatedAccessToken> created =
      CreateToken(TokenFor(kProject1, 0));
  ASSERT_TRUE(created.ok());
  absl::Notification written;
  store_->RecordTokenUses({TokenUse{created->token.id, kNow + absl::Minutes(5),
                                    {"10.0.0.2", "10.0.0.1"}}},
                          [&written] { written.Notify(); });
  written.WaitForNotification();

  absl::StatusOr<TokenRecord> token =
      store_->GetAccessToken(created->token.id);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->last_use_time, kNow + absl::Minutes(5));
  EXPECT_EQ(token->last_use_addresses,
            (std::vector<std::string>{"10.0.0.2", "10.0.0.1"}));
}

TEST_F(SqliteStoreTest, ListingOrdersAndFilters) {
  ASSERT_TRUE(CreateProject(1).ok());
  const char* names[] = {"deploy", "ci-main", "CI-nightly", "backup"};
  for (int n = 0; n < 4; ++n) {
    NewAccessToken token = TokenFor(kProject1, n);
    token.display_name = names[n];
    token.expires_on = kToday + 10 - n;
    ASSERT_TRUE(CreateToken(std::move(token)).ok());
  }
  const auto list = [&](TokenListQuery query) {
    std::vector<std::string> seen;
    query.parent = kProject1;
    query.today = kToday;
    query.page.limit = 1;
    while (true) {
      absl::StatusOr<Page<TokenRecord>> page = store_->ListAccessTokens(query);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok() || page->records.empty()) break;
      const TokenRecord& last = page->records.back();
      seen.push_back(last.display_name);
      if (!page->has_more) break;
      if (query.order == TokenOrder::kDisplayName) {
        query.after = TokenCursor{last.display_name, last.id};
      } else if (query.order == TokenOrder::kExpiresOn) {
        query.after =
            TokenCursor{last.expires_on - absl::CivilDay(1970, 1, 1), last.id};
      } else {
        query.after = TokenCursor{last.id, last.id};
      }
    }
    return seen;
  };

  TokenListQuery by_name;
  by_name.order = TokenOrder::kDisplayName;
  EXPECT_EQ(list(by_name), (std::vector<std::string>{"CI-nightly", "backup",
                                                     "ci-main", "deploy"}));
  TokenListQuery by_expiry_desc;
  by_expiry_desc.order = TokenOrder::kExpiresOn;
  by_expiry_desc.descending = true;
  EXPECT_EQ(list(by_expiry_desc),
            (std::vector<std::string>{"deploy", "ci-main", "CI-nightly",
                                      "backup"}));
  TokenListQuery containing;
  containing.display_name_contains = "ci";
  EXPECT_EQ(list(containing),
            (std::vector<std::string>{"ci-main", "CI-nightly"}));
  TokenListQuery expiring;
  expiring.expires_on.push_back({Comparison::kLessOrEqual, kToday + 8});
  EXPECT_EQ(list(expiring),
            (std::vector<std::string>{"CI-nightly", "backup"}));
  TokenListQuery unused;
  unused.never_used = true;
  EXPECT_EQ(list(unused).size(), 4u);
}

}  // namespace
}  // namespace accesstokens
