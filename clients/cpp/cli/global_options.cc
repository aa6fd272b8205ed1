#include "clients/cpp/cli/global_options.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "clients/cpp/cli/enum_names.h"
#include "clients/cpp/cli/value_parsers.h"

namespace accesstokens::cli {
namespace {

constexpr char kServerVariable[] = "ACCESSTOKENS_SERVER";
constexpr char kBearerVariable[] = "ACCESSTOKENS_BEARER_CREDENTIAL";
constexpr char kActorUserIdVariable[] = "ACCESSTOKENS_ACTOR_USER_ID";
constexpr char kActorLevelVariable[] = "ACCESSTOKENS_ACTOR_LEVEL";
constexpr char kActorBotVariable[] = "ACCESSTOKENS_ACTOR_BOT";

// Returns the variable's value, treating an empty value as unset.
std::optional<std::string> NonEmpty(const Getenv& getenv, const char* name) {
  std::optional<std::string> value = getenv(name);
  if (value.has_value() && value->empty()) return std::nullopt;
  return value;
}

// One setting of the actor, with the name of the option or variable it
// came from for error messages.
struct ActorSetting {
  std::string source;
  std::optional<std::string> value;
};

struct ActorSettings {
  ActorSetting user_id;
  ActorSetting level;
  ActorSetting bot;
};

// Takes the actor from the options if any actor option is given, else from
// the environment, so that the two never mix.
ActorSettings ReadActorSettings(const ParsedArguments& arguments,
                                const Getenv& getenv) {
  if (arguments.Has("actor-user-id") || arguments.Has("actor-level") ||
      arguments.Has("actor-bot")) {
    return {{"--actor-user-id", arguments.Value("actor-user-id")},
            {"--actor-level", arguments.Value("actor-level")},
            {"--actor-bot", arguments.Value("actor-bot")}};
  }
  return {{kActorUserIdVariable, NonEmpty(getenv, kActorUserIdVariable)},
          {kActorLevelVariable, NonEmpty(getenv, kActorLevelVariable)},
          {kActorBotVariable, NonEmpty(getenv, kActorBotVariable)}};
}

absl::StatusOr<std::optional<v1::Actor>> ReadActor(
    const ParsedArguments& arguments, const Getenv& getenv) {
  const ActorSettings settings = ReadActorSettings(arguments, getenv);
  const ActorSetting& user_id = settings.user_id;
  const ActorSetting& level = settings.level;
  const ActorSetting& bot = settings.bot;

  if (bot.value.has_value()) {
    if (user_id.value.has_value() || level.value.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "give either ", bot.source, " for a bot user or ", user_id.source,
          " and ", level.source, " for a human user, not both"));
    }
    absl::StatusOr<std::string> name =
        ParseResourceName(bot.source, "users", *bot.value);
    if (!name.ok()) return name.status();
    return BotActor(*name);
  }

  if (!user_id.value.has_value() && !level.value.has_value()) {
    return std::optional<v1::Actor>();
  }
  if (!level.value.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(user_id.source, " needs ", level.source,
                     ", the user's access level on the target: one of ",
                     EnumPlainNameList(v1::AccessLevel_descriptor())));
  }
  if (!user_id.value.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        level.source, " needs ", user_id.source, ", the acting user's id"));
  }
  absl::StatusOr<int64_t> id = ParseId(user_id.source, *user_id.value);
  if (!id.ok()) return id.status();
  absl::StatusOr<v1::AccessLevel> access_level =
      ParseAccessLevel(level.source, *level.value);
  if (!access_level.ok()) return access_level.status();
  return HumanActor(*id, *access_level);
}

// Reads the credential file; surrounding whitespace, such as the final line
// break, is dropped. Errors name the file but never its contents.
absl::StatusOr<std::string> ReadCredentialFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const int error = errno;
    return absl::Status(absl::ErrnoToStatusCode(error),
                        absl::StrCat("cannot read --bearer-credential-file \"",
                                     path, "\": ", std::strerror(error)));
  }
  std::stringstream contents;
  contents << file.rdbuf();
  std::string credential(absl::StripAsciiWhitespace(contents.str()));
  if (credential.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--bearer-credential-file \"", path, "\" is empty"));
  }
  return credential;
}

absl::StatusOr<std::string> ReadBearerCredential(
    const ParsedArguments& arguments, const Getenv& getenv) {
  if (auto path = arguments.Value("bearer-credential-file")) {
    return ReadCredentialFile(*path);
  }
  return NonEmpty(getenv, kBearerVariable).value_or("");
}

