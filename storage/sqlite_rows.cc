// Readers of single records, shared by the reads and the writes of
// SqliteStore, and the audit log writer.

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "storage/sqlite_operations.h"
#include "storage/sqlite_rows.h"
#include "storage/status_macros.h"

namespace accesstokens::internal {
namespace {

constexpr absl::CivilDay kEpochDay(1970, 1, 1);

}  // namespace

int64_t ToMicros(absl::Time time) { return absl::ToUnixMicros(time); }
absl::Time FromMicros(int64_t micros) { return absl::FromUnixMicros(micros); }
int64_t ToDayNumber(absl::CivilDay day) { return day - kEpochDay; }
absl::CivilDay FromDayNumber(int64_t days) { return kEpochDay + days; }

absl::Status NotFound(absl::string_view what, absl::string_view name) {
  return absl::NotFoundError(absl::StrCat(what, " \"", name, "\" not found"));
}

void BindResource(SqliteStatement& statement, int project_index,
                  const ResourceRef& resource) {
  if (resource.kind == ResourceKind::kProject) {
    statement.Bind(project_index, resource.id).BindNull(project_index + 1);
  } else {
    statement.BindNull(project_index).Bind(project_index + 1, resource.id);
  }
}

ResourceRef ColumnResource(const SqliteStatement& statement,
                           int project_column) {
  if (!statement.IsNull(project_column)) {
    return {ResourceKind::kProject, statement.ColumnInt64(project_column)};
  }
  return {ResourceKind::kGroup, statement.ColumnInt64(project_column + 1)};
}

int64_t ParentKey(const ResourceRef& resource) {
  return resource.kind == ResourceKind::kProject ? resource.id : -resource.id;
}

std::vector<std::string> SplitLines(absl::string_view text) {
  if (text.empty()) return {};
  return absl::StrSplit(text, '\n');
}

// --- Groups and projects ----------------------------------------------------

absl::StatusOr<GroupRecord> ReadGroup(SqliteConnection& db, int64_t id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare("SELECT g.id, g.parent_id, g.top_level_id, g.display_name, "
                 "t.allow_project_token_creation, g.state, g.create_time, "
                 "g.update_time "
                 "FROM groups g JOIN groups t ON t.id = g.top_level_id "
                 "WHERE g.id = ?"));
  statement.Bind(1, id);
  ACCESSTOKENS_ASSIGN_OR_RETURN(bool found, statement.Step());
  if (!found) return NotFound("group", GroupName(id));

  GroupRecord group;
  group.id = statement.ColumnInt64(0);
  group.parent_id = statement.ColumnOptionalInt64(1);
  group.top_level_id = statement.ColumnInt64(2);
  group.display_name = statement.ColumnText(3);
  group.allow_project_token_creation = statement.ColumnInt64(4) != 0;
  group.state = static_cast<ResourceState>(statement.ColumnInt64(5));
  group.create_time = FromMicros(statement.ColumnInt64(6));
  group.update_time = FromMicros(statement.ColumnInt64(7));
  return group;
}

absl::StatusOr<ProjectRecord> ReadProject(SqliteConnection& db, int64_t id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare("SELECT p.id, p.group_id, g.top_level_id, p.display_name, "
                 "coalesce(t.allow_project_token_creation, 1), p.state, "
                 "p.create_time, p.update_time "
                 "FROM projects p "
                 "LEFT JOIN groups g ON g.id = p.group_id "
                 "LEFT JOIN groups t ON t.id = g.top_level_id "
                 "WHERE p.id = ?"));
  statement.Bind(1, id);
  ACCESSTOKENS_ASSIGN_OR_RETURN(bool found, statement.Step());
  if (!found) return NotFound("project", ProjectName(id));

  ProjectRecord project;
  project.id = statement.ColumnInt64(0);
  project.group_id = statement.ColumnOptionalInt64(1);
  project.top_level_group_id = statement.ColumnOptionalInt64(2);
  project.display_name = statement.ColumnText(3);
  project.token_creation_allowed = statement.ColumnInt64(4) != 0;
  project.state = static_cast<ResourceState>(statement.ColumnInt64(5));
  project.create_time = FromMicros(statement.ColumnInt64(6));
  project.update_time = FromMicros(statement.ColumnInt64(7));
  return project;
}

