#include "storage/sqlite_writer.h"

#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "storage/sqlite_connection.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens {
namespace {

class SqliteWriterTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteConnection> Connect() {
    absl::StatusOr<std::unique_ptr<SqliteConnection>> connection =
        SqliteConnection::Open(path_, absl::Seconds(5));
    EXPECT_TRUE(connection.ok()) << connection.status();
    return connection.ok() ? *std::move(connection) : nullptr;
  }

  // Starts a writer that counts its commits in `commits`, if not null.
  std::unique_ptr<SqliteWriter> StartWriter(
      SqliteWriter::Flush flush = nullptr,
      std::atomic<int>* commits = nullptr,
      absl::Duration max_deferral = absl::ZeroDuration()) {
    std::unique_ptr<SqliteConnection> connection = Connect();
    EXPECT_TRUE(
        connection->Execute("CREATE TABLE IF NOT EXISTS pages (bytes BLOB)")
            .ok());
    if (commits != nullptr) {
      sqlite3_commit_hook(
          connection->handle(),
          +[](void* count) {
            ++*static_cast<std::atomic<int>*>(count);
            return 0;
          },
          commits);
    }
    auto open = [this]() -> absl::StatusOr<std::unique_ptr<SqliteConnection>> {
      return SqliteConnection::Open(path_, absl::Seconds(5));
    };
    return std::make_unique<SqliteWriter>(std::move(connection), 64, open,
                                          open, std::move(flush),
                                          max_deferral);
  }

  // Inserts one row of `bytes` bytes in a batch of its own and waits.
  static absl::Status InsertRow(SqliteWriter& writer, int bytes) {
    absl::Notification done;
    absl::Status result;
    writer.Submit(
        [bytes](SqliteConnection& db) {
          absl::StatusOr<SqliteStatement> insert =
              db.Prepare("INSERT INTO pages (bytes) VALUES (zeroblob(?))");
          if (!insert.ok()) return insert.status();
          insert->Bind(1, int64_t{bytes});
          return insert->Run();
        },
        [&](absl::Status status) {
          result = status;
          done.Notify();
        });
    done.WaitForNotification();
    return result;
  }

  // Submits `sql` as one item. Its completion stores the status in `result`,
  // then notifies `done`.
  static void SubmitSql(SqliteWriter& writer, const char* sql,
                        absl::Status* result, absl::Notification* done) {
    writer.Submit([sql](SqliteConnection& db) { return db.Execute(sql); },
                  [result, done](absl::Status status) {
                    *result = status;
                    done->Notify();
                  });
  }

  // Like SubmitSql(), with SubmitDeferrable().
  static void SubmitDeferrableSql(SqliteWriter& writer, const char* sql,
                                  absl::Status* result,
                                  absl::Notification* done) {
    writer.SubmitDeferrable(
        [sql](SqliteConnection& db) { return db.Execute(sql); },
        [result, done](absl::Status status) {
          *result = status;
          done->Notify();
        });
  }

  uintmax_t FileSize(const std::string& suffix) {
    std::error_code error;
    const uintmax_t size = std::filesystem::file_size(path_ + suffix, error);
    return error ? 0 : size;
  }

  testing::TempDir dir_;
  const std::string path_ = dir_.File("pages.db");
};

