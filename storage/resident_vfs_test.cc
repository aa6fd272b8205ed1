#include "storage/resident_vfs.h"

#include <sqlite3.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "storage/resident_file.h"
#include "storage/sqlite_connection.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens {
namespace {

// Rows of about 1000 bytes each, so that a few hundred fill many pages.
constexpr int kRows = 400;

class ResidentVfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    writer_ = Open(nullptr);
    ASSERT_NE(writer_, nullptr);
    ASSERT_TRUE(writer_
                    ->Execute("CREATE TABLE t (id INTEGER PRIMARY KEY, "
                              "payload BLOB NOT NULL)")
                    .ok());
    Insert(kRows);
    Checkpoint();

    absl::StatusOr<std::unique_ptr<ResidentFile>> file =
        ResidentFile::Start(path_, absl::Hours(1));
    ASSERT_TRUE(file.ok()) << file.status();
    file_ = *std::move(file);
    file_->AwaitFirstPass();
    absl::StatusOr<std::unique_ptr<ResidentVfs>> vfs =
        ResidentVfs::Register(file_.get());
    ASSERT_TRUE(vfs.ok()) << vfs.status();
    vfs_ = *std::move(vfs);
  }

  std::unique_ptr<SqliteConnection> Open(const char* vfs) {
    absl::StatusOr<std::unique_ptr<SqliteConnection>> connection =
        SqliteConnection::Open(path_, absl::Seconds(5),
                               SqliteConnection::OpenMode::kCreate, vfs);
    EXPECT_TRUE(connection.ok()) << connection.status();
    if (!connection.ok()) return nullptr;
    return *std::move(connection);
  }

  // A connection that reads through the VFS.
  std::unique_ptr<SqliteConnection> OpenReader() {
    std::unique_ptr<SqliteConnection> reader = Open(vfs_->name());
    if (reader == nullptr) return nullptr;
    EXPECT_TRUE(reader->Execute("PRAGMA mmap_size = 1").ok());
    return reader;
  }

  void Insert(int rows) {
    for (int i = 0; i < rows; ++i) {
      ASSERT_TRUE(writer_
                      ->Execute("INSERT INTO t (payload) VALUES "
                                "(zeroblob(1000))")
                      .ok());
    }
  }

  // Copies the WAL into the database file.
  void Checkpoint() {
    ASSERT_TRUE(writer_->Execute("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  }

  // Sums the payload lengths and the ids, which reads every page of the
  // table.
  static int64_t Total(SqliteConnection& db) {
    absl::StatusOr<int64_t> total = db.QueryInt64(
        "SELECT total(length(payload) + id) FROM t");
    EXPECT_TRUE(total.ok()) << total.status();
    return total.ok() ? *total : -1;
  }

  // Pages that `db` has read from files since the last call, as opposed to
  // pages it found in its cache or in the mapping.
  static int PagesRead(SqliteConnection& db) {
    int current = 0;
    int highest = 0;
    EXPECT_EQ(sqlite3_db_status(db.handle(), SQLITE_DBSTATUS_CACHE_MISS,
                                &current, &highest, /*resetFlg=*/1),
              SQLITE_OK);
    return current;
  }

  static int64_t Expected(int rows) {
    return int64_t{rows} * 1000 + int64_t{rows} * (rows + 1) / 2;
  }

  testing::TempDir dir_;
  const std::string path_ = dir_.File("data.db");
  std::unique_ptr<SqliteConnection> writer_;
  std::unique_ptr<ResidentFile> file_;
  std::unique_ptr<ResidentVfs> vfs_;
};

TEST_F(ResidentVfsTest, ReadsPagesFromMapping) {
  std::unique_ptr<SqliteConnection> plain = Open(nullptr);
  std::unique_ptr<SqliteConnection> mapped = OpenReader();
  ASSERT_NE(plain, nullptr);
  ASSERT_NE(mapped, nullptr);

  EXPECT_EQ(Total(*plain), Expected(kRows));
  EXPECT_EQ(Total(*mapped), Expected(kRows));

  // A scan of about 100 pages. The mapped reader reads two, page 1 among
  // them, which SQLite never takes from a mapping.
  EXPECT_GT(PagesRead(*plain), 50);
  EXPECT_LE(PagesRead(*mapped), 2);
}

TEST_F(ResidentVfsTest, ReadsPagesOnlyInLog) {
  std::unique_ptr<SqliteConnection> mapped = OpenReader();
  ASSERT_NE(mapped, nullptr);
  ASSERT_TRUE(writer_->Execute("UPDATE t SET payload = zeroblob(10)").ok());

  EXPECT_EQ(Total(*mapped), int64_t{kRows} * 10 + Expected(kRows) -
                                int64_t{kRows} * 1000);

  Checkpoint();
  EXPECT_EQ(Total(*mapped), int64_t{kRows} * 10 + Expected(kRows) -
                                int64_t{kRows} * 1000);
}

TEST_F(ResidentVfsTest, ReadsPagesAddedAfterPass) {
  std::unique_ptr<SqliteConnection> mapped = OpenReader();
  ASSERT_NE(mapped, nullptr);
  const size_t mapped_before = file_->mapped_bytes();
  const char* first_page = file_->Find(0, 4096);

  Insert(kRows);
  Checkpoint();
  PagesRead(*mapped);
  EXPECT_EQ(Total(*mapped), Expected(2 * kRows));
  // The pages past the last pass come from the file.
  EXPECT_GT(PagesRead(*mapped), 50);

  ASSERT_TRUE(file_->Refresh().ok());
  EXPECT_GT(file_->mapped_bytes(), mapped_before);
  EXPECT_EQ(file_->Find(0, 4096), first_page);
  std::unique_ptr<SqliteConnection> fresh = OpenReader();
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(Total(*fresh), Expected(2 * kRows));
  EXPECT_LE(PagesRead(*fresh), 2);
}

}  // namespace
}  // namespace accesstokens