// Returns the nearest group, starting at `group_id` and going up, that is
// not active.
absl::StatusOr<std::optional<int64_t>> FindInactiveGroup(SqliteConnection& db,
                                                         int64_t group_id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare("WITH RECURSIVE chain (id, parent_id, state, depth) AS ("
                 "  SELECT id, parent_id, state, 0 FROM groups WHERE id = ? "
                 "  UNION ALL "
                 "  SELECT g.id, g.parent_id, g.state, chain.depth + 1 "
                 "  FROM groups g JOIN chain ON g.id = chain.parent_id) "
                 "SELECT id FROM chain WHERE state != 1 "
                 "ORDER BY depth LIMIT 1"));
  statement.Bind(1, group_id);
  ACCESSTOKENS_ASSIGN_OR_RETURN(bool found, statement.Step());
  if (!found) return std::optional<int64_t>();
  return std::optional<int64_t>(statement.ColumnInt64(0));
}

absl::StatusOr<TokenParentState> ReadTokenParent(SqliteConnection& db,
                                                 const ResourceRef& parent) {
  TokenParentState state;
  state.resource = parent;
  std::optional<int64_t> group_above;
  if (parent.kind == ResourceKind::kProject) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(ProjectRecord project,
                                  ReadProject(db, parent.id));
    state.top_level_group_id = project.top_level_group_id;
    state.project_token_creation_allowed = project.token_creation_allowed;
    state.state = project.state;
    group_above = project.group_id;
  } else {
    ACCESSTOKENS_ASSIGN_OR_RETURN(GroupRecord group,
                                  ReadGroup(db, parent.id));
    state.top_level_group_id = group.top_level_id;
    state.state = group.state;
    group_above = group.parent_id;
  }
  if (group_above.has_value()) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(state.inactive_ancestor_id,
                                  FindInactiveGroup(db, *group_above));
  }
  return state;
}

// --- Tokens -----------------------------------------------------------------

TokenRecord ColumnToken(const SqliteStatement& statement, int first) {
  const auto column = [first](int i) { return first + i; };
  TokenRecord token;
  token.id = statement.ColumnInt64(column(0));
  token.parent = ColumnResource(statement, column(1));
  token.user_id = statement.ColumnInt64(column(3));
  token.display_name = statement.ColumnText(column(4));
  token.description = statement.ColumnText(column(5));
  token.scopes = static_cast<uint32_t>(statement.ColumnInt64(column(6)));
  token.access_level = static_cast<int>(statement.ColumnInt64(column(7)));
  token.expires_on = FromDayNumber(statement.ColumnInt64(column(8)));
  token.create_time = FromMicros(statement.ColumnInt64(column(9)));
  if (std::optional<int64_t> revoked =
          statement.ColumnOptionalInt64(column(10))) {
    token.revoke_time = FromMicros(*revoked);
  }
  token.revocation_reason =
      static_cast<RevocationReason>(statement.ColumnInt64(column(11)));
  token.family_id = statement.ColumnInt64(column(12));
  token.previous_id = statement.ColumnOptionalInt64(column(13));
  token.next_id = statement.ColumnOptionalInt64(column(14));
  if (std::optional<int64_t> used = statement.ColumnOptionalInt64(column(15))) {
    token.last_use_time = FromMicros(*used);
  }
  token.last_use_addresses = SplitLines(statement.ColumnText(column(16)));
  return token;
}

absl::StatusOr<TokenRecord> ReadToken(SqliteConnection& db, int64_t id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare("SELECT " ACCESSTOKENS_TOKEN_COLUMNS
                 " FROM access_tokens WHERE id = ?"));
  statement.Bind(1, id);
  ACCESSTOKENS_ASSIGN_OR_RETURN(bool found, statement.Step());
  if (!found) {
    return absl::NotFoundError(absl::StrCat("access token ", id, " not found"));
  }
  return ColumnToken(statement);
}

absl::StatusOr<TokenRecord> ReadTokenUnder(SqliteConnection& db,
                                           const TokenKey& key) {
  absl::StatusOr<TokenRecord> token = ReadToken(db, key.id);
  if ((token.ok() && token->parent != key.parent) ||
      absl::IsNotFound(token.status())) {
    return NotFound("access token", AccessTokenName(key.parent, key.id));
  }
  return token;
}

absl::StatusOr<TokenRecord> ReadTokenByDigest(SqliteConnection& db,
                                              absl::string_view digest,
                                              std::string* stored_digest) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare("SELECT " ACCESSTOKENS_TOKEN_COLUMNS
                 ", digest FROM access_tokens WHERE digest = ?"));
  statement.BindBlob(1, digest);
  ACCESSTOKENS_ASSIGN_OR_RETURN(bool found, statement.Step());
  if (!found) return absl::NotFoundError("no token has this digest");
  if (stored_digest != nullptr) *stored_digest = statement.ColumnBlob(17);
  return ColumnToken(statement);
}

// --- Bot users --------------------------------------------------------------

