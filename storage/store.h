// The storage interface of the access token service and the records it
// stores. It does not depend on gRPC or protobuf, so another engine can
// implement it without changes to the service.
#ifndef ACCESSTOKENS_STORAGE_STORE_H_
#define ACCESSTOKENS_STORAGE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "storage/resource.h"

namespace accesstokens {

// Life-cycle state of a group or project. The numbers are stored.
enum class ResourceState { kActive = 1, kPendingDeletion = 2, kDeleted = 3 };

// Reason of a revocation. The numbers are stored.
enum class RevocationReason {
  kNone = 0,
  kRevoked = 1,
  kRotated = 2,
  kReuseDetected = 3,
  kResourceDeleted = 4,
};

struct GroupRecord {
  int64_t id = 0;
  std::optional<int64_t> parent_id;  // Unset for a top-level group.
  int64_t top_level_id = 0;          // The group itself when top-level.
  std::string display_name;
  // The setting of the top-level group, also for subgroups.
  bool allow_project_token_creation = true;
  ResourceState state = ResourceState::kActive;
  absl::Time create_time;
  absl::Time update_time;
};

struct ProjectRecord {
  int64_t id = 0;
  std::optional<int64_t> group_id;  // Unset for a project outside any group.
  std::optional<int64_t> top_level_group_id;  // Unset without a group.
  std::string display_name;
  // The setting of the project's top-level group; true without a group.
  bool token_creation_allowed = true;
  ResourceState state = ResourceState::kActive;
  absl::Time create_time;
  absl::Time update_time;
};

struct TokenRecord {
  int64_t id = 0;
  ResourceRef parent;
  int64_t user_id = 0;
  std::string display_name;
  std::string description;
  uint32_t scopes = 0;  // Bit (1 << n) is set for scope number n.
  int access_level = 0;
  absl::CivilDay expires_on;  // Stops authenticating at 00:00 UTC that day.
  absl::Time create_time;
  std::optional<absl::Time> revoke_time;  // Unset while not revoked.
  RevocationReason revocation_reason = RevocationReason::kNone;
  int64_t family_id = 0;  // The first token of its rotation family.
  std::optional<int64_t> previous_id;  // The token this one replaced.
  std::optional<int64_t> next_id;      // The token that replaced this one.
  std::optional<absl::Time> last_use_time;
  std::vector<std::string> last_use_addresses;  // Most recent first.
};

struct BotUserRecord {
  int64_t id = 0;
  std::string username;
  std::string email;
  std::string display_name;  // Empty once purged.
  ResourceRef resource;
  bool blocked = false;
  bool purged = false;
  // Access level of the bot's membership in `resource`; unset once the
  // membership has ended.
  std::optional<int> membership_access_level;
  int64_t token_id = 0;  // The bot's current token: its latest one.
  absl::Time create_time;
};

// State of a project or group that the store reads when a token of it is
// created or changed, for the policy to decide on.
struct TokenParentState {
  ResourceRef resource;
  // The top-level group above the resource, or the group itself when it is
  // top-level; unset for a project outside any group.
  std::optional<int64_t> top_level_group_id;
  // For a project: the setting of its top-level group, true without a
  // group. Always true for a group.
  bool project_token_creation_allowed = true;
  // The resource's own state.
  ResourceState state = ResourceState::kActive;
  // The first group above the resource that is not active, if any.
  std::optional<int64_t> inactive_ancestor_id;
};

// A token together with its bot user and the project or group it belongs
// to, as authentication returns them.
struct TokenOwnership {
  TokenRecord token;
  BotUserRecord bot_user;
  std::variant<ProjectRecord, GroupRecord> resource;
  // False if the resource or a group above it is pending deletion or
  // deleted.
  bool resource_usable = true;
  // The digest stored for the token.
  std::string digest;
  // The serialized AuthenticateAccessTokenResponse of this token, set when
  // the store has an encoder (SqliteStoreOptions::encode_authentication)
  // and the token can authenticate. Kept with the token in the cache, so
  // that a cached token needs no conversion or serialization per call.
  std::string encoded_authentication;
};

// The user on whose behalf a change is made: a human user with an access
// level, or a bot user. Neither is set for the server's own work.
struct ActorRecord {
  std::optional<int64_t> user_id;
  std::optional<int64_t> bot_user_id;
  int access_level = 0;  // The human user's level; 0 for bots.
};

// Actor and time of a change, which the store writes to the audit log.
struct ChangeContext {
  ActorRecord actor;
  std::string request_id;  // May be empty.
  absl::Time time;
};

// Actions of the audit log. The numbers are stored and match
// AuditEvent.Action of the API.
enum class AuditAction {
  kCreateGroup = 1,
  kUpdateGroup = 2,
  kDeleteGroup = 3,
  kCreateProject = 4,
  kUpdateProject = 5,
  kDeleteProject = 6,
  kCreateAccessToken = 7,
  kRotateAccessToken = 8,
  kRevokeAccessToken = 9,
  kRevokeTokenFamily = 10,
  kPurgeBotUser = 11,
};

struct AuditEventRecord {
  int64_t id = 0;
  absl::Time time;
  ActorRecord actor;
  AuditAction action = AuditAction::kCreateGroup;
  std::string target;
  std::string request_id;
  int status_code = 0;  // A canonical status code; 0 for success.
  std::string status_message;
  std::vector<std::string> related_resources;
};

// Returns the audit event of `action` on `target` by the context's actor,
// with a success status.
AuditEventRecord MakeAuditEvent(AuditAction action, std::string target,
                                const ChangeContext& context);

// Returns OK if the token may be created under `parent`, else the status to
// fail with. Runs inside the creating transaction, so the decision and the
// change see the same data.
using TokenCreationCheck =
    absl::AnyInvocable<absl::Status(const TokenParentState& parent) const>;

// Returns OK if `token` under `parent` may be revoked or rotated, else the
// status to fail with. Runs inside the changing transaction.
using TokenChangeCheck = absl::AnyInvocable<absl::Status(
    const TokenRecord& token, const TokenParentState& parent) const>;

// A retry key of a request that creates a token (see
// CreateAccessTokenRequest.request_id in the API).
struct IdempotencyKey {
  std::string request_id;
  std::string fingerprint;    // Digest of the request's content.
  std::string sealed_secret;  // The new secret, encrypted by the service.
};

struct NewGroup {
  int64_t id = 0;
  std::optional<int64_t> parent_id;
  std::string display_name;
  // Only for top-level groups; ignored for subgroups.
  bool allow_project_token_creation = true;
  ChangeContext context;
};

struct GroupUpdate {
  int64_t id = 0;
  std::optional<std::string> display_name;
  // REQUIRES: set only for a top-level group.
  std::optional<bool> allow_project_token_creation;
  // REQUIRES: active or pending deletion.
  std::optional<ResourceState> state;
  ChangeContext context;
};

struct NewProject {
  int64_t id = 0;
  std::optional<int64_t> group_id;
  std::string display_name;
  ChangeContext context;
};

struct ProjectUpdate {
  int64_t id = 0;
  std::optional<std::string> display_name;
  // REQUIRES: active or pending deletion.
  std::optional<ResourceState> state;
  ChangeContext context;
};

struct NewAccessToken {
  ResourceRef parent;
  std::string display_name;
  std::string description;
  uint32_t scopes = 0;
  int access_level = 0;
  absl::CivilDay expires_on;
  std::string digest;  // Keyed digest of the secret; never the secret.
  TokenCreationCheck check;
  std::optional<IdempotencyKey> idempotency;
  ChangeContext context;
};

struct CreatedAccessToken {
  TokenRecord token;
  BotUserRecord bot_user;
  // Set when the request repeated an earlier one's request_id: the sealed
  // secret of the first response.
  std::optional<std::string> replayed_sealed_secret;
};

// The token to revoke or rotate, by name.
struct TokenKey {
  ResourceRef parent;
  int64_t id = 0;
};

struct TokenRevocation {
  TokenKey token;
  TokenChangeCheck check;
  ChangeContext context;
};

struct TokenRotation {
  // The token to rotate: by name, or by the digest of its secret.
  std::variant<TokenKey, std::string> token;
  absl::CivilDay expires_on;  // Of the new token.
  std::string new_digest;
  TokenChangeCheck check;
  std::optional<IdempotencyKey> idempotency;
  ChangeContext context;
};

struct RotatedAccessToken {
  // True if the token was presented by a secret that had already been
  // rotated: instead of a rotation, every token of its family was revoked.
  bool reuse_detected = false;
  TokenRecord previous;  // The rotated token, now revoked.
  TokenRecord next;      // The new token; unset fields on reuse.
  BotUserRecord bot_user;
  std::vector<TokenRecord> family_revoked;  // On reuse: the tokens revoked.
  std::optional<std::string> replayed_sealed_secret;
};

struct ResourceDeletion {
  ResourceRef resource;
  // For a group: also delete the groups and projects beneath it. Without
  // it, a group that has any is FAILED_PRECONDITION.
  bool force = false;
  ChangeContext context;
};

struct DeletedResource {
  std::variant<ProjectRecord, GroupRecord> resource;
  std::vector<ResourceRef> deleted_descendants;
  int revoked_token_count = 0;
};

// Progress of filling in the copies of bot user fields in token rows
// written before schema version 4 (Store::FillBotCopies()).
struct BotCopyProgress {
  // Token rows filled in by this call.
  int64_t rows_copied = 0;
  // Token ids still to visit, or 0 once every row has its copy.
  int64_t ids_left = 0;
};

// One recorded authentication of a token.
struct TokenUse {
  int64_t token_id = 0;
  absl::Time time;
  std::vector<std::string> addresses;  // The new list, most recent first.
};

// Which tokens a listing returns, by state.
enum class TokenStateFilter {
  kAll,
  kActive,
  kInactive,
  kRevoked,
  kExpired,
};

// A page of a listing. Listings use keyset pagination: a page starts after
// the sort key and id that ended the previous one, so a deep page costs the
// same as the first.
struct PageQuery {
  int limit = 20;  // REQUIRES: at least 1.
};

enum class TokenOrder { kCreateTime, kExpiresOn, kLastUseTime, kDisplayName };

// Where a page of tokens starts: after the token with this sort key and id.
struct TokenCursor {
  std::variant<int64_t, std::string> sort_key;  // A string for names.
  int64_t id = 0;
};

enum class Comparison { kLess, kLessOrEqual, kGreater, kGreaterOrEqual };

template <typename T>
struct Bound {
  Comparison comparison = Comparison::kLess;
  T value;
};

struct TokenListQuery {
  ResourceRef parent;
  TokenStateFilter state = TokenStateFilter::kAll;
  absl::CivilDay today;  // Tokens expiring on or before today are expired.
  std::optional<std::string> display_name_contains;  // Case-insensitive.
  std::vector<Bound<absl::Time>> create_time;
  std::vector<Bound<absl::CivilDay>> expires_on;
  std::vector<Bound<absl::Time>> last_use_time;
  bool never_used = false;  // Only tokens without a last use.
  TokenOrder order = TokenOrder::kCreateTime;
  bool descending = false;
  std::optional<TokenCursor> after;
  PageQuery page;
};

struct AuditListQuery {
  std::optional<std::string> target;         // Exactly this resource.
  std::optional<std::string> target_prefix;  // This resource and beneath.
  std::optional<AuditAction> action;
  std::vector<Bound<absl::Time>> time;
  std::optional<int64_t> before_id;  // Newest first: ids below this one.
  PageQuery page;
};

template <typename Record>
struct Page {
  std::vector<Record> records;
  bool has_more = false;  // True if records exist after the last one.
};

// Completion of an asynchronous write. It runs on a thread of the store's
// writer after the change is durable, or after it failed and left nothing
// behind, so it must be quick and must not call back into the store's
// writes and wait for them.
template <typename T>
using WriteCallback = absl::AnyInvocable<void(absl::StatusOr<T>) &&>;

// Storage of groups, projects, access tokens, bot users and the audit log.
//
// Reads are synchronous and run on the calling thread. Writes are
// asynchronous: each takes a callback that receives the result once the
// change is durable on disk or has failed, and writes run in submission
// order, so a write's callback also means that every earlier write is
// durable. A failed write changes nothing but the audit log, which records
// refused changes too (NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION,
// PERMISSION_DENIED, INVALID_ARGUMENT), with the context's actor.
// Errors: UNAVAILABLE when storage is busy, read-only or full, DATA_LOSS
// when it is corrupt. Messages name the resources involved.
//
// Thread-safe: every method may be called from any thread at any time.
class Store {
 public:
  virtual ~Store() = default;

