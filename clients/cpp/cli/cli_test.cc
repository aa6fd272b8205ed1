// The command-line tool run in-process, without a server: help, usage
// errors, and the request each command builds from its arguments.

#include "clients/cpp/cli/cli.h"

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "clients/cpp/cli/commands.h"
#include "clients/cpp/cli/exit_codes.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace accesstokens::cli {
namespace {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CliResult RunTool(const std::string& command_line,
                  const std::string& input = "") {
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  CliEnvironment env;
  env.in = &in;
  env.out = &out;
  env.err = &err;
  env.getenv = [](const std::string&) { return std::nullopt; };
  const std::vector<std::string> args =
      absl::StrSplit(command_line, ' ', absl::SkipEmpty());
  CliResult result;
  result.exit_code = RunCli(args, env);
  result.out = out.str();
  result.err = err.str();
  return result;
}

const Command* FindCommand(const std::vector<std::string>& path) {
  for (const Command& command : AllCommands()) {
    if (command.info.path == path) return &command;
  }
  return nullptr;
}

// Builds the request of the command that `args` starts with, as RunCli
// would before sending it. The secret reader returns `secret`.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> BuildRequest(
    const std::vector<std::string>& args, const std::string& secret = "") {
  const Command* command = FindCommand({args[0]});
  size_t words = 1;
  if (command == nullptr && args.size() > 1) {
    command = FindCommand({args[0], args[1]});
    words = 2;
  }
  if (command == nullptr) return absl::NotFoundError("no such command");
  const std::vector<std::string> rest(args.begin() + words, args.end());
  absl::StatusOr<ParsedArguments> parsed =
      ParseArguments(rest, command->info.flags);
  if (!parsed.ok()) return parsed.status();
  Invocation invocation{
      *parsed, [secret]() -> absl::StatusOr<std::string> { return secret; }};
  return command->build_request(invocation);
}

TEST(CliHelp, TopLevelListsEveryCommandAndExitCode) {
  CliResult result = RunTool("--help");
  EXPECT_EQ(result.exit_code, kExitOk);
  EXPECT_EQ(result.err, "");
  for (const Command& command : AllCommands()) {
    EXPECT_TRUE(absl::StrContains(result.out, "  " + command.Name() + "  "))
        << command.Name();
  }
  for (const char* line : {"  2  usage error", "  3  NOT_FOUND",
                           "  4  UNAUTHENTICATED", "ACCESSTOKENS_TOKEN"}) {
    EXPECT_TRUE(absl::StrContains(result.out, line)) << line;
  }
}

TEST(CliHelp, EveryCommandHasHelp) {
  for (const Command& command : AllCommands()) {
    CliResult result = RunTool(command.Name() + " --help");
    EXPECT_EQ(result.exit_code, kExitOk) << command.Name();
    EXPECT_EQ(result.err, "") << command.Name();
    EXPECT_TRUE(
        absl::StartsWith(result.out, "Usage: accesstokens " + command.Name()))
        << result.out;
    for (const FlagSpec& flag : command.info.flags) {
      EXPECT_TRUE(absl::StrContains(result.out, "--" + flag.name))
          << command.Name() << " --" << flag.name;
    }
  }
}

TEST(CliHelp, HelpWinsOverBadArguments) {
  CliResult result = RunTool("-h tokens create --bogus");
  EXPECT_EQ(result.exit_code, kExitOk);
  EXPECT_TRUE(
      absl::StartsWith(result.out, "Usage: accesstokens tokens create"));
}

TEST(CliHelp, GroupHelpListsSubcommands) {
  CliResult result = RunTool("groups --help");
  EXPECT_EQ(result.exit_code, kExitOk);
  for (const char* name :
       {"groups create", "groups get", "groups update", "groups delete"}) {
    EXPECT_TRUE(absl::StrContains(result.out, name)) << name;
  }
  EXPECT_FALSE(absl::StrContains(result.out, "tokens create"));
}

struct UsageCase {
  std::string command_line;
  std::string err;
};

