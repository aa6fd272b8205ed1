#include "storage/sqlite_store.h"

#include <sqlite3.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "glog/logging.h"
#include "storage/bot_names.h"
#include "storage/schema.h"
#include "storage/status_macros.h"

namespace accesstokens {
namespace {

constexpr absl::CivilDay kEpochDay(1970, 1, 1);

int64_t ToMicros(absl::Time time) { return absl::ToUnixMicros(time); }
absl::Time FromMicros(int64_t micros) { return absl::FromUnixMicros(micros); }
int64_t ToDayNumber(absl::CivilDay day) { return day - kEpochDay; }
absl::CivilDay FromDayNumber(int64_t days) { return kEpochDay + days; }

// Binds `resource` to the parameters `project_index` and `project_index + 1`,
// the project_id and group_id columns, one of which is NULL.
void BindResource(SqliteStatement& statement, int project_index,
                  const ResourceRef& resource) {
  if (resource.kind == ResourceKind::kProject) {
    statement.Bind(project_index, resource.id).BindNull(project_index + 1);
  } else {
    statement.BindNull(project_index).Bind(project_index + 1, resource.id);
  }
}

// Reads a resource from a project_id column and the group_id column after it.
ResourceRef ColumnResource(const SqliteStatement& statement,
                           int project_column) {
  if (!statement.IsNull(project_column)) {
    return {ResourceKind::kProject, statement.ColumnInt64(project_column)};
  }
  return {ResourceKind::kGroup, statement.ColumnInt64(project_column + 1)};
}

absl::Status NotFound(absl::string_view what, absl::string_view name) {
  return absl::NotFoundError(absl::StrCat(what, " \"", name, "\" not found"));
}

// --- Groups -----------------------------------------------------------------

constexpr char kSelectGroup[] =
    "SELECT g.id, g.parent_id, g.top_level_id, g.display_name, "
    "t.allow_project_token_creation, g.create_time, g.update_time "
    "FROM groups g JOIN groups t ON t.id = g.top_level_id WHERE g.id = ?";

absl::StatusOr<GroupRecord> ReadGroup(SqliteConnection& db, int64_t id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(SqliteStatement statement,
                                db.Prepare(kSelectGroup));
  statement.Bind(1, id);
  ACCESSTOKENS_ASSIGN_OR_RETURN(bool found, statement.Step());
  if (!found) return NotFound("group", GroupName(id));

  GroupRecord group;
  group.id = statement.ColumnInt64(0);
  group.parent_id = statement.ColumnOptionalInt64(1);
  group.top_level_id = statement.ColumnInt64(2);
  group.display_name = statement.ColumnText(3);
  group.allow_project_token_creation = statement.ColumnInt64(4) != 0;
  group.create_time = FromMicros(statement.ColumnInt64(5));
  group.update_time = FromMicros(statement.ColumnInt64(6));
  return group;
}

absl::StatusOr<bool> GroupExists(SqliteConnection& db, int64_t id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare("SELECT 1 FROM groups WHERE id = ?"));
  statement.Bind(1, id);
  return statement.Step();
}

absl::StatusOr<GroupRecord> InsertGroup(SqliteConnection& db,
                                        const NewGroup& group) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(bool exists, GroupExists(db, group.id));
  if (exists) {
    return absl::AlreadyExistsError(
        absl::StrCat("group \"", GroupName(group.id), "\" already exists"));
  }

