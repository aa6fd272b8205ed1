// Write operations on access tokens and bot users: creation with the bot
// naming allocator, revocation, rotation, last use, purging, and the
// filling in of bot copies in token rows older than schema version 4.

#include <sqlite3.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "glog/logging.h"
#include "storage/bot_names.h"
#include "storage/sqlite_operations.h"
#include "storage/sqlite_rows.h"
#include "storage/status_macros.h"

namespace accesstokens::internal {
namespace {

// Methods recorded with idempotency keys.
enum class KeyedMethod { kCreate = 1, kRotate = 2 };

struct StoredKey {
  KeyedMethod method;
  std::string fingerprint;
  int64_t token_id = 0;
  std::optional<int64_t> previous_token_id;
  std::string sealed_secret;
};

// Returns the record of `request_id`, if one exists. INVALID_ARGUMENT if
// it belongs to another method or to a request with other content.
absl::StatusOr<std::optional<StoredKey>> FindIdempotencyKey(
    SqliteConnection& db, const IdempotencyKey& key, KeyedMethod method) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement select,
      db.Prepare("SELECT method, fingerprint, token_id, previous_token_id, "
                 "sealed_secret FROM idempotency_keys WHERE request_id = ?"));
  select.Bind(1, key.request_id);
  ACCESSTOKENS_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<StoredKey>();

  StoredKey stored;
  stored.method = static_cast<KeyedMethod>(select.ColumnInt64(0));
  stored.fingerprint = select.ColumnBlob(1);
  stored.token_id = select.ColumnInt64(2);
  stored.previous_token_id = select.ColumnOptionalInt64(3);
  stored.sealed_secret = select.ColumnBlob(4);
  if (stored.method != method || stored.fingerprint != key.fingerprint) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request_id \"", key.request_id,
        "\" was already used for a different request; use a new request_id "
        "for a new request, or repeat the first request unchanged"));
  }
  return std::optional<StoredKey>(std::move(stored));
}

absl::Status InsertIdempotencyKey(SqliteConnection& db,
                                  const IdempotencyKey& key,
                                  KeyedMethod method, int64_t token_id,
                                  std::optional<int64_t> previous_token_id,
                                  absl::Time now) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement insert,
      db.Prepare("INSERT INTO idempotency_keys (request_id, method, "
                 "fingerprint, token_id, previous_token_id, sealed_secret, "
                 "create_time) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  insert.Bind(1, key.request_id)
      .Bind(2, static_cast<int64_t>(method))
      .BindBlob(3, key.fingerprint)
      .Bind(4, token_id)
      .Bind(5, previous_token_id)
      .BindBlob(6, key.sealed_secret)
      .Bind(7, ToMicros(now));
  return insert.Run();
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
// are never reused, even after their users were purged.
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

// Inserts a token row, with a copy of its bot user's name, email and
// creation time, and returns its id. `family_id` 0 starts a new family with
// the token itself.
absl::StatusOr<int64_t> InsertTokenRow(SqliteConnection& db,
                                       const TokenRecord& token,
                                       absl::string_view digest) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement insert,
      db.Prepare("INSERT INTO access_tokens (project_id, group_id, user_id, "
                 "display_name, description, scopes, access_level, "
                 "expires_on, digest, create_time, previous_id, "
                 "bot_username, bot_email, bot_create_time) "
                 "SELECT ?, ?, ?3, ?, ?, ?, ?, ?, ?, ?, ?, "
                 "u.username, u.email, u.create_time "
                 "FROM users u WHERE u.id = ?3"));
  BindResource(insert, 1, token.parent);
  insert.Bind(3, token.user_id)
      .Bind(4, token.display_name)
      .Bind(5, token.description)
      .Bind(6, int64_t{token.scopes})
      .Bind(7, int64_t{token.access_level})
      .Bind(8, ToDayNumber(token.expires_on))
      .BindBlob(9, digest)
      .Bind(10, ToMicros(token.create_time))
      .Bind(11, token.previous_id);
  ACCESSTOKENS_RETURN_IF_ERROR(insert.Run());
  if (db.Changes() != 1) {
    return absl::InternalError(absl::StrCat("bot user ", token.user_id,
                                            " of the new token not found"));
  }
  const int64_t id = sqlite3_last_insert_rowid(db.handle());

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement family,
      db.Prepare("UPDATE access_tokens SET family_id = ? WHERE id = ?"));
  family.Bind(1, token.family_id == 0 ? id : token.family_id).Bind(2, id);
  ACCESSTOKENS_RETURN_IF_ERROR(family.Run());
  return id;
}

