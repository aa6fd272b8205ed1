// The single writer of a SQLite database: a thread with its own connection
// that runs every write, gathering the writes that arrive together into one
// transaction so that they share one disk flush (group commit).
#ifndef ACCESSTOKENS_STORAGE_SQLITE_WRITER_H_
#define ACCESSTOKENS_STORAGE_SQLITE_WRITER_H_

#include <cstddef>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "storage/sqlite_checkpointer.h"
#include "storage/sqlite_connection.h"

namespace accesstokens {

// Runs write work items in submission order on one thread. All items that
// are waiting when the thread becomes free form one batch: one transaction
// in which each item runs inside its own savepoint. An item that fails is
// rolled back alone, and the others still commit. If the commit fails,
// every item of the batch fails with that status.
//
// Without a flush function, the connection's COMMIT makes a batch durable,
// and the completions run right after it on the writer thread. With one,
// the connection commits without waiting for the disk, and a flush thread
// calls the function after each commit while the writer runs the next
// batch. Completions then run on the flush thread once a flush that began
// after their commit has ended, so a caller gets OK only once its change
// is durable. The writer commits at most one batch ahead of the flush, so
// the writes that arrive during a flush still share one transaction.
// Readers can see a batch before its flush ends, and a power loss in that
// window undoes it, as it undoes any write whose caller has not received a
// response yet. A failed flush stops the process. Either way, completions
// run in submission order.
//
// An item submitted with SubmitDeferrable() waits until an item that
// cannot wait arrives, and joins its batch, or until it has waited
// `max_deferral`, and then commits with the other deferrable items. Writes
// whose callers do not wait on them, such as last-use records, so share
// the commit and flush of other writes, or cost at most one commit per
// `max_deferral`.
//
// A connection that cannot write (see SqliteConnection::IsReadOnly) is
// replaced with a new one before the next batch, so that writes resume
// without a restart once the database file is writable again.
//
// Checkpoints run beside the writer: once the write-ahead log contains
// kCheckpointFrames pages after a commit, a SqliteCheckpointer copies them
// back. With a DeferredSyncVfs, it also keeps the log from restarting
// until the log reaches SqliteCheckpointer::kRestartFrames. Only if the log
// still reaches kForceCheckpointFrames, because commits keep adding pages
// faster than the checkpoints catch up, does the writer checkpoint itself
// between two batches, so that the log cannot grow without bound.
//
// Thread-safe: Submit() may be called from any thread.
class SqliteWriter {
 public:
  // Changes the database through the writer's connection. Returns OK to
  // keep the item's changes, or an error to roll them back.
  using Work = absl::AnyInvocable<absl::Status(SqliteConnection&)>;
  // Receives the item's final status, on the writer or the flush thread.
  using Completion = absl::AnyInvocable<void(absl::Status)>;
  // Opens a new connection to the same database.
  using Reopen =
      absl::AnyInvocable<absl::StatusOr<std::unique_ptr<SqliteConnection>>()>;
  // Makes every commit that has returned so far durable.
  using Flush = absl::AnyInvocable<absl::Status()>;

  // Log size in pages at which a checkpoint starts beside the writer, and
  // at which the writer checkpoints itself. A checkpoint copies each page
  // once, however many commits in the log changed it, so a longer log
  // means fewer copies of the pages that every batch changes.
  static constexpr int kCheckpointFrames = 4000;
  static constexpr int kForceCheckpointFrames = 60000;

  // Starts the writer thread. Batches hold at most `max_batch_size` items.
  // `reopen` replaces a connection that cannot write; it runs on the writer
  // thread after the old connection has closed. `open_checkpointer` opens
  // the connection of the checkpoints. `flush`, if not null, runs on a
  // thread of its own after commits (see above). `max_deferral` bounds the
  // wait of the items submitted with SubmitDeferrable(). `sync_vfs`, if not
  // null, is the VFS through which `connection`, `reopen` and
  // `open_checkpointer` open (see SqliteCheckpointer).
  SqliteWriter(std::unique_ptr<SqliteConnection> connection,
               size_t max_batch_size, Reopen reopen, Reopen open_checkpointer,
               Flush flush = nullptr,
               absl::Duration max_deferral = absl::ZeroDuration(),
               DeferredSyncVfs* sync_vfs = nullptr);

  // Runs the items already submitted and their completions, then stops the
  // threads.
  ~SqliteWriter();

  SqliteWriter(const SqliteWriter&) = delete;
  SqliteWriter& operator=(const SqliteWriter&) = delete;

  // Queues `work`; `completion` receives its outcome. After shutdown has
  // begun, `completion` receives UNAVAILABLE at once.
  void Submit(Work work, Completion completion);

  // Queues `work` like Submit(), but lets it wait up to `max_deferral` for
  // another item to share its batch (see above).
  void SubmitDeferrable(Work work, Completion completion);

 private:
  struct Item {
    Work work;
    Completion completion;
    // Time at which a deferrable item stops waiting for other items.
    // InfinitePast() for the other items.
    absl::Time deadline = absl::InfinitePast();

    // True unless submitted with SubmitDeferrable().
    bool urgent() const { return deadline == absl::InfinitePast(); }
  };

  void Enqueue(Item item);

  // A completion with its item's outcome, waiting for a flush.
  struct Finished {
    Completion completion;
    absl::Status status;
    // Whether the item's batch committed, so that it needs the flush.
    bool committed = false;
  };

  void Run();
  void RunBatch(std::vector<Item>& batch);

  // Runs the completions of a batch now, or hands them to the flush thread.
  void Finish(std::vector<Finished> batch);

  // Waits until at most one batch handed to the flush thread has completions
  // that have not run.
  void AwaitFlushes();

  // The flush thread: flushes, then runs the completions that waited.
  void RunFlushes();

  // Makes `connection_` report its log size to wal_frames_ after each
  // commit. This also turns off SQLite's own checkpoints after commits.
  void WatchLogSize();

  // Starts or runs a checkpoint if the log has grown large enough.
  void CheckpointIfLarge();

  // Replaces the connection if it cannot write. Fails if no new connection
  // could be opened; then the next batch tries again.
  absl::Status ReopenIfReadOnly();

  // Used by the writer thread only. Null after a failed reopen.
  std::unique_ptr<SqliteConnection> connection_;
  const size_t max_batch_size_;
  const absl::Duration max_deferral_;
  Reopen reopen_;
  // True from the first reopen until a new connection can write.
  bool reopening_ = false;
  // Pages in the write-ahead log after the last commit.
  int wal_frames_ = 0;
  SqliteCheckpointer checkpointer_;

  absl::Mutex mu_;
  std::deque<Item> queue_ ABSL_GUARDED_BY(mu_);
  // Items in queue_ that were not submitted with SubmitDeferrable().
  size_t urgent_items_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  Flush flush_;
  absl::Mutex flush_mu_;
  // Completions handed to the flush thread and not yet taken by it, and
  // the number of batches they come from.
  std::vector<Finished> unflushed_ ABSL_GUARDED_BY(flush_mu_);
  int unflushed_batches_ ABSL_GUARDED_BY(flush_mu_) = 0;
  // Batches handed to the flush thread whose completions have not run.
  int open_batches_ ABSL_GUARDED_BY(flush_mu_) = 0;
  bool flush_stopping_ ABSL_GUARDED_BY(flush_mu_) = false;

  std::thread thread_;
  std::thread flush_thread_;  // Runs only with a flush function.
};

}  // namespace accesstokens

#endif  // ACCESSTOKENS_STORAGE_SQLITE_WRITER_H_
