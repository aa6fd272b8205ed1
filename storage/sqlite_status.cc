#include "storage/sqlite_status.h"

#include <sqlite3.h>

#include <cerrno>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"

namespace accesstokens {
namespace {

// True for the result codes after which SQLite records the errno of the
// failed system call, so that sqlite3_system_errno() returns it.
bool HasSystemErrno(int rc) {
  return (rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_CANTOPEN;
}

}  // namespace

absl::Status SqliteError(sqlite3* db, int rc, absl::string_view sql) {
  const int extended = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int system_errno =
      db != nullptr && HasSystemErrno(rc) ? sqlite3_system_errno(db) : 0;
  const std::string os_error =
      system_errno != 0
          ? absl::StrCat("; ",
                         std::error_code(system_errno, std::generic_category())
                             .message())
          : "";
  LOG(WARNING) << "sqlite error " << extended << " (" << sqlite3_errstr(rc)
               << "): " << detail << os_error << "; statement: " << sql;
  const std::string suffix =
      absl::StrCat(" (sqlite code ", extended, ": ", detail, os_error, ")");

  // The operating system's error names the cause more precisely than an
  // I/O error: a write to an open file fails with ENOSPC on a full disk and
  // with EROFS once the file system was forced read-only.
  if (rc == SQLITE_FULL || system_errno == ENOSPC || system_errno == EDQUOT) {
    return absl::UnavailableError(absl::StrCat(
        "disk full: the database cannot grow; free disk space and retry",
        suffix));
  }
  if ((rc & 0xff) == SQLITE_READONLY || system_errno == EROFS) {
    return absl::UnavailableError(absl::StrCat(
        "database is read-only: the server cannot write the database file "
        "or its -wal and -shm files; check that the file system is mounted "
        "read-write and that the files and their folder are writable, then "
        "retry",
        suffix));
  }

  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(absl::StrCat(
          "database is locked by another connection or process; retry later",
          suffix));
    case SQLITE_CANTOPEN:
      return absl::UnavailableError(absl::StrCat(
          "cannot open the database file or its -wal and -shm files; check "
          "that they and their folder exist and are readable and writable",
          suffix));
    case SQLITE_IOERR:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
      return absl::UnavailableError(
          absl::StrCat("database input/output failed; retry later", suffix));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(
          absl::StrCat("database file is corrupt", suffix));
    case SQLITE_CONSTRAINT:
      if (extended == SQLITE_CONSTRAINT_UNIQUE ||
          extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return absl::AlreadyExistsError(
            absl::StrCat("a record with this key already exists", suffix));
      }
      return absl::FailedPreconditionError(
          absl::StrCat("the change breaks a database constraint", suffix));
    default:
      return absl::InternalError(
          absl::StrCat("database operation failed", suffix));
  }
}

}  // namespace accesstokens
