// A SQLite VFS that lets checkpoints skip most of their syncs of the
// database file, without weakening durability.
//
// A checkpoint in WAL mode syncs the log, copies its pages into the
// database file, and syncs the database file. The second sync is needed
// only before the log loses those pages: before SQLite writes a restarted
// log over the old one from its start, truncates the log, or deletes it.
// Until then, recovery after a power loss reads the pages from the log,
// which every acknowledged commit has reached through a sync of its own.
// Under a steady write load, these syncs of scattered pages delayed the
// log flushes that callers wait for.
//
// Connections that checkpoint beside the writer open with
// deferring_name(). Their sync of the main database file only marks it as
// unsynced. Once `max_deferral` has passed since the file was last synced,
// their next sync runs at once, which keeps the work left for a restart
// of the log small. The log sync that precedes each copy stays, so a
// checkpoint copies only pages that are durable in the log.
//
// The writer opens with guarding_name(). Its writes at the start of the
// log, which SQLite makes only to begin a new log, and any truncation or
// deletion of the log, through either VFS, first sync the database file if
// it is marked. A real sync of the database file through either VFS clears
// the mark. That sync runs on the writer's thread, so SqliteCheckpointer
// keeps the log from restarting between its own syncs.
//
// NOTE: this relies on how SQLite 3.40's WAL code uses the VFS (a new log
// starts with a write at offset 0, and a checkpoint syncs the log before
// it copies). The tests check the first; a later SQLite may differ.
//
// Thread-safe: connections on many threads can use both VFSes at once.
#ifndef ACCESSTOKENS_STORAGE_DEFERRED_SYNC_VFS_H_
#define ACCESSTOKENS_STORAGE_DEFERRED_SYNC_VFS_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace accesstokens {

class DeferredSyncVfs {
 public:
  // Registers the two VFSes. All connections that use them must open the
  // same database.
  static absl::StatusOr<std::unique_ptr<DeferredSyncVfs>> Register(
      absl::Duration max_deferral);

  // Unregisters both VFSes. REQUIRES: no connection uses them any more.
  ~DeferredSyncVfs();

  DeferredSyncVfs(const DeferredSyncVfs&) = delete;
  DeferredSyncVfs& operator=(const DeferredSyncVfs&) = delete;

  // The VFS names to pass to sqlite3_open_v2().
  const char* deferring_name() const { return deferring_name_.c_str(); }
  const char* guarding_name() const { return guarding_name_.c_str(); }

  // Syncs the database file if a checkpoint left it unsynced.
  absl::Status SyncIfMarked();

  // Numbers of syncs of the database file since registration.
  struct Counts {
    // Syncs of the database file that checkpoints requested and the VFS
    // deferred.
    int64_t deferred = 0;
    // Syncs of the database file that ran, including those that SQLite
    // requested through the guarding VFS.
    int64_t synced = 0;
    // Of those, syncs that ran because the log was about to be
    // overwritten, truncated or deleted.
    int64_t before_log_reuse = 0;
  };
  Counts counts() const;
  // Returns whether a checkpoint left the database file unsynced.
  bool marked() const;

 private:
  friend struct DeferredSyncFile;

  DeferredSyncVfs(absl::Duration max_deferral, sqlite3_vfs* base);

  static int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file,
                  int flags, int* out_flags);
  static int Delete(sqlite3_vfs* vfs, const char* name, int sync_directory);

  // The methods of the main database file and the log that differ from
  // the base VFS's.
  int SyncDatabase(sqlite3_file* database, bool deferrable, int flags);
  int SyncBeforeLogReuse();
  void CloseDatabase(sqlite3_file* database);

  // Syncs the marked database file through any open handle.
  int SyncMarked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Syncs `database` and clears the mark.
  int RunSync(sqlite3_file* database, int flags)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const absl::Duration max_deferral_;
  sqlite3_vfs* const base_;
  const std::string deferring_name_;
  const std::string guarding_name_;
  sqlite3_vfs deferring_;
  sqlite3_vfs guarding_;

  mutable absl::Mutex mu_;
  bool marked_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time last_sync_ ABSL_GUARDED_BY(mu_);
  Counts counts_ ABSL_GUARDED_BY(mu_);
  // The base VFS's handles of the open main database files, through which
  // a deferred sync runs. SQLite closes a connection's log before its
  // database file, so a connection that reuses the log has one open.
  std::vector<sqlite3_file*> databases_ ABSL_GUARDED_BY(mu_);
};

}  // namespace accesstokens

#endif  // ACCESSTOKENS_STORAGE_DEFERRED_SYNC_VFS_H_
