// Token secrets: their form, and that they never reach the database files
// or the server's log.

#include <regex>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/sqlite_query.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::QueryInt64;
using ::accesstokens::testing::ReadFileOrEmpty;
using ::accesstokens::testing::ServerProcessTest;

class SecretsTest : public ServerProcessTest {
 protected:
  std::vector<std::string> ServerFlags() const override {
    // Verbose logging at its highest level, so the scan covers every log line.
    return {"--log_verbosity=3"};
  }

  // Returns the files in which no secret may appear.
  std::vector<std::string> ScannedFiles() const {
    const std::string& db = server_->database_path();
    return {db, db + "-wal", db + "-shm", server_->log_path()};
  }

  // Fails the test if any form of `secret` appears in any scanned file.
  void ExpectNowhere(const std::string& secret) {
    const std::string random_part = secret.substr(std::string("glpat-").size());
    std::string raw_bytes;
    ASSERT_TRUE(absl::WebSafeBase64Unescape(random_part, &raw_bytes));
    for (const std::string& path : ScannedFiles()) {
      const std::string contents = ReadFileOrEmpty(path);
      EXPECT_FALSE(absl::StrContains(contents, random_part))
          << "the secret appears in " << path;
      EXPECT_FALSE(absl::StrContains(contents, raw_bytes))
          << "the secret's raw bytes appear in " << path;
      EXPECT_FALSE(absl::StrContains(contents, absl::BytesToHexString(raw_bytes)))
          << "the secret's bytes in hex appear in " << path;
    }
  }
};

TEST_F(SecretsTest, SecretHasPrefixAndAtLeast128RandomBits) {
  ASSERT_TRUE(api_->CreateProject(1).ok());
  auto created = api_->CreateToken("projects/1");
  ASSERT_TRUE(created.ok()) << created.status;
  const std::string& secret = created.response.access_token().token();
  ASSERT_TRUE(absl::StartsWith(secret, "glpat-"));
  std::string random;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(secret.substr(6), &random));
  EXPECT_GE(random.size() * 8, 128u);
}

// Error messages name the bad value; a secret put into the wrong field
// must still not come back, reach the log or the audit log.
TEST_F(SecretsTest, SecretInWrongFieldIsRedacted) {
  ASSERT_TRUE(api_->CreateProject(1).ok());
  auto created = api_->CreateToken("projects/1");
  ASSERT_TRUE(created.ok()) << created.status;
  const std::string secret = created.response.access_token().token();

  auto listed = api_->ListTokens(
      "projects/1", absl::StrCat("state = active AND ", secret,
                                 " > \"2026-01-01T00:00:00Z\""));
  EXPECT_EQ(listed.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_FALSE(absl::StrContains(listed.message(), secret)) << listed.message();
  EXPECT_TRUE(absl::StrContains(listed.message(), "glpat-[REDACTED]"))
      << listed.message();

  auto revoked = api_->RevokeToken(absl::StrCat("projects/1/accessTokens/",
                                                secret));
  EXPECT_EQ(revoked.code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_FALSE(absl::StrContains(revoked.message(), secret))
      << revoked.message();

  ASSERT_EQ(server_->Stop(), 0);
  ExpectNowhere(secret);
}

TEST_F(SecretsTest, SecretsAbsentFromFilesAndLog) {
  ASSERT_TRUE(api_->CreateGroup(1).ok());
  ASSERT_TRUE(api_->CreateProject(2, "groups/1").ok());
  std::vector<std::string> secrets;
  std::vector<std::string> names;
  for (const char* parent : {"projects/2", "groups/1", "projects/2"}) {
    auto created = api_->CreateToken(parent);
    ASSERT_TRUE(created.ok()) << created.status;
    secrets.push_back(created.response.access_token().token());
    names.push_back(created.response.access_token().name());
  }
  for (const std::string& secret : secrets) {
    ASSERT_TRUE(api_->Authenticate(secret).ok());
    ASSERT_TRUE(
        api_->Call(&v1::AccessTokenService::Stub::AuthenticateAccessToken,
                   v1::AuthenticateAccessTokenRequest(),
                   {{"private-token", secret}})
            .ok());
  }
  ASSERT_TRUE(api_->RevokeToken(names[2]).ok());
  EXPECT_FALSE(api_->Authenticate(secrets[2]).ok());

  // The database keeps one 32-byte digest per token instead.
  absl::StatusOr<int64_t> digests = QueryInt64(
      server_->database_path(),
      "SELECT count(*) FROM access_tokens WHERE length(digest) = 32");
  ASSERT_TRUE(digests.ok()) << digests.status();
  EXPECT_EQ(*digests, 3);

  // While the server runs, with the WAL in place.
  for (const std::string& secret : secrets) ExpectNowhere(secret);
  // After a clean stop, with the WAL folded into the database.
  ASSERT_EQ(server_->Stop(), 0);
  for (const std::string& secret : secrets) ExpectNowhere(secret);
  EXPECT_TRUE(absl::StrContains(ReadFileOrEmpty(server_->log_path()),
                                "created access token projects/2/"))
      << "the log scan read no log";
}

class TokenPrefixTest : public ServerProcessTest {
 protected:
  std::vector<std::string> ServerFlags() const override {
    return {"--token_prefix=acme_"};
  }
};

TEST_F(TokenPrefixTest, FlagSetsThePrefix) {
  ASSERT_TRUE(api_->CreateProject(1).ok());
  auto created = api_->CreateToken("projects/1");
  ASSERT_TRUE(created.ok()) << created.status;
  EXPECT_TRUE(std::regex_match(created.response.access_token().token(),
                               std::regex("acme_[A-Za-z0-9_-]{32}")));
  EXPECT_TRUE(
      api_->Authenticate(created.response.access_token().token()).ok());
}

}  // namespace
}  // namespace accesstokens
