// Listings of tokens, bot users and audit events, with their filters and
// keyset pagination.

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "storage/sqlite_operations.h"
#include "storage/sqlite_rows.h"
#include "storage/status_macros.h"

namespace accesstokens::internal {
namespace {

// Builds a statement text and its parameter values side by side, so that
// each condition adds its placeholder and binding in one place.
class QueryBuilder {
 public:
  explicit QueryBuilder(std::string head) : sql_(std::move(head)) {}

  void Append(absl::string_view text) { absl::StrAppend(&sql_, text); }

  // Appends `text` with its `?` placeholders bound to `values` in order.
  void Append(absl::string_view text,
              std::vector<std::variant<int64_t, std::string>> values) {
    absl::StrAppend(&sql_, text);
    for (auto& value : values) values_.push_back(std::move(value));
  }

  const std::string& sql() const { return sql_; }

  void BindAll(SqliteStatement& statement) const {
    for (size_t i = 0; i < values_.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      if (const auto* number = std::get_if<int64_t>(&values_[i])) {
        statement.Bind(index, *number);
      } else {
        statement.Bind(index, std::get<std::string>(values_[i]));
      }
    }
  }

 private:
  std::string sql_;
  std::vector<std::variant<int64_t, std::string>> values_;
};

const char* Operator(Comparison comparison) {
  switch (comparison) {
    case Comparison::kLess:
      return " < ?";
    case Comparison::kLessOrEqual:
      return " <= ?";
    case Comparison::kGreater:
      return " > ?";
    case Comparison::kGreaterOrEqual:
      return " >= ?";
  }
  return " = ?";
}

// The column a token listing sorts by, after its parent key.
const char* SortColumn(TokenOrder order) {
  switch (order) {
    case TokenOrder::kCreateTime:
      return "id";
    case TokenOrder::kExpiresOn:
      return "expires_on";
    case TokenOrder::kLastUseTime:
      return "last_use_key";
    case TokenOrder::kDisplayName:
      return "display_name";
  }
  return "id";
}

void AppendStateCondition(QueryBuilder& query, TokenStateFilter state,
                          int64_t today) {
  switch (state) {
    case TokenStateFilter::kAll:
      return;
    case TokenStateFilter::kActive:
      // The unary + keeps SQLite from reading the parent's tokens through
      // access_tokens_by_expiry and sorting them all. Most tokens are
      // active, so walking the index of the listing order is cheaper.
      query.Append(" AND revoke_time IS NULL AND +expires_on > ?", {today});
      return;
    case TokenStateFilter::kInactive:
      query.Append(" AND (revoke_time IS NOT NULL OR expires_on <= ?)",
                   {today});
      return;
    case TokenStateFilter::kRevoked:
      query.Append(" AND revoke_time IS NOT NULL");
      return;
    case TokenStateFilter::kExpired:
      query.Append(" AND revoke_time IS NULL AND expires_on <= ?", {today});
      return;
  }
}

// Reads up to `limit` records with `read_row`, and whether more follow.
template <typename Record, typename ReadRow>
absl::StatusOr<Page<Record>> CollectPage(SqliteStatement& statement, int limit,
                                         ReadRow read_row) {
  Page<Record> page;
  while (true) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(bool row, statement.Step());
    if (!row) break;
    if (static_cast<int>(page.records.size()) == limit) {
      page.has_more = true;
      break;
    }
    page.records.push_back(read_row(statement));
  }
  return page;
}

}  // namespace