  int64_t top_level_id = group.id;
  if (group.parent_id.has_value()) {
    absl::StatusOr<GroupRecord> parent = ReadGroup(db, *group.parent_id);
    if (absl::IsNotFound(parent.status())) {
      return NotFound("parent group", GroupName(*group.parent_id));
    }
    if (!parent.ok()) return parent.status();
    top_level_id = parent->top_level_id;
  }

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement insert,
      db.Prepare("INSERT INTO groups (id, parent_id, top_level_id, "
                 "display_name, allow_project_token_creation, create_time, "
                 "update_time) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  insert.Bind(1, group.id)
      .Bind(2, group.parent_id)
      .Bind(3, top_level_id)
      .Bind(4, group.display_name)
      .Bind(5, int64_t{group.allow_project_token_creation ? 1 : 0})
      .Bind(6, ToMicros(group.create_time))
      .Bind(7, ToMicros(group.create_time));
  ACCESSTOKENS_RETURN_IF_ERROR(insert.Run());
  return ReadGroup(db, group.id);
}

absl::StatusOr<GroupRecord> ApplyGroupUpdate(SqliteConnection& db,
                                             const GroupUpdate& update) {
  ACCESSTOKENS_RETURN_IF_ERROR(ReadGroup(db, update.id).status());

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare("UPDATE groups SET "
                 "display_name = coalesce(?, display_name), "
                 "allow_project_token_creation = "
                 "coalesce(?, allow_project_token_creation), "
                 "update_time = ? WHERE id = ?"));
  if (update.display_name.has_value()) {
    statement.Bind(1, *update.display_name);
  } else {
    statement.BindNull(1);
  }
  if (update.allow_project_token_creation.has_value()) {
    statement.Bind(2, int64_t{*update.allow_project_token_creation ? 1 : 0});
  } else {
    statement.BindNull(2);
  }
  statement.Bind(3, ToMicros(update.update_time)).Bind(4, update.id);
  ACCESSTOKENS_RETURN_IF_ERROR(statement.Run());
  return ReadGroup(db, update.id);
}

// --- Projects ---------------------------------------------------------------

constexpr char kSelectProject[] =
    "SELECT p.id, p.group_id, g.top_level_id, p.display_name, "
    "coalesce(t.allow_project_token_creation, 1), p.create_time "
    "FROM projects p "
    "LEFT JOIN groups g ON g.id = p.group_id "
    "LEFT JOIN groups t ON t.id = g.top_level_id "
    "WHERE p.id = ?";

absl::StatusOr<ProjectRecord> ReadProject(SqliteConnection& db, int64_t id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(SqliteStatement statement,
                                db.Prepare(kSelectProject));
  statement.Bind(1, id);
  ACCESSTOKENS_ASSIGN_OR_RETURN(bool found, statement.Step());
  if (!found) return NotFound("project", ProjectName(id));

  ProjectRecord project;
  project.id = statement.ColumnInt64(0);
  project.group_id = statement.ColumnOptionalInt64(1);
  project.top_level_group_id = statement.ColumnOptionalInt64(2);
  project.display_name = statement.ColumnText(3);
  project.token_creation_allowed = statement.ColumnInt64(4) != 0;
  project.create_time = FromMicros(statement.ColumnInt64(5));
  return project;
}

absl::StatusOr<ProjectRecord> InsertProject(SqliteConnection& db,
                                            const NewProject& project) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement exists,
      db.Prepare("SELECT 1 FROM projects WHERE id = ?"));
  exists.Bind(1, project.id);
  ACCESSTOKENS_ASSIGN_OR_RETURN(bool taken, exists.Step());
  if (taken) {
    return absl::AlreadyExistsError(absl::StrCat(
        "project \"", ProjectName(project.id), "\" already exists"));
  }

  if (project.group_id.has_value()) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(bool group_exists,
                                  GroupExists(db, *project.group_id));
    if (!group_exists) {
      return NotFound("parent group", GroupName(*project.group_id));
    }
  }

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement insert,
      db.Prepare("INSERT INTO projects (id, group_id, display_name, "
                 "create_time) VALUES (?, ?, ?, ?)"));
  insert.Bind(1, project.id)
      .Bind(2, project.group_id)
      .Bind(3, project.display_name)
      .Bind(4, ToMicros(project.create_time));
  ACCESSTOKENS_RETURN_IF_ERROR(insert.Run());
  return ReadProject(db, project.id);
}

