// Column lists and row converters of the SQLite schema, shared by the
// files of SqliteStore. Internal to the storage library.
#ifndef ACCESSTOKENS_STORAGE_SQLITE_ROWS_H_
#define ACCESSTOKENS_STORAGE_SQLITE_ROWS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "storage/sqlite_connection.h"
#include "storage/store.h"

// The columns that ColumnToken() reads, in its order.
#define ACCESSTOKENS_TOKEN_COLUMNS                                           \
  "id, project_id, group_id, user_id, display_name, description, scopes, "   \
  "access_level, expires_on, create_time, revoke_time, revocation_reason, "  \
  "family_id, previous_id, next_id, last_use_time, last_use_addresses"
// The same columns of the table aliased t.
#define ACCESSTOKENS_TOKEN_COLUMNS_OF_T                                      \
  "t.id, t.project_id, t.group_id, t.user_id, t.display_name, "              \
  "t.description, t.scopes, t.access_level, t.expires_on, t.create_time, "   \
  "t.revoke_time, t.revocation_reason, t.family_id, t.previous_id, "         \
  "t.next_id, t.last_use_time, t.last_use_addresses"
// Number of columns that ColumnToken() and ColumnUser() read.
inline constexpr int kTokenColumnCount = 17;
inline constexpr int kUserColumnCount = 11;

// The query that ColumnUser() reads, up to its WHERE clause. A bot's
// current token is its latest one, stored in memberships.token_id. Only a
// bot without a membership needs the scan of its tokens.
#define ACCESSTOKENS_USER_QUERY                                              \
  "SELECT u.id, u.username, u.email, u.display_name, u.project_id, "         \
  "u.group_id, u.blocked, u.purge_time, m.access_level, "                    \
  "coalesce(m.token_id, "                                                    \
  "(SELECT max(t.id) FROM access_tokens t WHERE t.user_id = u.id)), "        \
  "u.create_time "                                                           \
  "FROM users u LEFT JOIN memberships m ON m.user_id = u.id "

// The columns that ColumnAuditEvent() reads, in its order.
#define ACCESSTOKENS_AUDIT_COLUMNS                                           \
  "id, time, actor_user_id, actor_bot_user_id, actor_access_level, action, " \
  "target, request_id, status_code, status_message, related_resources"

namespace accesstokens::internal {

// Binds `resource` to the parameters `project_index` and `project_index + 1`,
// the project_id and group_id columns, one of which is NULL.
void BindResource(SqliteStatement& statement, int project_index,
                  const ResourceRef& resource);

// Reads a resource from a project_id column and the group_id column after it.
ResourceRef ColumnResource(const SqliteStatement& statement,
                           int project_column);

// Returns the value of the access_tokens.parent_key column for `resource`:
// the project id, or the negated group id.
int64_t ParentKey(const ResourceRef& resource);

// Splits a newline-separated column; an empty text has no lines.
std::vector<std::string> SplitLines(absl::string_view text);

// Read the columns of ACCESSTOKENS_TOKEN_COLUMNS and ACCESSTOKENS_USER_QUERY
// starting at column `first`.
TokenRecord ColumnToken(const SqliteStatement& statement, int first = 0);
BotUserRecord ColumnUser(const SqliteStatement& statement, int first = 0);
AuditEventRecord ColumnAuditEvent(const SqliteStatement& statement);

}  // namespace accesstokens::internal

#endif  // ACCESSTOKENS_STORAGE_SQLITE_ROWS_H_
