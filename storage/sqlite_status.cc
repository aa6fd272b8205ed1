#include "storage/sqlite_status.h"

#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"

namespace accesstokens {

absl::Status SqliteError(sqlite3* db, int rc, absl::string_view sql) {
  const int extended = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  LOG(WARNING) << "sqlite error " << extended << " (" << sqlite3_errstr(rc)
               << "): " << detail << "; statement: " << sql;

  const std::string suffix =
      absl::StrCat(" (sqlite code ", extended, ": ", detail, ")");
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(absl::StrCat(
          "database is locked by another connection or process; retry later",
          suffix));
    case SQLITE_FULL:
      return absl::UnavailableError(absl::StrCat(
          "disk full: the database cannot grow; free disk space and retry",
          suffix));
    case SQLITE_READONLY:
      return absl::UnavailableError(absl::StrCat(
          "database is read-only: check the permissions of the database file "
          "and its folder",
          suffix));
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
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
