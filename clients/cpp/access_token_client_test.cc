// Tests of AccessTokenClient against a gRPC server in the test process that
// records what reaches it: the metadata, the actor and the TLS handshake.
// The real server ignores bearer credentials and does not speak TLS yet, so
// only a recording server can show what the client sends. The end-to-end
// tests in tests/e2e run the client against the real server.

#include "clients/cpp/access_token_client.h"

#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "glog/logging.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::ReadFileOrEmpty;
using ::accesstokens::testing::TempDir;

// Stores the last request of a few RPCs and the last authorization header.
class RecordingService final : public v1::AccessTokenService::Service {
 public:
  grpc::Status ListScopes(grpc::ServerContext* context,
                          const v1::ListScopesRequest*,
                          v1::ListScopesResponse* response) override {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = context->client_metadata().find("authorization");
    authorization_ = it == context->client_metadata().end()
                         ? "(none)"
                         : std::string(it->second.data(), it->second.size());
    response->add_scopes()->set_name("api");
    return grpc::Status::OK;
  }

  grpc::Status CreateAccessToken(grpc::ServerContext*,
                                 const v1::CreateAccessTokenRequest* request,
                                 v1::CreateAccessTokenResponse*) override {
    std::lock_guard<std::mutex> lock(mutex_);
    last_request_ = request->ShortDebugString();
    return grpc::Status::OK;
  }

  grpc::Status RotateAccessToken(grpc::ServerContext*,
                                 const v1::RotateAccessTokenRequest* request,
                                 v1::RotateAccessTokenResponse*) override {
    std::lock_guard<std::mutex> lock(mutex_);
    last_request_ = request->ShortDebugString();
    return grpc::Status::OK;
  }

  grpc::Status GetGroup(grpc::ServerContext*,
                        const v1::GetGroupRequest* request,
                        v1::GetGroupResponse*) override {
    return grpc::Status(
        grpc::StatusCode::NOT_FOUND,
        absl::StrCat("group \"", request->name(), "\" not found"));
  }

  // Holds the call until Release(), so that the client's deadline passes
  // first.
  grpc::Status ListAuditEvents(grpc::ServerContext*,
                               const v1::ListAuditEventsRequest*,
                               v1::ListAuditEventsResponse*) override {
    release_.WaitForNotificationWithTimeout(absl::Seconds(30));
    return grpc::Status::OK;
  }
  void Release() { release_.Notify(); }

  std::string authorization() {
    std::lock_guard<std::mutex> lock(mutex_);
    return authorization_;
  }
  std::string last_request() {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_request_;
  }

 private:
  absl::Notification release_;
  std::mutex mutex_;
  std::string authorization_;
  std::string last_request_;
};

// A self-signed certificate and its key, made with the openssl tool.
struct KeyPair {
  std::string certificate_path;
  std::string key_path;
  std::string certificate() const { return ReadFileOrEmpty(certificate_path); }
  std::string key() const { return ReadFileOrEmpty(key_path); }
};

KeyPair MakeKeyPair(const TempDir& folder, const std::string& name) {
  KeyPair pair{folder.File(name + ".pem"), folder.File(name + ".key")};
  const std::string command = absl::StrCat(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
      "-nodes -days 2 -subj /CN=",
      name, " -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout ",
      pair.key_path, " -out ", pair.certificate_path, " 2>/dev/null");
  CHECK_EQ(std::system(command.c_str()), 0) << command;
  return pair;
}

TlsOptions Tls(std::string ca_file, std::string cert_file = "",
               std::string key_file = "") {
  TlsOptions tls;
  tls.ca_file = std::move(ca_file);
  tls.cert_file = std::move(cert_file);
  tls.key_file = std::move(key_file);
  return tls;
}

class RecordingServer {
 public:
  explicit RecordingServer(
      std::shared_ptr<grpc::ServerCredentials> credentials) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", credentials, &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    CHECK(server_ != nullptr) << "the recording server did not start";
  }
  ~RecordingServer() { server_->Shutdown(); }

  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  RecordingService& service() { return service_; }

 private:
  RecordingService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

class AccessTokenClientTest : public ::testing::Test {
 protected:
  AccessTokenClient Connect(ClientOptions options) {
    options.address = server_.address();
    absl::StatusOr<AccessTokenClient> client =
        AccessTokenClient::Create(options);
    CHECK(client.ok()) << client.status();
    return *std::move(client);
  }

