#include "service/proto_conversion.h"

#include "google/protobuf/timestamp.pb.h"
#include "service/policy.h"
#include "service/scopes.h"

namespace accesstokens {
namespace {

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

}  // namespace

void ToProto(const GroupRecord& group, v1::Group* out) {
  out->set_name(GroupName(group.id));
  if (group.parent_id.has_value()) out->set_parent(GroupName(*group.parent_id));
  out->set_display_name(group.display_name);
  out->set_allow_project_access_token_creation(
      group.allow_project_token_creation);
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
  ToProto(project.create_time, out->mutable_create_time());
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
  out->set_state(user.blocked ? v1::BotUser::STATE_BLOCKED
                              : v1::BotUser::STATE_ACTIVE);
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

}  // namespace accesstokens