// --- Access tokens ----------------------------------------------------------

#define ACCESSTOKENS_TOKEN_COLUMNS                                         \
  "id, project_id, group_id, user_id, display_name, description, scopes, " \
  "access_level, expires_on, create_time, revoke_time "

constexpr char kSelectToken[] =
    "SELECT " ACCESSTOKENS_TOKEN_COLUMNS "FROM access_tokens WHERE id = ?";
constexpr char kSelectTokenByDigest[] =
    "SELECT " ACCESSTOKENS_TOKEN_COLUMNS
    "FROM access_tokens WHERE digest = ?";

// Reads the columns of ACCESSTOKENS_TOKEN_COLUMNS.
TokenRecord ColumnToken(const SqliteStatement& statement) {
  TokenRecord token;
  token.id = statement.ColumnInt64(0);
  token.parent = ColumnResource(statement, 1);
  token.user_id = statement.ColumnInt64(3);
  token.display_name = statement.ColumnText(4);
  token.description = statement.ColumnText(5);
  token.scopes = static_cast<uint32_t>(statement.ColumnInt64(6));
  token.access_level = static_cast<int>(statement.ColumnInt64(7));
  token.expires_on = FromDayNumber(statement.ColumnInt64(8));
  token.create_time = FromMicros(statement.ColumnInt64(9));
  if (std::optional<int64_t> revoked = statement.ColumnOptionalInt64(10)) {
    token.revoke_time = FromMicros(*revoked);
  }
  return token;
}

// Returns the token `id` if it exists under `parent`. A token of another
// parent is NOT_FOUND too, so that names of other parents cannot be probed.
absl::StatusOr<TokenRecord> ReadToken(SqliteConnection& db,
                                      const ResourceRef& parent, int64_t id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(SqliteStatement statement,
                                db.Prepare(kSelectToken));
  statement.Bind(1, id);
  ACCESSTOKENS_ASSIGN_OR_RETURN(bool found, statement.Step());
  if (!found) return NotFound("access token", AccessTokenName(parent, id));
  TokenRecord token = ColumnToken(statement);
  if (token.parent != parent) {
    return NotFound("access token", AccessTokenName(parent, id));
  }
  return token;
}

// --- Bot users --------------------------------------------------------------

#define ACCESSTOKENS_USER_QUERY                                              \
  "SELECT u.id, u.username, u.email, u.display_name, u.project_id, "         \
  "u.group_id, u.blocked, m.access_level, "                                  \
  "(SELECT max(t.id) FROM access_tokens t WHERE t.user_id = u.id), "         \
  "u.create_time "                                                           \
  "FROM users u LEFT JOIN memberships m ON m.user_id = u.id "

constexpr char kSelectUser[] = ACCESSTOKENS_USER_QUERY "WHERE u.id = ?";
constexpr char kListProjectUsers[] = ACCESSTOKENS_USER_QUERY
    "WHERE u.project_id = ? AND u.id > ? ORDER BY u.id LIMIT ?";
constexpr char kListGroupUsers[] = ACCESSTOKENS_USER_QUERY
    "WHERE u.group_id = ? AND u.id > ? ORDER BY u.id LIMIT ?";

BotUserRecord ColumnUser(const SqliteStatement& statement) {
  BotUserRecord user;
  user.id = statement.ColumnInt64(0);
  user.username = statement.ColumnText(1);
  user.email = statement.ColumnText(2);
  user.display_name = statement.ColumnText(3);
  user.resource = ColumnResource(statement, 4);
  user.blocked = statement.ColumnInt64(6) != 0;
  if (std::optional<int64_t> level = statement.ColumnOptionalInt64(7)) {
    user.membership_access_level = static_cast<int>(*level);
  }
  user.token_id = statement.ColumnInt64(8);
  user.create_time = FromMicros(statement.ColumnInt64(9));
  return user;
}

