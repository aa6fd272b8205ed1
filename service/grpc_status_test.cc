#include "service/grpc_status.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace accesstokens {
namespace {

class RedactSecretsTest : public ::testing::Test {
 protected:
  void SetUp() override { SetSecretPrefix("glpat-"); }
  void TearDown() override { SetSecretPrefix(""); }
};

TEST_F(RedactSecretsTest, HidesEverySecretAfterThePrefix) {
  EXPECT_EQ(RedactSecrets("filter term \"glpat-abc_D-9\" is unknown; and "
                          "glpat-XYZ"),
            "filter term \"glpat-[REDACTED]\" is unknown; and "
            "glpat-[REDACTED]");
}

TEST_F(RedactSecretsTest, KeepsTextWithoutSecrets) {
  EXPECT_EQ(RedactSecrets("scope 42 is not one of: api"),
            "scope 42 is not one of: api");
  EXPECT_EQ(RedactSecrets("prefix glpat- alone"), "prefix glpat- alone");
  EXPECT_EQ(RedactSecrets(""), "");
}

TEST_F(RedactSecretsTest, EmptyPrefixRedactsNothing) {
  SetSecretPrefix("");
  EXPECT_EQ(RedactSecrets("glpat-abc"), "glpat-abc");
}

TEST_F(RedactSecretsTest, StatusMessageIsRedacted) {
  const grpc::Status status = ToGrpcStatus(
      absl::InvalidArgumentError("name \"glpat-secret\" is invalid"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "name \"glpat-[REDACTED]\" is invalid");
}

}  // namespace
}  // namespace accesstokens
