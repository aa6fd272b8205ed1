// After a session of creates, rotations, authentications, revocations and
// failed authentications, no form of any secret appears in the server's
// log, the database, its -wal and -shm files, or a backup copy.

#include <deque>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/testing/api_client.h"
#include "tests/testing/run_process.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::ProcessOutput;
using ::accesstokens::testing::ReadFileOrEmpty;
using ::accesstokens::testing::RunProcess;
using ::accesstokens::testing::ServerProcessTest;
using Stub = v1::AccessTokenService::Stub;

constexpr char kPrefix[] = "glpat-";

// Returns the forms in which `secret` could leak: the secret, its random
// part and that part's text in hex, the bytes that part encodes, and those
// bytes in hex and in standard base64.
std::vector<std::string> LeakForms(const std::string& secret) {
  std::vector<std::string> forms = {secret};
  if (!absl::StartsWith(secret, kPrefix)) return forms;
  const std::string random_part = secret.substr(sizeof(kPrefix) - 1);
  forms.push_back(random_part);
  forms.push_back(absl::BytesToHexString(random_part));
  forms.push_back(absl::AsciiStrToUpper(absl::BytesToHexString(random_part)));
  std::string raw;
  if (absl::WebSafeBase64Unescape(random_part, &raw) && !raw.empty()) {
    forms.push_back(raw);
    forms.push_back(absl::BytesToHexString(raw));
    forms.push_back(absl::AsciiStrToUpper(absl::BytesToHexString(raw)));
    forms.push_back(absl::Base64Escape(raw));
  }
  return forms;
}

class SecretScanTest : public ServerProcessTest {
 protected:
  std::vector<std::string> ServerFlags() const override {
    // Verbose logging at its highest level, so the scan covers every line.
    return {"--log_verbosity=3"};
  }

  // Keeps `secret` for the scan and returns it.
  const std::string& Remember(const std::string& secret) {
    EXPECT_TRUE(absl::StartsWith(secret, kPrefix)) << "not a secret";
    secrets_.push_back(secret);
    return secrets_.back();
  }

  testing::CallResult<v1::RotateAccessTokenResponse> RotateBySecret(
      const std::string& secret) {
    v1::RotateAccessTokenRequest request;
    request.set_token(secret);
    return api_->Call(&Stub::RotateAccessToken, request);
  }

  testing::CallResult<v1::AuthenticateAccessTokenResponse>
  AuthenticateByMetadata(const std::string& secret) {
    return api_->Call(&Stub::AuthenticateAccessToken,
                      v1::AuthenticateAccessTokenRequest(),
                      {{"private-token", secret}});
  }

  // Fails the test for each form of each secret found in `files`, and
  // returns how many bytes it read.
  size_t ExpectNoSecretIn(const std::vector<std::string>& files) {
    size_t bytes_read = 0;
    for (const std::string& path : files) {
      const std::string contents = ReadFileOrEmpty(path);
      bytes_read += contents.size();
      for (size_t i = 0; i < secrets_.size(); ++i) {
        for (const std::string& form : LeakForms(secrets_[i])) {
          EXPECT_FALSE(absl::StrContains(contents, form))
              << "a form of secret number " << i << " appears in " << path;
        }
      }
    }
    return bytes_read;
  }

  // A deque, so that Remember() returns references that stay valid.
  std::deque<std::string> secrets_;
};