absl::StatusOr<BotUserRecord> ReadUser(SqliteConnection& db, int64_t id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(SqliteStatement statement,
                                db.Prepare(kSelectUser));
  statement.Bind(1, id);
  ACCESSTOKENS_ASSIGN_OR_RETURN(bool found, statement.Step());
  if (!found) return NotFound("bot user", UserName(id));
  return ColumnUser(statement);
}

// Returns true if the username or the email of bot `number` of `resource`
// belongs to an existing user.
absl::StatusOr<bool> BotNameTaken(SqliteConnection& db,
                                  const ResourceRef& resource, int64_t number,
                                  absl::string_view email_domain) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare("SELECT 1 FROM users WHERE username = ? OR email = ?"));
  statement.Bind(1, BotUsername(resource, number))
      .Bind(2, BotEmail(resource, number, email_domain));
  return statement.Step();
}

// Returns the lowest bot number of `resource` that is at least the
// resource's counter and whose username and email are both free, and moves
// the counter past it. Numbers below the counter were handed out before and
// are never reused, even after their users were removed.
absl::StatusOr<int64_t> AllocateBotNumber(SqliteConnection& db,
                                          const ResourceRef& resource,
                                          absl::string_view email_domain) {
  const int64_t kind = resource.kind == ResourceKind::kProject ? 0 : 1;
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement counter,
      db.Prepare("SELECT next_number FROM bot_name_counters "
                 "WHERE resource_kind = ? AND resource_id = ?"));
  counter.Bind(1, kind).Bind(2, resource.id);
  ACCESSTOKENS_ASSIGN_OR_RETURN(bool has_counter, counter.Step());
  int64_t number = has_counter ? counter.ColumnInt64(0) : 0;

  while (true) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        bool taken, BotNameTaken(db, resource, number, email_domain));
    if (!taken) break;
    LOG(WARNING) << "bot name " << BotUsername(resource, number)
                 << " is taken; trying the next number";
    ++number;
  }

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement advance,
      db.Prepare("INSERT INTO bot_name_counters (resource_kind, resource_id, "
                 "next_number) VALUES (?, ?, ?) "
                 "ON CONFLICT (resource_kind, resource_id) "
                 "DO UPDATE SET next_number = excluded.next_number"));
  advance.Bind(1, kind).Bind(2, resource.id).Bind(3, number + 1);
  ACCESSTOKENS_RETURN_IF_ERROR(advance.Run());
  return number;
}

absl::StatusOr<TokenParentState> ReadTokenParent(SqliteConnection& db,
                                                 const ResourceRef& parent) {
  TokenParentState state;
  state.resource = parent;
  if (parent.kind == ResourceKind::kProject) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(ProjectRecord project,
                                  ReadProject(db, parent.id));
    state.top_level_group_id = project.top_level_group_id;
    state.project_token_creation_allowed = project.token_creation_allowed;
  } else {
    ACCESSTOKENS_ASSIGN_OR_RETURN(GroupRecord group,
                                  ReadGroup(db, parent.id));
    state.top_level_group_id = group.top_level_id;
  }
  return state;
}

