// Reads from a database file through a separate read-only connection, the
// way another process would see it.
#ifndef ACCESSTOKENS_TESTS_TESTING_SQLITE_QUERY_H_
#define ACCESSTOKENS_TESTS_TESTING_SQLITE_QUERY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace accesstokens::testing {

// Returns the integer in the first column of the first row of `sql`.
absl::StatusOr<int64_t> QueryInt64(const std::string& database_path,
                                   const std::string& sql);

// Returns the first column of every row of `sql` as text, such as the
// single "ok" row of PRAGMA integrity_check on a sound database.
absl::StatusOr<std::vector<std::string>> QueryStrings(
    const std::string& database_path, const std::string& sql);

}  // namespace accesstokens::testing

#endif  // ACCESSTOKENS_TESTS_TESTING_SQLITE_QUERY_H_
