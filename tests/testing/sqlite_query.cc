#include "tests/testing/sqlite_query.h"

#include <sqlite3.h>

#include "absl/strings/str_cat.h"

namespace accesstokens::testing {

absl::StatusOr<int64_t> QueryInt64(const std::string& database_path,
                                   const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(database_path.c_str(), &db, SQLITE_OPEN_READONLY,
                      nullptr) != SQLITE_OK) {
    const std::string error = sqlite3_errmsg(db);
    sqlite3_close(db);
    return absl::UnavailableError(
        absl::StrCat("cannot open ", database_path, ": ", error));
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* statement = nullptr;
  absl::StatusOr<int64_t> result =
      absl::InternalError(absl::StrCat("no row from: ", sql));
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) !=
      SQLITE_OK) {
    result = absl::InvalidArgumentError(
        absl::StrCat(sql, ": ", sqlite3_errmsg(db)));
  } else if (sqlite3_step(statement) == SQLITE_ROW) {
    result = sqlite3_column_int64(statement, 0);
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return result;
}

}  // namespace accesstokens::testing
