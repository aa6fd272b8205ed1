// Conversion of SQLite result codes to absl::Status. This is the only place
// that decides which status a storage failure becomes.
#ifndef ACCESSTOKENS_STORAGE_SQLITE_STATUS_H_
#define ACCESSTOKENS_STORAGE_SQLITE_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

struct sqlite3;

namespace accesstokens {

// Converts the failed result `rc` of running `sql` on `db` (may be null when
// opening failed) to a status, and logs the SQLite code, its message and the
// statement. The returned message is safe to show to clients: it carries no
// bound values, so no secret and no user input. For a failed call to the
// operating system it adds the errno text, and the errnos below choose the
// message.
//
//   SQLITE_BUSY, SQLITE_LOCKED       UNAVAILABLE, "locked"
//   SQLITE_FULL, errno ENOSPC/EDQUOT UNAVAILABLE, "disk full"
//   SQLITE_READONLY, errno EROFS     UNAVAILABLE, "database is read-only"
//   SQLITE_CANTOPEN                  UNAVAILABLE, "cannot open"
//   SQLITE_IOERR, SQLITE_NOMEM       UNAVAILABLE, "input/output failed"
//   SQLITE_CORRUPT, SQLITE_NOTADB    DATA_LOSS
//   SQLITE_CONSTRAINT (unique key)   ALREADY_EXISTS
//   SQLITE_CONSTRAINT (other)        FAILED_PRECONDITION
//   anything else                    INTERNAL
absl::Status SqliteError(sqlite3* db, int rc, absl::string_view sql);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_STORAGE_SQLITE_STATUS_H_
