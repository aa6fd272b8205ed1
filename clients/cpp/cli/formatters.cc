#include "clients/cpp/cli/formatters.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "clients/cpp/cli/enum_names.h"
#include "google/protobuf/util/json_util.h"

namespace accesstokens::cli {
namespace {

std::string OrDash(const std::string& value) {
  return value.empty() ? "-" : value;
}

std::string FormatBool(bool value) { return value ? "true" : "false"; }

std::string ScopeList(const google::protobuf::RepeatedField<int>& scopes) {
  std::vector<std::string> names;
  for (int scope : scopes) {
    names.push_back(EnumPlainName(v1::Scope_descriptor(), scope));
  }
  return OrDash(absl::StrJoin(names, ","));
}

// Returns the plain name of an enum field, or "-" for the zero value, which
// the server sends for a field it does not fill.
std::string EnumField(const google::protobuf::EnumDescriptor* type,
                      int number) {
  return number == 0 ? "-" : EnumPlainName(type, number);
}

std::string LevelName(v1::AccessLevel level) {
  return EnumField(v1::AccessLevel_descriptor(), level);
}

std::string TokenStateName(v1::AccessToken::State state) {
  return EnumField(v1::AccessToken::State_descriptor(), state);
}

std::string ResourceStateName(v1::ResourceState state) {
  return EnumField(v1::ResourceState_descriptor(), state);
}

std::string FormatStatusCode(int code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

}  // namespace

absl::StatusOr<std::string> FormatJson(
    const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  std::string json;
  // Protobuf 3.21 returns its own status type, with absl's code numbers.
  const auto converted =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!converted.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(converted.code()),
                        std::string(converted.message()));
  }
  if (json.empty() || json.back() != '\n') json += '\n';
  return json;
}

std::string FormatTimestamp(const google::protobuf::Timestamp& time,
                            const std::string& unset) {
  if (time.seconds() == 0 && time.nanos() == 0) return unset;
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(time.seconds()),
                          absl::UTCTimeZone());
}

std::string FormatActor(const v1::Actor& actor) {
  switch (actor.identity_case()) {
    case v1::Actor::kUserId:
      return absl::StrCat("user ", actor.user_id(), " (",
                          LevelName(actor.access_level()), ")");
    case v1::Actor::kBotUser:
      return actor.bot_user();
    case v1::Actor::IDENTITY_NOT_SET:
      break;
  }
  return "-";
}

FieldList GroupFields(const v1::Group& group) {
  FieldList fields;
  fields.Add("name", group.name());
  fields.Add("parent", OrDash(group.parent()));
  fields.Add("display name", group.display_name());
  fields.Add("state", ResourceStateName(group.state()));
  fields.Add("project tokens allowed",
             group.has_allow_project_access_token_creation()
                 ? FormatBool(group.allow_project_access_token_creation())
                 : "-");
  fields.Add("created", FormatTimestamp(group.create_time()));
  fields.Add("updated", FormatTimestamp(group.update_time()));
  return fields;
}

FieldList ProjectFields(const v1::Project& project) {
  FieldList fields;
  fields.Add("name", project.name());
  fields.Add("parent", OrDash(project.parent()));
  fields.Add("display name", project.display_name());
  fields.Add("state", ResourceStateName(project.state()));
  fields.Add("token creation allowed",
             FormatBool(project.access_token_creation_allowed()));
  fields.Add("created", FormatTimestamp(project.create_time()));
  fields.Add("updated", FormatTimestamp(project.update_time()));
  return fields;
}

void PrintGroup(const v1::Group& group, std::ostream& out) {
  GroupFields(group).Print(out);
}

void PrintProject(const v1::Project& project, std::ostream& out) {
  ProjectFields(project).Print(out);
}

void PrintAccessToken(const v1::AccessToken& token, std::ostream& out) {
  FieldList fields;
  fields.Add("name", token.name());
  fields.Add("display name", token.display_name());
  fields.Add("description", OrDash(token.description()));
  fields.Add("scopes", ScopeList(token.scopes()));
  fields.Add("access level", LevelName(token.access_level()));
  fields.Add("state", TokenStateName(token.state()));
  fields.Add("expires on", OrDash(token.expires_on()));
  fields.Add("bot user", OrDash(token.bot_user()));

  fields.Add("created", FormatTimestamp(token.create_time()));
  if (token.has_revoke_time()) {
    std::string revoked = FormatTimestamp(token.revoke_time());
    if (token.revocation_reason() !=
        v1::AccessToken::REVOCATION_REASON_UNSPECIFIED) {
      absl::StrAppend(
          &revoked, " (",
          EnumPlainName(v1::AccessToken::RevocationReason_descriptor(),
                        token.revocation_reason()),
          ")");
    }
    fields.Add("revoked", revoked);
  }

  fields.Add("last used", FormatTimestamp(token.last_use_time(), "never"));
  if (token.last_use_addresses_size() > 0) {
    fields.Add("last used from",
               absl::StrJoin(token.last_use_addresses(), ", "));
  }

  if (!token.previous_access_token().empty()) {
    fields.Add("previous token", token.previous_access_token());
  }
  if (!token.next_access_token().empty()) {
    fields.Add("next token", token.next_access_token());
  }
  if (!token.token().empty()) fields.Add("token", token.token());

  fields.Print(out);
}