TEST_F(SecretScanTest, NoSecretInLogDatabaseOrBackup) {
  ASSERT_TRUE(api_->CreateGroup(1).ok());
  ASSERT_TRUE(api_->CreateProject(2, "groups/1").ok());

  // Creates, one of them with a request id, whose response the server
  // keeps sealed for retries.
  auto project_token = api_->CreateToken("projects/2", "deploy");
  ASSERT_TRUE(project_token.ok()) << project_token.status;
  const std::string& project_secret =
      Remember(project_token.response.access_token().token());
  auto group_token = api_->CreateToken("groups/1", "ci");
  ASSERT_TRUE(group_token.ok()) << group_token.status;
  const std::string& group_secret =
      Remember(group_token.response.access_token().token());
  v1::CreateAccessTokenRequest keyed;
  keyed.set_parent("projects/2");
  keyed.set_request_id("6c1f9a2e-3b7d-4e58-9f0a-1d2c3b4a5e6f");
  keyed.mutable_access_token()->set_display_name("keyed");
  keyed.mutable_access_token()->add_scopes(v1::SCOPE_READ_API);
  *keyed.mutable_actor() = testing::OwnerActor();
  auto keyed_token = api_->Call(&Stub::CreateAccessToken, keyed);
  ASSERT_TRUE(keyed_token.ok()) << keyed_token.status;
  const std::string& keyed_secret =
      Remember(keyed_token.response.access_token().token());
  ASSERT_EQ(api_->Call(&Stub::CreateAccessToken, keyed)
                .response.access_token()
                .token(),
            keyed_secret);

  // Rotations by name and by secret.
  auto by_name =
      api_->RotateToken(project_token.response.access_token().name());
  ASSERT_TRUE(by_name.ok()) << by_name.status;
  const std::string& rotated_project =
      Remember(by_name.response.access_token().token());
  auto by_secret = RotateBySecret(group_secret);
  ASSERT_TRUE(by_secret.ok()) << by_secret.status;
  const std::string& rotated_group =
      Remember(by_secret.response.access_token().token());

  // Authentications from the request field and from metadata.
  for (const std::string* secret :
       {&rotated_project, &rotated_group, &keyed_secret}) {
    EXPECT_TRUE(api_->Authenticate(*secret).ok());
    EXPECT_TRUE(AuthenticateByMetadata(*secret).ok());
  }

  // A revocation, and failed calls with revoked, rotated-out and invented
  // secrets. Presenting a rotated-out secret for rotation revokes its
  // family.
  ASSERT_TRUE(
      api_->RevokeToken(keyed_token.response.access_token().name()).ok());
  const std::string& invented =
      Remember(absl::StrCat(kPrefix, "Zm9yZ2VkLXNlY3JldC1ub3QtaXNzdWVk"));
  for (const std::string* secret :
       {&keyed_secret, &project_secret, &group_secret, &invented}) {
    EXPECT_EQ(api_->Authenticate(*secret).code(),
              grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(AuthenticateByMetadata(*secret).code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  EXPECT_EQ(RotateBySecret(group_secret).code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(RotateBySecret(invented).code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(api_->Authenticate(rotated_group).code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // A backup copy, made while the server runs.
  const std::string backup = folder_.File("backup.db");
  const ProcessOutput backed_up =
      RunProcess(ACCESSTOKENS_BACKUP_PATH,
                 {"--db=" + server_->database_path(), "--out=" + backup}, {});
  ASSERT_EQ(backed_up.exit_code, 0) << backed_up.err;
  const std::string backup_output = folder_.File("backup-output.txt");
  { std::ofstream(backup_output) << backed_up.out << backed_up.err; }

  const std::string& db = server_->database_path();
  const std::vector<std::string> files = {
      db, db + "-wal", db + "-shm", server_->log_path(), backup, backup_output};
  // While the server runs, with the WAL in place.
  EXPECT_GT(ExpectNoSecretIn(files), 100000u) << "the scan read little";
  // After a clean stop, with the WAL folded into the database.
  ASSERT_EQ(server_->Stop(), 0);
  ExpectNoSecretIn(files);

  // The scan read a log of the whole session.
  const std::string log = ReadFileOrEmpty(server_->log_path());
  for (const char* event : {"created access token projects/2/",
                            "rotated access token", "revoked access token"}) {
    EXPECT_TRUE(absl::StrContains(log, event)) << event << " not logged";
  }
}

}  // namespace
}  // namespace accesstokens
