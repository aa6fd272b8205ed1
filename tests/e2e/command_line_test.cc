// The accesstokens command-line tool, run as a child process against the
// real server binary. It goes through a token's whole life, with the secret
// passed on standard input and in ACCESSTOKENS_TOKEN. Bad input, a missing
// resource and an unreachable server get their exact exit code and error
// output checked.

#include <map>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/cpp/cli/exit_codes.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "service/policy.h"
#include "tests/testing/run_process.h"
#include "tests/testing/server_fixture.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::ProcessOutput;
using ::accesstokens::testing::RunProcess;
using ::accesstokens::testing::ServerProcessTest;

// Prints a command's output when an expectation on it fails.
std::string Describe(const ProcessOutput& output) {
  return absl::StrCat("exit code ", output.exit_code, "\nstdout:\n", output.out,
                      "stderr:\n", output.err);
}

template <typename Message>
Message ParseJson(const std::string& json) {
  Message message;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &message).ok())
      << json;
  return message;
}

class CommandLineTest : public ServerProcessTest {
 protected:
  void SetUp() override {
    ServerProcessTest::SetUp();
    ProcessOutput group =
        Cli({"groups", "create", "109", "--name", "Platform"});
    ASSERT_EQ(group.exit_code, 0) << Describe(group);
    ProcessOutput project = Cli({"projects", "create", "123", "--name",
                                 "Billing API", "--group", "109"});
    ASSERT_EQ(project.exit_code, 0) << Describe(project);
  }

  // Runs the tool against the test's server with an owner as the actor.
  ProcessOutput Cli(const std::vector<std::string>& args,
                    const std::string& input = "",
                    std::map<std::string, std::string> environment = {}) {
    environment["ACCESSTOKENS_SERVER"] = server_->address();
    environment["ACCESSTOKENS_ACTOR_USER_ID"] = "1";
    environment["ACCESSTOKENS_ACTOR_LEVEL"] = "owner";
    return RunProcess(ACCESSTOKENS_CLI_PATH, args, environment, input);
  }

  v1::CreateAccessTokenResponse CreateToken() {
    ProcessOutput created =
        Cli({"tokens", "create", "--project", "123", "--name", "ci", "--scope",
             "read_repository", "--expires", FormatDate(TodayUtc() + 30),
             "--output", "json"});
    EXPECT_EQ(created.exit_code, 0) << Describe(created);
    return ParseJson<v1::CreateAccessTokenResponse>(created.out);
  }

  v1::ListAccessTokensResponse ListActive() {
    ProcessOutput listed = Cli({"tokens", "list", "--project", "123",
                                "--filter", "state = active", "-o", "json"});
    EXPECT_EQ(listed.exit_code, 0) << Describe(listed);
    return ParseJson<v1::ListAccessTokensResponse>(listed.out);
  }
};

TEST_F(CommandLineTest, CreateAuthenticateListRevoke) {
  const v1::CreateAccessTokenResponse created = CreateToken();
  const std::string name = created.access_token().name();
  const std::string secret = created.access_token().token();
  ASSERT_EQ(name, "projects/123/accessTokens/1");

  ProcessOutput from_stdin = Cli({"authenticate"}, secret + "\n");
  ASSERT_EQ(from_stdin.exit_code, 0) << Describe(from_stdin);
  EXPECT_TRUE(absl::StrContains(from_stdin.out,
                                "access token:  projects/123/accessTokens/1\n"))
      << from_stdin.out;
  ProcessOutput from_variable =
      Cli({"authenticate", "-o", "json"}, "", {{"ACCESSTOKENS_TOKEN", secret}});
  ASSERT_EQ(from_variable.exit_code, 0) << Describe(from_variable);
  EXPECT_EQ(ParseJson<v1::AuthenticateAccessTokenResponse>(from_variable.out)
                .access_token()
                .name(),
            name);

  ProcessOutput table = Cli({"tokens", "list", "--project", "123"});
  ASSERT_EQ(table.exit_code, 0) << Describe(table);
  EXPECT_TRUE(absl::StartsWith(table.out, "NAME  ")) << table.out;
  EXPECT_TRUE(absl::StrContains(table.out, "projects/123/accessTokens/1  ci  "))
      << table.out;
  EXPECT_EQ(ListActive().access_tokens_size(), 1);

  ProcessOutput revoked = Cli({"tokens", "revoke", name});
  ASSERT_EQ(revoked.exit_code, 0) << Describe(revoked);
  EXPECT_TRUE(std::regex_search(revoked.out, std::regex("\nstate: +revoked\n")))
      << revoked.out;
  ProcessOutput rejected = Cli({"authenticate"}, secret);
  EXPECT_EQ(rejected.exit_code, cli::kExitUnauthenticated)
      << Describe(rejected);
  EXPECT_TRUE(absl::StartsWith(rejected.err,
                               "accesstokens authenticate: UNAUTHENTICATED: "))
      << rejected.err;
  EXPECT_FALSE(absl::StrContains(rejected.err, secret));
  EXPECT_EQ(ListActive().access_tokens_size(), 0);
}

