#include "storage/schema.h"

#include <iterator>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "storage/status_macros.h"

namespace accesstokens {
namespace {

// Migration i brings the schema from version i to version i + 1. Never edit
// a migration that has shipped; append a new one.
//
// Times are microseconds since the Unix epoch, dates are days since
// 1970-01-01, and a token's scopes are a bit set (bit n for scope number n).
constexpr const char* kMigrations[] = {
    // Version 1: groups, projects, bot users, memberships, tokens and the
    // per-resource counters of the bot naming allocator.
    R"sql(
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE groups (
  id INTEGER PRIMARY KEY CHECK (id > 0),
  parent_id INTEGER REFERENCES groups (id),
  top_level_id INTEGER NOT NULL REFERENCES groups (id),
  display_name TEXT NOT NULL,
  allow_project_token_creation INTEGER NOT NULL DEFAULT 1
    CHECK (allow_project_token_creation IN (0, 1)),
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  CHECK ((parent_id IS NULL) = (top_level_id = id))
);
CREATE INDEX groups_by_parent ON groups (parent_id);

CREATE TABLE projects (
  id INTEGER PRIMARY KEY CHECK (id > 0),
  group_id INTEGER REFERENCES groups (id),
  display_name TEXT NOT NULL,
  create_time INTEGER NOT NULL
);
CREATE INDEX projects_by_group ON projects (group_id);

CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  project_id INTEGER REFERENCES projects (id),
  group_id INTEGER REFERENCES groups (id),
  blocked INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
  create_time INTEGER NOT NULL,
  CHECK ((project_id IS NULL) <> (group_id IS NULL))
);
CREATE INDEX users_by_project ON users (project_id, id)
  WHERE project_id IS NOT NULL;
CREATE INDEX users_by_group ON users (group_id, id)
  WHERE group_id IS NOT NULL;

CREATE TABLE memberships (
  user_id INTEGER PRIMARY KEY REFERENCES users (id),
  project_id INTEGER REFERENCES projects (id),
  group_id INTEGER REFERENCES groups (id),
  access_level INTEGER NOT NULL
    CHECK (access_level IN (10, 15, 20, 30, 40, 50)),
  CHECK ((project_id IS NULL) <> (group_id IS NULL))
);

CREATE TABLE access_tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER REFERENCES projects (id),
  group_id INTEGER REFERENCES groups (id),
  user_id INTEGER NOT NULL REFERENCES users (id),
  display_name TEXT NOT NULL,
  description TEXT NOT NULL,
  scopes INTEGER NOT NULL CHECK (scopes > 0),
  access_level INTEGER NOT NULL
    CHECK (access_level IN (10, 15, 20, 30, 40, 50)),
  expires_on INTEGER NOT NULL,
  digest BLOB NOT NULL UNIQUE CHECK (length(digest) = 32),
  create_time INTEGER NOT NULL,
  revoke_time INTEGER,
  CHECK ((project_id IS NULL) <> (group_id IS NULL))
);
CREATE INDEX access_tokens_by_project ON access_tokens (project_id, id)
  WHERE project_id IS NOT NULL;
CREATE INDEX access_tokens_by_group ON access_tokens (group_id, id)
  WHERE group_id IS NOT NULL;
CREATE INDEX access_tokens_by_user ON access_tokens (user_id);

-- The next bot number of each project (kind 0) and group (kind 1). It only
-- grows, so a number is never handed out twice, even after a revocation.
CREATE TABLE bot_name_counters (
  resource_kind INTEGER NOT NULL CHECK (resource_kind IN (0, 1)),
  resource_id INTEGER NOT NULL,
  next_number INTEGER NOT NULL CHECK (next_number >= 0),
  PRIMARY KEY (resource_kind, resource_id)
) WITHOUT ROWID;
)sql",
};

}  // namespace

int64_t LatestSchemaVersion() { return std::size(kMigrations); }

absl::StatusOr<int64_t> MigrateSchema(SqliteConnection& db) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(int64_t version,
                                db.QueryInt64("PRAGMA user_version"));
  if (version > LatestSchemaVersion()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database schema version ", version,
        " is newer than this server supports (", LatestSchemaVersion(),
        "); run a newer accesstokens-server"));
  }

  while (version < LatestSchemaVersion()) {
    SqliteTransaction transaction(&db, SqliteTransaction::Mode::kImmediate);
    ACCESSTOKENS_RETURN_IF_ERROR(transaction.status());
    ACCESSTOKENS_RETURN_IF_ERROR(db.Execute(kMigrations[version]));
    const std::string set_version =
        absl::StrCat("PRAGMA user_version = ", version + 1);
    ACCESSTOKENS_RETURN_IF_ERROR(db.Execute(set_version.c_str()));
    ACCESSTOKENS_RETURN_IF_ERROR(transaction.Commit());
    ++version;
    LOG(INFO) << "migrated database schema to version " << version;
  }
  return version;
}

}  // namespace accesstokens