  virtual absl::StatusOr<GroupRecord> GetGroup(int64_t group_id) = 0;
  virtual absl::StatusOr<ProjectRecord> GetProject(int64_t project_id) = 0;
  virtual absl::StatusOr<TokenRecord> GetAccessToken(int64_t token_id) = 0;
  virtual absl::StatusOr<Page<TokenRecord>> ListAccessTokens(
      const TokenListQuery& query) = 0;
  virtual absl::StatusOr<BotUserRecord> GetBotUser(int64_t user_id) = 0;
  virtual absl::StatusOr<Page<BotUserRecord>> ListBotUsers(
      const ResourceRef& parent, int64_t after_id, const PageQuery& page) = 0;
  virtual absl::StatusOr<Page<AuditEventRecord>> ListAuditEvents(
      const AuditListQuery& query) = 0;

  // Returns the token whose digest is `digest` with its bot user and
  // resource, whatever the token's state; NOT_FOUND if there is none. A
  // token revoked by a write whose callback has run is never returned as
  // unrevoked, even from a cache.
  virtual absl::StatusOr<std::shared_ptr<const TokenOwnership>>
  FindTokenByDigest(absl::string_view digest) = 0;

  // Records `fingerprint` of the digest key on first use and checks it on
  // later starts: FAILED_PRECONDITION if the database was written with
  // another key, whose digests the server could never match.
  virtual absl::Status CheckDigestKey(absl::string_view fingerprint) = 0;