void PrintBotUser(const v1::BotUser& bot, std::ostream& out) {
  FieldList fields;
  fields.Add("name", bot.name());
  fields.Add("username", bot.username());
  fields.Add("email", bot.email());
  fields.Add("display name", bot.display_name());
  fields.Add("type", EnumField(v1::UserType_descriptor(), bot.user_type()));
  fields.Add("state", EnumField(v1::BotUser::State_descriptor(), bot.state()));
  fields.Add("resource", bot.resource());
  fields.Add("access level", bot.has_membership()
                                 ? LevelName(bot.membership().access_level())
                                 : "-");
  fields.Add("access token", OrDash(bot.access_token()));
  fields.Add("billable", FormatBool(bot.billable()));
  fields.Add("created", FormatTimestamp(bot.create_time()));
  fields.Print(out);
}

void PrintAuthentication(const v1::AuthenticateAccessTokenResponse& response,
                         std::ostream& out) {
  const v1::AccessToken& token = response.access_token();
  FieldList fields;
  fields.Add("access token", token.name());
  fields.Add("display name", token.display_name());
  fields.Add("scopes", ScopeList(token.scopes()));
  fields.Add("access level", LevelName(token.access_level()));
  fields.Add("expires on", token.expires_on());
  fields.Add("bot user", absl::StrCat(response.bot_user().name(), " (",
                                      response.bot_user().username(), ")"));
  if (response.has_project()) fields.Add("project", response.project().name());
  if (response.has_group()) fields.Add("group", response.group().name());
  fields.Print(out);
}

void PrintAccessTokenTable(const Repeated<v1::AccessToken>& tokens,
                           std::ostream& out) {
  Table table({"NAME", "DISPLAY NAME", "SCOPES", "ACCESS LEVEL", "STATE",
               "EXPIRES ON", "LAST USED"});
  for (const v1::AccessToken& token : tokens) {
    table.AddRow({token.name(), token.display_name(), ScopeList(token.scopes()),
                  LevelName(token.access_level()),
                  TokenStateName(token.state()), OrDash(token.expires_on()),
                  FormatTimestamp(token.last_use_time(), "never")});
  }
  table.Print(out);
}

void PrintBotUserTable(const Repeated<v1::BotUser>& bots, std::ostream& out) {
  Table table(
      {"NAME", "USERNAME", "EMAIL", "STATE", "ACCESS LEVEL", "ACCESS TOKEN"});
  for (const v1::BotUser& bot : bots) {
    table.AddRow({bot.name(), bot.username(), bot.email(),
                  EnumField(v1::BotUser::State_descriptor(), bot.state()),
                  bot.has_membership()
                      ? LevelName(bot.membership().access_level())
                      : "-",
                  OrDash(bot.access_token())});
  }
  table.Print(out);
}

void PrintScopeTable(const Repeated<v1::ScopeDescription>& scopes,
                     std::ostream& out) {
  Table table({"SCOPE", "DESCRIPTION"});
  for (const v1::ScopeDescription& scope : scopes) {
    table.AddRow({scope.name(), scope.description()});
  }
  table.Print(out);
}

void PrintAuditEventTable(const Repeated<v1::AuditEvent>& events,
                          std::ostream& out) {
  Table table({"TIME", "ACTION", "TARGET", "ACTOR", "STATUS"});
  for (const v1::AuditEvent& event : events) {
    std::string status = FormatStatusCode(event.status_code());
    if (!event.status_message().empty()) {
      absl::StrAppend(&status, ": ", event.status_message());
    }
    table.AddRow(
        {FormatTimestamp(event.time()),
         EnumField(v1::AuditEvent::Action_descriptor(), event.action()),
         event.target(), FormatActor(event.actor()), status});
  }
  table.Print(out);
}

}  // namespace accesstokens::cli
