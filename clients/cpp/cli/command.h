// A subcommand of the command-line tool, such as `tokens create`: its help
// text, its options, and three steps that the driver runs in order. The
// first builds the RPC request from the command line, the second sends it
// with the client library, and the third prints the response as text.
// Keeping the steps apart lets tests check request building without a
// server. Commands are immutable after construction, so thread-safe.
#ifndef ACCESSTOKENS_CLIENTS_CPP_CLI_COMMAND_H_
#define ACCESSTOKENS_CLIENTS_CPP_CLI_COMMAND_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "clients/cpp/access_token_client.h"
#include "clients/cpp/cli/argument_parser.h"
#include "clients/cpp/cli/value_parsers.h"
#include "google/protobuf/message.h"

namespace accesstokens::cli {

// The input of request building: the parsed command line and a reader of
// token secrets, which never come from the command line.
struct Invocation {
  const ParsedArguments& arguments;
  // Reads a secret from the ACCESSTOKENS_TOKEN environment variable or
  // standard input. INVALID_ARGUMENT if neither contains one.
  std::function<absl::StatusOr<std::string>()> read_secret;
};

struct CommandInfo {
  // Command words, such as {"tokens", "create"}.
  std::vector<std::string> path;
  // The usage line after the command words, such as
  // "NAME [--expires YYYY-MM-DD]".
  std::string synopsis;
  // One line for the command list.
  std::string summary;
  // Further paragraphs for --help; may be empty.
  std::string description;
  std::vector<FlagSpec> flags;
  // Whether the command changes state on the server, and so sends an actor.
  bool mutating = false;
};

struct Command {
  CommandInfo info;
  // Returns the request. INVALID_ARGUMENT for bad or missing arguments.
  std::function<absl::StatusOr<std::unique_ptr<google::protobuf::Message>>(
      const Invocation&)>
      build_request;
  // Sends the request that build_request returned.
  std::function<absl::StatusOr<std::unique_ptr<google::protobuf::Message>>(
      AccessTokenClient&, const google::protobuf::Message&)>
      send;
  // Prints the response for people on `out`. Hints, such as how to fetch
  // the next page, go to `notes`, so that `out` holds only the result.
  std::function<void(const google::protobuf::Message&, std::ostream& out,
                     std::ostream& notes)>
      print;

  // "tokens create".
  std::string Name() const;
};

template <typename Request>
using RequestBuilder =
    std::function<absl::StatusOr<Request>(const Invocation&)>;
template <typename Request, typename Response>
using ClientMethod = absl::StatusOr<Response> (AccessTokenClient::*)(
    const Request&, const CallOptions&);
template <typename Response>
using ResponsePrinter =
    std::function<void(const Response&, std::ostream&, std::ostream&)>;

// Makes a Command from typed steps.
template <typename Request, typename Response>
Command MakeCommand(CommandInfo info, RequestBuilder<Request> build,
                    ClientMethod<Request, Response> method,
                    ResponsePrinter<Response> print) {
  Command command;
  command.info = std::move(info);
  command.build_request = [build = std::move(build)](const Invocation& call)
      -> absl::StatusOr<std::unique_ptr<google::protobuf::Message>> {
    absl::StatusOr<Request> request = build(call);
    if (!request.ok()) return request.status();
    return std::make_unique<Request>(*std::move(request));
  };
  command.send = [method](AccessTokenClient& client,
                          const google::protobuf::Message& request)
      -> absl::StatusOr<std::unique_ptr<google::protobuf::Message>> {
    absl::StatusOr<Response> response =
        (client.*method)(static_cast<const Request&>(request), CallOptions());
    if (!response.ok()) return response.status();
    return std::make_unique<Response>(*std::move(response));
  };
  command.print = [print = std::move(print)](
                      const google::protobuf::Message& response,
                      std::ostream& out, std::ostream& notes) {
    print(static_cast<const Response&>(response), out, notes);
  };
  return command;
}

// Helpers for request builders. Each error is INVALID_ARGUMENT and names
// the option or argument.

// Returns the only positional argument, named `placeholder` in the usage.
absl::StatusOr<std::string> SinglePositional(const Invocation& call,
                                             absl::string_view placeholder);
// Fails if there is any positional argument.
absl::Status NoPositionals(const Invocation& call);
// Returns the value of a required option.
absl::StatusOr<std::string> RequiredFlag(const Invocation& call,
                                         const FlagSpec& flag);
// Returns the parent from exactly one of --project ID and --group ID, as
// `projects/{id}` or `groups/{id}`.
absl::StatusOr<std::string> ParentFromFlags(const Invocation& call);

// The --project and --group options that ParentFromFlags reads. `purpose`
// completes their help text, such as "the token is for".
FlagSpec ProjectFlag(absl::string_view purpose);
FlagSpec GroupFlag(absl::string_view purpose);

// The --page-size and --page-token options of list commands.
std::vector<FlagSpec> PageFlags();

// Copies --page-size and --page-token into a list request.
template <typename Request>
absl::Status ReadPageFlags(const Invocation& call, Request& request) {
  if (auto size = call.arguments.Value("page-size")) {
    absl::StatusOr<int32_t> parsed = ParsePageSize("--page-size", *size);
    if (!parsed.ok()) return parsed.status();
    request.set_page_size(*parsed);
  }
  if (auto token = call.arguments.Value("page-token")) {
    request.set_page_token(*token);
  }
  return absl::OkStatus();
}

// Prints, on `notes`, how to fetch the next page when `next_page_token` is
// not empty.
void PrintNextPageHint(const std::string& next_page_token, std::ostream& notes);

}  // namespace accesstokens::cli

#endif  // ACCESSTOKENS_CLIENTS_CPP_CLI_COMMAND_H_
