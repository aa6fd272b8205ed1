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

    // Version 2: the token life cycle. Tokens get rotation families,
    // revocation reasons and last use. Memberships follow a rotated token,
    // bot users can be purged, and groups and projects get states for
    // delayed deletion. New tables hold idempotency keys and the audit log.
    R"sql(
ALTER TABLE access_tokens ADD COLUMN revocation_reason INTEGER NOT NULL
  DEFAULT 0 CHECK (revocation_reason BETWEEN 0 AND 4);
UPDATE access_tokens SET revocation_reason = 1 WHERE revoke_time IS NOT NULL;
-- The first token of the rotation family; every rotation copies it.
ALTER TABLE access_tokens ADD COLUMN family_id INTEGER
  REFERENCES access_tokens (id);
UPDATE access_tokens SET family_id = id;
ALTER TABLE access_tokens ADD COLUMN previous_id INTEGER
  REFERENCES access_tokens (id);
ALTER TABLE access_tokens ADD COLUMN next_id INTEGER
  REFERENCES access_tokens (id);
ALTER TABLE access_tokens ADD COLUMN last_use_time INTEGER;
-- Up to five client addresses, most recent first, separated by newlines.
ALTER TABLE access_tokens ADD COLUMN last_use_addresses TEXT NOT NULL
  DEFAULT '';
-- One key for both kinds of parent, and the sort keys of listings, so that
-- each listing order has one index: projects are positive, groups negative.
ALTER TABLE access_tokens ADD COLUMN parent_key INTEGER
  AS (coalesce(project_id, -group_id)) VIRTUAL;
ALTER TABLE access_tokens ADD COLUMN last_use_key INTEGER
  AS (coalesce(last_use_time, 0)) VIRTUAL;
CREATE INDEX access_tokens_by_family ON access_tokens (family_id);
CREATE INDEX access_tokens_by_expiry
  ON access_tokens (parent_key, expires_on, id);
CREATE INDEX access_tokens_by_last_use
  ON access_tokens (parent_key, last_use_key, id);
CREATE INDEX access_tokens_by_display_name
  ON access_tokens (parent_key, display_name, id);

ALTER TABLE memberships ADD COLUMN token_id INTEGER
  REFERENCES access_tokens (id);
UPDATE memberships SET token_id =
  (SELECT max(t.id) FROM access_tokens t WHERE t.user_id = memberships.user_id);

ALTER TABLE users ADD COLUMN purge_time INTEGER;
CREATE INDEX users_to_purge ON users (id)
  WHERE blocked = 1 AND purge_time IS NULL;

-- 1 active, 2 pending deletion, 3 deleted.
ALTER TABLE groups ADD COLUMN state INTEGER NOT NULL DEFAULT 1
  CHECK (state IN (1, 2, 3));
ALTER TABLE groups ADD COLUMN delete_time INTEGER;
-- 1 if the group or a group above it is not active. Every state change
-- updates it for the whole subtree, so that authentication reads one row
-- instead of walking up the tree.
ALTER TABLE groups ADD COLUMN subtree_inactive INTEGER NOT NULL DEFAULT 0
  CHECK (subtree_inactive IN (0, 1));
ALTER TABLE projects ADD COLUMN state INTEGER NOT NULL DEFAULT 1
  CHECK (state IN (1, 2, 3));
ALTER TABLE projects ADD COLUMN update_time INTEGER NOT NULL DEFAULT 0;
UPDATE projects SET update_time = create_time;
ALTER TABLE projects ADD COLUMN delete_time INTEGER;

-- The outcome of each request that carried a request_id, so that a retry
-- gets the same answer. The secret is sealed with a key derived from the
-- server's key file, never stored in plaintext.
CREATE TABLE idempotency_keys (
  request_id TEXT PRIMARY KEY,
  method INTEGER NOT NULL,
  fingerprint BLOB NOT NULL,
  token_id INTEGER NOT NULL REFERENCES access_tokens (id),
  previous_token_id INTEGER REFERENCES access_tokens (id),
  sealed_secret BLOB NOT NULL,
  create_time INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_by_time ON idempotency_keys (create_time);

CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  actor_user_id INTEGER,
  actor_bot_user_id INTEGER,
  actor_access_level INTEGER NOT NULL DEFAULT 0,
  action INTEGER NOT NULL,
  target TEXT NOT NULL,
  request_id TEXT NOT NULL DEFAULT '',
  status_code INTEGER NOT NULL,
  status_message TEXT NOT NULL DEFAULT '',
  -- Further resource names, separated by newlines.
  related_resources TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_by_target ON audit_events (target, id);
CREATE INDEX audit_events_by_time ON audit_events (time);
)sql",

    // Version 3: the index of the default listing order, tokens of one
    // parent in creation order, so that a page reads only its own rows.
    // Without it SQLite sorted all of the parent's tokens for every page.
    // It replaces the two indexes by project and by group, one fewer index
    // for every token write to update.
    R"sql(
CREATE INDEX access_tokens_by_parent ON access_tokens (parent_key, id);
DROP INDEX access_tokens_by_project;
DROP INDEX access_tokens_by_group;
)sql",

    // Version 4: each token row carries its bot user's name, email and
    // creation time, so authenticating a live token reads no row of users.
    // The server fills in existing rows in batches after start, below the id
    // in bot_copies_missing_below, so an upgrade does not rewrite them all at
    // once (FillBotCopies()).
    R"sql(
ALTER TABLE access_tokens ADD COLUMN bot_username TEXT;
ALTER TABLE access_tokens ADD COLUMN bot_email TEXT;
ALTER TABLE access_tokens ADD COLUMN bot_create_time INTEGER;
INSERT INTO settings (key, value)
  SELECT 'bot_copies_missing_below', max(id) + 1 FROM access_tokens
  HAVING max(id) IS NOT NULL;
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