BotUserRecord ColumnUser(const SqliteStatement& statement, int first) {
  const auto column = [first](int i) { return first + i; };
  BotUserRecord user;
  user.id = statement.ColumnInt64(column(0));
  user.username = statement.ColumnText(column(1));
  user.email = statement.ColumnText(column(2));
  user.display_name = statement.ColumnText(column(3));
  user.resource = ColumnResource(statement, column(4));
  user.blocked = statement.ColumnInt64(column(6)) != 0;
  user.purged = !statement.IsNull(column(7));
  if (std::optional<int64_t> level = statement.ColumnOptionalInt64(column(8))) {
    user.membership_access_level = static_cast<int>(*level);
  }
  user.token_id = statement.ColumnInt64(column(9));
  user.create_time = FromMicros(statement.ColumnInt64(column(10)));
  return user;
}

namespace {

// Reads the bot user of `token` from users. Writes change token, bot and
// membership together, so only a revoked token needs the membership read.
absl::StatusOr<BotUserRecord> ReadBotOfToken(SqliteConnection& db,
                                             const TokenRecord& token) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare(
          "SELECT u.id, u.username, u.email, u.display_name, u.project_id, "
          "u.group_id, u.blocked, u.purge_time, "
          "CASE WHEN ?2 AND u.blocked = 0 THEN ?3 "
          "ELSE (SELECT m.access_level FROM memberships m "
          "WHERE m.user_id = u.id) END, "
          "CASE WHEN ?2 AND u.blocked = 0 THEN ?4 "
          "ELSE coalesce("
          "(SELECT m.token_id FROM memberships m WHERE m.user_id = u.id), "
          "(SELECT max(c.id) FROM access_tokens c WHERE c.user_id = u.id)) "
          "END, "
          "u.create_time "
          "FROM users u WHERE u.id = ?1"));
  statement.Bind(1, token.user_id)
      .Bind(2, int64_t{!token.revoke_time.has_value()})
      .Bind(3, int64_t{token.access_level})
      .Bind(4, token.id);
  ACCESSTOKENS_ASSIGN_OR_RETURN(bool found, statement.Step());
  if (!found) return NotFound("bot user", UserName(token.user_id));
  return ColumnUser(statement);
}

}  // namespace

absl::StatusOr<TokenOwnership> ReadOwnershipByDigest(
    SqliteConnection& db, absl::string_view digest) {
  // Each B-tree read can cost a disk read, so a live token's bot comes from
  // the copy of its fields in the token row instead of a join with users.
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare(
          "SELECT " ACCESSTOKENS_TOKEN_COLUMNS_OF_T
          ", t.bot_username, t.bot_email, t.bot_create_time, t.digest, "
          "p.id, p.group_id, p.display_name, p.state, p.create_time, "
          "p.update_time, "
          "g.id, g.parent_id, g.top_level_id, g.display_name, g.state, "
          "g.create_time, g.update_time, g.subtree_inactive, "
          "coalesce(top.allow_project_token_creation, 1) "
          "FROM access_tokens t "
          "LEFT JOIN projects p ON p.id = t.project_id "
          "LEFT JOIN groups g ON g.id = coalesce(t.group_id, p.group_id) "
          "LEFT JOIN groups top ON top.id = g.top_level_id "
          "WHERE t.digest = ?"));
  statement.BindBlob(1, digest);
  ACCESSTOKENS_ASSIGN_OR_RETURN(bool found, statement.Step());
  if (!found) return absl::NotFoundError("no token has this digest");

  TokenOwnership ownership;
  TokenRecord& token = ownership.token;
  token = ColumnToken(statement, 0);
  const int bot = kTokenColumnCount;
  // Older rows lack the copy until FillBotCopies() fills them in. A live
  // token's bot has the token's display name: creation sets both alike.
  if (!token.revoke_time.has_value() && !statement.IsNull(bot)) {
    BotUserRecord& user = ownership.bot_user;
    user.id = token.user_id;
    user.username = statement.ColumnText(bot);
    user.email = statement.ColumnText(bot + 1);
    user.display_name = token.display_name;
    user.resource = token.parent;
    user.membership_access_level = token.access_level;
    user.token_id = token.id;
    user.create_time = FromMicros(statement.ColumnInt64(bot + 2));
  } else {
    // The statement above is still on its row, so this read uses the same
    // snapshot of the database.
    ACCESSTOKENS_ASSIGN_OR_RETURN(ownership.bot_user,
                                  ReadBotOfToken(db, token));
  }
  ownership.digest = statement.ColumnBlob(bot + 3);

  const int project = bot + 4;
  const int group = project + 6;
  const bool group_inactive =
      !statement.IsNull(group) && statement.ColumnInt64(group + 7) != 0;
  const bool allowed = statement.ColumnInt64(group + 8) != 0;
  if (ownership.token.parent.kind == ResourceKind::kProject) {
    ProjectRecord record;
    record.id = statement.ColumnInt64(project);
    record.group_id = statement.ColumnOptionalInt64(project + 1);
    record.top_level_group_id = statement.ColumnOptionalInt64(group + 2);
    record.display_name = statement.ColumnText(project + 2);
    record.state = static_cast<ResourceState>(statement.ColumnInt64(project + 3));
    record.create_time = FromMicros(statement.ColumnInt64(project + 4));
    record.update_time = FromMicros(statement.ColumnInt64(project + 5));
    record.token_creation_allowed = allowed;
    ownership.resource_usable =
        record.state == ResourceState::kActive && !group_inactive;
    ownership.resource = std::move(record);
  } else {
    GroupRecord record;
    record.id = statement.ColumnInt64(group);
    record.parent_id = statement.ColumnOptionalInt64(group + 1);
    record.top_level_id = statement.ColumnInt64(group + 2);
    record.display_name = statement.ColumnText(group + 3);
    record.state = static_cast<ResourceState>(statement.ColumnInt64(group + 4));
    record.create_time = FromMicros(statement.ColumnInt64(group + 5));
    record.update_time = FromMicros(statement.ColumnInt64(group + 6));
    record.allow_project_token_creation = allowed;
    ownership.resource_usable = !group_inactive;
    ownership.resource = std::move(record);
  }
  return ownership;
}