// Revokes one live token at `now` for `reason`, blocks its bot user and ends
// the bot's membership.
absl::Status RevokeRow(SqliteConnection& db, const TokenRecord& token,
                       RevocationReason reason, absl::Time now) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement revoke,
      db.Prepare("UPDATE access_tokens SET revoke_time = ?, "
                 "revocation_reason = ? WHERE id = ?"));
  revoke.Bind(1, ToMicros(now))
      .Bind(2, static_cast<int64_t>(reason))
      .Bind(3, token.id);
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
  return end_membership.Run();
}

// Revokes every live token of `token`'s rotation family because a rotated
// secret of it was presented again.
absl::StatusOr<RotatedAccessToken> RevokeFamily(SqliteConnection& db,
                                                const TokenRecord& token,
                                                absl::Time now) {
  RotatedAccessToken result;
  result.reuse_detected = true;
  result.previous = token;

  std::vector<TokenRecord> live;
  {
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        SqliteStatement members,
        db.Prepare("SELECT " ACCESSTOKENS_TOKEN_COLUMNS
                   " FROM access_tokens "
                   "WHERE family_id = ? AND revoke_time IS NULL ORDER BY id"));
    members.Bind(1, token.family_id);
    while (true) {
      ACCESSTOKENS_ASSIGN_OR_RETURN(bool row, members.Step());
      if (!row) break;
      live.push_back(ColumnToken(members));
    }
  }
  for (TokenRecord& member : live) {
    ACCESSTOKENS_RETURN_IF_ERROR(
        RevokeRow(db, member, RevocationReason::kReuseDetected, now));
    member.revoke_time = now;
    member.revocation_reason = RevocationReason::kReuseDetected;
  }
  result.family_revoked = std::move(live);
  ACCESSTOKENS_ASSIGN_OR_RETURN(result.bot_user, ReadUser(db, token.user_id));
  return result;
}

}  // namespace

absl::StatusOr<CreatedAccessToken> InsertAccessToken(
    SqliteConnection& db, const NewAccessToken& request,
    absl::string_view email_domain) {
  if (request.idempotency.has_value()) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        std::optional<StoredKey> stored,
        FindIdempotencyKey(db, *request.idempotency, KeyedMethod::kCreate));
    if (stored.has_value()) {
      CreatedAccessToken replay;
      ACCESSTOKENS_ASSIGN_OR_RETURN(replay.token,
                                    ReadToken(db, stored->token_id));
      ACCESSTOKENS_ASSIGN_OR_RETURN(replay.bot_user,
                                    ReadUser(db, replay.token.user_id));
      replay.replayed_sealed_secret = std::move(stored->sealed_secret);
      return replay;
    }
  }

  ACCESSTOKENS_ASSIGN_OR_RETURN(TokenParentState parent,
                                ReadTokenParent(db, request.parent));
  ACCESSTOKENS_RETURN_IF_ERROR(request.check(parent));

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      int64_t number, AllocateBotNumber(db, request.parent, email_domain));
  const absl::Time now = request.context.time;
  CreatedAccessToken created;
  BotUserRecord& user = created.bot_user;
  user.username = BotUsername(request.parent, number);
  user.email = BotEmail(request.parent, number, email_domain);
  user.display_name = request.display_name;
  user.resource = request.parent;
  user.membership_access_level = request.access_level;
  user.create_time = now;

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement insert_user,
      db.Prepare("INSERT INTO users (username, email, display_name, "
                 "project_id, group_id, create_time) "
                 "VALUES (?, ?, ?, ?, ?, ?)"));
  insert_user.Bind(1, user.username)
      .Bind(2, user.email)
      .Bind(3, user.display_name)
      .Bind(6, ToMicros(now));
  BindResource(insert_user, 4, request.parent);
  ACCESSTOKENS_RETURN_IF_ERROR(insert_user.Run());
  user.id = sqlite3_last_insert_rowid(db.handle());

  TokenRecord& token = created.token;
  token.parent = request.parent;
  token.user_id = user.id;
  token.display_name = request.display_name;
  token.description = request.description;
  token.scopes = request.scopes;
  token.access_level = request.access_level;
  token.expires_on = request.expires_on;
  token.create_time = now;
  ACCESSTOKENS_ASSIGN_OR_RETURN(token.id,
                                InsertTokenRow(db, token, request.digest));
  token.family_id = token.id;
  user.token_id = token.id;

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement insert_membership,
      db.Prepare("INSERT INTO memberships (user_id, project_id, group_id, "
                 "access_level, token_id) VALUES (?, ?, ?, ?, ?)"));
  insert_membership.Bind(1, user.id)
      .Bind(4, int64_t{request.access_level})
      .Bind(5, token.id);
  BindResource(insert_membership, 2, request.parent);
  ACCESSTOKENS_RETURN_IF_ERROR(insert_membership.Run());

  if (request.idempotency.has_value()) {
    ACCESSTOKENS_RETURN_IF_ERROR(
        InsertIdempotencyKey(db, *request.idempotency, KeyedMethod::kCreate,
                             token.id, std::nullopt, now));
  }
  return created;
}