  RecordingServer server_{grpc::InsecureServerCredentials()};
};

TEST_F(AccessTokenClientTest, SendsBearerCredential) {
  ClientOptions options;
  options.bearer_credential = "test-credential";
  ASSERT_TRUE(Connect(options).ListScopes().ok());
  EXPECT_EQ(server_.service().authorization(), "Bearer test-credential");
}

TEST_F(AccessTokenClientTest, SendsNoAuthorizationWithoutCredential) {
  ASSERT_TRUE(Connect(ClientOptions()).ListScopes().ok());
  EXPECT_EQ(server_.service().authorization(), "(none)");
}

TEST_F(AccessTokenClientTest, AddsDefaultActorToMutatingRequests) {
  ClientOptions options;
  options.default_actor = HumanActor(1, v1::ACCESS_LEVEL_OWNER);
  AccessTokenClient client = Connect(options);

  v1::CreateAccessTokenRequest request;
  request.set_parent("projects/123");
  ASSERT_TRUE(client.CreateAccessToken(request).ok());
  EXPECT_EQ(server_.service().last_request(),
            "parent: \"projects/123\" actor { user_id: 1 access_level: "
            "ACCESS_LEVEL_OWNER }");
}

TEST_F(AccessTokenClientTest, KeepsActorOfTheRequest) {
  ClientOptions options;
  options.default_actor = HumanActor(1, v1::ACCESS_LEVEL_OWNER);
  AccessTokenClient client = Connect(options);

  v1::CreateAccessTokenRequest request;
  *request.mutable_actor() = BotActor("users/5");
  ASSERT_TRUE(client.CreateAccessToken(request).ok());
  EXPECT_EQ(server_.service().last_request(),
            "actor { bot_user: \"users/5\" }");
}

TEST_F(AccessTokenClientTest, RotationBySecretGetsNoDefaultActor) {
  ClientOptions options;
  options.default_actor = HumanActor(1, v1::ACCESS_LEVEL_OWNER);
  AccessTokenClient client = Connect(options);

  v1::RotateAccessTokenRequest by_secret;
  by_secret.set_token("glpat-test");
  ASSERT_TRUE(client.RotateAccessToken(by_secret).ok());
  EXPECT_EQ(server_.service().last_request(), "token: \"glpat-test\"");

  v1::RotateAccessTokenRequest by_name;
  by_name.set_name("projects/1/accessTokens/2");
  ASSERT_TRUE(client.RotateAccessToken(by_name).ok());
  EXPECT_EQ(server_.service().last_request(),
            "name: \"projects/1/accessTokens/2\" actor { user_id: 1 "
            "access_level: ACCESS_LEVEL_OWNER }");
}

