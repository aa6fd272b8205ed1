// Transport security and caller authentication of the server binary: TLS,
// mutual TLS, bearer credentials with roles, reloading the callers file,
// and the rate limit on failed authentications.

#include <signal.h>

#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "service/caller_auth.h"
#include "tests/testing/api_client.h"
#include "tests/testing/certificates.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::ApiClient;
using ::accesstokens::testing::CertificateFiles;
using ::accesstokens::testing::OwnerActor;
using ::accesstokens::testing::ReadFileOrEmpty;
using ::accesstokens::testing::ServerProcess;
using ::accesstokens::testing::TempDir;
using Stub = v1::AccessTokenService::Stub;

// Bearer credentials. The callers file contains their SHA-256 digests, as
// `printf %s CREDENTIAL | sha256sum` prints them.
constexpr char kAdminCredential[] = "admin-credential-0123456789";
constexpr char kGatewayCredential[] = "gateway-credential-0123456789";

std::string Sha256Hex(const std::string& text) {
  const std::string command =
      absl::StrCat("printf %s '", text, "' | sha256sum");
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[65] = {};
  if (pipe == nullptr || fread(buffer, 1, 64, pipe) != 64) {
    if (pipe != nullptr) pclose(pipe);
    return "";
  }
  pclose(pipe);
  return std::string(buffer, 64);
}

std::string ReadFile(const std::string& path) { return ReadFileOrEmpty(path); }

class SecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<CertificateFiles> files =
        testing::MakeCertificates(folder_.path());
    ASSERT_TRUE(files.ok()) << files.status();
    certificates_ = *files;
  }

  void WriteCallers(const std::string& contents) {
    std::ofstream(callers_path_) << contents;
  }

  void StartServer(std::vector<std::string> flags) {
    flags.push_back(absl::StrCat("--callers_file=", callers_path_));
    absl::StatusOr<std::unique_ptr<ServerProcess>> started =
        ServerProcess::Start(folder_.path(), std::move(flags));
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
  }

  // A TLS channel that trusts the test CA, with an optional client
  // certificate.
  std::shared_ptr<grpc::Channel> TlsChannel(const std::string& cert = "",
                                            const std::string& key = "") {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadFile(certificates_.ca_cert);
    if (!cert.empty()) {
      options.pem_cert_chain = ReadFile(cert);
      options.pem_private_key = ReadFile(key);
    }
    grpc::ChannelArguments arguments;
    arguments.SetInt("accesstokens.test_channel", ++channels_);
    return grpc::CreateCustomChannel(server_->address(),
                                     grpc::SslCredentials(options), arguments);
  }

  // Calls ListScopes with `bearer` as the credential, if not empty.
  grpc::Status ListScopes(const std::shared_ptr<grpc::Channel>& channel,
                          const std::string& bearer = "") {
    ApiClient client(v1::AccessTokenService::NewStub(channel));
    if (bearer.empty()) {
      return client.Call(&Stub::ListScopes, v1::ListScopesRequest()).status;
    }
    return client
        .Call(&Stub::ListScopes, v1::ListScopesRequest(),
              {{"authorization", "Bearer " + bearer}})
        .status;
  }

  std::shared_ptr<grpc::Channel> PlaintextChannel() {
    grpc::ChannelArguments arguments;
    arguments.SetInt("accesstokens.test_channel", ++channels_);
    return grpc::CreateCustomChannel(
        server_->address(), grpc::InsecureChannelCredentials(), arguments);
  }

  TempDir folder_;
  const std::string callers_path_ = folder_.File("callers");
  CertificateFiles certificates_;
  std::unique_ptr<ServerProcess> server_;
  int channels_ = 0;
};

TEST_F(SecurityTest, TlsServesAndRejectsPlaintext) {
  WriteCallers(absl::StrCat("admin bearer ", Sha256Hex(kAdminCredential),
                            "\n"));
  StartServer({absl::StrCat("--tls_cert_file=", certificates_.server_cert),
               absl::StrCat("--tls_key_file=", certificates_.server_key)});
  EXPECT_TRUE(absl::StrContains(ReadFile(server_->log_path()), ", TLS, "));

  EXPECT_TRUE(ListScopes(TlsChannel(), kAdminCredential).ok());
  const grpc::Status plaintext = ListScopes(PlaintextChannel(),
                                            kAdminCredential);
  EXPECT_EQ(plaintext.error_code(), grpc::StatusCode::UNAVAILABLE)
      << plaintext.error_message();
}

