#include "tests/testing/sqlite_query.h"

#include <sqlite3.h>

#include <optional>

#include "absl/strings/str_cat.h"

namespace accesstokens::testing {
namespace {

// Opens `database_path` read-only, runs `sql` and passes each row to
// `on_row`.
template <typename OnRow>
absl::Status ForEachRow(const std::string& database_path,
                        const std::string& sql, OnRow on_row) {
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
  absl::Status status;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) !=
      SQLITE_OK) {
    status =
        absl::InvalidArgumentError(absl::StrCat(sql, ": ", sqlite3_errmsg(db)));
  } else {
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) on_row(statement);
    if (rc != SQLITE_DONE) {
      status =
          absl::UnavailableError(absl::StrCat(sql, ": ", sqlite3_errmsg(db)));
    }
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return status;
}

}  // namespace

absl::StatusOr<int64_t> QueryInt64(const std::string& database_path,
                                   const std::string& sql) {
  std::optional<int64_t> value;
  absl::Status status =
      ForEachRow(database_path, sql, [&value](sqlite3_stmt* row) {
        if (!value.has_value()) value = sqlite3_column_int64(row, 0);
      });
  if (!status.ok()) return status;
  if (!value.has_value()) {
    return absl::InternalError(absl::StrCat("no row from: ", sql));
  }
  return *value;
}

absl::StatusOr<std::vector<std::string>> QueryStrings(
    const std::string& database_path, const std::string& sql) {
  std::vector<std::string> values;
  absl::Status status =
      ForEachRow(database_path, sql, [&values](sqlite3_stmt* row) {
        const unsigned char* text = sqlite3_column_text(row, 0);
        values.emplace_back(
            text == nullptr ? "" : reinterpret_cast<const char*>(text));
      });
  if (!status.ok()) return status;
  return values;
}

}  // namespace accesstokens::testing
