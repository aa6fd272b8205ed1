#include "service/proto_conversion.h"

#include "absl/strings/str_cat.h"
#include "service/policy.h"
#include "service/scopes.h"

namespace accesstokens {
namespace {

v1::ResourceState ToProto(ResourceState state) {
  switch (state) {
    case ResourceState::kActive:
      return v1::RESOURCE_STATE_ACTIVE;
    case ResourceState::kPendingDeletion:
      return v1::RESOURCE_STATE_PENDING_DELETION;
    case ResourceState::kDeleted:
      return v1::RESOURCE_STATE_DELETED;
  }
  return v1::RESOURCE_STATE_UNSPECIFIED;
}

}  // namespace

void ToProto(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(time);
  int64_t seconds = micros / 1000000;
  int64_t remainder = micros % 1000000;
  if (remainder < 0) {
    --seconds;
    remainder += 1000000;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(remainder * 1000));
}

void ToProto(const GroupRecord& group, v1::Group* out) {
  out->set_name(GroupName(group.id));
  if (group.parent_id.has_value()) out->set_parent(GroupName(*group.parent_id));
  out->set_display_name(group.display_name);
  out->set_allow_project_access_token_creation(
      group.allow_project_token_creation);
  out->set_state(ToProto(group.state));
  ToProto(group.create_time, out->mutable_create_time());
  ToProto(group.update_time, out->mutable_update_time());
}

void ToProto(const ProjectRecord& project, v1::Project* out) {
  out->set_name(ProjectName(project.id));
  if (project.group_id.has_value()) {
    out->set_parent(GroupName(*project.group_id));
  }
  out->set_display_name(project.display_name);
  out->set_access_token_creation_allowed(project.token_creation_allowed);
  out->set_state(ToProto(project.state));
  ToProto(project.create_time, out->mutable_create_time());
  ToProto(project.update_time, out->mutable_update_time());
}

void ToProto(const TokenRecord& token, absl::Time now, v1::AccessToken* out) {
  out->set_name(AccessTokenName(token.parent, token.id));
  out->set_display_name(token.display_name);
  out->set_description(token.description);
  for (v1::Scope scope : ScopesFromBits(token.scopes)) out->add_scopes(scope);
  out->set_access_level(static_cast<v1::AccessLevel>(token.access_level));
  out->set_expires_on(FormatDate(token.expires_on));
  out->set_state(TokenState(token, now));
  out->set_bot_user(UserName(token.user_id));
  ToProto(token.create_time, out->mutable_create_time());
  if (token.revoke_time.has_value()) {
    ToProto(*token.revoke_time, out->mutable_revoke_time());
  }
  out->set_revocation_reason(
      static_cast<v1::AccessToken::RevocationReason>(token.revocation_reason));
  if (token.last_use_time.has_value()) {
    ToProto(*token.last_use_time, out->mutable_last_use_time());
  }
  for (const std::string& address : token.last_use_addresses) {
    out->add_last_use_addresses(address);
  }
  if (token.previous_id.has_value()) {
    out->set_previous_access_token(
        AccessTokenName(token.parent, *token.previous_id));
  }
  if (token.next_id.has_value()) {
    out->set_next_access_token(AccessTokenName(token.parent, *token.next_id));
  }
}

void ToProto(const BotUserRecord& user, v1::BotUser* out) {
  out->set_name(UserName(user.id));
  out->set_username(user.username);
  out->set_email(user.email);
  out->set_display_name(user.display_name);
  out->set_user_type(user.resource.kind == ResourceKind::kProject
                         ? v1::USER_TYPE_PROJECT_BOT
                         : v1::USER_TYPE_GROUP_BOT);
  out->set_billable(false);
  if (user.purged) {
    out->set_state(v1::BotUser::STATE_PURGED);
  } else {
    out->set_state(user.blocked ? v1::BotUser::STATE_BLOCKED
                                : v1::BotUser::STATE_ACTIVE);
  }
  out->set_resource(ResourceName(user.resource));
  if (user.membership_access_level.has_value()) {
    v1::BotUser::Membership* membership = out->mutable_membership();
    membership->set_resource(ResourceName(user.resource));
    membership->set_access_level(
        static_cast<v1::AccessLevel>(*user.membership_access_level));
  }
  out->set_access_token(AccessTokenName(user.resource, user.token_id));
  ToProto(user.create_time, out->mutable_create_time());
}

void ToProto(const ActorRecord& actor, v1::Actor* out) {
  if (actor.bot_user_id.has_value()) {
    out->set_bot_user(UserName(*actor.bot_user_id));
  } else if (actor.user_id.has_value()) {
    out->set_user_id(*actor.user_id);
    out->set_access_level(static_cast<v1::AccessLevel>(actor.access_level));
  }
}

void ToProto(const AuditEventRecord& event, v1::AuditEvent* out) {
  out->set_name(absl::StrCat("auditEvents/", event.id));
  ToProto(event.time, out->mutable_time());
  if (event.actor.user_id.has_value() || event.actor.bot_user_id.has_value()) {
    ToProto(event.actor, out->mutable_actor());
  }
  out->set_action(static_cast<v1::AuditEvent::Action>(event.action));
  out->set_target(event.target);
  out->set_request_id(event.request_id);
  out->set_status_code(event.status_code);
  out->set_status_message(event.status_message);
  for (const std::string& resource : event.related_resources) {
    out->add_related_resources(resource);
  }
}

std::string EncodeAuthentication(const TokenOwnership& owner) {
  v1::AuthenticateAccessTokenResponse response;
  v1::AccessToken* token = response.mutable_access_token();
  ToProto(owner.token, owner.token.create_time, token);
  token->set_state(v1::AccessToken::STATE_ACTIVE);
  ToProto(owner.bot_user, response.mutable_bot_user());
  if (const auto* project = std::get_if<ProjectRecord>(&owner.resource)) {
    ToProto(*project, response.mutable_project());
  } else {
    ToProto(std::get<GroupRecord>(owner.resource), response.mutable_group());
  }
  return response.SerializeAsString();
}

}  // namespace accesstokens
