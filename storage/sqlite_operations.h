// The operations of SqliteStore on one connection: row readers shared by
// reads and writes, and the write operations that run inside the writer's
// transaction. Internal to the storage library.
//
// Every function uses only the connection it is given, so it is as
// thread-safe as the connection: one thread at a time.
#ifndef ACCESSTOKENS_STORAGE_SQLITE_OPERATIONS_H_
#define ACCESSTOKENS_STORAGE_SQLITE_OPERATIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/sqlite_connection.h"
#include "storage/store.h"

namespace accesstokens::internal {

// Times are stored as microseconds since the Unix epoch and dates as days
// since 1970-01-01.
int64_t ToMicros(absl::Time time);
absl::Time FromMicros(int64_t micros);
int64_t ToDayNumber(absl::CivilDay day);
absl::CivilDay FromDayNumber(int64_t days);

absl::Status NotFound(absl::string_view what, absl::string_view name);

// Readers of single records. NOT_FOUND names the resource.
absl::StatusOr<GroupRecord> ReadGroup(SqliteConnection& db, int64_t id);
absl::StatusOr<ProjectRecord> ReadProject(SqliteConnection& db, int64_t id);
absl::StatusOr<TokenRecord> ReadToken(SqliteConnection& db, int64_t id);
// Like ReadToken, but a token of another parent is NOT_FOUND too, so that
// names under other parents cannot be probed.
absl::StatusOr<TokenRecord> ReadTokenUnder(SqliteConnection& db,
                                           const TokenKey& key);
// Sets `stored_digest`, if not null, to the digest of the row found.
absl::StatusOr<TokenRecord> ReadTokenByDigest(
    SqliteConnection& db, absl::string_view digest,
    std::string* stored_digest = nullptr);
absl::StatusOr<BotUserRecord> ReadUser(SqliteConnection& db, int64_t id);
// Reads what the token policy needs of a project or group, including the
// first group above it that is not active.
absl::StatusOr<TokenParentState> ReadTokenParent(SqliteConnection& db,
                                                 const ResourceRef& parent);

// Reads the token with `digest`, its bot user and its resource in one
// statement; NOT_FOUND if no token has the digest.
absl::StatusOr<TokenOwnership> ReadOwnershipByDigest(SqliteConnection& db,
                                                     absl::string_view digest);

// Recomputes groups.subtree_inactive for `group_id` and every group beneath
// it, after a state change.
absl::Status RefreshSubtreeInactive(SqliteConnection& db, int64_t group_id);

absl::Status InsertAuditEvent(SqliteConnection& db,
                              const AuditEventRecord& event);

// Groups and projects.
absl::StatusOr<GroupRecord> InsertGroup(SqliteConnection& db,
                                        const NewGroup& group);
absl::StatusOr<GroupRecord> ApplyGroupUpdate(SqliteConnection& db,
                                             const GroupUpdate& update);
absl::StatusOr<ProjectRecord> InsertProject(SqliteConnection& db,
                                            const NewProject& project);
absl::StatusOr<ProjectRecord> ApplyProjectUpdate(SqliteConnection& db,
                                                 const ProjectUpdate& update);
absl::StatusOr<DeletedResource> DeleteResource(
    SqliteConnection& db, const ResourceDeletion& deletion);

// Tokens.
absl::StatusOr<CreatedAccessToken> InsertAccessToken(
    SqliteConnection& db, const NewAccessToken& request,
    absl::string_view email_domain);
absl::StatusOr<TokenRecord> RevokeToken(SqliteConnection& db,
                                        const TokenRevocation& revocation);
absl::StatusOr<RotatedAccessToken> RotateToken(SqliteConnection& db,
                                               const TokenRotation& rotation);
absl::Status StoreTokenUses(SqliteConnection& db,
                            const std::vector<TokenUse>& uses);
// Copies the bot user's fields into up to `limit` token ids below the
// setting bot_copies_missing_below, then lowers or deletes the setting.
absl::StatusOr<BotCopyProgress> FillBotCopies(SqliteConnection& db,
                                              int limit);
// Returns the names of the purged bot users.
absl::StatusOr<std::vector<std::string>> PurgeBotUsers(
    SqliteConnection& db, absl::Time revoked_before, absl::Time keys_before,
    int limit, absl::Time now);

// Listings; the caller wraps them in a read transaction.
absl::StatusOr<Page<TokenRecord>> QueryTokens(SqliteConnection& db,
                                              const TokenListQuery& query);
absl::StatusOr<Page<BotUserRecord>> QueryBotUsers(SqliteConnection& db,
                                                  const ResourceRef& parent,
                                                  int64_t after_id,
                                                  const PageQuery& page);
absl::StatusOr<Page<AuditEventRecord>> QueryAuditEvents(
    SqliteConnection& db, const AuditListQuery& query);

}  // namespace accesstokens::internal

#endif  // ACCESSTOKENS_STORAGE_SQLITE_OPERATIONS_H_
