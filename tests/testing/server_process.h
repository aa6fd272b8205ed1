// The real accesstokens-server binary, started as a child process on
// 127.0.0.1 port 0 over a database in a temporary folder.
#ifndef ACCESSTOKENS_TESTS_TESTING_SERVER_PROCESS_H_
#define ACCESSTOKENS_TESTS_TESTING_SERVER_PROCESS_H_

#include <signal.h>
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "accesstokens/v1/access_token_service.grpc.pb.h"
#include "grpcpp/channel.h"

namespace accesstokens::testing {

// Path of the server binary under test.
const char* ServerBinaryPath();

// Output and exit code of a finished process.
struct ProcessResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr interleaved.
};

// Runs the server binary with `args` to completion, or kills it after 30
// seconds and returns exit code -1.
ProcessResult RunServerBinary(const std::vector<std::string>& args);

// Not thread-safe; owned by one test.
class ServerProcess {
 public:
  // Starts the server with --listen=127.0.0.1:0, --db and --secret_key_file
  // in `folder`, plus `extra_flags`, and waits until it listens. A --db flag
  // in `extra_flags` puts the database elsewhere. The log goes to
  // folder/server.log.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(
      const std::string& folder, std::vector<std::string> extra_flags = {});

  // Kills the process if it still runs.
  ~ServerProcess();

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string address() const;
  const std::string& database_path() const { return database_path_; }
  const std::string& log_path() const { return log_path_; }

  // Returns a new channel on its own TCP connection.
  std::shared_ptr<grpc::Channel> NewChannel() const;
  std::unique_ptr<v1::AccessTokenService::Stub> NewStub() const;

  // Sends `signal` and returns the exit code.
  int Stop(int signal = SIGTERM);
  // Sends SIGKILL and reaps the process.
  void Kill();

 private:
  ServerProcess() = default;

  pid_t pid_ = -1;
  int port_ = 0;
  std::string database_path_;
  std::string log_path_;
};

}  // namespace accesstokens::testing

#endif  // ACCESSTOKENS_TESTS_TESTING_SERVER_PROCESS_H_
