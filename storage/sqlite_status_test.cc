#include "storage/sqlite_status.h"

#include <sqlite3.h>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens {
namespace {

TEST(SqliteErrorTest, CodesMapToStatuses) {
  struct Case {
    int rc;
    absl::StatusCode code;
    const char* message;
  };
  const Case cases[] = {
      {SQLITE_BUSY, absl::StatusCode::kUnavailable, "locked"},
      {SQLITE_LOCKED, absl::StatusCode::kUnavailable, "locked"},
      {SQLITE_FULL, absl::StatusCode::kUnavailable, "disk full"},
      {SQLITE_READONLY, absl::StatusCode::kUnavailable, "read-only"},
      {SQLITE_IOERR, absl::StatusCode::kUnavailable, "input/output"},
      {SQLITE_CANTOPEN, absl::StatusCode::kUnavailable, "cannot open"},
      {SQLITE_CORRUPT, absl::StatusCode::kDataLoss, "corrupt"},
      {SQLITE_NOTADB, absl::StatusCode::kDataLoss, "corrupt"},
      {SQLITE_CONSTRAINT, absl::StatusCode::kFailedPrecondition, "constraint"},
      {SQLITE_MISUSE, absl::StatusCode::kInternal, "failed"},
  };
  for (const Case& c : cases) {
    const absl::Status status = SqliteError(nullptr, c.rc, "SELECT 1");
    EXPECT_EQ(status.code(), c.code) << "sqlite code " << c.rc;
    EXPECT_TRUE(absl::StrContains(status.message(), c.message))
        << "sqlite code " << c.rc << ": " << status;
  }
}

TEST(SqliteErrorTest, RealFullDatabaseIsUnavailable) {
  testing::TempDir folder;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(folder.File("full.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE t (x BLOB);"
                         "PRAGMA max_page_count = 3;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  const char* kInsert = "INSERT INTO t VALUES (zeroblob(100000))";
  const int rc = sqlite3_exec(db, kInsert, nullptr, nullptr, nullptr);
  ASSERT_EQ(rc, SQLITE_FULL);

  const absl::Status status = SqliteError(db, rc, kInsert);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(status.message(), "disk full")) << status;
  sqlite3_close(db);
}

TEST(SqliteErrorTest, RealUniqueViolationIsAlreadyExists) {
  testing::TempDir folder;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(folder.File("unique.db").c_str(), &db), SQLITE_OK);
  sqlite3_extended_result_codes(db, 1);
  const char* kInsert = "INSERT INTO t VALUES (1)";
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (x INTEGER UNIQUE);", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, kInsert, nullptr, nullptr, nullptr), SQLITE_OK);
  const int rc = sqlite3_exec(db, kInsert, nullptr, nullptr, nullptr);

  EXPECT_EQ(SqliteError(db, rc, kInsert).code(),
            absl::StatusCode::kAlreadyExists);
  sqlite3_close(db);
}

}  // namespace
}  // namespace accesstokens