TEST_F(SecurityTest, MutualTlsAdmitsOnlyListedSubjects) {
  WriteCallers("admin subject CN=gateway,O=Example\n");
  StartServer({absl::StrCat("--tls_cert_file=", certificates_.server_cert),
               absl::StrCat("--tls_key_file=", certificates_.server_key),
               absl::StrCat("--tls_client_ca_file=", certificates_.ca_cert)});

  EXPECT_TRUE(ListScopes(TlsChannel(certificates_.gateway_cert,
                                    certificates_.gateway_key))
                  .ok());

  const grpc::Status intruder = ListScopes(
      TlsChannel(certificates_.intruder_cert, certificates_.intruder_key));
  EXPECT_EQ(intruder.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(absl::StrContains(intruder.error_message(), "CN=intruder"))
      << intruder.error_message();

  // Without a client certificate the TLS handshake itself fails.
  EXPECT_EQ(ListScopes(TlsChannel()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(SecurityTest, BearerRolesLimitWhatCallersMayDo) {
  WriteCallers(absl::StrCat("# admins\nadmin bearer ",
                            Sha256Hex(kAdminCredential),
                            "\nauthenticate  bearer ",
                            Sha256Hex(kGatewayCredential), "\n"));
  StartServer({});
  auto channel = PlaintextChannel();
  ApiClient client(v1::AccessTokenService::NewStub(channel));
  const auto admin = {std::pair<std::string, std::string>(
      "authorization", std::string("Bearer ") + kAdminCredential)};
  const auto gateway = {std::pair<std::string, std::string>(
      "authorization", std::string("Bearer ") + kGatewayCredential)};

  v1::CreateProjectRequest project;
  project.set_project_id(1);
  project.mutable_project()->set_display_name("p");
  *project.mutable_actor() = OwnerActor();
  ASSERT_TRUE(client.Call(&Stub::CreateProject, project, admin).ok());
  v1::CreateAccessTokenRequest create;
  create.set_parent("projects/1");
  create.mutable_access_token()->set_display_name("t");
  create.mutable_access_token()->add_scopes(v1::SCOPE_API);
  *create.mutable_actor() = OwnerActor();
  auto created = client.Call(&Stub::CreateAccessToken, create, admin);
  ASSERT_TRUE(created.ok()) << created.status;

  // The gateway may check tokens but not mint them.
  v1::AuthenticateAccessTokenRequest authenticate;
  authenticate.set_token(created.response.access_token().token());
  EXPECT_TRUE(
      client.Call(&Stub::AuthenticateAccessToken, authenticate, gateway).ok());
  auto minted = client.Call(&Stub::CreateAccessToken, create, gateway);
  EXPECT_EQ(minted.code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(absl::StrContains(minted.message(), "only AuthenticateAccess"));

  // Unknown and missing credentials.
  auto anonymous = client.Call(&Stub::AuthenticateAccessToken, authenticate);
  EXPECT_EQ(anonymous.code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(absl::StrContains(anonymous.message(), "authorization"));
  auto wrong = client.Call(&Stub::AuthenticateAccessToken, authenticate,
                           {{"authorization", "Bearer guessed"}});
  EXPECT_EQ(wrong.code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_FALSE(absl::StrContains(wrong.message(), "guessed"));

  // Health needs no credential.
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckResponse response;
  EXPECT_TRUE(health->Check(&context, {}, &response).ok());

  // Credentials never reach the log.
  const std::string log = ReadFile(server_->log_path());
  EXPECT_FALSE(absl::StrContains(log, kAdminCredential));
  EXPECT_FALSE(absl::StrContains(log, kGatewayCredential));
}

TEST_F(SecurityTest, CallersFileReloadsOnSighup) {
  WriteCallers(absl::StrCat("admin bearer ", Sha256Hex(kAdminCredential),
                            "\n"));
  StartServer({});
  EXPECT_EQ(ListScopes(PlaintextChannel(), kGatewayCredential).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  WriteCallers(absl::StrCat("admin bearer ", Sha256Hex(kAdminCredential),
                            "\nadmin bearer ", Sha256Hex(kGatewayCredential),
                            "\n"));
  ASSERT_EQ(kill(server_->pid(), SIGHUP), 0);
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!absl::StrContains(ReadFile(server_->log_path()),
                            "2 callers") &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_TRUE(ListScopes(PlaintextChannel(), kGatewayCredential).ok());

  // A broken file keeps the previous list.
  WriteCallers("superuser bearer nope\n");
  ASSERT_EQ(kill(server_->pid(), SIGHUP), 0);
  while (!absl::StrContains(ReadFile(server_->log_path()),
                            "the previous list stays") &&
         absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_TRUE(absl::StrContains(ReadFile(server_->log_path()),
                                "unknown role \"superuser\""));
  EXPECT_TRUE(ListScopes(PlaintextChannel(), kGatewayCredential).ok());
}

TEST_F(SecurityTest, FailedAuthenticationsAreRateLimited) {
  WriteCallers(absl::StrCat("admin bearer ", Sha256Hex(kAdminCredential),
                            "\n"));
  StartServer({"--auth_failure_limit=3",
               "--auth_failure_window_seconds=600"});
  ApiClient client(v1::AccessTokenService::NewStub(PlaintextChannel()));
  const auto admin = {std::pair<std::string, std::string>(
      "authorization", std::string("Bearer ") + kAdminCredential)};
  v1::AuthenticateAccessTokenRequest guess;
  guess.set_token("glpat-guess");
  guess.set_client_address("203.0.113.9");

  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(client.Call(&Stub::AuthenticateAccessToken, guess, admin).code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  for (int i = 0; i < 5; ++i) {
    auto limited = client.Call(&Stub::AuthenticateAccessToken, guess, admin);
    ASSERT_EQ(limited.code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_TRUE(absl::StrContains(limited.message(), "203.0.113.9"));
    EXPECT_TRUE(absl::StrContains(limited.message(), "retry in 60"))
        << limited.message();
    // The details carry a google.rpc.RetryInfo.
    EXPECT_TRUE(absl::StrContains(limited.status.error_details(),
                                  "type.googleapis.com/google.rpc.RetryInfo"));
  }

  // Other addresses are not affected.
  guess.set_client_address("203.0.113.10");
  EXPECT_EQ(client.Call(&Stub::AuthenticateAccessToken, guess, admin).code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // Logged once per window, not per call.
  const std::string log = ReadFile(server_->log_path());
  size_t count = 0;
  for (size_t at = log.find("rate-limiting authentication from 203.0.113.9");
       at != std::string::npos;
       at = log.find("rate-limiting authentication from 203.0.113.9",
                     at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 1u);
}

TEST(CallerAuthTest, LoopbackAddresses) {
  for (const char* address : {"127.0.0.1:1", "127.8.9.10:0", "localhost:5",
                              "[::1]:50051"}) {
    EXPECT_TRUE(IsLoopbackAddress(address)) << address;
  }
  for (const char* address : {"0.0.0.0:1", "[::]:1", "10.0.0.1:1",
                              "128.0.0.1:1", "127.0.0.256:1", "example:1"}) {
    EXPECT_FALSE(IsLoopbackAddress(address)) << address;
  }
}

TEST(CallerAuthTest, ParsesCallersFile) {
  absl::StatusOr<CallerPolicy> policy = ParseCallersFile(
      "# comment\n\nadmin bearer " + std::string(64, 'a') +
          "\nauthenticate subject CN=gateway, O=Example Corp\n",
      "callers");
  ASSERT_TRUE(policy.ok()) << policy.status();
  ASSERT_EQ(policy->entries.size(), 2u);
  EXPECT_EQ(policy->entries[0].value.size(), 32u);
  EXPECT_EQ(policy->entries[1].value, "CN=gateway, O=Example Corp");
  EXPECT_EQ(policy->entries[1].role, CallerRole::kAuthenticate);

  for (const char* bad :
       {"admin bearer short", "admin bearer " /* no value */,
        "root bearer aaaa", "admin password x"}) {
    absl::Status status = ParseCallersFile(bad, "callers").status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StrContains(status.message(), "callers\" line 1"))
        << status;
  }
}

}  // namespace
}  // namespace accesstokens
