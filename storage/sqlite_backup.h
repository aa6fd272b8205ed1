// Online backup of the SQLite database with SQLite's backup API
// (sqlite3_backup_*): a consistent copy of the database as it was when the
// backup began, written while a server keeps reading and writing it.
#ifndef ACCESSTOKENS_STORAGE_SQLITE_BACKUP_H_
#define ACCESSTOKENS_STORAGE_SQLITE_BACKUP_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace accesstokens {

struct BackupOptions {
  // The live database file; it must exist.
  std::string source_path;
  // The copy to write. It appears only when complete and checked.
  std::string destination_path;
  // Whether an existing file at destination_path may be replaced.
  bool overwrite = false;
  // Pages copied by each step; at least 1.
  int pages_per_step = 1024;
  // Pause between steps, to spread the disk reads of a large copy.
  absl::Duration step_pause = absl::ZeroDuration();
  // How long opening the source waits for a lock held by another process.
  absl::Duration busy_timeout = absl::Seconds(5);
};

struct BackupResult {
  int64_t schema_version = 0;
  int64_t page_count = 0;
  int64_t size_bytes = 0;
};

// Copies options.source_path to options.destination_path.
//
// The copy contains the database as of the start of the backup, because
// the source stays in one read transaction throughout and so no step reads
// a later write.
// In WAL mode a reader never blocks writers, so the server keeps writing
// meanwhile; only its checkpoints cannot pass the snapshot, and its WAL file
// grows until the backup ends.
//
// The copy is written to a temporary file beside the destination, synced,
// checked with PRAGMA integrity_check, and renamed into place; a failure
// removes the temporary file and leaves the destination untouched.
//
// Errors: INVALID_ARGUMENT for bad options, NOT_FOUND for a missing
// source, ALREADY_EXISTS when the destination exists and overwrite is
// false, FAILED_PRECONDITION when the source is not an accesstokens
// database or a non-empty -wal file lies beside the destination, DATA_LOSS
// when the copy fails its check, and the statuses of SqliteError() for
// SQLite failures.
absl::StatusOr<BackupResult> BackupDatabase(const BackupOptions& options);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_STORAGE_SQLITE_BACKUP_H_
