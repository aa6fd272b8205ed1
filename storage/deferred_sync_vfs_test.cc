#include "storage/deferred_sync_vfs.h"

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "storage/sqlite_checkpointer.h"
#include "storage/sqlite_connection.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens {
namespace {

class DeferredSyncVfsTest : public ::testing::Test {
 protected:
  // Opens a writer through the guarding VFS and a checkpointer through the
  // deferring one, and writes some rows to the log.
  void Start(absl::Duration max_deferral) {
    absl::StatusOr<std::unique_ptr<DeferredSyncVfs>> vfs =
        DeferredSyncVfs::Register(max_deferral);
    ASSERT_TRUE(vfs.ok()) << vfs.status();
    vfs_ = *std::move(vfs);

    writer_ = Open(vfs_->guarding_name());
    ASSERT_NE(writer_, nullptr);
    ASSERT_TRUE(writer_
                    ->Execute("CREATE TABLE t (id INTEGER PRIMARY KEY, "
                              "payload BLOB NOT NULL)")
                    .ok());
    checkpointer_ = Open(vfs_->deferring_name());
    ASSERT_NE(checkpointer_, nullptr);
    Insert(100);
  }

  std::unique_ptr<SqliteConnection> Open(const char* vfs) {
    absl::StatusOr<std::unique_ptr<SqliteConnection>> connection =
        SqliteConnection::Open(path_, absl::Seconds(5),
                               SqliteConnection::OpenMode::kCreate, vfs);
    EXPECT_TRUE(connection.ok()) << connection.status();
    if (!connection.ok()) return nullptr;
    return *std::move(connection);
  }

  void Insert(int rows) {
    for (int i = 0; i < rows; ++i) {
      ASSERT_TRUE(writer_
                      ->Execute("INSERT INTO t (payload) VALUES "
                                "(zeroblob(1000))")
                      .ok());
    }
  }

  // Copies the whole log into the database file, as the checkpoints beside
  // the writer do.
  void Checkpoint() {
    int log_frames = -1;
    int copied_frames = -1;
    ASSERT_EQ(sqlite3_wal_checkpoint_v2(checkpointer_->handle(), nullptr,
                                        SQLITE_CHECKPOINT_PASSIVE, &log_frames,
                                        &copied_frames),
              SQLITE_OK);
    ASSERT_GT(log_frames, 0);
    ASSERT_EQ(copied_frames, log_frames);
  }

  int64_t Rows(SqliteConnection& db) {
    absl::StatusOr<int64_t> rows = db.QueryInt64("SELECT count(*) FROM t");
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? *rows : -1;
  }

  testing::TempDir dir_;
  const std::string path_ = dir_.File("data.db");
  std::unique_ptr<DeferredSyncVfs> vfs_;
  std::unique_ptr<SqliteConnection> writer_;
  std::unique_ptr<SqliteConnection> checkpointer_;
};

TEST_F(DeferredSyncVfsTest, CheckpointDefersDatabaseSync) {
  Start(absl::Hours(1));
  const DeferredSyncVfs::Counts before = vfs_->counts();

  Checkpoint();

  const DeferredSyncVfs::Counts after = vfs_->counts();
  EXPECT_EQ(after.deferred, before.deferred + 1);
  EXPECT_EQ(after.synced, before.synced);
  EXPECT_TRUE(vfs_->marked());
}

TEST_F(DeferredSyncVfsTest, CheckpointSyncsAfterDeferral) {
  Start(absl::ZeroDuration());
  const DeferredSyncVfs::Counts before = vfs_->counts();

  Checkpoint();

  const DeferredSyncVfs::Counts after = vfs_->counts();
  EXPECT_EQ(after.deferred, before.deferred);
  EXPECT_EQ(after.synced, before.synced + 1);
  EXPECT_FALSE(vfs_->marked());
}

TEST_F(DeferredSyncVfsTest, NewLogSyncsDatabaseFirst) {
  Start(absl::Hours(1));
  Checkpoint();
  const DeferredSyncVfs::Counts before = vfs_->counts();

  // The whole log is copied and no reader uses it, so this commit starts
  // the log over from its beginning.
  Insert(1);

  const DeferredSyncVfs::Counts after = vfs_->counts();
  EXPECT_EQ(after.before_log_reuse, before.before_log_reuse + 1);
  EXPECT_EQ(after.synced, before.synced + 1);
  EXPECT_FALSE(vfs_->marked());
  EXPECT_EQ(Rows(*writer_), 101);
}

TEST_F(DeferredSyncVfsTest, LogDeletionSyncsDatabaseFirst) {
  Start(absl::Hours(1));
  Checkpoint();
  const DeferredSyncVfs::Counts before = vfs_->counts();

  // The last connection to close checkpoints, deferring its sync, and
  // deletes the log.
  writer_.reset();
  checkpointer_.reset();

  const DeferredSyncVfs::Counts after = vfs_->counts();
  EXPECT_EQ(after.before_log_reuse, before.before_log_reuse + 1);
  EXPECT_FALSE(vfs_->marked());
  EXPECT_FALSE(std::filesystem::exists(path_ + "-wal"));

  std::unique_ptr<SqliteConnection> reopened = Open(nullptr);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(Rows(*reopened), 100);
}

TEST_F(DeferredSyncVfsTest, CleanFileNeedsNoSync) {
  Start(absl::Hours(1));
  ASSERT_TRUE(writer_->Execute("PRAGMA wal_checkpoint(PASSIVE)").ok());
  const DeferredSyncVfs::Counts before = vfs_->counts();

  Insert(1);

  const DeferredSyncVfs::Counts after = vfs_->counts();
  EXPECT_EQ(after.before_log_reuse, before.before_log_reuse);
  EXPECT_EQ(after.synced, before.synced);
}

// The checkpointer's pin keeps the log from restarting until the log is
// large, and then lets it restart.
TEST_F(DeferredSyncVfsTest, CheckpointerDelaysLogRestart) {
  Start(absl::Hours(1));
  int log_frames = 0;
  sqlite3_wal_hook(
      writer_->handle(),
      +[](void* frames, sqlite3*, const char*, int log) {
        *static_cast<int*>(frames) = log;
        return SQLITE_OK;
      },
      &log_frames);
  Insert(1);
  const int first_log = log_frames;
  ASSERT_GT(first_log, 0);

  auto checkpointer = std::make_unique<SqliteCheckpointer>(
      [this] {
        return SqliteConnection::Open(path_, absl::Seconds(5),
                                      SqliteConnection::OpenMode::kExisting,
                                      vfs_->deferring_name());
      },
      vfs_.get());
  checkpointer->Request(log_frames);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (vfs_->counts().deferred == 0 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_GT(vfs_->counts().deferred, 0);

  // The whole log is copied, but the pin keeps it from restarting.
  Insert(1);
  EXPECT_GT(log_frames, first_log);
  EXPECT_TRUE(vfs_->marked());
  EXPECT_EQ(vfs_->counts().before_log_reuse, 0);

  checkpointer->Request(SqliteCheckpointer::kRestartFrames);
  const int held_log = log_frames;
  int rows = 102;
  bool restarted = false;
  while (!restarted && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
    Insert(1);
    ++rows;
    restarted = log_frames < held_log;
  }
  EXPECT_TRUE(restarted);
  checkpointer.reset();
  EXPECT_EQ(Rows(*writer_), rows);
}

}  // namespace
}  // namespace accesstokens
