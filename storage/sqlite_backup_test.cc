#include "storage/sqlite_backup.h"

#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::TempDir;

// A database in WAL mode with schema version 2 and a table of `rows` rows
// of 1000 bytes each, kept open as a server keeps its database.
class LiveDatabase {
 public:
  LiveDatabase(const std::string& path, int rows) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    Execute(
        "PRAGMA journal_mode=WAL; PRAGMA user_version=2;"
        "CREATE TABLE IF NOT EXISTS t "
        "(id INTEGER PRIMARY KEY, payload BLOB NOT NULL);");
    for (int i = 0; i < rows; ++i) Insert();
  }
  ~LiveDatabase() { sqlite3_close(db_); }

  // Makes each commit skip its disk flush, so that writes are quick.
  void SkipSync() { Execute("PRAGMA synchronous=OFF"); }

  void Insert() {
    Execute("INSERT INTO t (payload) VALUES (randomblob(1000))");
  }

  void Execute(const char* sql) {
    ASSERT_EQ(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db_);
  }

 private:
  sqlite3* db_ = nullptr;
};

// Returns the result of `sql`, a query of one integer, on the file at
// `path`, or -1.
int64_t QueryInt(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  int64_t value = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
      SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      value = sqlite3_column_int64(statement, 0);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return value;
}

std::set<std::string> FilesIn(const std::string& folder) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

BackupOptions Options(const TempDir& folder) {
  BackupOptions options;
  options.source_path = folder.File("live.db");
  options.destination_path = folder.File("copy.db");
  return options;
}

TEST(BackupTest, CopiesEveryRowAndKeepsWalMode) {
  TempDir folder;
  LiveDatabase live(folder.File("live.db"), 50);

  absl::StatusOr<BackupResult> result = BackupDatabase(Options(folder));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->schema_version, 2);
  EXPECT_GT(result->page_count, 10);
  EXPECT_EQ(result->size_bytes, result->page_count * 4096);

  const std::string copy = folder.File("copy.db");
  EXPECT_EQ(QueryInt(copy, "SELECT count(*) FROM t"), 50);
  EXPECT_EQ(QueryInt(copy, "PRAGMA user_version"), 2);
  // Header bytes 18 and 19 are 2 for a database in WAL mode.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(copy.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &statement, nullptr),
      SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)),
               "wal");
  sqlite3_finalize(statement);
  sqlite3_close(db);
  EXPECT_EQ(
      std::filesystem::status(copy).permissions() & std::filesystem::perms::all,
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST(BackupTest, WritesDuringBackupNeitherBlockNorRestartIt) {
  TempDir folder;
  LiveDatabase live(folder.File("live.db"), 200);
  std::atomic<bool> done{false};
  std::atomic<int> inserted{0};
  std::thread writer([&] {
    LiveDatabase other(folder.File("live.db"), 0);
    other.SkipSync();
    while (!done) {
      other.Insert();
      ++inserted;
    }
  });

  BackupOptions options = Options(folder);
  options.pages_per_step = 2;
  options.step_pause = absl::Milliseconds(5);
  absl::StatusOr<BackupResult> result = BackupDatabase(options);
  done = true;
  writer.join();
  ASSERT_TRUE(result.ok()) << result.status();

  // The copy contains one snapshot from the backup's start.
  const int64_t copied =
      QueryInt(folder.File("copy.db"), "SELECT count(*) FROM t");
  EXPECT_GE(copied, 200);
  EXPECT_LT(copied, 200 + inserted) << "the copy holds rows written after "
                                       "its snapshot";
  EXPECT_GT(inserted, 10) << "the writer was blocked during the backup";
}

TEST(BackupTest, SourceWithoutWalFileIsCopied) {
  TempDir folder;
  { LiveDatabase closed(folder.File("live.db"), 3); }
  ASSERT_FALSE(std::filesystem::exists(folder.File("live.db-wal")));

  absl::StatusOr<BackupResult> result = BackupDatabase(Options(folder));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(QueryInt(folder.File("copy.db"), "SELECT count(*) FROM t"), 3);
}

TEST(BackupTest, ExistingFileIsReplacedOnlyWithOverwrite) {
  TempDir folder;
  LiveDatabase live(folder.File("live.db"), 5);
  ASSERT_TRUE(BackupDatabase(Options(folder)).ok());
  live.Insert();

  absl::StatusOr<BackupResult> again = BackupDatabase(Options(folder));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(absl::StrContains(again.status().message(), "already exists"))
      << again.status();
  EXPECT_EQ(QueryInt(folder.File("copy.db"), "SELECT count(*) FROM t"), 5);

  BackupOptions options = Options(folder);
  options.overwrite = true;
  absl::StatusOr<BackupResult> replaced = BackupDatabase(options);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_EQ(QueryInt(folder.File("copy.db"), "SELECT count(*) FROM t"), 6);
  // No temporary file stays behind.
  for (const std::string& name : FilesIn(folder.path())) {
    EXPECT_FALSE(absl::StrContains(name, ".tmp-")) << name;
  }
}

TEST(BackupTest, FailuresLeaveNoFiles) {
  TempDir folder;
  struct Case {
    std::string name;
    BackupOptions options;
    absl::StatusCode code;
    std::string message;
  };
  BackupOptions missing = Options(folder);
  missing.source_path = folder.File("missing.db");
  BackupOptions foreign = Options(folder);
  foreign.source_path = folder.File("foreign.db");
  BackupOptions same = Options(folder);
  same.destination_path = same.source_path;
  BackupOptions zero_pages = Options(folder);
  zero_pages.pages_per_step = 0;

  {
    LiveDatabase live(folder.File("live.db"), 1);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(foreign.source_path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (x)", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  const std::set<std::string> before = FilesIn(folder.path());

  const Case cases[] = {
      {"missing source", missing, absl::StatusCode::kNotFound,
       "missing.db\" does not exist"},
      {"schema version 0", foreign, absl::StatusCode::kFailedPrecondition,
       "is not an accesstokens database"},
      {"destination is the source", same, absl::StatusCode::kInvalidArgument,
       "is the database itself"},
      {"zero pages per step", zero_pages, absl::StatusCode::kInvalidArgument,
       "pages per step 0 is invalid"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<BackupResult> result = BackupDatabase(c.options);
    EXPECT_EQ(result.status().code(), c.code)
        << c.name << ": " << result.status();
    EXPECT_TRUE(absl::StrContains(result.status().message(), c.message))
        << c.name << ": " << result.status();
    EXPECT_EQ(FilesIn(folder.path()), before) << c.name;
  }
}

TEST(BackupTest, WalFileBesideDestinationIsRejected) {
  TempDir folder;
  LiveDatabase live(folder.File("live.db"), 1);
  { std::ofstream(folder.File("copy.db-wal")) << "frames of another file"; }
  BackupOptions options = Options(folder);
  options.overwrite = true;

  absl::StatusOr<BackupResult> result = BackupDatabase(options);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(result.status().message(), "copy.db-wal"))
      << result.status();
  EXPECT_FALSE(std::filesystem::exists(folder.File("copy.db")));
}

}  // namespace
}  // namespace accesstokens