TEST(CliUsage, BadCommandLinesExitWithUsageError) {
  const std::vector<UsageCase> cases = {
      {"",
       "accesstokens: missing command\n"
       "Run 'accesstokens --help' for usage.\n"},
      {"token list",
       "accesstokens: unknown command \"token\"\n"
       "Run 'accesstokens --help' for usage.\n"},
      {"tokens",
       "accesstokens: missing command after \"tokens\": expected "
       "one of create, get, list, revoke, rotate\n"
       "Run 'accesstokens tokens --help' for usage.\n"},
      {"tokens delete x",
       "accesstokens: unknown command \"tokens delete\": "
       "expected one of create, get, list, revoke, "
       "rotate\n"
       "Run 'accesstokens tokens --help' for usage.\n"},
      {"tokens list --project 1 --colour",
       "accesstokens tokens list: unknown option --colour\n"
       "Run 'accesstokens tokens list --help' for usage.\n"},
      {"tokens revoke",
       "accesstokens tokens revoke: missing argument NAME\n"
       "Run 'accesstokens tokens revoke --help' for "
       "usage.\n"},
      {"tokens create --project 1 --name ci --scope read_everything",
       "accesstokens tokens create: invalid value \"read_everything\" for "
       "--scope: expected one of api, read_api, read_registry, "
       "write_registry, read_repository, write_repository, self_rotate\n"
       "Run 'accesstokens tokens create --help' for usage.\n"},
      {"--timeout 0s scopes",
       "accesstokens scopes: invalid value \"0s\" for --timeout: expected a "
       "positive duration with a unit, such as 10s, 1.5s or 500ms\n"
       "Run 'accesstokens scopes --help' for usage.\n"},
      {"scopes --server=",
       "accesstokens scopes: the server address is "
       "empty; give host:port, such as 127.0.0.1:50051\n"
       "Run 'accesstokens scopes --help' for usage.\n"},
      {"scopes --tls-ca-file /nonexistent/ca.pem",
       "accesstokens scopes: cannot read the TLS certificate authority file "
       "\"/nonexistent/ca.pem\": No such file or directory\n"
       "Run 'accesstokens scopes --help' for usage.\n"},
      {"authenticate",
       "accesstokens authenticate: no token given: set ACCESSTOKENS_TOKEN or "
       "write the token to standard input\n"
       "Run 'accesstokens authenticate --help' for usage.\n"},
  };
  for (const UsageCase& test : cases) {
    CliResult result = RunTool(test.command_line);
    EXPECT_EQ(result.exit_code, kExitUsage) << test.command_line;
    EXPECT_EQ(result.err, test.err) << test.command_line;
    EXPECT_EQ(result.out, "") << test.command_line;
  }
}

TEST(CliUsage, ChangesNeedAnActor) {
  CliResult result = RunTool("groups create 109 --name Platform");
  EXPECT_EQ(result.exit_code, kExitUsage);
  EXPECT_EQ(result.err,
            "accesstokens groups create: missing actor: this command changes "
            "something, so give --actor-user-id ID with --actor-level LEVEL, "
            "or --actor-bot USER, or set ACCESSTOKENS_ACTOR_USER_ID with "
            "ACCESSTOKENS_ACTOR_LEVEL\n"
            "Run 'accesstokens groups create --help' for usage.\n");
}

// The empty --server stops each run at the client, after the actor check.
TEST(CliUsage, ActorCheckPassesWithActorOrSecret) {
  const std::string after_actor_check =
      "the server address is empty; give host:port, such as 127.0.0.1:50051";
  CliResult with_actor = RunTool(
      "--actor-user-id 1 --actor-level owner projects delete 123 --server=");
  EXPECT_EQ(with_actor.exit_code, kExitUsage);
  EXPECT_TRUE(absl::StrContains(with_actor.err, after_actor_check))
      << with_actor.err;

  CliResult self_rotation =
      RunTool("tokens rotate --self --server=", "glpat-own\n");
  EXPECT_EQ(self_rotation.exit_code, kExitUsage);
  EXPECT_TRUE(absl::StrContains(self_rotation.err, after_actor_check))
      << self_rotation.err;
}