  // Creates a group. NOT_FOUND if the parent group does not exist,
  // FAILED_PRECONDITION if it is deleted, ALREADY_EXISTS if the id is taken.
  virtual void CreateGroup(NewGroup group,
                           WriteCallback<GroupRecord> done) = 0;

  // Changes the fields set in `update`. NOT_FOUND if the group does not
  // exist, FAILED_PRECONDITION if it is deleted.
  virtual void UpdateGroup(GroupUpdate update,
                           WriteCallback<GroupRecord> done) = 0;

  // Creates a project, like CreateGroup.
  virtual void CreateProject(NewProject project,
                             WriteCallback<ProjectRecord> done) = 0;

  // Changes the fields set in `update`, like UpdateGroup.
  virtual void UpdateProject(ProjectUpdate update,
                             WriteCallback<ProjectRecord> done) = 0;

  // Deletes a project or group as DeletedResource describes, revoking every
  // token beneath it, blocking their bot users and ending their
  // memberships, in one transaction. NOT_FOUND if it does not exist,
  // FAILED_PRECONDITION if it is deleted already.
  virtual void DeleteResource(ResourceDeletion deletion,
                              WriteCallback<DeletedResource> done) = 0;

  // In one transaction: checks the parent with `token.check`, allocates the
  // next bot name of the parent, and creates the bot user, its membership
  // and the token. With an idempotency key that was used before, returns
  // the first result instead (INVALID_ARGUMENT if the fingerprint differs).
  // NOT_FOUND if the parent does not exist.
  virtual void CreateAccessToken(NewAccessToken token,
                                 WriteCallback<CreatedAccessToken> done) = 0;

