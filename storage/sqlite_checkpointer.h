// Copies the pages of a SQLite database's write-ahead log back into the
// database file on a thread of its own, so that the writer's commits do not
// wait for that copy and its flush.
#ifndef ACCESSTOKENS_STORAGE_SQLITE_CHECKPOINTER_H_
#define ACCESSTOKENS_STORAGE_SQLITE_CHECKPOINTER_H_

#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/deferred_sync_vfs.h"
#include "storage/sqlite_connection.h"

namespace accesstokens {

// Runs a passive checkpoint (sqlite3_wal_checkpoint_v2 with
// SQLITE_CHECKPOINT_PASSIVE) on its own connection on request. A passive
// checkpoint takes no lock that a writer or reader waits for. It copies
// the frames that no reader still needs, so the writer keeps committing
// meanwhile. A failed checkpoint closes the connections, and the next
// request opens new ones.
//
// With a DeferredSyncVfs, the checkpoints leave the database file unsynced
// for a while, and a sync must precede each restart of the log. To make
// restarts rare, each checkpoint first begins a read on one of two
// connections of its own (a pin) and ends the other pin's read. SQLite
// does not restart the log while a connection reads from it. Once the log
// reaches kRestartFrames pages, the checkpointer syncs the database file,
// ends its pin and takes no new one, so that the log restarts as soon as
// a checkpoint has copied all of it. Durability does not depend on the
// pins: the VFS syncs before any restart that it finds unsynced.
//
// Thread-safe: Request() may be called from any thread.
class SqliteCheckpointer {
 public:
  using Open =
      absl::AnyInvocable<absl::StatusOr<std::unique_ptr<SqliteConnection>>()>;

  // Log size in pages from which the pins are dropped (see above).
  static constexpr int kRestartFrames = 30000;

  // Starts the thread. `open` opens its connections when first needed, and
  // must open through the deferring VFS of `sync_vfs` if that is not null.
  explicit SqliteCheckpointer(Open open, DeferredSyncVfs* sync_vfs = nullptr);

  // Waits for a running checkpoint, then stops the thread.
  ~SqliteCheckpointer();

  SqliteCheckpointer(const SqliteCheckpointer&) = delete;
  SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

  // Requests a checkpoint of a log of `log_frames` pages (its size after
  // the latest commit) and returns at once. Requests that arrive while one
  // runs lead to one more checkpoint after it.
  void Request(int log_frames = 0);

 private:
  void Run();
  absl::Status Checkpoint(int log_frames);
  // Begins a read on the pin that is not held, then ends the other pin's.
  absl::Status PinLog();
  // Ends the held pin's read, if any.
  void Unpin();

  Open open_;
  DeferredSyncVfs* const sync_vfs_;
  // Used by the checkpoint thread only.
  std::unique_ptr<SqliteConnection> connection_;
  bool failing_ = false;
  std::unique_ptr<SqliteConnection> pins_[2];
  // Index in pins_ of the pin whose read is open, or -1.
  int held_ = -1;
  // The log size that the last checkpoint saw.
  int bound_ = 0;

  absl::Mutex mu_;
  bool requested_ ABSL_GUARDED_BY(mu_) = false;
  int log_frames_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  std::thread thread_;
};

}  // namespace accesstokens

#endif  // ACCESSTOKENS_STORAGE_SQLITE_CHECKPOINTER_H_
