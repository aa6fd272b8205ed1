// Test fixtures that start a real server: ServerProcessTest runs the
// accesstokens-server binary, InProcessServerTest runs the same Server
// class in the test process with a fake clock.
#ifndef ACCESSTOKENS_TESTS_TESTING_SERVER_FIXTURE_H_
#define ACCESSTOKENS_TESTS_TESTING_SERVER_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "service/server.h"
#include "tests/testing/api_client.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens::testing {

// Starts the server binary before each test with the flags of
// ServerFlags().
class ServerProcessTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // Extra flags for the server; override to change them.
  virtual std::vector<std::string> ServerFlags() const { return {}; }

  // Stops the running server (if any) and starts a new one on the same
  // folder with `flags`.
  void RestartServer(std::vector<std::string> flags = {});

  // Today's date in UTC, as the server computes it.
  static absl::CivilDay TodayUtc();

  TempDir folder_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<ApiClient> api_;
};

// Runs a Server in the test process on 127.0.0.1:0 with a FakeClock that
// starts at kStartTime.
class InProcessServerTest : public ::testing::Test {
 protected:
  // 2026-06-15 12:00:00 UTC.
  static const absl::Time kStartTime;

  void SetUp() override;
  void TearDown() override;

  // Options for the server; override to change them.
  virtual void Configure(ServerOptions& options) const {}

  TempDir folder_;
  FakeClock clock_{kStartTime};
  std::unique_ptr<Server> server_;
  std::unique_ptr<ApiClient> api_;
};

}  // namespace accesstokens::testing

#endif  // ACCESSTOKENS_TESTS_TESTING_SERVER_FIXTURE_H_
