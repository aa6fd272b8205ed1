#include "clients/cpp/cli/cli.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cpp/access_token_client.h"
#include "clients/cpp/cli/argument_parser.h"
#include "clients/cpp/cli/commands.h"
#include "clients/cpp/cli/exit_codes.h"
#include "clients/cpp/cli/formatters.h"
#include "clients/cpp/cli/help.h"
#include "clients/cpp/cli/secret_input.h"

namespace accesstokens::cli {
namespace {

// The command words found among the arguments, and the other arguments.
struct Resolution {
  std::vector<std::string> words;
  std::vector<std::string> rest;
};

// Whether `arg` is a global option that takes its value from the next
// argument.
bool TakesNextArgument(const std::string& arg) {
  if (arg.find('=') != std::string::npos) return false;
  for (const FlagSpec& flag : GlobalFlags()) {
    const bool matches =
        arg == absl::StrCat("--", flag.name) ||
        (flag.short_name != '\0' &&
         arg == absl::StrCat("-", std::string(1, flag.short_name)));
    if (matches) return !flag.value_name.empty();
  }
  return false;
}

bool IsCommandGroup(const std::string& word) {
  for (const Command& command : AllCommands()) {
    if (command.info.path.size() > 1 && command.info.path.front() == word) {
      return true;
    }
  }
  return false;
}

// Takes up to two command words from `args`, skipping global options and
// their values, which may come before the command.
Resolution SplitCommandWords(const std::vector<std::string>& args) {
  Resolution resolution;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") break;
    if (arg.size() > 1 && arg[0] == '-') {
      resolution.rest.push_back(arg);
      if (TakesNextArgument(arg) && i + 1 < args.size()) {
        resolution.rest.push_back(args[++i]);
      }
      continue;
    }
    resolution.words.push_back(arg);
    if (resolution.words.size() == 2 || !IsCommandGroup(arg)) {
      ++i;
      break;
    }
  }
  resolution.rest.insert(resolution.rest.end(), args.begin() + i, args.end());
  return resolution;
}

const Command* FindCommand(const std::vector<std::string>& words) {
  for (const Command& command : AllCommands()) {
    if (command.info.path == words) return &command;
  }
  return nullptr;
}

std::string SubcommandList(const std::string& group) {
  std::vector<std::string> names;
  for (const Command& command : AllCommands()) {
    if (command.info.path.front() == group && command.info.path.size() > 1) {
      names.push_back(command.info.path[1]);
    }
  }
  return absl::StrJoin(names, ", ");
}

int UsageError(const std::string& context, const absl::Status& status,
               const std::string& help_command, std::ostream& err) {
  err << "accesstokens" << context << ": " << status.message() << "\n"
      << "Run 'accesstokens" << help_command << " --help' for usage.\n";
  return kExitUsage;
}

// Handles arguments that name no runnable command: none, an unknown one,
// or a group without its subcommand.
int RunWithoutCommand(const Resolution& resolution,
                      const std::vector<std::string>& args,
                      const CliEnvironment& env) {
  const bool help = WantsHelp(args);
  if (resolution.words.empty()) {
    if (help) {
      PrintTopLevelHelp(*env.out);
      return kExitOk;
    }
    return UsageError("", absl::InvalidArgumentError("missing command"), "",
                      *env.err);
  }

  const std::string& first = resolution.words.front();
  if (!IsCommandGroup(first)) {
    return UsageError("",
                      absl::InvalidArgumentError(
                          absl::StrCat("unknown command \"", first, "\"")),
                      "", *env.err);
  }
  if (resolution.words.size() == 1) {
    if (help) {
      PrintGroupHelp(first, *env.out);
      return kExitOk;
    }
    return UsageError("",
                      absl::InvalidArgumentError(absl::StrCat(
                          "missing command after \"", first,
                          "\": expected one of ", SubcommandList(first))),
                      absl::StrCat(" ", first), *env.err);
  }
  return UsageError(
      "",
      absl::InvalidArgumentError(absl::StrCat(
          "unknown command \"", absl::StrJoin(resolution.words, " "),
          "\": expected one of ", SubcommandList(first))),
      absl::StrCat(" ", first), *env.err);
}

// Whether `request` changes something and so must carry an actor. A
// rotation by secret needs none, because the token's own bot user acts.
bool NeedsActor(const Command& command,
                const google::protobuf::Message& request) {
  if (!command.info.mutating) return false;
  const auto* rotation =
      dynamic_cast<const v1::RotateAccessTokenRequest*>(&request);
  return rotation == nullptr || rotation->token().empty();
}

// Prints the response. Fails only when the conversion to JSON fails.
absl::Status PrintResponse(const Command& command,
                           const google::protobuf::Message& response,
                           OutputFormat format, const CliEnvironment& env) {
  if (format == OutputFormat::kJson) {
    absl::StatusOr<std::string> json = FormatJson(response);
    if (!json.ok()) return json.status();
    *env.out << *json;
  } else {
    command.print(response, *env.out, *env.err);
  }
  env.out->flush();
  return absl::OkStatus();
}

int RunCommand(const Command& command, const std::vector<std::string>& rest,
               const CliEnvironment& env) {
  const std::string context = absl::StrCat(" ", command.Name());
  if (WantsHelp(rest)) {
    PrintCommandHelp(command, *env.out);
    return kExitOk;
  }

  // Read the command line and build the request; nothing is sent yet.
  std::vector<FlagSpec> flags = GlobalFlags();
  flags.insert(flags.end(), command.info.flags.begin(),
               command.info.flags.end());
  absl::StatusOr<ParsedArguments> arguments = ParseArguments(rest, flags);
  if (!arguments.ok()) {
    return UsageError(context, arguments.status(), context, *env.err);
  }
  absl::StatusOr<GlobalOptions> options =
      ReadGlobalOptions(*arguments, env.getenv);
  if (!options.ok()) {
    return UsageError(context, options.status(), context, *env.err);
  }
  const SecretSource secrets{env.getenv, env.in, env.stdin_terminal_fd,
                             env.err};
  const Invocation invocation{*arguments,
                              [&secrets] { return ReadSecret(secrets); }};
  auto request = command.build_request(invocation);
  if (!request.ok()) {
    return UsageError(context, request.status(), context, *env.err);
  }
  if (NeedsActor(command, **request) &&
      !options->client.default_actor.has_value()) {
    return UsageError(
        context,
        absl::InvalidArgumentError(
            "missing actor: this command changes something, so give "
            "--actor-user-id ID with --actor-level LEVEL, or --actor-bot "
            "USER, or set ACCESSTOKENS_ACTOR_USER_ID with "
            "ACCESSTOKENS_ACTOR_LEVEL"),
        context, *env.err);
  }
  absl::StatusOr<AccessTokenClient> client =
      AccessTokenClient::Create(options->client);
  if (!client.ok()) {
    return UsageError(context, client.status(), context, *env.err);
  }

  // Send it and print the outcome.
  auto response = command.send(*client, **request);
  if (!response.ok()) {
    *env.err << "accesstokens" << context << ": "
             << absl::StatusCodeToString(response.status().code());
    if (!response.status().message().empty()) {
      *env.err << ": " << response.status().message();
    }
    *env.err << "\n";
    return ExitCodeForCallStatus(response.status());
  }
  absl::Status printed =
      PrintResponse(command, **response, options->output, env);
  if (!printed.ok()) {
    *env.err << "accesstokens" << context
             << ": cannot print the response as JSON: " << printed.message()
             << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

int RunCli(const std::vector<std::string>& args, const CliEnvironment& env) {
  const Resolution resolution = SplitCommandWords(args);
  const Command* command = FindCommand(resolution.words);
  if (command == nullptr) return RunWithoutCommand(resolution, args, env);
  return RunCommand(*command, resolution.rest, env);
}

}  // namespace accesstokens::cli
