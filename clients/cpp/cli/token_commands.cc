// tokens create|get|list|revoke|rotate and authenticate.

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/cpp/cli/commands.h"
#include "clients/cpp/cli/enum_names.h"
#include "clients/cpp/cli/formatters.h"
#include "clients/cpp/cli/value_parsers.h"

namespace accesstokens::cli {
namespace {

const FlagSpec kNameFlag = {"name", "NAME",
                            "display name of the token and of its bot user"};
// Returns the --expires option, whose help ends with `default_text`.
FlagSpec ExpiresFlag(absl::string_view default_text) {
  return {"expires", "YYYY-MM-DD",
          absl::StrCat("expiry date in UTC, after today. The token stops "
                       "working at 00:00 UTC that day. Default: ",
                       default_text)};
}
const FlagSpec kRequestIdFlag = {
    "request-id", "UUID",
    "idempotency key: repeating the command with the same key returns the "
    "first result, secret included, instead of acting again"};
const FlagSpec kSelfFlag = {
    "self", "",
    "rotate the token whose secret is read from ACCESSTOKENS_TOKEN or "
    "standard input, acting as its own bot user"};

FlagSpec ScopeFlag() {
  return {"scope", "SCOPE",
          absl::StrCat("scope to grant; repeat it or separate scopes with "
                       "commas. One of ",
                       EnumPlainNameList(v1::Scope_descriptor())),
          /*repeated=*/true};
}

FlagSpec AccessLevelFlag() {
  return {"access-level", "LEVEL",
          absl::StrCat("access level of the token's bot user, default "
                       "maintainer. One of ",
                       EnumPlainNameList(v1::AccessLevel_descriptor()))};
}

absl::StatusOr<std::string> TokenName(const Invocation& call) {
  absl::StatusOr<std::string> name = SinglePositional(call, "NAME");
  if (!name.ok()) return name.status();
  return ParseAccessTokenName("NAME", *name);
}

absl::StatusOr<v1::CreateAccessTokenRequest> BuildCreate(
    const Invocation& call) {
  v1::CreateAccessTokenRequest request;
  absl::Status none = NoPositionals(call);
  if (!none.ok()) return none;
  absl::StatusOr<std::string> parent = ParentFromFlags(call);
  if (!parent.ok()) return parent.status();
  request.set_parent(*parent);

  v1::AccessToken* token = request.mutable_access_token();
  absl::StatusOr<std::string> name = RequiredFlag(call, kNameFlag);
  if (!name.ok()) return name.status();
  token->set_display_name(*name);
  if (!call.arguments.Has("scope")) {
    return absl::InvalidArgumentError(
        absl::StrCat("missing option --scope SCOPE; give at least one of ",
                     EnumPlainNameList(v1::Scope_descriptor())));
  }
  absl::StatusOr<std::vector<v1::Scope>> scopes =
      ParseScopes("--scope", call.arguments.Values("scope"));
  if (!scopes.ok()) return scopes.status();
  for (v1::Scope scope : *scopes) token->add_scopes(scope);

  if (auto description = call.arguments.Value("description")) {
    token->set_description(*description);
  }
  if (auto level = call.arguments.Value("access-level")) {
    absl::StatusOr<v1::AccessLevel> parsed =
        ParseAccessLevel("--access-level", *level);
    if (!parsed.ok()) return parsed.status();
    token->set_access_level(*parsed);
  }
  if (auto expires = call.arguments.Value("expires")) {
    absl::StatusOr<std::string> date = ParseDate("--expires", *expires);
    if (!date.ok()) return date.status();
    token->set_expires_on(*date);
  }
  if (auto request_id = call.arguments.Value("request-id")) {
    request.set_request_id(*request_id);
  }
  return request;
}

Command CreateCommand() {
  CommandInfo info;
  info.path = {"tokens", "create"};
  info.synopsis =
      "(--project ID | --group ID) --name NAME --scope SCOPE [options]";
  info.summary = "create an access token and its bot user";
  info.description =
      "Prints the token with its secret. No later command shows the secret "
      "again, so store it now.";
  info.flags = {ProjectFlag("the token is for"),
                GroupFlag("the token is for"),
                kNameFlag,
                ScopeFlag(),
                {"description", "TEXT", "free text, at most 1024 characters"},
                AccessLevelFlag(),
                ExpiresFlag("the server's maximum lifetime from today, 365 "
                            "days unless configured otherwise"),
                kRequestIdFlag};
  info.mutating = true;
  return MakeCommand<v1::CreateAccessTokenRequest,
                     v1::CreateAccessTokenResponse>(
      std::move(info), BuildCreate, &AccessTokenClient::CreateAccessToken,
      [](const v1::CreateAccessTokenResponse& response, std::ostream& out,
         std::ostream& notes) {
        PrintAccessToken(response.access_token(), out);
        notes << "Store the token now: no later command shows it.\n";
      });
}

Command GetCommand() {
  CommandInfo info;
  info.path = {"tokens", "get"};
  info.synopsis = "NAME";
  info.summary = "show an access token, without its secret";
  info.description =
      "NAME is projects/{id}/accessTokens/{id} or "
      "groups/{id}/accessTokens/{id}.";
  return MakeCommand<v1::GetAccessTokenRequest, v1::GetAccessTokenResponse>(
      std::move(info),
      [](const Invocation& call) -> absl::StatusOr<v1::GetAccessTokenRequest> {
        absl::StatusOr<std::string> name = TokenName(call);
        if (!name.ok()) return name.status();
        v1::GetAccessTokenRequest request;
        request.set_name(*name);
        return request;
      },
      &AccessTokenClient::GetAccessToken,
      [](const v1::GetAccessTokenResponse& response, std::ostream& out,
         std::ostream&) { PrintAccessToken(response.access_token(), out); });
}

absl::StatusOr<v1::ListAccessTokensRequest> BuildList(const Invocation& call) {
  v1::ListAccessTokensRequest request;
  absl::Status none = NoPositionals(call);
  if (!none.ok()) return none;
  absl::StatusOr<std::string> parent = ParentFromFlags(call);
  if (!parent.ok()) return parent.status();
  request.set_parent(*parent);
  if (auto filter = call.arguments.Value("filter")) request.set_filter(*filter);
  if (auto order = call.arguments.Value("order-by")) {
    request.set_order_by(*order);
  }
  absl::Status page = ReadPageFlags(call, request);
  if (!page.ok()) return page;
  return request;
}

Command ListCommand() {
  CommandInfo info;
  info.path = {"tokens", "list"};
  info.synopsis = "(--project ID | --group ID) [options]";
  info.summary = "list the access tokens of a project or group";
  info.description =
      "Filter examples: 'state = active' (also inactive, revoked, expired, "
      "all), 'display_name : \"ci\"', 'expires_on <= \"2027-01-31\"', "
      "'last_use_time = null'. Join conditions with AND.";
  info.flags = {ProjectFlag("whose tokens to list"),
                GroupFlag("whose tokens to list"),
                {"filter", "EXPR",
                 "which tokens to list, such as "
                 "'state = active'; default all"},
                {"order-by", "FIELD",
                 "create_time (default), expires_on, last_use_time or "
                 "display_name, optionally followed by ' desc'"}};
  for (const FlagSpec& flag : PageFlags()) info.flags.push_back(flag);
  return MakeCommand<v1::ListAccessTokensRequest, v1::ListAccessTokensResponse>(
      std::move(info), BuildList, &AccessTokenClient::ListAccessTokens,
      [](const v1::ListAccessTokensResponse& response, std::ostream& out,
         std::ostream& notes) {
        PrintAccessTokenTable(response.access_tokens(), out);
        PrintNextPageHint(response.next_page_token(), notes);
      });
}

Command RevokeCommand() {
  CommandInfo info;
  info.path = {"tokens", "revoke"};
  info.synopsis = "NAME";
  info.summary = "revoke an access token and block its bot user";
  info.description =
      "The token stops working at once. Revoking a revoked token changes "
      "nothing.";
  info.mutating = true;
  return MakeCommand<v1::RevokeAccessTokenRequest,
                     v1::RevokeAccessTokenResponse>(
      std::move(info),
      [](const Invocation& call)
          -> absl::StatusOr<v1::RevokeAccessTokenRequest> {
        absl::StatusOr<std::string> name = TokenName(call);
        if (!name.ok()) return name.status();
        v1::RevokeAccessTokenRequest request;
        request.set_name(*name);
        return request;
      },
      &AccessTokenClient::RevokeAccessToken,
      [](const v1::RevokeAccessTokenResponse& response, std::ostream& out,
         std::ostream&) { PrintAccessToken(response.access_token(), out); });
}

absl::StatusOr<v1::RotateAccessTokenRequest> BuildRotate(
    const Invocation& call) {
  v1::RotateAccessTokenRequest request;
  if (call.arguments.Has("self")) {
    absl::Status none = NoPositionals(call);
    if (!none.ok()) {
      return absl::InvalidArgumentError("give either NAME or --self, not both");
    }
    absl::StatusOr<std::string> secret = call.read_secret();
    if (!secret.ok()) return secret.status();
    request.set_token(*secret);
  } else {
    absl::StatusOr<std::string> name = TokenName(call);
    if (!name.ok()) return name.status();
    request.set_name(*name);
  }
  if (auto expires = call.arguments.Value("expires")) {
    absl::StatusOr<std::string> date = ParseDate("--expires", *expires);
    if (!date.ok()) return date.status();
    request.set_expires_on(*date);
  }
  if (auto request_id = call.arguments.Value("request-id")) {
    request.set_request_id(*request_id);
  }
  return request;
}

Command RotateCommand() {
  CommandInfo info;
  info.path = {"tokens", "rotate"};
  info.synopsis = "(NAME | --self) [--expires YYYY-MM-DD] [--request-id UUID]";
  info.summary = "replace an access token with a new secret";
  info.description =
      "Revokes the token and issues a new one to the same bot user, with the "
      "same scopes and access level. Prints the new token with its secret. "
      "With NAME the actor rotates; with --self the token's own bot user "
      "does, which needs the api or self_rotate scope.";
  info.flags = {kSelfFlag, ExpiresFlag("one week from today"), kRequestIdFlag};
  info.mutating = true;
  return MakeCommand<v1::RotateAccessTokenRequest,
                     v1::RotateAccessTokenResponse>(
      std::move(info), BuildRotate, &AccessTokenClient::RotateAccessToken,
      [](const v1::RotateAccessTokenResponse& response, std::ostream& out,
         std::ostream& notes) {
        PrintAccessToken(response.access_token(), out);
        notes << "Store the token now: no later command shows it. "
              << response.previous_access_token().name() << " is revoked.\n";
      });
}

Command AuthenticateCommand() {
  CommandInfo info;
  info.path = {"authenticate"};
  info.synopsis = "[--client-address ADDRESS]";
  info.summary = "check a token secret and show whose it is";
  info.description =
      "Reads the secret from the ACCESSTOKENS_TOKEN environment variable, "
      "or else from the first line of standard input, never from the "
      "command line. Exits with 4 if the token is unknown, revoked or "
      "expired.";
  info.flags = {{"client-address", "ADDRESS",
                 "address of the client that presented the token, such as "
                 "203.0.113.7; default: this machine's"}};
  return MakeCommand<v1::AuthenticateAccessTokenRequest,
                     v1::AuthenticateAccessTokenResponse>(
      std::move(info),
      [](const Invocation& call)
          -> absl::StatusOr<v1::AuthenticateAccessTokenRequest> {
        absl::Status none = NoPositionals(call);
        if (!none.ok()) return none;
        absl::StatusOr<std::string> secret = call.read_secret();
        if (!secret.ok()) return secret.status();
        v1::AuthenticateAccessTokenRequest request;
        request.set_token(*secret);
        if (auto address = call.arguments.Value("client-address")) {
          request.set_client_address(*address);
        }
        return request;
      },
      &AccessTokenClient::AuthenticateAccessToken,
      [](const v1::AuthenticateAccessTokenResponse& response, std::ostream& out,
         std::ostream&) { PrintAuthentication(response, out); });
}

}  // namespace

std::vector<Command> TokenCommands() {
  return {CreateCommand(), GetCommand(),    ListCommand(),
          RevokeCommand(), RotateCommand(), AuthenticateCommand()};
}

}  // namespace accesstokens::cli
