// Permission rules of changes. The platform authenticates the acting user
// and vouches for the access level it passes, and these rules decide on it:
//
//   - Creating, rotating and revoking tokens needs at least the maintainer
//     level, and a token's level may not exceed the actor's, so only an
//     owner may create, rotate or revoke an owner token.
//   - A bot user may not create or revoke tokens, and may rotate only its
//     own current token, when that token has the api or self_rotate scope.
//   - Updating and deleting groups and projects needs the owner level.
//   - Creating groups and projects mirrors the platform's own records and
//     needs only a human actor.
//
// Checks that need no stored data run before any lookup, so an actor
// without permission learns nothing about whether a resource exists.
// Every refusal is PERMISSION_DENIED with a message naming the actor's
// level and the level required.
//
// All functions are pure and thread-safe.
#ifndef ACCESSTOKENS_SERVICE_PERMISSIONS_H_
#define ACCESSTOKENS_SERVICE_PERMISSIONS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "storage/store.h"

namespace accesstokens {

// The action a permission check is for, as named in messages.
enum class TokenAction { kCreate, kRotate, kRevoke };

// Creating a group or project: the actor must be a human user.
absl::Status CheckCanMirror(const ActorRecord& actor,
                            absl::string_view resource_name);

// Updating or deleting a group or project: a human owner.
absl::Status CheckCanAdminister(const ActorRecord& actor,
                                absl::string_view resource_name);

// The part of a token permission check that needs no lookup: a human with
// at least the maintainer level, or, for rotation only, a bot user.
absl::Status CheckCanManageTokens(const ActorRecord& actor, TokenAction action,
                                  absl::string_view parent_name);

// A token of `token_level` may be created, rotated or revoked by a human
// actor only if the actor's level is at least as high.
absl::Status CheckTokenLevel(const ActorRecord& actor, int token_level,
                             absl::string_view token_name);

// A bot user may rotate `token` only if it is the bot's own current token
// (the one that rotation has not replaced) and has the api or self_rotate
// scope.
absl::Status CheckBotRotation(const ActorRecord& actor,
                              const TokenRecord& token);

// Returns the name of an access level ("maintainer (40)") for messages.
std::string AccessLevelName(int level);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_PERMISSIONS_H_