absl::StatusOr<CreatedAccessToken> InsertAccessToken(
    SqliteConnection& db, const NewAccessToken& request,
    absl::string_view email_domain) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(TokenParentState parent,
                                ReadTokenParent(db, request.parent));
  ACCESSTOKENS_RETURN_IF_ERROR(request.check(parent));

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      int64_t number, AllocateBotNumber(db, request.parent, email_domain));
  CreatedAccessToken created;
  BotUserRecord& user = created.bot_user;
  user.username = BotUsername(request.parent, number);
  user.email = BotEmail(request.parent, number, email_domain);
  user.display_name = request.display_name;
  user.resource = request.parent;
  user.membership_access_level = request.access_level;
  user.create_time = request.create_time;

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement insert_user,
      db.Prepare("INSERT INTO users (username, email, display_name, "
                 "project_id, group_id, create_time) "
                 "VALUES (?, ?, ?, ?, ?, ?)"));
  insert_user.Bind(1, user.username)
      .Bind(2, user.email)
      .Bind(3, user.display_name)
      .Bind(6, ToMicros(user.create_time));
  BindResource(insert_user, 4, request.parent);
  ACCESSTOKENS_RETURN_IF_ERROR(insert_user.Run());
  user.id = sqlite3_last_insert_rowid(db.handle());

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement insert_membership,
      db.Prepare("INSERT INTO memberships (user_id, project_id, group_id, "
                 "access_level) VALUES (?, ?, ?, ?)"));
  insert_membership.Bind(1, user.id).Bind(4, int64_t{request.access_level});
  BindResource(insert_membership, 2, request.parent);
  ACCESSTOKENS_RETURN_IF_ERROR(insert_membership.Run());

  TokenRecord& token = created.token;
  token.parent = request.parent;
  token.user_id = user.id;
  token.display_name = request.display_name;
  token.description = request.description;
  token.scopes = request.scopes;
  token.access_level = request.access_level;
  token.expires_on = request.expires_on;
  token.create_time = request.create_time;

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement insert_token,
      db.Prepare("INSERT INTO access_tokens (project_id, group_id, user_id, "
                 "display_name, description, scopes, access_level, "
                 "expires_on, digest, create_time) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  BindResource(insert_token, 1, request.parent);
  insert_token.Bind(3, user.id)
      .Bind(4, token.display_name)
      .Bind(5, token.description)
      .Bind(6, int64_t{token.scopes})
      .Bind(7, int64_t{token.access_level})
      .Bind(8, ToDayNumber(token.expires_on))
      .BindBlob(9, request.digest)
      .Bind(10, ToMicros(token.create_time));
  ACCESSTOKENS_RETURN_IF_ERROR(insert_token.Run());
  token.id = sqlite3_last_insert_rowid(db.handle());
  user.token_id = token.id;
  return created;
}

absl::StatusOr<TokenRecord> RevokeToken(SqliteConnection& db,
                                        const ResourceRef& parent,
                                        int64_t token_id, absl::Time now) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(TokenRecord token,
                                ReadToken(db, parent, token_id));
  if (token.revoke_time.has_value()) return token;

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement revoke,
      db.Prepare("UPDATE access_tokens SET revoke_time = ? WHERE id = ?"));
  revoke.Bind(1, ToMicros(now)).Bind(2, token.id);
  ACCESSTOKENS_RETURN_IF_ERROR(revoke.Run());

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement block,
      db.Prepare("UPDATE users SET blocked = 1 WHERE id = ?"));
  block.Bind(1, token.user_id);
  ACCESSTOKENS_RETURN_IF_ERROR(block.Run());

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement end_membership,
      db.Prepare("DELETE FROM memberships WHERE user_id = ?"));
  end_membership.Bind(1, token.user_id);
  ACCESSTOKENS_RETURN_IF_ERROR(end_membership.Run());

  token.revoke_time = now;
  return token;
}

// Splits the rows of a listing that asked for `limit + 1` rows into a page.
template <typename Record>
Page<Record> ToPage(std::vector<Record> rows, int limit) {
  Page<Record> page;
  page.has_more = static_cast<int>(rows.size()) > limit;
  if (page.has_more) rows.resize(limit);
  page.records = std::move(rows);
  return page;
}

}  // namespace

// --- Opening and closing ----------------------------------------------------

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    SqliteStoreOptions options) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      std::unique_ptr<SqliteConnection> writer,
      SqliteConnection::Open(options.path, options.busy_timeout));
  ACCESSTOKENS_ASSIGN_OR_RETURN(int64_t version, MigrateSchema(*writer));
  return std::unique_ptr<SqliteStore>(
      new SqliteStore(std::move(options), version, std::move(writer)));
}

