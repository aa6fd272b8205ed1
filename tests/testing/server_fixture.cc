#include "tests/testing/server_fixture.h"

#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace accesstokens::testing {

const absl::Time InProcessServerTest::kStartTime =
    absl::FromCivil(absl::CivilSecond(2026, 6, 15, 12, 0, 0),
                    absl::UTCTimeZone());

void ServerProcessTest::SetUp() { RestartServer(ServerFlags()); }

void ServerProcessTest::RestartServer(std::vector<std::string> flags) {
  api_.reset();
  if (server_ != nullptr) {
    ASSERT_EQ(server_->Stop(), 0);
    server_.reset();
  }
  absl::StatusOr<std::unique_ptr<ServerProcess>> started =
      ServerProcess::Start(folder_.path(), std::move(flags));
  ASSERT_TRUE(started.ok()) << started.status();
  server_ = *std::move(started);
  api_ = std::make_unique<ApiClient>(server_->NewStub());
}

absl::CivilDay ServerProcessTest::TodayUtc() {
  return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
}

void InProcessServerTest::SetUp() {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.database_path = folder_.File("accesstokens.db");
  options.secret_key_path = folder_.File("secret.key");
  Configure(options);
  absl::StatusOr<std::unique_ptr<Server>> started =
      Server::Start(options, &clock_);
  ASSERT_TRUE(started.ok()) << started.status();
  server_ = *std::move(started);
  api_ = std::make_unique<ApiClient>(v1::AccessTokenService::NewStub(
      grpc::CreateChannel(server_->address(),
                          grpc::InsecureChannelCredentials())));
}

void InProcessServerTest::TearDown() {
  api_.reset();
  if (server_ != nullptr) server_->Shutdown(absl::Seconds(5));
}

}  // namespace accesstokens::testing