TEST_F(CommandLineTest, CreateAuthenticateListRotateRevoke) {
  const v1::CreateAccessTokenResponse created = CreateToken();
  const std::string old_name = created.access_token().name();
  const std::string old_secret = created.access_token().token();
  ASSERT_EQ(Cli({"authenticate"}, old_secret).exit_code, 0);
  ASSERT_EQ(ListActive().access_tokens_size(), 1);

  ProcessOutput rotated = Cli({"tokens", "rotate", old_name, "-o", "json"});
  ASSERT_EQ(rotated.exit_code, 0) << Describe(rotated);
  const auto rotation = ParseJson<v1::RotateAccessTokenResponse>(rotated.out);
  const std::string new_name = rotation.access_token().name();
  const std::string new_secret = rotation.access_token().token();
  EXPECT_NE(new_name, old_name);
  EXPECT_NE(new_secret, old_secret);
  EXPECT_EQ(rotation.previous_access_token().name(), old_name);
  EXPECT_EQ(Cli({"authenticate"}, old_secret).exit_code,
            cli::kExitUnauthenticated);
  EXPECT_EQ(Cli({"authenticate"}, new_secret).exit_code, 0);

  const v1::ListAccessTokensResponse listed = ListActive();
  ASSERT_EQ(listed.access_tokens_size(), 1);
  EXPECT_EQ(listed.access_tokens(0).name(), new_name);

  ProcessOutput revoked = Cli({"tokens", "revoke", new_name});
  ASSERT_EQ(revoked.exit_code, 0) << Describe(revoked);
  EXPECT_EQ(Cli({"authenticate"}, new_secret).exit_code,
            cli::kExitUnauthenticated);
}

TEST_F(CommandLineTest, UnknownScopeIsUsageError) {
  ProcessOutput output = Cli({"tokens", "create", "--project", "123", "--name",
                              "ci", "--scope", "read_everything"});
  EXPECT_EQ(output.exit_code, cli::kExitUsage);
  EXPECT_EQ(output.out, "");
  EXPECT_EQ(output.err,
            "accesstokens tokens create: invalid value \"read_everything\" "
            "for --scope: expected one of api, read_api, read_registry, "
            "write_registry, read_repository, write_repository, "
            "self_rotate\n"
            "Run 'accesstokens tokens create --help' for usage.\n");
  EXPECT_EQ(ListActive().access_tokens_size(), 0);
}

TEST_F(CommandLineTest, ServerRejectionNamesCodeAndMessage) {
  const std::string too_late = FormatDate(TodayUtc() + 400);
  ProcessOutput output = Cli({"tokens", "create", "--project", "123", "--name",
                              "ci", "--scope", "api", "--expires", too_late});
  EXPECT_EQ(output.exit_code, cli::kExitFailure);
  EXPECT_EQ(output.err,
            absl::StrCat("accesstokens tokens create: INVALID_ARGUMENT: "
                         "expires_on ",
                         too_late,
                         " is beyond the maximum lifetime of 365 days; the "
                         "last allowed date is ",
                         FormatDate(TodayUtc() + 365), "\n"));
}

TEST_F(CommandLineTest, MissingTokenIsNotFound) {
  ProcessOutput output = Cli({"tokens", "get", "projects/123/accessTokens/99"});
  EXPECT_EQ(output.exit_code, cli::kExitNotFound);
  EXPECT_EQ(output.out, "");
  EXPECT_EQ(output.err,
            "accesstokens tokens get: NOT_FOUND: access token "
            "\"projects/123/accessTokens/99\" not found\n");
}

TEST_F(CommandLineTest, ScopesPrintsTable) {
  ProcessOutput output = Cli({"scopes"});
  ASSERT_EQ(output.exit_code, 0) << Describe(output);
  EXPECT_TRUE(absl::StartsWith(output.out, "SCOPE  ")) << output.out;
  EXPECT_TRUE(absl::StrContains(output.out, "\nread_repository  "))
      << output.out;
}

TEST_F(CommandLineTest, StoppedServerIsFailure) {
  server_->Stop();
  ProcessOutput output = Cli({"scopes"});
  EXPECT_EQ(output.exit_code, cli::kExitFailure);
  EXPECT_TRUE(
      absl::StartsWith(output.err, "accesstokens scopes: UNAVAILABLE: "))
      << output.err;
}

}  // namespace
}  // namespace accesstokens
