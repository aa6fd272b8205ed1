#include "clients/cpp/cli/argument_parser.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace accesstokens::cli {
namespace {

const std::vector<FlagSpec>& Specs() {
  static const auto* specs = new std::vector<FlagSpec>{
      {"project", "ID", "project"},
      {"scope", "SCOPE", "scope", /*repeated=*/true},
      {"force", "", "switch"},
      {"output", "FORMAT", "format", false, 'o'},
  };
  return *specs;
}

absl::StatusOr<ParsedArguments> Parse(std::vector<std::string> args) {
  return ParseArguments(args, Specs());
}

TEST(ArgumentParser, AcceptsEveryFlagForm) {
  auto parsed = Parse({"--project", "123", "--output=json", "--force",
                       "projects/1/accessTokens/2"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Value("project"), "123");
  EXPECT_EQ(parsed->Value("output"), "json");
  EXPECT_TRUE(parsed->Has("force"));
  EXPECT_FALSE(parsed->Has("scope"));
  EXPECT_EQ(parsed->positionals(),
            std::vector<std::string>{"projects/1/accessTokens/2"});
}

TEST(ArgumentParser, ShortNameTakesNextArgument) {
  auto parsed = Parse({"-o", "json"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Value("output"), "json");
}

TEST(ArgumentParser, RepeatedFlagKeepsOrder) {
  auto parsed = Parse({"--scope", "api", "--scope=read_api"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Values("scope"),
            (std::vector<std::string>{"api", "read_api"}));
}

TEST(ArgumentParser, ValueMayStartWithDash) {
  auto parsed = Parse({"--project", "-5"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Value("project"), "-5");
}

TEST(ArgumentParser, EmptyValueAfterEquals) {
  auto parsed = Parse({"--project="});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Value("project"), "");
}

TEST(ArgumentParser, DoubleDashEndsFlags) {
  auto parsed = Parse({"--force", "--", "--project", "-"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->positionals(),
            (std::vector<std::string>{"--project", "-"}));
  EXPECT_FALSE(parsed->Has("project"));
}

TEST(ArgumentParser, SingleDashIsPositional) {
  auto parsed = Parse({"-"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->positionals(), std::vector<std::string>{"-"});
}

struct BadArgumentsCase {
  std::vector<std::string> args;
  std::string message;
};

TEST(ArgumentParser, RejectsBadArgumentsNamingTheFlag) {
  const std::vector<BadArgumentsCase> cases = {
      {{"--projects", "1"}, "unknown option --projects"},
      {{"--projects=1"}, "unknown option --projects"},
      {{"-x"}, "unknown option -x"},
      {{"--project"}, "option --project needs a value: --project ID"},
      {{"--force=yes"}, "option --force takes no value, but got \"yes\""},
      {{"--project", "1", "--project", "2"},
       "option --project is given more than once"},
      {{"-o", "json", "--output", "table"},
       "option --output is given more than once"},
  };
  for (const BadArgumentsCase& test : cases) {
    auto parsed = Parse(test.args);
    ASSERT_FALSE(parsed.ok()) << test.message;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << test.message;
    EXPECT_EQ(parsed.status().message(), test.message);
  }
}

TEST(ArgumentParser, WantsHelpFindsEitherForm) {
  EXPECT_TRUE(WantsHelp(std::vector<std::string>{"tokens", "--help"}));
  EXPECT_TRUE(WantsHelp(std::vector<std::string>{"-h"}));
  EXPECT_FALSE(WantsHelp(std::vector<std::string>{"--", "--help"}));
  EXPECT_FALSE(WantsHelp(std::vector<std::string>{"--helpful"}));
}

}  // namespace
}  // namespace accesstokens::cli
