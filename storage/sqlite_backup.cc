#include "storage/sqlite_backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "glog/logging.h"
#include "storage/sqlite_connection.h"
#include "storage/sqlite_status.h"
#include "storage/status_macros.h"

namespace accesstokens {
namespace {

std::string ErrorText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

// Closes a connection on destruction.
struct Closer {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Database = std::unique_ptr<sqlite3, Closer>;

absl::StatusOr<Database> OpenDatabase(const std::string& path, int flags,
                                      absl::Duration busy_timeout) {
  ConfigureSqlite();

  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
      nullptr);
  Database db(raw);
  if (rc != SQLITE_OK) {
    const absl::Status status = SqliteError(db.get(), rc, "open");
    return absl::Status(
        status.code(),
        absl::StrCat("opening \"", path, "\" failed: ", status.message()));
  }
  sqlite3_busy_timeout(
      db.get(), static_cast<int>(absl::ToInt64Milliseconds(busy_timeout)));
  return db;
}

absl::Status Execute(sqlite3* db, const char* sql) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, sql);
  return absl::OkStatus();
}

// Returns the first column of each row of `sql` as text.
absl::StatusOr<std::vector<std::string>> QueryText(sqlite3* db,
                                                   const char* sql) {
  sqlite3_stmt* statement = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &statement, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, sql);
  std::vector<std::string> rows;
  while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(statement, 0);
    rows.emplace_back(text == nullptr ? ""
                                      : reinterpret_cast<const char*>(text));
  }
  absl::Status status;
  if (rc != SQLITE_DONE) status = SqliteError(db, rc, sql);
  sqlite3_finalize(statement);
  if (!status.ok()) return status;
  return rows;
}

absl::StatusOr<int64_t> QueryInt64(sqlite3* db, const char* sql) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(std::vector<std::string> rows,
                                QueryText(db, sql));
  if (rows.empty()) {
    return absl::InternalError(absl::StrCat("no row from ", sql));
  }
  return std::strtoll(rows.front().c_str(), nullptr, 10);
}

// Flushes the file or folder at `path` to the disk.
absl::Status Sync(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fsync(fd) != 0) {
    const int error = errno;
    if (fd >= 0) close(fd);
    return absl::UnavailableError(
        absl::StrCat("syncing \"", path, "\" failed: ", ErrorText(error)));
  }
  close(fd);
  return absl::OkStatus();
}

// Moves `from` to `to` in one step. Without `overwrite`, fails with
// ALREADY_EXISTS instead of replacing an existing `to`, even one that
// appeared during the backup.
absl::Status MoveIntoPlace(const std::string& from, const std::string& to,
                           bool overwrite) {
  int rc = overwrite ? rename(from.c_str(), to.c_str())
                     : renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(),
                                 RENAME_NOREPLACE);
  if (rc != 0 && errno == EINVAL && !overwrite) {
    // The file system lacks RENAME_NOREPLACE; link() never replaces either.
    rc = link(from.c_str(), to.c_str());
    if (rc == 0) unlink(from.c_str());
  }
  if (rc == 0) return absl::OkStatus();
  const int error = errno;
  if (error == EEXIST) {
    return absl::AlreadyExistsError(absl::StrCat(
        "backup file \"", to, "\" appeared during the backup; not replaced"));
  }
  return absl::UnavailableError(absl::StrCat(
      "renaming \"", from, "\" to \"", to, "\" failed: ", ErrorText(error)));
}

// Removes the temporary copy and any journal SQLite left beside it.
void RemoveTemporaryFiles(const std::string& path) {
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
    const std::string file = absl::StrCat(path, suffix);
    if (unlink(file.c_str()) != 0 && errno != ENOENT) {
      PLOG(WARNING) << "removing the temporary file " << file << " failed";
    }
  }
}

absl::Status CheckOptions(const BackupOptions& options) {
  if (options.source_path.empty()) {
    return absl::InvalidArgumentError("the database path is empty");
  }
  if (options.destination_path.empty()) {
    return absl::InvalidArgumentError("the backup file path is empty");
  }
  if (options.pages_per_step < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("pages per step ", options.pages_per_step,
                     " is invalid; give 1 or more"));
  }
  if (options.step_pause < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "pause between steps ", absl::FormatDuration(options.step_pause),
        " is negative; give 0 or more"));
  }

  std::error_code error;
  if (!std::filesystem::exists(options.source_path, error)) {
    return absl::NotFoundError(absl::StrCat(
        "database file \"", options.source_path, "\" does not exist"));
  }
  if (std::filesystem::equivalent(options.source_path, options.destination_path,
                                  error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the backup file \"", options.destination_path,
                     "\" is the database itself; give another path"));
  }
  // SQLite would apply the frames of a WAL file left by a connection to
  // the old file to the new copy and corrupt it. An empty WAL, as a
  // read-only connection leaves, is harmless.
  const std::string wal = options.destination_path + "-wal";
  if (std::filesystem::file_size(wal, error) > 0 && !error) {
    return absl::FailedPreconditionError(absl::StrCat(
        "\"", wal,
        "\" holds changes of the file at the destination, which a SQLite "
        "connection may still use, and would corrupt the new copy; close "
        "that connection, or give another path"));
  }
  if (!options.overwrite && std::filesystem::exists(options.destination_path)) {
    return absl::AlreadyExistsError(absl::StrCat(
        "backup file \"", options.destination_path, "\" already exists"));
  }
  return absl::OkStatus();
}