  // Revokes a token, blocks its bot user and ends the bot's membership, in
  // one transaction, after `check` allowed it. A revoked token is returned
  // unchanged. NOT_FOUND if the token does not exist under its parent.
  virtual void RevokeAccessToken(TokenRevocation revocation,
                                 WriteCallback<TokenRecord> done) = 0;

  // Rotates a token in one transaction: revokes it and creates its
  // successor for the same bot user, after `check` allowed it. A token
  // presented by the digest of a secret that was already rotated makes
  // every token of its family revoked instead (reuse_detected). NOT_FOUND
  // if the token does not exist.
  virtual void RotateAccessToken(TokenRotation rotation,
                                 WriteCallback<RotatedAccessToken> done) = 0;

  // Records authentications as the tokens' last use, in one transaction,
  // without waiting for it. The write may wait briefly to share the
  // transaction of another write. A failure is only logged. `done` runs
  // once the write has ended, whatever its outcome.
  virtual void RecordTokenUses(std::vector<TokenUse> uses,
                               absl::AnyInvocable<void() &&> done) = 0;

  // Writes an audit event on its own, for a change refused before it
  // reached the store. Does not wait for the write.
  virtual void RecordAuditEvent(AuditEventRecord event) = 0;

  // Copies the bot user's name, email and creation time into up to `limit`
  // token rows written before schema version 4. Call it until ids_left is 0.
  virtual void FillBotCopies(int limit,
                             WriteCallback<BotCopyProgress> done) = 0;

  // Marks as purged the blocked bot users whose tokens were all revoked
  // before `revoked_before`, at most `limit` of them, and deletes
  // idempotency keys created before `keys_before`, in one transaction.
  // Returns the number of bot users purged.
  virtual void Purge(absl::Time revoked_before, absl::Time keys_before,
                     int limit, absl::Time now,
                     WriteCallback<int> done) = 0;
};

}  // namespace accesstokens

#endif  // ACCESSTOKENS_STORAGE_STORE_H_