TEST(CliUsage, GlobalOptionsMayPrecedeTheCommand) {
  // Fails on the missing NAME, after both global options were accepted.
  CliResult result = RunTool("--server 127.0.0.1:9 -o json tokens get");
  EXPECT_EQ(result.exit_code, kExitUsage);
  EXPECT_EQ(result.err,
            "accesstokens tokens get: missing argument NAME\n"
            "Run 'accesstokens tokens get --help' for usage.\n");
}

const google::protobuf::ServiceDescriptor* ServiceDescriptor() {
  return v1::CreateGroupRequest::descriptor()->file()->FindServiceByName(
      "AccessTokenService");
}

// One command line per RPC of the service, with the request it must build.
struct RequestCase {
  std::string rpc;
  std::string command_line;
  std::string request;  // In protobuf text format.
};

const std::vector<RequestCase>& RequestCases() {
  static const auto* cases = new std::vector<RequestCase>{
      {"CreateGroup", "groups create 109 --name Platform",
       "group_id: 109 group { display_name: 'Platform' }"},
      {"GetGroup", "groups get groups/109", "name: 'groups/109'"},
      {"UpdateGroup",
       "groups update 109 --allow-project-tokens false --state "
       "pending_deletion",
       "group { name: 'groups/109' allow_project_access_token_creation: false "
       "state: RESOURCE_STATE_PENDING_DELETION } "
       "update_mask { paths: 'allow_project_access_token_creation' "
       "paths: 'state' }"},
      {"DeleteGroup", "groups delete 109 --force",
       "name: 'groups/109' force: true"},
      {"CreateProject", "projects create 123 --name Billing --group 109",
       "project_id: 123 project { parent: 'groups/109' display_name: "
       "'Billing' }"},
      {"GetProject", "projects get 123", "name: 'projects/123'"},
      {"UpdateProject", "projects update projects/123 --name Payments",
       "project { name: 'projects/123' display_name: 'Payments' } "
       "update_mask { paths: 'display_name' }"},
      {"DeleteProject", "projects delete 123", "name: 'projects/123'"},
      {"CreateAccessToken",
       "tokens create --project 123 --name ci --scope read_repository "
       "--expires 2027-03-01",
       "parent: 'projects/123' access_token { display_name: 'ci' scopes: "
       "SCOPE_READ_REPOSITORY expires_on: '2027-03-01' }"},
      {"GetAccessToken", "tokens get groups/109/accessTokens/3",
       "name: 'groups/109/accessTokens/3'"},
      {"ListAccessTokens",
       "tokens list --group 109 --filter state=active --order-by "
       "expires_on --page-size 5 --page-token abc",
       "parent: 'groups/109' filter: 'state=active' order_by: 'expires_on' "
       "page_size: 5 page_token: 'abc'"},
      {"RevokeAccessToken", "tokens revoke projects/123/accessTokens/7",
       "name: 'projects/123/accessTokens/7'"},
      {"RotateAccessToken",
       "tokens rotate projects/123/accessTokens/7 --expires 2026-12-24 "
       "--request-id 3f2b8c1e-9a4d-4b7e-8f61-2c5d0e9a7b13",
       "name: 'projects/123/accessTokens/7' expires_on: '2026-12-24' "
       "request_id: '3f2b8c1e-9a4d-4b7e-8f61-2c5d0e9a7b13'"},
      {"AuthenticateAccessToken", "authenticate --client-address 203.0.113.7",
       "token: 'glpat-test' client_address: '203.0.113.7'"},
      {"GetBotUser", "bots get 5", "name: 'users/5'"},
      {"ListBotUsers", "bots list --project 123", "parent: 'projects/123'"},
      {"ListScopes", "scopes", ""},
      {"ListAuditEvents", "audit list --filter target:\"projects/123\"",
       "filter: 'target:\"projects/123\"'"},
  };
  return *cases;
}

