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
#include "storage/sqlite_connection.h"

namespace accesstokens {

// Runs a passive checkpoint (sqlite3_wal_checkpoint_v2 with
// SQLITE_CHECKPOINT_PASSIVE) on its own connection on request. A passive
// checkpoint takes no lock that a writer or reader waits for. It copies
// the frames that no reader still needs, so the writer keeps committing
// meanwhile. A failed checkpoint closes the connection, and the
// next request opens a new one.
//
// Thread-safe: Request() may be called from any thread.
class SqliteCheckpointer {
 public:
  using Open =
      absl::AnyInvocable<absl::StatusOr<std::unique_ptr<SqliteConnection>>()>;

  // Starts the thread; `open` opens its connection when first needed.
  explicit SqliteCheckpointer(Open open);

  // Waits for a running checkpoint, then stops the thread.
  ~SqliteCheckpointer();

  SqliteCheckpointer(const SqliteCheckpointer&) = delete;
  SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

  // Asks for a checkpoint; returns at once. Requests that arrive while one
  // runs lead to one more checkpoint after it.
  void Request();

 private:
  void Run();
  absl::Status Checkpoint();

  Open open_;
  // Used by the checkpoint thread only.
  std::unique_ptr<SqliteConnection> connection_;
  bool failing_ = false;

  absl::Mutex mu_;
  bool requested_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  std::thread thread_;
};

}  // namespace accesstokens

#endif  // ACCESSTOKENS_STORAGE_SQLITE_CHECKPOINTER_H_
