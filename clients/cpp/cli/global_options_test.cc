#include "clients/cpp/cli/global_options.h"

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens::cli {
namespace {

using ::accesstokens::testing::TempDir;

Getenv FakeEnvironment(std::map<std::string, std::string> variables) {
  return [variables](const std::string& name) -> std::optional<std::string> {
    auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

absl::StatusOr<GlobalOptions> Read(
    std::vector<std::string> args,
    std::map<std::string, std::string> variables = {}) {
  absl::StatusOr<ParsedArguments> parsed = ParseArguments(args, GlobalFlags());
  if (!parsed.ok()) return parsed.status();
  return ReadGlobalOptions(*parsed, FakeEnvironment(std::move(variables)));
}

void WriteFile(const std::string& path, const std::string& contents) {
  FILE* file = fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr) << path;
  fputs(contents.c_str(), file);
  fclose(file);
}

TEST(GlobalOptions, Defaults) {
  auto options = Read({});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->client.address, "127.0.0.1:50051");
  EXPECT_EQ(options->client.timeout, absl::Seconds(10));
  EXPECT_FALSE(options->client.tls.has_value());
  EXPECT_EQ(options->client.bearer_credential, "");
  EXPECT_FALSE(options->client.default_actor.has_value());
  EXPECT_EQ(options->output, OutputFormat::kTable);
}

TEST(GlobalOptions, FlagOverridesServerVariable) {
  EXPECT_EQ(Read({}, {{"ACCESSTOKENS_SERVER", "10.0.0.1:1"}})->client.address,
            "10.0.0.1:1");
  EXPECT_EQ(
      Read({"--server", "127.0.0.1:9"}, {{"ACCESSTOKENS_SERVER", "10.0.0.1:1"}})
          ->client.address,
      "127.0.0.1:9");
}

TEST(GlobalOptions, ReadsTimeoutAndOutput) {
  auto options = Read({"--timeout=250ms", "-o", "json"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->client.timeout, absl::Milliseconds(250));
  EXPECT_EQ(options->output, OutputFormat::kJson);
  EXPECT_EQ(Read({"--output", "yaml"}).status().message(),
            "invalid value \"yaml\" for --output: expected table or json");
}

TEST(GlobalOptions, AnyTlsOptionTurnsTlsOn) {
  auto options = Read({"--tls-ca-file", "/etc/ca.pem", "--tls-server-name",
                       "accesstokens.internal"});
  ASSERT_TRUE(options.ok()) << options.status();
  ASSERT_TRUE(options->client.tls.has_value());
  EXPECT_EQ(options->client.tls->ca_file, "/etc/ca.pem");
  EXPECT_EQ(options->client.tls->server_name, "accesstokens.internal");
  EXPECT_TRUE(Read({"--tls"})->client.tls.has_value());
}

TEST(GlobalOptions, HumanActorFromFlags) {
  auto options = Read({"--actor-user-id", "1", "--actor-level", "owner"});
  ASSERT_TRUE(options.ok()) << options.status();
  ASSERT_TRUE(options->client.default_actor.has_value());
  EXPECT_EQ(options->client.default_actor->user_id(), 1);
  EXPECT_EQ(options->client.default_actor->access_level(),
            v1::ACCESS_LEVEL_OWNER);
}

TEST(GlobalOptions, ActorFlagsReplaceActorVariables) {
  auto options =
      Read({"--actor-bot", "users/5"}, {{"ACCESSTOKENS_ACTOR_USER_ID", "1"},
                                        {"ACCESSTOKENS_ACTOR_LEVEL", "owner"}});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->client.default_actor->bot_user(), "users/5");
}

TEST(GlobalOptions, ActorFromVariables) {
  auto options = Read({}, {{"ACCESSTOKENS_ACTOR_USER_ID", "7"},
                           {"ACCESSTOKENS_ACTOR_LEVEL", "maintainer"}});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->client.default_actor->user_id(), 7);
  EXPECT_EQ(options->client.default_actor->access_level(),
            v1::ACCESS_LEVEL_MAINTAINER);
}

struct BadActorCase {
  std::vector<std::string> args;
  std::map<std::string, std::string> variables;
  std::string message;
};

TEST(GlobalOptions, RejectsIncompleteOrMixedActors) {
  const std::vector<BadActorCase> cases = {
      {{"--actor-user-id", "1"},
       {},
       "--actor-user-id needs --actor-level, the user's access level on the "
       "target: one of guest, planner, reporter, developer, maintainer, "
       "owner"},
      {{"--actor-level", "owner"},
       {},
       "--actor-level needs --actor-user-id, the acting user's id"},
      {{"--actor-user-id", "1", "--actor-level", "owner", "--actor-bot", "5"},
       {},
       "give either --actor-bot for a bot user or --actor-user-id and "
       "--actor-level for a human user, not both"},
      {{"--actor-user-id", "alice", "--actor-level", "owner"},
       {},
       "invalid value \"alice\" for --actor-user-id: expected a positive "
       "integer such as 123"},
      {{},
       {{"ACCESSTOKENS_ACTOR_USER_ID", "1"},
        {"ACCESSTOKENS_ACTOR_LEVEL", "boss"}},
       "invalid value \"boss\" for ACCESSTOKENS_ACTOR_LEVEL: expected one of "
       "guest, planner, reporter, developer, maintainer, owner, or its "
       "number: 10, 15, 20, 30, 40 or 50"},
      {{"--actor-bot", "bots/5"},
       {},
       "invalid value \"bots/5\" for --actor-bot: expected users/{id} or "
       "{id}, where {id} is a positive integer such as 123"},
  };
  for (const BadActorCase& test : cases) {
    auto options = Read(test.args, test.variables);
    ASSERT_FALSE(options.ok()) << test.message;
    EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(options.status().message(), test.message);
  }
}

TEST(GlobalOptions, BearerCredentialFromVariable) {
  auto options = Read({}, {{"ACCESSTOKENS_BEARER_CREDENTIAL", "s3cret"}});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->client.bearer_credential, "s3cret");
}

TEST(GlobalOptions, BearerCredentialFileWinsAndIsTrimmed) {
  TempDir folder;
  const std::string path = folder.File("credential");
  WriteFile(path, "from-file\n");
  auto options = Read({"--bearer-credential-file", path},
                      {{"ACCESSTOKENS_BEARER_CREDENTIAL", "from-variable"}});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->client.bearer_credential, "from-file");
}

TEST(GlobalOptions, BearerCredentialFileErrorsNameThePath) {
  TempDir folder;
  const std::string missing = folder.File("missing");
  auto options = Read({"--bearer-credential-file", missing});
  EXPECT_EQ(options.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(options.status().message(),
            "cannot read --bearer-credential-file \"" + missing +
                "\": No such file or directory");

  const std::string empty = folder.File("empty");
  WriteFile(empty, "\n");
  options = Read({"--bearer-credential-file", empty});
  EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(options.status().message(),
            "--bearer-credential-file \"" + empty + "\" is empty");
}

}  // namespace
}  // namespace accesstokens::cli
