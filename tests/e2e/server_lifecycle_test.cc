// The server binary's flags, start, stop, health service and reflection.

#include <signal.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/testing/server_fixture.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::ApiClient;
using ::accesstokens::testing::ProcessResult;
using ::accesstokens::testing::ReadFileOrEmpty;
using ::accesstokens::testing::RunServerBinary;
using ::accesstokens::testing::ServerProcess;
using ::accesstokens::testing::ServerProcessTest;
using ::accesstokens::testing::TempDir;

TEST(ServerFlagsTest, HelpExplainsEveryFlag) {
  const ProcessResult result = RunServerBinary({"--help"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(absl::StartsWith(
      result.output, "Serves the accesstokens gRPC API on a SQLite database."))
      << result.output;
  EXPECT_FALSE(absl::StrContains(result.output, "server_main.cc"))
      << result.output;

  for (const char* flag :
       {"--listen", "--db", "--secret_key_file", "--email_domain",
        "--token_prefix", "--max_token_lifetime_days",
        "--shutdown_grace_seconds", "--log_verbosity",
        "--max_request_bytes", "--keep_database_in_memory"}) {
    EXPECT_TRUE(absl::StrContains(result.output, flag))
        << flag << " missing from --help:\n" << result.output;
  }
  EXPECT_TRUE(absl::StrContains(result.output,
                                "--listen (default: \"127.0.0.1:50051\")"))
      << result.output;
  EXPECT_TRUE(absl::StrContains(result.output,
                                "--auth_cache_entries (default: 20000)"))
      << result.output;

  // Help texts are wrapped at 80 columns, each line indented by 6 spaces.
  const std::string unwrapped =
      absl::StrReplaceAll(result.output, {{"\n      ", " "}});
  EXPECT_TRUE(absl::StrContains(unwrapped, "in days"));
  EXPECT_TRUE(absl::StrContains(unwrapped, "Seconds that calls"));
}

TEST(ServerFlagsTest, InvalidValuesStopTheServerWithAReason) {
  TempDir folder;
  const std::string db = absl::StrCat("--db=", folder.File("a.db"));
  const std::string key = absl::StrCat("--secret_key_file=", folder.File("k"));
  struct Case {
    std::string flag;
    std::string message;
  };
  const Case cases[] = {
      {"--max_token_lifetime_days=0",
       "maximum token lifetime 0 days is out of range; allowed: 1 to 3650"},
      {"--email_domain=bad domain", "email domain \"bad domain\" is invalid"},
      {"--token_prefix=a b", "token prefix \"a b\" may contain only"},
      {"--listen=", "listen address is empty"},
      {"--listen=127.0.0.1:99999",
       "listen address \"127.0.0.1:99999\" is invalid"},
      {"--listen=127.0.0.1", "listen address \"127.0.0.1\" is invalid"},
      {"--listen=0.0.0.0:0",
       "refusing to listen on \"0.0.0.0:0\" without caller authentication"},
      {"--tls_cert_file=/nonexistent.pem",
       "TLS needs both the certificate file and the key file"},
      {"--auth_failure_limit=-1", "authentication failure limit -1"},
      {"--max_request_bytes=1000",
       "maximum request size 1000 bytes is out of range; allowed: 65536 to "
       "67108864"},
  };
  for (const Case& c : cases) {
    const ProcessResult result = RunServerBinary({db, key, c.flag});
    EXPECT_NE(result.exit_code, 0) << c.flag;
    EXPECT_TRUE(absl::StrContains(result.output, c.message))
        << c.flag << ":\n" << result.output;
  }
}

class ServerLifecycleTest : public ServerProcessTest {};

TEST_F(ServerLifecycleTest, LogsStartWithAddressDatabaseAndSchema) {
  const std::string log = ReadFileOrEmpty(server_->log_path());
  EXPECT_TRUE(absl::StrContains(
      log, absl::StrCat("listening on ", server_->address(), " (database ",
                        server_->database_path(), ", schema version ")))
      << log;
}

TEST_F(ServerLifecycleTest, SigtermClosesTheDatabaseCleanly) {
  ASSERT_TRUE(api_->CreateProject(1).ok());
  auto created = api_->CreateToken("projects/1");
  ASSERT_TRUE(created.ok());

  EXPECT_EQ(server_->Stop(), 0);
  const std::string log = ReadFileOrEmpty(server_->log_path());
  EXPECT_TRUE(absl::StrContains(log, "received Terminated")) << log;
  EXPECT_TRUE(absl::StrContains(log, "stopped; database closed")) << log;
  // The last connection to close folds the WAL into the database.
  EXPECT_FALSE(std::filesystem::exists(server_->database_path() + "-wal"));

  server_.reset();
  RestartServer();
  EXPECT_TRUE(api_->Authenticate(created.response.access_token().token()).ok());
}

TEST_F(ServerLifecycleTest, DatabaseKeptInMemoryServesCalls) {
  RestartServer({"--keep_database_in_memory"});
  ASSERT_TRUE(api_->CreateProject(1).ok());
  auto created = api_->CreateToken("projects/1");
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(api_->Authenticate(created.response.access_token().token()).ok());

  // The first pass over a file this small ends within milliseconds.
  const std::string marker =
      absl::StrCat(" MiB of ", server_->database_path(), " in memory in ");
  std::string log = ReadFileOrEmpty(server_->log_path());
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!absl::StrContains(log, marker) && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
    log = ReadFileOrEmpty(server_->log_path());
  }
  EXPECT_TRUE(absl::StrContains(log, marker)) << log;
}

TEST_F(ServerLifecycleTest, SigintStopsTheServerToo) {
  EXPECT_EQ(server_->Stop(SIGINT), 0);
  const std::string log = ReadFileOrEmpty(server_->log_path());
  EXPECT_TRUE(absl::StrContains(log, "received Interrupt")) << log;
  EXPECT_TRUE(absl::StrContains(log, "stopped; database closed")) << log;
}

TEST_F(ServerLifecycleTest, CallsThatReturnedOkSurviveShutdown) {
  ASSERT_TRUE(api_->CreateProject(1).ok());
  absl::Mutex mu;
  std::vector<std::string> acknowledged;
  std::atomic<bool> stopping{false};
  std::atomic<int> completed{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 8; ++t) {
    writers.emplace_back([&] {
      ApiClient client(server_->NewStub());
      while (!stopping) {
        auto created = client.CreateToken("projects/1");
        ++completed;
        if (!created.ok()) continue;
        absl::MutexLock lock(&mu);
        acknowledged.push_back(created.response.access_token().name());
      }
    });
  }
  while (completed < 40) std::this_thread::yield();
  EXPECT_EQ(server_->Stop(), 0);
  stopping = true;
  for (std::thread& writer : writers) writer.join();

  server_.reset();
  RestartServer();
  ASSERT_FALSE(acknowledged.empty());
  for (const std::string& name : acknowledged) {
    EXPECT_TRUE(api_->GetToken(name).ok()) << name << " was lost";
  }
}

TEST_F(ServerLifecycleTest, AnotherKeyFileIsRefused) {
  ASSERT_EQ(server_->Stop(), 0);
  server_.reset();
  TempDir other;
  const ProcessResult result = RunServerBinary(
      {"--listen=127.0.0.1:0",
       absl::StrCat("--db=", folder_.File("accesstokens.db")),
       absl::StrCat("--secret_key_file=", other.File("other.key"))});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(result.output, "another secret key"))
      << result.output;
}

TEST_F(ServerLifecycleTest, HealthServiceReportsServing) {
  auto health = grpc::health::v1::Health::NewStub(server_->NewChannel());
  for (const char* service : {"", "accesstokens.v1.AccessTokenService"}) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(health->Check(&context, request, &response).ok()) << service;
    EXPECT_EQ(response.status(),
              grpc::health::v1::HealthCheckResponse::SERVING)
        << service;
  }
}

TEST_F(ServerLifecycleTest, ReflectionListsTheService) {
  auto reflection =
      grpc::reflection::v1alpha::ServerReflection::NewStub(server_->NewChannel());
  grpc::ClientContext context;
  auto stream = reflection->ServerReflectionInfo(&context);
  grpc::reflection::v1alpha::ServerReflectionRequest request;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  stream->WritesDone();

  std::vector<std::string> services;
  for (const auto& service : response.list_services_response().service()) {
    services.push_back(service.name());
  }
  EXPECT_NE(std::find(services.begin(), services.end(),
                      "accesstokens.v1.AccessTokenService"),
            services.end());
  EXPECT_TRUE(stream->Finish().ok());
}

}  // namespace
}  // namespace accesstokens