absl::Status RefreshSubtreeInactive(SqliteConnection& db, int64_t group_id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare("WITH RECURSIVE tree (id, inactive) AS ("
                 "  SELECT g.id, g.state != 1 OR "
                 "    coalesce(parent.subtree_inactive, 0) "
                 "  FROM groups g LEFT JOIN groups parent "
                 "    ON parent.id = g.parent_id WHERE g.id = ? "
                 "  UNION ALL "
                 "  SELECT c.id, c.state != 1 OR tree.inactive "
                 "  FROM groups c JOIN tree ON c.parent_id = tree.id) "
                 "UPDATE groups SET subtree_inactive = "
                 "  (SELECT inactive FROM tree WHERE tree.id = groups.id) "
                 "WHERE id IN (SELECT id FROM tree)"));
  statement.Bind(1, group_id);
  return statement.Run();
}

absl::StatusOr<BotUserRecord> ReadUser(SqliteConnection& db, int64_t id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare(ACCESSTOKENS_USER_QUERY "WHERE u.id = ?"));
  statement.Bind(1, id);
  ACCESSTOKENS_ASSIGN_OR_RETURN(bool found, statement.Step());
  if (!found) return NotFound("bot user", UserName(id));
  return ColumnUser(statement);
}

// --- Audit events -----------------------------------------------------------

absl::Status InsertAuditEvent(SqliteConnection& db,
                              const AuditEventRecord& event) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement insert,
      db.Prepare("INSERT INTO audit_events (time, actor_user_id, "
                 "actor_bot_user_id, actor_access_level, action, target, "
                 "request_id, status_code, status_message, related_resources) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  insert.Bind(1, ToMicros(event.time))
      .Bind(2, event.actor.user_id)
      .Bind(3, event.actor.bot_user_id)
      .Bind(4, int64_t{event.actor.access_level})
      .Bind(5, static_cast<int64_t>(event.action))
      .Bind(6, event.target)
      .Bind(7, event.request_id)
      .Bind(8, int64_t{event.status_code})
      .Bind(9, event.status_message)
      .Bind(10, absl::StrJoin(event.related_resources, "\n"));
  return insert.Run();
}

AuditEventRecord ColumnAuditEvent(const SqliteStatement& statement) {
  AuditEventRecord event;
  event.id = statement.ColumnInt64(0);
  event.time = FromMicros(statement.ColumnInt64(1));
  event.actor.user_id = statement.ColumnOptionalInt64(2);
  event.actor.bot_user_id = statement.ColumnOptionalInt64(3);
  event.actor.access_level = static_cast<int>(statement.ColumnInt64(4));
  event.action = static_cast<AuditAction>(statement.ColumnInt64(5));
  event.target = statement.ColumnText(6);
  event.request_id = statement.ColumnText(7);
  event.status_code = static_cast<int>(statement.ColumnInt64(8));
  event.status_message = statement.ColumnText(9);
  event.related_resources = SplitLines(statement.ColumnText(10));
  return event;
}

}  // namespace accesstokens::internal