TEST_F(AccessTokenClientTest, ReturnsServerCodeAndMessage) {
  v1::GetGroupRequest request;
  request.set_name("groups/404");
  absl::StatusOr<v1::GetGroupResponse> group =
      Connect(ClientOptions()).GetGroup(request);
  EXPECT_EQ(group.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(group.status().message(), "group \"groups/404\" not found");
}

TEST_F(AccessTokenClientTest, PassedDeadlineIsDeadlineExceeded) {
  ClientOptions options;
  options.timeout = absl::Seconds(60);
  CallOptions call;
  call.timeout = absl::Milliseconds(100);
  absl::StatusOr<v1::ListAuditEventsResponse> events =
      Connect(options).ListAuditEvents({}, call);
  server_.service().Release();
  EXPECT_EQ(events.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST(AccessTokenClient, RejectsBadOptions) {
  ClientOptions empty_address;
  empty_address.address = "";
  EXPECT_EQ(AccessTokenClient::Create(empty_address).status().message(),
            "the server address is empty; give host:port, such as "
            "127.0.0.1:50051");

  ClientOptions zero_timeout;
  zero_timeout.timeout = absl::ZeroDuration();
  EXPECT_EQ(AccessTokenClient::Create(zero_timeout).status().message(),
            "the timeout 0 is not positive");

  ClientOptions bad_credential;
  bad_credential.bearer_credential = "abc\ndef";
  absl::Status status = AccessTokenClient::Create(bad_credential).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "the bearer credential contains a character that is not "
            "printable ASCII, such as a line break");
}

TEST(AccessTokenClient, RejectsMissingTlsFiles) {
  ClientOptions options;
  options.tls = Tls("/nonexistent/ca.pem");
  absl::Status status = AccessTokenClient::Create(options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(status.message(),
            "cannot read the TLS certificate authority file "
            "\"/nonexistent/ca.pem\": No such file or directory");

  options.tls = Tls("", "/tmp/client.pem", "");
  status = AccessTokenClient::Create(options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "mutual TLS needs both a client certificate file and its key "
            "file; got certificate \"/tmp/client.pem\" and key \"\"");
}

TEST(AccessTokenClient, FromGrpcStatusKeepsCodeAndMessage) {
  absl::Status status = FromGrpcStatus(
      grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "switched off"));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "switched off");
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

class TlsTest : public ::testing::Test {
 protected:
  // Starts a TLS server with the server key pair; with `client_ca`, it
  // requires a client certificate signed by it.
  std::unique_ptr<RecordingServer> StartServer(const KeyPair* client_ca) {
    grpc::SslServerCredentialsOptions ssl(
        client_ca == nullptr
            ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
            : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    ssl.pem_key_cert_pairs.push_back(
        {server_pair_.key(), server_pair_.certificate()});
    if (client_ca != nullptr) ssl.pem_root_certs = client_ca->certificate();
    return std::make_unique<RecordingServer>(grpc::SslServerCredentials(ssl));
  }

  absl::Status ListScopes(const std::string& address, const TlsOptions& tls) {
    ClientOptions options;
    options.address = address;
    options.tls = tls;
    absl::StatusOr<AccessTokenClient> client =
        AccessTokenClient::Create(options);
    if (!client.ok()) return client.status();
    return client->ListScopes().status();
  }

  TempDir folder_;
  KeyPair server_pair_ = MakeKeyPair(folder_, "server");
  KeyPair client_pair_ = MakeKeyPair(folder_, "client");
  KeyPair stranger_pair_ = MakeKeyPair(folder_, "stranger");
};

TEST_F(TlsTest, VerifiesServerAgainstCaFile) {
  std::unique_ptr<RecordingServer> server = StartServer(nullptr);
  EXPECT_TRUE(
      ListScopes(server->address(), Tls(server_pair_.certificate_path)).ok());
}

TEST_F(TlsTest, ServerNameOverridesHostOfAddress) {
  std::unique_ptr<RecordingServer> server = StartServer(nullptr);
  TlsOptions tls = Tls(server_pair_.certificate_path);
  tls.server_name = "localhost";
  EXPECT_TRUE(ListScopes(server->address(), tls).ok());

  tls.server_name = "elsewhere.example";
  EXPECT_EQ(ListScopes(server->address(), tls).code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(TlsTest, RejectsServerSignedByUnknownCa) {
  std::unique_ptr<RecordingServer> server = StartServer(nullptr);
  EXPECT_EQ(ListScopes(server->address(), Tls(stranger_pair_.certificate_path))
                .code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(TlsTest, MutualTlsSendsClientCertificate) {
  std::unique_ptr<RecordingServer> server = StartServer(&client_pair_);
  TlsOptions tls = Tls(server_pair_.certificate_path,
                       client_pair_.certificate_path, client_pair_.key_path);
  EXPECT_TRUE(ListScopes(server->address(), tls).ok());
}

TEST_F(TlsTest, MutualTlsServerRejectsClientWithoutCertificate) {
  std::unique_ptr<RecordingServer> server = StartServer(&client_pair_);
  EXPECT_EQ(
      ListScopes(server->address(), Tls(server_pair_.certificate_path)).code(),
      absl::StatusCode::kUnavailable);

  TlsOptions stranger =
      Tls(server_pair_.certificate_path, stranger_pair_.certificate_path,
          stranger_pair_.key_path);
  EXPECT_EQ(ListScopes(server->address(), stranger).code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(TlsTest, PlaintextClientCannotReachTlsServer) {
  std::unique_ptr<RecordingServer> server = StartServer(nullptr);
  ClientOptions options;
  options.address = server->address();
  absl::StatusOr<AccessTokenClient> client = AccessTokenClient::Create(options);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ(client->ListScopes().status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace accesstokens