std::optional<TlsOptions> ReadTls(const ParsedArguments& arguments) {
  const bool requested = arguments.Has("tls") || arguments.Has("tls-ca-file") ||
                         arguments.Has("tls-cert-file") ||
                         arguments.Has("tls-key-file") ||
                         arguments.Has("tls-server-name");
  if (!requested) return std::nullopt;
  TlsOptions tls;
  tls.ca_file = arguments.Value("tls-ca-file").value_or("");
  tls.cert_file = arguments.Value("tls-cert-file").value_or("");
  tls.key_file = arguments.Value("tls-key-file").value_or("");
  tls.server_name = arguments.Value("tls-server-name").value_or("");
  return tls;
}

absl::StatusOr<OutputFormat> ReadOutputFormat(
    const ParsedArguments& arguments) {
  const std::string value = arguments.Value("output").value_or("table");
  if (value == "table") return OutputFormat::kTable;
  if (value == "json") return OutputFormat::kJson;
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid value \"", value, "\" for --output: expected table or json"));
}

}  // namespace

const std::vector<EnvironmentVariable>& EnvironmentVariables() {
  static const auto* variables = new std::vector<EnvironmentVariable>{
      {kServerVariable, "server address, as --server"},
      {"ACCESSTOKENS_TOKEN",
       "token secret for authenticate and tokens rotate --self; without it "
       "they read the first line of standard input"},
      {kBearerVariable,
       "credential sent as 'authorization: Bearer ...', unless "
       "--bearer-credential-file is given"},
      {kActorUserIdVariable, "acting user's id, as --actor-user-id"},
      {kActorLevelVariable, "acting user's access level, as --actor-level"},
      {kActorBotVariable, "acting bot user, as --actor-bot"},
  };
  return *variables;
}

const std::vector<FlagSpec>& GlobalFlags() {
  static const auto* flags = new std::vector<FlagSpec>{
      {"server", "HOST:PORT",
       "server address; default ACCESSTOKENS_SERVER, else 127.0.0.1:50051"},
      {"timeout", "DURATION",
       "deadline of the call, such as 10s or 500ms; default 10s"},
      {"output", "FORMAT",
       "table (default), or json: the response in the protobuf JSON "
       "mapping, for scripts",
       false, 'o'},
      {"tls", "",
       "connect with TLS, verifying the server against the system's "
       "certificate authorities"},
      {"tls-ca-file", "PATH",
       "PEM file of the certificate authorities to verify the server "
       "against; implies --tls"},
      {"tls-cert-file", "PATH",
       "PEM client certificate chain for mutual TLS; needs --tls-key-file"},
      {"tls-key-file", "PATH", "PEM private key of --tls-cert-file"},
      {"tls-server-name", "NAME",
       "host name to verify the server's certificate against, when it "
       "differs from the host in --server"},
      {"bearer-credential-file", "PATH",
       "file holding a credential sent as 'authorization: Bearer ...'"},
      {"actor-user-id", "ID",
       "acting human user's id, sent with every command that changes "
       "something"},
      {"actor-level", "LEVEL",
       absl::StrCat("the acting user's access level on the target: one of ",
                    EnumPlainNameList(v1::AccessLevel_descriptor()))},
      {"actor-bot", "USER",
       "acting bot user, users/{id}, instead of a human user"},
      {"help", "", "show help for the command", false, 'h'},
  };
  return *flags;
}

absl::StatusOr<GlobalOptions> ReadGlobalOptions(
    const ParsedArguments& arguments, const Getenv& getenv) {
  GlobalOptions options;
  options.client.address = arguments.Value("server").value_or(
      NonEmpty(getenv, kServerVariable).value_or("127.0.0.1:50051"));
  if (auto timeout = arguments.Value("timeout")) {
    absl::StatusOr<absl::Duration> parsed = ParseTimeout("--timeout", *timeout);
    if (!parsed.ok()) return parsed.status();
    options.client.timeout = *parsed;
  }
  options.client.tls = ReadTls(arguments);

  absl::StatusOr<OutputFormat> output = ReadOutputFormat(arguments);
  if (!output.ok()) return output.status();
  options.output = *output;

  absl::StatusOr<std::string> credential =
      ReadBearerCredential(arguments, getenv);
  if (!credential.ok()) return credential.status();
  options.client.bearer_credential = *std::move(credential);

  absl::StatusOr<std::optional<v1::Actor>> actor = ReadActor(arguments, getenv);
  if (!actor.ok()) return actor.status();
  options.client.default_actor = *std::move(actor);
  return options;
}

}  // namespace accesstokens::cli