// Copies `source`, which is inside a read transaction, into `destination`
// in steps. Returns the number of pages copied.
absl::StatusOr<int64_t> CopyPages(sqlite3* source, sqlite3* destination,
                                  const BackupOptions& options) {
  sqlite3_backup* backup =
      sqlite3_backup_init(destination, "main", source, "main");
  if (backup == nullptr) {
    return SqliteError(destination, sqlite3_errcode(destination),
                       "backup init");
  }
  int rc = SQLITE_OK;
  while (true) {
    rc = sqlite3_backup_step(backup, options.pages_per_step);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    if (options.step_pause > absl::ZeroDuration()) {
      absl::SleepFor(options.step_pause);
    }
  }
  const int64_t pages = sqlite3_backup_pagecount(backup);
  const int finish_rc = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return SqliteError(destination, rc, "backup step");
  if (finish_rc != SQLITE_OK) {
    return SqliteError(destination, finish_rc, "backup finish");
  }
  return pages;
}

// Writes the copy to `temporary_path`; the caller removes it on failure.
absl::StatusOr<BackupResult> WriteCopy(const BackupOptions& options,
                                       const std::string& temporary_path) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      Database source, OpenDatabase(options.source_path, SQLITE_OPEN_READONLY,
                                    options.busy_timeout));
  BackupResult result;
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      result.schema_version, QueryInt64(source.get(), "PRAGMA user_version"));
  if (result.schema_version == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("\"", options.source_path,
                     "\" is not an accesstokens database: its schema version "
                     "is 0"));
  }

  // One read transaction for the whole copy fixes its snapshot. A backup
  // step outside a transaction would start over after every write of
  // another connection, and might never finish on a busy server.
  ACCESSTOKENS_RETURN_IF_ERROR(Execute(source.get(), "BEGIN"));
  ACCESSTOKENS_RETURN_IF_ERROR(
      QueryText(source.get(), "SELECT count(*) FROM sqlite_schema").status());

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      Database destination, OpenDatabase(temporary_path, SQLITE_OPEN_READWRITE,
                                         options.busy_timeout));
  ACCESSTOKENS_RETURN_IF_ERROR(
      Execute(destination.get(), "PRAGMA synchronous=FULL"));
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      result.page_count, CopyPages(source.get(), destination.get(), options));
  ACCESSTOKENS_ASSIGN_OR_RETURN(const int64_t page_size,
                                QueryInt64(source.get(), "PRAGMA page_size"));
  result.size_bytes = result.page_count * page_size;
  ACCESSTOKENS_RETURN_IF_ERROR(Execute(source.get(), "COMMIT"));
  source.reset();

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      std::vector<std::string> problems,
      QueryText(destination.get(), "PRAGMA integrity_check"));
  if (problems != std::vector<std::string>{"ok"}) {
    return absl::DataLossError(
        absl::StrCat("the copy failed PRAGMA integrity_check: ",
                     absl::StrJoin(problems, "; ")));
  }
  destination.reset();
  ACCESSTOKENS_RETURN_IF_ERROR(Sync(temporary_path));
  return result;
}

}  // namespace

absl::StatusOr<BackupResult> BackupDatabase(const BackupOptions& options) {
  ACCESSTOKENS_RETURN_IF_ERROR(CheckOptions(options));

  // The temporary file sits in the destination's folder, so that the final
  // rename stays on one file system and is atomic. mkstemp() creates it
  // readable by its owner only, like the database it copies.
  std::string temporary_path = options.destination_path + ".tmp-XXXXXX";
  const int fd = mkstemp(temporary_path.data());
  if (fd < 0) {
    const int error = errno;
    return absl::UnavailableError(absl::StrCat(
        "creating a temporary file beside \"", options.destination_path,
        "\" failed: ", ErrorText(error)));
  }
  close(fd);

  absl::StatusOr<BackupResult> result = WriteCopy(options, temporary_path);
  absl::Status moved = result.status();
  if (moved.ok()) {
    moved = MoveIntoPlace(temporary_path, options.destination_path,
                          options.overwrite);
  }
  if (!moved.ok()) {
    RemoveTemporaryFiles(temporary_path);
    return moved;
  }

  std::string folder =
      std::filesystem::path(options.destination_path).parent_path().string();
  if (folder.empty()) folder = ".";
  ACCESSTOKENS_RETURN_IF_ERROR(Sync(folder));
  return result;
}

}  // namespace accesstokens