// The commits themselves never copy the log back; the checkpointer's thread
// does, so the database file grows while the writer keeps running.
TEST_F(SqliteWriterTest, CheckpointsBesideTheWriter) {
  std::unique_ptr<SqliteWriter> writer = StartWriter();
  const uintmax_t before = FileSize("");

  // Each row fills a page of its own.
  for (int i = 0; i < SqliteWriter::kCheckpointFrames + 100; ++i) {
    ASSERT_TRUE(InsertRow(*writer, 3000).ok());
  }

  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (FileSize("") < before + 1000 * 3000 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_GE(FileSize(""), before + 1000 * 3000);
}

// Past kForceCheckpointFrames the writer copies the log back itself, and
// the next commit starts the log over, so the log file stays bounded.
TEST_F(SqliteWriterTest, LogStaysBoundedUnderSustainedWrites) {
  std::unique_ptr<SqliteWriter> writer = StartWriter();

  // Each row fills 16 pages.
  for (int i = 0; i < (SqliteWriter::kForceCheckpointFrames + 2000) / 16;
       ++i) {
    ASSERT_TRUE(InsertRow(*writer, 16 * 4000).ok());
  }

  // Each log page is a frame of the page size plus a 24-byte header.
  const uintmax_t page_size = 4096 + 24;
  EXPECT_LE(FileSize("-wal"),
            (SqliteWriter::kForceCheckpointFrames + 1000) * page_size);
}

// The flush runs after the commit, so another connection can already read
// the row, and the completion waits until the flush has ended.
TEST_F(SqliteWriterTest, CompletionWaitsForFlush) {
  absl::Notification flushing;
  absl::Notification release;
  absl::StatusOr<int64_t> rows_seen = absl::UnknownError("no flush ran");
  std::unique_ptr<SqliteWriter> writer = StartWriter([&] {
    rows_seen = Connect()->QueryInt64("SELECT count(*) FROM pages");
    flushing.Notify();
    release.WaitForNotification();
    return absl::OkStatus();
  });

  absl::Notification done;
  absl::Status result = absl::UnknownError("no completion ran");
  SubmitSql(*writer, "INSERT INTO pages (bytes) VALUES (x'00')", &result,
            &done);

  flushing.WaitForNotification();
  ASSERT_TRUE(rows_seen.ok()) << rows_seen.status();
  EXPECT_EQ(*rows_seen, 1);
  EXPECT_FALSE(done.HasBeenNotified());
  release.Notify();
  done.WaitForNotification();
  EXPECT_TRUE(result.ok()) << result;
}

// While a flush runs, the writer commits one more batch, and the writes
// that arrive after it wait and then share one transaction.
TEST_F(SqliteWriterTest, WriterStaysOneBatchAheadOfFlush) {
  absl::Notification first_flush;
  absl::Notification release;
  std::atomic<int> flushes{0};
  std::atomic<int> commits{0};
  std::unique_ptr<SqliteWriter> writer = StartWriter(
      [&] {
        if (++flushes == 1) {
          first_flush.Notify();
          release.WaitForNotification();
        }
        return absl::OkStatus();
      },
      &commits);
  std::atomic<int> done{0};
  const auto submit = [&] {
    writer->Submit(
        [](SqliteConnection& db) {
          return db.Execute("INSERT INTO pages (bytes) VALUES (x'00')");
        },
        [&](absl::Status status) {
          EXPECT_TRUE(status.ok()) << status;
          ++done;
        });
  };
  const auto await_commits = [&](int count) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (commits < count && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(1));
    }
    return commits.load();
  };

  submit();
  first_flush.WaitForNotification();
  submit();
  ASSERT_EQ(await_commits(2), 2);
  submit();
  submit();
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(commits, 2);
  EXPECT_EQ(done, 0);

  release.Notify();
  writer.reset();
  EXPECT_EQ(done, 4);
  EXPECT_EQ(commits, 3);
}

// A batch that rolled back changed nothing, so its completions run without
// a flush.
TEST_F(SqliteWriterTest, DeferrableItemJoinsNextBatch) {
  std::atomic<int> commits{0};
  std::unique_ptr<SqliteWriter> writer =
      StartWriter(nullptr, &commits, absl::Hours(1));
  constexpr char kInsert[] = "INSERT INTO pages (bytes) VALUES (x'00')";

  absl::Status deferred_result, urgent_result;
  absl::Notification deferred_done, urgent_done;
  SubmitDeferrableSql(*writer, kInsert, &deferred_result, &deferred_done);
  SubmitSql(*writer, kInsert, &urgent_result, &urgent_done);
  urgent_done.WaitForNotification();

  ASSERT_TRUE(deferred_done.HasBeenNotified());
  EXPECT_TRUE(deferred_result.ok()) << deferred_result;
  EXPECT_TRUE(urgent_result.ok()) << urgent_result;
  EXPECT_EQ(commits, 1);
}

TEST_F(SqliteWriterTest, DeferrableItemCommitsAfterMaxDeferral) {
  std::atomic<int> commits{0};
  std::unique_ptr<SqliteWriter> writer =
      StartWriter(nullptr, &commits, absl::Milliseconds(10));

  absl::Status result;
  absl::Notification done;
  SubmitDeferrableSql(*writer, "INSERT INTO pages (bytes) VALUES (x'00')",
                      &result, &done);
  done.WaitForNotification();

  EXPECT_TRUE(result.ok()) << result;
  EXPECT_EQ(commits, 1);
}

TEST_F(SqliteWriterTest, ShutdownCommitsDeferredItems) {
  std::unique_ptr<SqliteWriter> writer =
      StartWriter(nullptr, nullptr, absl::Hours(1));

  absl::Status result;
  absl::Notification done;
  SubmitDeferrableSql(*writer, "INSERT INTO pages (bytes) VALUES (x'00')",
                      &result, &done);
  writer.reset();

  ASSERT_TRUE(done.HasBeenNotified());
  EXPECT_TRUE(result.ok()) << result;
}

TEST_F(SqliteWriterTest, RolledBackBatchSkipsFlush) {
  int flushes = 0;
  std::unique_ptr<SqliteWriter> writer = StartWriter([&] {
    ++flushes;
    return absl::OkStatus();
  });
  absl::Notification done;
  absl::Status result;
  // Ends the batch's transaction, as SQLite does after an I/O error.
  SubmitSql(*writer, "ROLLBACK", &result, &done);
  done.WaitForNotification();

  EXPECT_EQ(result.code(), absl::StatusCode::kUnavailable) << result;
  writer.reset();
  EXPECT_EQ(flushes, 0);
}

// After a failed flush, writes that readers have seen may be lost, so the
// writer stops the process rather than reply.
TEST_F(SqliteWriterTest, FailedFlushStopsProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        std::unique_ptr<SqliteWriter> writer =
            StartWriter([] { return absl::DataLossError("disk gone"); });
        (void)InsertRow(*writer, 10);
      },
      "flushing the write-ahead log failed: DATA_LOSS: disk gone");
}

}  // namespace
}  // namespace accesstokens
