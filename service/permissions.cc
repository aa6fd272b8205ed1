#include "service/permissions.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "accesstokens/v1/resources.pb.h"

namespace accesstokens {
namespace {

constexpr int kMaintainer = v1::ACCESS_LEVEL_MAINTAINER;
constexpr int kOwner = v1::ACCESS_LEVEL_OWNER;

const char* ActionVerb(TokenAction action) {
  switch (action) {
    case TokenAction::kCreate:
      return "create";
    case TokenAction::kRotate:
      return "rotate";
    case TokenAction::kRevoke:
      return "revoke";
  }
  return "change";
}

std::string DescribeActor(const ActorRecord& actor) {
  if (actor.bot_user_id.has_value()) {
    return absl::StrCat("bot user \"", UserName(*actor.bot_user_id), "\"");
  }
  return absl::StrCat("user ", actor.user_id.value_or(0), " with level ",
                      AccessLevelName(actor.access_level));
}

}  // namespace

std::string AccessLevelName(int level) {
  const char* name = "unknown";
  switch (level) {
    case v1::ACCESS_LEVEL_GUEST:
      name = "guest";
      break;
    case v1::ACCESS_LEVEL_PLANNER:
      name = "planner";
      break;
    case v1::ACCESS_LEVEL_REPORTER:
      name = "reporter";
      break;
    case v1::ACCESS_LEVEL_DEVELOPER:
      name = "developer";
      break;
    case v1::ACCESS_LEVEL_MAINTAINER:
      name = "maintainer";
      break;
    case v1::ACCESS_LEVEL_OWNER:
      name = "owner";
      break;
  }
  return absl::StrCat(name, " (", level, ")");
}

absl::Status CheckCanMirror(const ActorRecord& actor,
                            absl::string_view resource_name) {
  if (!actor.bot_user_id.has_value()) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat(DescribeActor(actor), " may not create \"", resource_name,
                   "\"; groups and projects are created by human users"));
}

absl::Status CheckCanAdminister(const ActorRecord& actor,
                                absl::string_view resource_name) {
  if (!actor.bot_user_id.has_value() && actor.access_level >= kOwner) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      DescribeActor(actor), " may not change \"", resource_name,
      "\"; it needs a human user with the level ", AccessLevelName(kOwner)));
}

absl::Status CheckCanManageTokens(const ActorRecord& actor, TokenAction action,
                                  absl::string_view parent_name) {
  if (actor.bot_user_id.has_value()) {
    if (action == TokenAction::kRotate) return absl::OkStatus();
    return absl::PermissionDeniedError(absl::StrCat(
        DescribeActor(actor), " may not ", ActionVerb(action),
        " access tokens; bot users may only rotate their own token"));
  }
  if (actor.access_level >= kMaintainer) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      DescribeActor(actor), " may not ", ActionVerb(action),
      " access tokens of \"", parent_name, "\"; it needs at least the level ",
      AccessLevelName(kMaintainer)));
}

absl::Status CheckTokenLevel(const ActorRecord& actor, int token_level,
                             absl::string_view token_name) {
  if (actor.bot_user_id.has_value() || token_level <= actor.access_level) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      DescribeActor(actor), " may not manage \"", token_name,
      "\" with the level ", AccessLevelName(token_level),
      ": a token's level may not exceed the actor's"));
}

absl::Status CheckBotRotation(const ActorRecord& actor,
                              const TokenRecord& token) {
  if (!actor.bot_user_id.has_value()) return absl::OkStatus();
  const std::string name = AccessTokenName(token.parent, token.id);
  if (token.user_id != *actor.bot_user_id || token.next_id.has_value()) {
    return absl::PermissionDeniedError(
        absl::StrCat(DescribeActor(actor), " may not rotate \"", name,
                     "\"; bot users may only rotate their own current token"));
  }
  const uint32_t allowed =
      (1u << v1::SCOPE_API) | (1u << v1::SCOPE_SELF_ROTATE);
  if ((token.scopes & allowed) == 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        "access token \"", name,
        "\" may not rotate itself; it needs the scope api or self_rotate"));
  }
  return absl::OkStatus();
}

}  // namespace accesstokens
