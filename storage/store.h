// The storage interface of the access token service and the records it
// stores. It does not depend on gRPC or protobuf, so another engine can
// implement it without changes to the service.
#ifndef ACCESSTOKENS_STORAGE_STORE_H_
#define ACCESSTOKENS_STORAGE_STORE_H_

#include <cstdint>
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

struct GroupRecord {
  int64_t id = 0;
  std::optional<int64_t> parent_id;  // Unset for a top-level group.
  int64_t top_level_id = 0;          // The group itself when top-level.
  std::string display_name;
  // The setting of the top-level group, also for subgroups.
  bool allow_project_token_creation = true;
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
  absl::Time create_time;
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
};

struct BotUserRecord {
  int64_t id = 0;
  std::string username;
  std::string email;
  std::string display_name;
  ResourceRef resource;
  bool blocked = false;
  // Access level of the bot's membership in `resource`; unset once the
  // membership has ended.
  std::optional<int> membership_access_level;
  int64_t token_id = 0;  // The token the bot user was created for.
  absl::Time create_time;
};

// A token together with its bot user and the project or group it belongs
// to, as authentication returns them.
struct TokenOwnership {
  TokenRecord token;
  BotUserRecord bot_user;
  std::variant<ProjectRecord, GroupRecord> resource;
};

// State of a project or group that the store reads when a token is created
// for it, for the creation policy to decide on.
struct TokenParentState {
  ResourceRef resource;
  // The top-level group above the resource, or the group itself when it is
  // top-level; unset for a project outside any group.
  std::optional<int64_t> top_level_group_id;
  // For a project: the setting of its top-level group, true without a
  // group. Always true for a group.
  bool project_token_creation_allowed = true;
};

// Returns OK if a token may be created under the given parent, else the
// status to fail the creation with. Runs inside the creating transaction, so
// the decision and the change see the same data.
using TokenCreationCheck =
    absl::AnyInvocable<absl::Status(const TokenParentState&) const>;

struct NewGroup {
  int64_t id = 0;
  std::optional<int64_t> parent_id;
  std::string display_name;
  // Only for top-level groups; ignored for subgroups.
  bool allow_project_token_creation = true;
  absl::Time create_time;
};

struct GroupUpdate {
  int64_t id = 0;
  std::optional<std::string> display_name;
  // REQUIRES: set only for a top-level group.
  std::optional<bool> allow_project_token_creation;
  absl::Time update_time;
};

struct NewProject {
  int64_t id = 0;
  std::optional<int64_t> group_id;
  std::string display_name;
  absl::Time create_time;
};

struct NewAccessToken {
  ResourceRef parent;
  std::string display_name;
  std::string description;
  uint32_t scopes = 0;
  int access_level = 0;
  absl::CivilDay expires_on;
  std::string digest;  // Keyed digest of the secret; never the secret.
  absl::Time create_time;
  TokenCreationCheck check;
};

struct CreatedAccessToken {
  TokenRecord token;
  BotUserRecord bot_user;
};

// State filter of a token listing.
enum class TokenStateFilter { kAll, kActive, kInactive };

// A page of a listing in id order. Listings use keyset pagination: a page
// starts after the id that ended the previous one, so a deep page costs the
// same as the first.
struct PageQuery {
  int64_t after_id = 0;  // 0 for the first page.
  int limit = 20;        // REQUIRES: at least 1.
};

struct TokenListQuery {
  ResourceRef parent;
  TokenStateFilter state = TokenStateFilter::kAll;
  absl::CivilDay today;  // Tokens expiring on or before today are inactive.
  PageQuery page;
};

template <typename Record>
struct Page {
  std::vector<Record> records;
  bool has_more = false;  // True if records exist after the last one.
};

// Completion of an asynchronous write. It runs on the store's writer thread
// after the change is durable, or after it failed and left nothing behind,
// so it must be quick and must not call back into the store's writes and
// wait for them.
template <typename T>
using WriteCallback = absl::AnyInvocable<void(absl::StatusOr<T>) &&>;

// Storage of groups, projects, access tokens and bot users.
//
// Reads are synchronous and run on the calling thread. Writes are
// asynchronous: each takes a callback that receives the result once the
// change is durable on disk or has failed. A failed write changes nothing.
// Errors: NOT_FOUND for a missing record, ALREADY_EXISTS for a taken id,
// UNAVAILABLE when storage is busy, read-only or full, DATA_LOSS when it is
// corrupt. Messages name the resources involved.
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
      const ResourceRef& parent, const PageQuery& page) = 0;

  // Returns the token whose digest is `digest` with its bot user and
  // resource, whatever the token's state; NOT_FOUND if there is none.
  virtual absl::StatusOr<TokenOwnership> FindTokenByDigest(
      absl::string_view digest) = 0;

  // Records `fingerprint` of the digest key on first use and checks it on
  // later starts: FAILED_PRECONDITION if the database was written with
  // another key, whose digests the server could never match.
  virtual absl::Status CheckDigestKey(absl::string_view fingerprint) = 0;

  // Creates a group. NOT_FOUND if the parent group does not exist,
  // ALREADY_EXISTS if the id is taken.
  virtual void CreateGroup(NewGroup group,
                           WriteCallback<GroupRecord> done) = 0;

  // Changes the fields set in `update`. NOT_FOUND if the group does not
  // exist.
  virtual void UpdateGroup(GroupUpdate update,
                           WriteCallback<GroupRecord> done) = 0;

  // Creates a project. NOT_FOUND if its group does not exist,
  // ALREADY_EXISTS if the id is taken.
  virtual void CreateProject(NewProject project,
                             WriteCallback<ProjectRecord> done) = 0;

  // In one transaction: checks the parent with `token.check`, allocates the
  // next bot name of the parent, and creates the bot user, its membership
  // and the token. NOT_FOUND if the parent does not exist; the check's
  // status if it rejects the creation.
  virtual void CreateAccessToken(NewAccessToken token,
                                 WriteCallback<CreatedAccessToken> done) = 0;

  // Revokes the token `token_id` of `parent` at `now`, blocks its bot user
  // and ends the bot's membership, in one transaction. A revoked token is
  // returned unchanged. NOT_FOUND if the token does not exist under
  // `parent`.
  virtual void RevokeAccessToken(const ResourceRef& parent, int64_t token_id,
                                 absl::Time now,
                                 WriteCallback<TokenRecord> done) = 0;
};

}  // namespace accesstokens

#endif  // ACCESSTOKENS_STORAGE_STORE_H_
