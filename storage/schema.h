// The database schema and its forward migrations.
#ifndef ACCESSTOKENS_STORAGE_SCHEMA_H_
#define ACCESSTOKENS_STORAGE_SCHEMA_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "storage/sqlite_connection.h"

namespace accesstokens {

// Version of the newest schema this build supports. Stored in the database as
// PRAGMA user_version.
int64_t LatestSchemaVersion();

// Brings the database up to LatestSchemaVersion(), each migration in its own
// transaction, and returns the resulting version. FAILED_PRECONDITION if the
// database was written by a newer build.
absl::StatusOr<int64_t> MigrateSchema(SqliteConnection& db);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_STORAGE_SCHEMA_H_