absl::StatusOr<Page<TokenRecord>> QueryTokens(SqliteConnection& db,
                                              const TokenListQuery& query) {
  QueryBuilder sql("SELECT " ACCESSTOKENS_TOKEN_COLUMNS
                   " FROM access_tokens WHERE parent_key = ?");
  sql.Append("", {ParentKey(query.parent)});
  AppendStateCondition(sql, query.state, ToDayNumber(query.today));

  if (query.display_name_contains.has_value()) {
    sql.Append(" AND instr(lower(display_name), lower(?)) > 0",
               {*query.display_name_contains});
  }
  for (const Bound<absl::Time>& bound : query.create_time) {
    sql.Append(absl::StrCat(" AND create_time", Operator(bound.comparison)),
               {ToMicros(bound.value)});
  }
  for (const Bound<absl::CivilDay>& bound : query.expires_on) {
    sql.Append(absl::StrCat(" AND expires_on", Operator(bound.comparison)),
               {ToDayNumber(bound.value)});
  }
  for (const Bound<absl::Time>& bound : query.last_use_time) {
    sql.Append(absl::StrCat(" AND last_use_time", Operator(bound.comparison)),
               {ToMicros(bound.value)});
  }
  if (query.never_used) sql.Append(" AND last_use_time IS NULL");

  // Keyset pagination: continue after the sort key and id of the last row.
  const char* column = SortColumn(query.order);
  const char* direction = query.descending ? " DESC" : "";
  const char* after = query.descending ? " < " : " > ";
  if (query.after.has_value()) {
    const TokenCursor& cursor = *query.after;
    if (query.order == TokenOrder::kCreateTime) {
      sql.Append(absl::StrCat(" AND id", after, "?"), {cursor.id});
    } else {
      sql.Append(absl::StrCat(" AND (", column, ", id)", after, "(?, ?)"),
                 {cursor.sort_key, cursor.id});
    }
  }
  if (query.order == TokenOrder::kCreateTime) {
    sql.Append(absl::StrCat(" ORDER BY id", direction, " LIMIT ?"),
               {int64_t{query.page.limit} + 1});
  } else {
    sql.Append(absl::StrCat(" ORDER BY ", column, direction, ", id",
                            direction, " LIMIT ?"),
               {int64_t{query.page.limit} + 1});
  }

  ACCESSTOKENS_ASSIGN_OR_RETURN(SqliteStatement statement,
                                db.PrepareDynamic(sql.sql()));
  sql.BindAll(statement);
  return CollectPage<TokenRecord>(
      statement, query.page.limit,
      [](const SqliteStatement& row) { return ColumnToken(row); });
}

absl::StatusOr<Page<BotUserRecord>> QueryBotUsers(SqliteConnection& db,
                                                  const ResourceRef& parent,
                                                  int64_t after_id,
                                                  const PageQuery& page) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare(parent.kind == ResourceKind::kProject
                     ? ACCESSTOKENS_USER_QUERY
                     "WHERE u.project_id = ? AND u.id > ? ORDER BY u.id "
                     "LIMIT ?"
                     : ACCESSTOKENS_USER_QUERY
                     "WHERE u.group_id = ? AND u.id > ? ORDER BY u.id "
                     "LIMIT ?"));
  statement.Bind(1, parent.id).Bind(2, after_id).Bind(3, int64_t{page.limit} + 1);
  return CollectPage<BotUserRecord>(
      statement, page.limit,
      [](const SqliteStatement& row) { return ColumnUser(row); });
}

absl::StatusOr<Page<AuditEventRecord>> QueryAuditEvents(
    SqliteConnection& db, const AuditListQuery& query) {
  QueryBuilder sql("SELECT " ACCESSTOKENS_AUDIT_COLUMNS
                   " FROM audit_events WHERE 1");
  if (query.target.has_value()) {
    sql.Append(" AND target = ?", {*query.target});
  }
  if (query.target_prefix.has_value()) {
    // The resource itself, and the names under it: those that start with
    // "<prefix>/", which sort from "<prefix>/" up to "<prefix>0" because
    // '0' follows '/' in ASCII.
    sql.Append(" AND (target = ? OR (target >= ? AND target < ?))",
               {*query.target_prefix, absl::StrCat(*query.target_prefix, "/"),
                absl::StrCat(*query.target_prefix, "0")});
  }
  if (query.action.has_value()) {
    sql.Append(" AND action = ?", {static_cast<int64_t>(*query.action)});
  }
  for (const Bound<absl::Time>& bound : query.time) {
    sql.Append(absl::StrCat(" AND time", Operator(bound.comparison)),
               {ToMicros(bound.value)});
  }
  if (query.before_id.has_value()) {
    sql.Append(" AND id < ?", {*query.before_id});
  }
  sql.Append(" ORDER BY id DESC LIMIT ?", {int64_t{query.page.limit} + 1});

  ACCESSTOKENS_ASSIGN_OR_RETURN(SqliteStatement statement,
                                db.PrepareDynamic(sql.sql()));
  sql.BindAll(statement);
  return CollectPage<AuditEventRecord>(statement, query.page.limit,
                                       &ColumnAuditEvent);
}

}  // namespace accesstokens::internal