SqliteStore::SqliteStore(SqliteStoreOptions options, int64_t schema_version,
                         std::unique_ptr<SqliteConnection> writer_connection)
    : options_(std::move(options)),
      schema_version_(schema_version),
      writer_(std::make_unique<SqliteWriter>(std::move(writer_connection),
                                             options_.max_batch_size)) {}

SqliteStore::~SqliteStore() {
  writer_.reset();
  absl::MutexLock lock(&readers_mu_);
  CHECK_EQ(idle_readers_.size(), open_readers_)
      << "the store was destroyed while a read was running";
  idle_readers_.clear();
}

SqliteStore::Reader::Reader(SqliteStore* store,
                            std::unique_ptr<SqliteConnection> connection)
    : store_(store), connection_(std::move(connection)) {}

SqliteStore::Reader::~Reader() {
  if (connection_ == nullptr) return;  // Moved from.
  absl::MutexLock lock(&store_->readers_mu_);
  store_->idle_readers_.push_back(std::move(connection_));
}

absl::StatusOr<SqliteStore::Reader> SqliteStore::AcquireReader() {
  {
    absl::MutexLock lock(&readers_mu_);
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(readers_mu_) {
      return !idle_readers_.empty() || open_readers_ < options_.max_readers;
    };
    readers_mu_.Await(absl::Condition(&available));
    if (!idle_readers_.empty()) {
      std::unique_ptr<SqliteConnection> connection =
          std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return Reader(this, std::move(connection));
    }
    ++open_readers_;  // Reserve a place; the connection opens unlocked.
  }

  absl::StatusOr<std::unique_ptr<SqliteConnection>> connection =
      SqliteConnection::Open(options_.path, options_.busy_timeout);
  if (!connection.ok()) {
    absl::MutexLock lock(&readers_mu_);
    --open_readers_;
    return connection.status();
  }
  return Reader(this, *std::move(connection));
}

template <typename T>
void SqliteStore::Write(
    absl::AnyInvocable<absl::StatusOr<T>(SqliteConnection&)> work,
    WriteCallback<T> done) {
  // The result waits here between the work, inside the transaction, and the
  // completion, after the commit.
  auto result = std::make_shared<absl::StatusOr<T>>(
      absl::InternalError("write did not run"));
  writer_->Submit(
      [work = std::move(work), result](SqliteConnection& db) mutable {
        *result = work(db);
        return result->status();
      },
      [done = std::move(done), result](absl::Status status) mutable {
        if (!status.ok()) {
          std::move(done)(std::move(status));
          return;
        }
        std::move(done)(std::move(*result));
      });
}

// --- Reads ------------------------------------------------------------------

absl::StatusOr<GroupRecord> SqliteStore::GetGroup(int64_t group_id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
  return ReadGroup(*reader, group_id);
}

absl::StatusOr<ProjectRecord> SqliteStore::GetProject(int64_t project_id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
  return ReadProject(*reader, project_id);
}

absl::StatusOr<TokenRecord> SqliteStore::GetAccessToken(int64_t token_id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
  ACCESSTOKENS_ASSIGN_OR_RETURN(SqliteStatement statement,
                                (*reader).Prepare(kSelectToken));
  statement.Bind(1, token_id);
  ACCESSTOKENS_ASSIGN_OR_RETURN(bool found, statement.Step());
  if (!found) {
    return absl::NotFoundError(
        absl::StrCat("access token ", token_id, " not found"));
  }
  return ColumnToken(statement);
}

