// bots get|list, scopes and audit list.

#include <string>

#include "clients/cpp/cli/commands.h"
#include "clients/cpp/cli/formatters.h"
#include "clients/cpp/cli/value_parsers.h"

namespace accesstokens::cli {
namespace {

Command GetBotCommand() {
  CommandInfo info;
  info.path = {"bots", "get"};
  info.synopsis = "USER";
  info.summary = "show a bot user";
  info.description = "USER is an id (5) or a name (users/5).";
  return MakeCommand<v1::GetBotUserRequest, v1::GetBotUserResponse>(
      std::move(info),
      [](const Invocation& call) -> absl::StatusOr<v1::GetBotUserRequest> {
        absl::StatusOr<std::string> value = SinglePositional(call, "USER");
        if (!value.ok()) return value.status();
        absl::StatusOr<std::string> name =
            ParseResourceName("USER", "users", *value);
        if (!name.ok()) return name.status();
        v1::GetBotUserRequest request;
        request.set_name(*name);
        return request;
      },
      &AccessTokenClient::GetBotUser,
      [](const v1::GetBotUserResponse& response, std::ostream& out,
         std::ostream&) { PrintBotUser(response.bot_user(), out); });
}

Command ListBotsCommand() {
  CommandInfo info;
  info.path = {"bots", "list"};
  info.synopsis =
      "(--project ID | --group ID) [--page-size N] "
      "[--page-token TOKEN]";
  info.summary = "list the bot users of a project or group";
  info.description = "Lists blocked bot users too, oldest first.";
  info.flags = {ProjectFlag("whose bot users to list"),
                GroupFlag("whose bot users to list")};
  for (const FlagSpec& flag : PageFlags()) info.flags.push_back(flag);
  return MakeCommand<v1::ListBotUsersRequest, v1::ListBotUsersResponse>(
      std::move(info),
      [](const Invocation& call) -> absl::StatusOr<v1::ListBotUsersRequest> {
        absl::Status none = NoPositionals(call);
        if (!none.ok()) return none;
        absl::StatusOr<std::string> parent = ParentFromFlags(call);
        if (!parent.ok()) return parent.status();
        v1::ListBotUsersRequest request;
        request.set_parent(*parent);
        absl::Status page = ReadPageFlags(call, request);
        if (!page.ok()) return page;
        return request;
      },
      &AccessTokenClient::ListBotUsers,
      [](const v1::ListBotUsersResponse& response, std::ostream& out,
         std::ostream& notes) {
        PrintBotUserTable(response.bot_users(), out);
        PrintNextPageHint(response.next_page_token(), notes);
      });
}

Command ListScopesCommand() {
  CommandInfo info;
  info.path = {"scopes"};
  info.summary = "list the scopes a token may have";
  return MakeCommand<v1::ListScopesRequest, v1::ListScopesResponse>(
      std::move(info),
      [](const Invocation& call) -> absl::StatusOr<v1::ListScopesRequest> {
        absl::Status none = NoPositionals(call);
        if (!none.ok()) return none;
        return v1::ListScopesRequest();
      },
      &AccessTokenClient::ListScopes,
      [](const v1::ListScopesResponse& response, std::ostream& out,
         std::ostream&) { PrintScopeTable(response.scopes(), out); });
}

Command ListAuditEventsCommand() {
  CommandInfo info;
  info.path = {"audit", "list"};
  info.synopsis = "[--filter EXPR] [--page-size N] [--page-token TOKEN]";
  info.summary = "list audit events, newest first";
  info.description =
      "Filter examples: 'target = \"projects/123/accessTokens/7\"', "
      "'target : \"projects/123\"' (the resource and everything under it), "
      "'action = ACTION_ROTATE_ACCESS_TOKEN', "
      "'time >= \"2026-12-01T00:00:00Z\"'. Join conditions with AND.";
  info.flags = {{"filter", "EXPR", "which events to list; default all"}};
  for (const FlagSpec& flag : PageFlags()) info.flags.push_back(flag);
  return MakeCommand<v1::ListAuditEventsRequest, v1::ListAuditEventsResponse>(
      std::move(info),
      [](const Invocation& call) -> absl::StatusOr<v1::ListAuditEventsRequest> {
        absl::Status none = NoPositionals(call);
        if (!none.ok()) return none;
        v1::ListAuditEventsRequest request;
        if (auto filter = call.arguments.Value("filter")) {
          request.set_filter(*filter);
        }
        absl::Status page = ReadPageFlags(call, request);
        if (!page.ok()) return page;
        return request;
      },
      &AccessTokenClient::ListAuditEvents,
      [](const v1::ListAuditEventsResponse& response, std::ostream& out,
         std::ostream& notes) {
        PrintAuditEventTable(response.audit_events(), out);
        PrintNextPageHint(response.next_page_token(), notes);
      });
}

}  // namespace

std::vector<Command> BotScopeAndAuditCommands() {
  return {GetBotCommand(), ListBotsCommand(), ListScopesCommand(),
          ListAuditEventsCommand()};
}

}  // namespace accesstokens::cli