TEST(CliRequests, EveryRpcHasACommand) {
  std::set<std::string> covered;
  for (const RequestCase& test : RequestCases()) covered.insert(test.rpc);
  const google::protobuf::ServiceDescriptor* service = ServiceDescriptor();
  for (int i = 0; i < service->method_count(); ++i) {
    EXPECT_EQ(covered.count(service->method(i)->name()), 1u)
        << service->method(i)->name() << " has no command";
  }
}

TEST(CliRequests, CommandsBuildTheExpectedRequests) {
  const google::protobuf::ServiceDescriptor* service = ServiceDescriptor();
  for (const RequestCase& test : RequestCases()) {
    const std::vector<std::string> args =
        absl::StrSplit(test.command_line, ' ', absl::SkipEmpty());
    auto request = BuildRequest(args, "glpat-test");
    ASSERT_TRUE(request.ok()) << test.command_line << ": " << request.status();

    const google::protobuf::MethodDescriptor* method =
        service->FindMethodByName(test.rpc);
    ASSERT_NE(method, nullptr) << test.rpc;
    ASSERT_EQ((*request)->GetDescriptor(), method->input_type())
        << test.command_line;
    std::unique_ptr<google::protobuf::Message> expected((*request)->New());
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(test.request,
                                                              expected.get()))
        << test.request;
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(**request,
                                                                   *expected))
        << test.command_line << "\n got: " << (*request)->ShortDebugString()
        << "\n expected: " << expected->ShortDebugString();
  }
}

TEST(CliRequests, RotateSelfSendsSecretInsteadOfName) {
  auto request = BuildRequest({"tokens", "rotate", "--self"}, "glpat-own");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ((*request)->ShortDebugString(), "token: \"glpat-own\"");

  auto both = BuildRequest(
      {"tokens", "rotate", "--self", "projects/1/accessTokens/2"}, "x");
  EXPECT_EQ(both.status().message(), "give either NAME or --self, not both");
}

TEST(CliRequests, CreateTokenNeedsParentNameAndScope) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"tokens create --name ci --scope api",
       "missing option --project ID or --group ID"},
      {"tokens create --project 1 --group 2 --name ci --scope api",
       "give either --project ID or --group ID, not both"},
      {"tokens create --project 1 --scope api", "missing option --name NAME"},
      {"tokens create --project 1 --name ci",
       "missing option --scope SCOPE; give at least one of api, read_api, "
       "read_registry, write_registry, read_repository, write_repository, "
       "self_rotate"},
      {"tokens create --project 1 --name ci --scope api --access-level boss",
       "invalid value \"boss\" for --access-level: expected one of guest, "
       "planner, reporter, developer, maintainer, owner, or its number: 10, "
       "15, 20, 30, 40 or 50"},
      {"tokens create --project 1 --name ci --scope api --expires 2027-13-01",
       "invalid value \"2027-13-01\" for --expires: expected a date "
       "YYYY-MM-DD such as 2027-03-01"},
      {"tokens create --project 1 --name ci --scope api extra",
       "unexpected argument \"extra\": this command takes options only"},
  };
  for (const auto& [command_line, message] : cases) {
    auto request =
        BuildRequest(absl::StrSplit(command_line, ' ', absl::SkipEmpty()));
    ASSERT_FALSE(request.ok()) << command_line;
    EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(request.status().message(), message) << command_line;
  }
}

TEST(CliRequests, UpdateNeedsAField) {
  auto request = BuildRequest({"projects", "update", "123"});
  EXPECT_EQ(request.status().message(),
            "nothing to change: give at least one of --name and --state");
}

TEST(CliRequests, GetTakesOneName) {
  auto request = BuildRequest({"groups", "get", "1", "2"});
  EXPECT_EQ(request.status().message(),
            "unexpected argument \"2\": only one GROUP is allowed");
}

}  // namespace
}  // namespace accesstokens::cli
