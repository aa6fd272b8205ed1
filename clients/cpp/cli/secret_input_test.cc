#include "clients/cpp/cli/secret_input.h"

#include <sstream>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace accesstokens::cli {
namespace {

Getenv TokenVariable(std::optional<std::string> value) {
  return [value](const std::string& name) -> std::optional<std::string> {
    if (name == "ACCESSTOKENS_TOKEN") return value;
    return std::nullopt;
  };
}

TEST(ReadSecret, PrefersEnvironmentVariable) {
  std::istringstream in("glpat-from-stdin\n");
  auto secret = ReadSecret({TokenVariable("glpat-from-env"), &in});
  ASSERT_TRUE(secret.ok()) << secret.status();
  EXPECT_EQ(*secret, "glpat-from-env");
}

TEST(ReadSecret, ReadsFirstLineOfInputTrimmed) {
  std::istringstream in("  glpat-from-stdin \r\nsecond line\n");
  auto secret = ReadSecret({TokenVariable(""), &in});
  ASSERT_TRUE(secret.ok()) << secret.status();
  EXPECT_EQ(*secret, "glpat-from-stdin");
}

TEST(ReadSecret, InputWithoutLineBreak) {
  std::istringstream in("glpat-abc");
  EXPECT_EQ(ReadSecret({TokenVariable(std::nullopt), &in}).value(),
            "glpat-abc");
}

TEST(ReadSecret, NoPromptWhenInputIsNotTerminal) {
  std::istringstream in("glpat-abc\n");
  std::ostringstream prompt;
  ASSERT_TRUE(ReadSecret({TokenVariable(std::nullopt), &in, -1, &prompt}).ok());
  EXPECT_EQ(prompt.str(), "");
}

TEST(ReadSecret, EmptyInputIsInvalidArgument) {
  std::istringstream in("\n");
  auto secret = ReadSecret({TokenVariable(std::nullopt), &in});
  EXPECT_EQ(secret.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(secret.status().message(),
            "no token given: set ACCESSTOKENS_TOKEN or write the token to "
            "standard input");
}

}  // namespace
}  // namespace accesstokens::cli