absl::StatusOr<Page<TokenRecord>> SqliteStore::ListAccessTokens(
    const TokenListQuery& query) {
  // One statement per parent kind and state filter, so that each uses the
  // parent's partial index.
  static constexpr const char* kQueries[2][3] = {
      {
          "SELECT " ACCESSTOKENS_TOKEN_COLUMNS
          "FROM access_tokens WHERE project_id = ?1 AND id > ?2 "
          "ORDER BY id LIMIT ?3",
          "SELECT " ACCESSTOKENS_TOKEN_COLUMNS
          "FROM access_tokens WHERE project_id = ?1 AND id > ?2 "
          "AND revoke_time IS NULL AND expires_on > ?4 "
          "ORDER BY id LIMIT ?3",
          "SELECT " ACCESSTOKENS_TOKEN_COLUMNS
          "FROM access_tokens WHERE project_id = ?1 AND id > ?2 "
          "AND (revoke_time IS NOT NULL OR expires_on <= ?4) "
          "ORDER BY id LIMIT ?3",
      },
      {
          "SELECT " ACCESSTOKENS_TOKEN_COLUMNS
          "FROM access_tokens WHERE group_id = ?1 AND id > ?2 "
          "ORDER BY id LIMIT ?3",
          "SELECT " ACCESSTOKENS_TOKEN_COLUMNS
          "FROM access_tokens WHERE group_id = ?1 AND id > ?2 "
          "AND revoke_time IS NULL AND expires_on > ?4 "
          "ORDER BY id LIMIT ?3",
          "SELECT " ACCESSTOKENS_TOKEN_COLUMNS
          "FROM access_tokens WHERE group_id = ?1 AND id > ?2 "
          "AND (revoke_time IS NOT NULL OR expires_on <= ?4) "
          "ORDER BY id LIMIT ?3",
      },
  };
  const int kind = query.parent.kind == ResourceKind::kProject ? 0 : 1;
  const int filter = static_cast<int>(query.state);

  ACCESSTOKENS_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
  SqliteConnection& db = *reader;
  // A read transaction, so that the parent check and the rows agree.
  SqliteTransaction transaction(&db, SqliteTransaction::Mode::kDeferred);
  ACCESSTOKENS_RETURN_IF_ERROR(transaction.status());
  ACCESSTOKENS_RETURN_IF_ERROR(ReadTokenParent(db, query.parent).status());

  ACCESSTOKENS_ASSIGN_OR_RETURN(SqliteStatement statement,
                                db.Prepare(kQueries[kind][filter]));
  statement.Bind(1, query.parent.id)
      .Bind(2, query.page.after_id)
      .Bind(3, int64_t{query.page.limit} + 1);
  if (query.state != TokenStateFilter::kAll) {
    statement.Bind(4, ToDayNumber(query.today));
  }
  std::vector<TokenRecord> rows;
  while (true) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(bool row, statement.Step());
    if (!row) break;
    rows.push_back(ColumnToken(statement));
  }
  return ToPage(std::move(rows), query.page.limit);
}

absl::StatusOr<BotUserRecord> SqliteStore::GetBotUser(int64_t user_id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
  return ReadUser(*reader, user_id);
}

absl::StatusOr<Page<BotUserRecord>> SqliteStore::ListBotUsers(
    const ResourceRef& parent, const PageQuery& page) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
  SqliteConnection& db = *reader;
  SqliteTransaction transaction(&db, SqliteTransaction::Mode::kDeferred);
  ACCESSTOKENS_RETURN_IF_ERROR(transaction.status());
  ACCESSTOKENS_RETURN_IF_ERROR(ReadTokenParent(db, parent).status());

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare(parent.kind == ResourceKind::kProject ? kListProjectUsers
                                                       : kListGroupUsers));
  statement.Bind(1, parent.id)
      .Bind(2, page.after_id)
      .Bind(3, int64_t{page.limit} + 1);
  std::vector<BotUserRecord> rows;
  while (true) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(bool row, statement.Step());
    if (!row) break;
    rows.push_back(ColumnUser(statement));
  }
  return ToPage(std::move(rows), page.limit);
}