absl::StatusOr<TokenRecord> RevokeToken(SqliteConnection& db,
                                        const TokenRevocation& revocation) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(TokenRecord token,
                                ReadTokenUnder(db, revocation.token));
  ACCESSTOKENS_ASSIGN_OR_RETURN(TokenParentState parent,
                                ReadTokenParent(db, token.parent));
  ACCESSTOKENS_RETURN_IF_ERROR(revocation.check(token, parent));
  if (token.revoke_time.has_value()) return token;

  const absl::Time now = revocation.context.time;
  ACCESSTOKENS_RETURN_IF_ERROR(
      RevokeRow(db, token, RevocationReason::kRevoked, now));
  token.revoke_time = now;
  token.revocation_reason = RevocationReason::kRevoked;
  return token;
}

absl::StatusOr<RotatedAccessToken> RotateToken(SqliteConnection& db,
                                               const TokenRotation& rotation) {
  if (rotation.idempotency.has_value()) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        std::optional<StoredKey> stored,
        FindIdempotencyKey(db, *rotation.idempotency, KeyedMethod::kRotate));
    if (stored.has_value()) {
      RotatedAccessToken replay;
      ACCESSTOKENS_ASSIGN_OR_RETURN(replay.next,
                                    ReadToken(db, stored->token_id));
      ACCESSTOKENS_ASSIGN_OR_RETURN(
          replay.previous, ReadToken(db, stored->previous_token_id.value_or(0)));
      ACCESSTOKENS_ASSIGN_OR_RETURN(replay.bot_user,
                                    ReadUser(db, replay.next.user_id));
      replay.replayed_sealed_secret = std::move(stored->sealed_secret);
      return replay;
    }
  }

  const absl::Time now = rotation.context.time;
  TokenRecord token;
  if (const auto* key = std::get_if<TokenKey>(&rotation.token)) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(token, ReadTokenUnder(db, *key));
  } else {
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        token, ReadTokenByDigest(db, std::get<std::string>(rotation.token)));
    // A secret that was rotated away came back, so someone else has it too.
    if (token.revocation_reason == RevocationReason::kRotated) {
      return RevokeFamily(db, token, now);
    }
  }

  ACCESSTOKENS_ASSIGN_OR_RETURN(TokenParentState parent,
                                ReadTokenParent(db, token.parent));
  ACCESSTOKENS_RETURN_IF_ERROR(rotation.check(token, parent));

  RotatedAccessToken result;
  TokenRecord& next = result.next;
  next = token;
  next.expires_on = rotation.expires_on;
  next.create_time = now;
  next.revoke_time.reset();
  next.revocation_reason = RevocationReason::kNone;
  next.previous_id = token.id;
  next.next_id.reset();
  next.last_use_time.reset();
  next.last_use_addresses.clear();
  ACCESSTOKENS_ASSIGN_OR_RETURN(next.id,
                                InsertTokenRow(db, next, rotation.new_digest));

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement retire,
      db.Prepare("UPDATE access_tokens SET revoke_time = ?, "
                 "revocation_reason = 2, next_id = ? WHERE id = ?"));
  retire.Bind(1, ToMicros(now)).Bind(2, next.id).Bind(3, token.id);
  ACCESSTOKENS_RETURN_IF_ERROR(retire.Run());

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement follow,
      db.Prepare("UPDATE memberships SET token_id = ? WHERE user_id = ?"));
  follow.Bind(1, next.id).Bind(2, token.user_id);
  ACCESSTOKENS_RETURN_IF_ERROR(follow.Run());

  if (rotation.idempotency.has_value()) {
    ACCESSTOKENS_RETURN_IF_ERROR(
        InsertIdempotencyKey(db, *rotation.idempotency, KeyedMethod::kRotate,
                             next.id, token.id, now));
  }
  result.previous = token;
  result.previous.revoke_time = now;
  result.previous.revocation_reason = RevocationReason::kRotated;
  result.previous.next_id = next.id;
  ACCESSTOKENS_ASSIGN_OR_RETURN(result.bot_user, ReadUser(db, token.user_id));
  return result;
}