absl::StatusOr<TokenOwnership> SqliteStore::FindTokenByDigest(
    absl::string_view digest) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
  SqliteConnection& db = *reader;
  SqliteTransaction transaction(&db, SqliteTransaction::Mode::kDeferred);
  ACCESSTOKENS_RETURN_IF_ERROR(transaction.status());

  TokenOwnership ownership;
  {
    ACCESSTOKENS_ASSIGN_OR_RETURN(SqliteStatement statement,
                                  db.Prepare(kSelectTokenByDigest));
    statement.BindBlob(1, digest);
    ACCESSTOKENS_ASSIGN_OR_RETURN(bool found, statement.Step());
    if (!found) return absl::NotFoundError("no token has this digest");
    ownership.token = ColumnToken(statement);
  }
  ACCESSTOKENS_ASSIGN_OR_RETURN(ownership.bot_user,
                                ReadUser(db, ownership.token.user_id));
  const ResourceRef& parent = ownership.token.parent;
  if (parent.kind == ResourceKind::kProject) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(ownership.resource,
                                  ReadProject(db, parent.id));
  } else {
    ACCESSTOKENS_ASSIGN_OR_RETURN(ownership.resource,
                                  ReadGroup(db, parent.id));
  }
  return ownership;
}

absl::Status SqliteStore::CheckDigestKey(absl::string_view fingerprint) {
  absl::Status outcome;
  absl::Notification finished;
  writer_->Submit(
      [fingerprint = std::string(fingerprint)](SqliteConnection& db) {
        ACCESSTOKENS_ASSIGN_OR_RETURN(
            SqliteStatement select,
            db.Prepare("SELECT value FROM settings WHERE key = 'digest_key'"));
        ACCESSTOKENS_ASSIGN_OR_RETURN(bool found, select.Step());
        if (found) {
          if (select.ColumnBlob(0) == fingerprint) return absl::OkStatus();
          return absl::FailedPreconditionError(
              "the database was written with another secret key: its token "
              "digests cannot match; start the server with the key file "
              "that created this database");
        }
        ACCESSTOKENS_ASSIGN_OR_RETURN(
            SqliteStatement insert,
            db.Prepare("INSERT INTO settings (key, value) "
                       "VALUES ('digest_key', ?)"));
        insert.BindBlob(1, fingerprint);
        return insert.Run();
      },
      [&outcome, &finished](absl::Status status) {
        outcome = std::move(status);
        finished.Notify();
      });
  finished.WaitForNotification();
  return outcome;
}

// --- Writes -----------------------------------------------------------------

void SqliteStore::CreateGroup(NewGroup group,
                              WriteCallback<GroupRecord> done) {
  Write<GroupRecord>(
      [group = std::move(group)](SqliteConnection& db) {
        return InsertGroup(db, group);
      },
      std::move(done));
}

void SqliteStore::UpdateGroup(GroupUpdate update,
                              WriteCallback<GroupRecord> done) {
  Write<GroupRecord>(
      [update = std::move(update)](SqliteConnection& db) {
        return ApplyGroupUpdate(db, update);
      },
      std::move(done));
}

void SqliteStore::CreateProject(NewProject project,
                                WriteCallback<ProjectRecord> done) {
  Write<ProjectRecord>(
      [project = std::move(project)](SqliteConnection& db) {
        return InsertProject(db, project);
      },
      std::move(done));
}

void SqliteStore::CreateAccessToken(NewAccessToken token,
                                    WriteCallback<CreatedAccessToken> done) {
  Write<CreatedAccessToken>(
      [token = std::move(token),
       domain = options_.email_domain](SqliteConnection& db) {
        return InsertAccessToken(db, token, domain);
      },
      std::move(done));
}

void SqliteStore::RevokeAccessToken(const ResourceRef& parent,
                                    int64_t token_id, absl::Time now,
                                    WriteCallback<TokenRecord> done) {
  Write<TokenRecord>(
      [parent, token_id, now](SqliteConnection& db) {
        return RevokeToken(db, parent, token_id, now);
      },
      std::move(done));
}

}  // namespace accesstokens