absl::Status StoreTokenUses(SqliteConnection& db,
                            const std::vector<TokenUse>& uses) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement update,
      db.Prepare("UPDATE access_tokens SET last_use_time = ?1, "
                 "last_use_addresses = ?2 WHERE id = ?3 "
                 "AND coalesce(last_use_time, 0) < ?1"));
  for (const TokenUse& use : uses) {
    update.Bind(1, ToMicros(use.time))
        .Bind(2, absl::StrJoin(use.addresses, "\n"))
        .Bind(3, use.token_id);
    ACCESSTOKENS_RETURN_IF_ERROR(update.Run());
    update.Reset();
  }
  return absl::OkStatus();
}

absl::StatusOr<BotCopyProgress> FillBotCopies(SqliteConnection& db,
                                              int limit) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement setting,
      db.Prepare("SELECT value FROM settings "
                 "WHERE key = 'bot_copies_missing_below'"));
  ACCESSTOKENS_ASSIGN_OR_RETURN(bool pending, setting.Step());
  if (!pending) return BotCopyProgress{};
  const int64_t below = setting.ColumnInt64(0);
  const int64_t from = std::max<int64_t>(1, below - limit);

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement copy,
      db.Prepare("UPDATE access_tokens "
                 "SET (bot_username, bot_email, bot_create_time) = "
                 "(SELECT u.username, u.email, u.create_time FROM users u "
                 "WHERE u.id = access_tokens.user_id) "
                 "WHERE id >= ? AND id < ? AND bot_username IS NULL"));
  copy.Bind(1, from).Bind(2, below);
  ACCESSTOKENS_RETURN_IF_ERROR(copy.Run());
  BotCopyProgress progress;
  progress.rows_copied = db.Changes();

  if (from == 1) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        SqliteStatement finish,
        db.Prepare("DELETE FROM settings "
                   "WHERE key = 'bot_copies_missing_below'"));
    ACCESSTOKENS_RETURN_IF_ERROR(finish.Run());
    return progress;
  }
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement lower,
      db.Prepare("UPDATE settings SET value = ? "
                 "WHERE key = 'bot_copies_missing_below'"));
  lower.Bind(1, from);
  ACCESSTOKENS_RETURN_IF_ERROR(lower.Run());
  progress.ids_left = from - 1;
  return progress;
}

absl::StatusOr<std::vector<std::string>> PurgeBotUsers(
    SqliteConnection& db, absl::Time revoked_before, absl::Time keys_before,
    int limit, absl::Time now) {
  std::vector<int64_t> due;
  {
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        SqliteStatement candidates,
        db.Prepare("SELECT u.id FROM users u "
                   "WHERE u.blocked = 1 AND u.purge_time IS NULL "
                   "AND NOT EXISTS (SELECT 1 FROM access_tokens t "
                   "  WHERE t.user_id = u.id AND (t.revoke_time IS NULL "
                   "  OR t.revoke_time >= ?)) "
                   "ORDER BY u.id LIMIT ?"));
    candidates.Bind(1, ToMicros(revoked_before)).Bind(2, int64_t{limit});
    while (true) {
      ACCESSTOKENS_ASSIGN_OR_RETURN(bool row, candidates.Step());
      if (!row) break;
      due.push_back(candidates.ColumnInt64(0));
    }
  }

  std::vector<std::string> purged;
  for (int64_t id : due) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        SqliteStatement purge,
        db.Prepare("UPDATE users SET purge_time = ?, display_name = '' "
                   "WHERE id = ?"));
    purge.Bind(1, ToMicros(now)).Bind(2, id);
    ACCESSTOKENS_RETURN_IF_ERROR(purge.Run());
    purged.push_back(UserName(id));
  }

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement expire_keys,
      db.Prepare("DELETE FROM idempotency_keys WHERE create_time < ?"));
  expire_keys.Bind(1, ToMicros(keys_before));
  ACCESSTOKENS_RETURN_IF_ERROR(expire_keys.Run());
  return purged;
}

}  // namespace accesstokens::internal
