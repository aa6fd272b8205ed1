#include "tests/testing/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "glog/logging.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens::testing {
namespace {

// How long a server gets to start listening before the test gives up.
constexpr absl::Duration kStartTimeout = absl::Seconds(30);

// Forks and execs the server binary with `args`, output to `log_path`.
pid_t Spawn(const std::vector<std::string>& args,
            const std::string& log_path) {
  std::vector<char*> argv;
  std::string binary = ServerBinaryPath();
  argv.push_back(binary.data());
  std::vector<std::string> copies = args;
  for (std::string& arg : copies) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const pid_t pid = fork();
  CHECK_GE(pid, 0) << "fork failed";
  if (pid == 0) {
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0) _exit(127);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

int WaitForExit(pid_t pid) {
  int status = 0;
  CHECK_EQ(waitpid(pid, &status, 0), pid);
  return ExitCode(status);
}

// Longest run of the binary that RunServerBinary() waits for; a server that
// was expected to stop but started serving is killed after it.
constexpr absl::Duration kRunTimeout = absl::Seconds(30);

}  // namespace

const char* ServerBinaryPath() { return ACCESSTOKENS_SERVER_PATH; }

ProcessResult RunServerBinary(const std::vector<std::string>& args) {
  TempDir folder;
  const std::string log_path = folder.File("output.log");
  ProcessResult result;
  const pid_t pid = Spawn(args, log_path);
  const absl::Time deadline = absl::Now() + kRunTimeout;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (absl::Now() > deadline) {
      kill(pid, SIGKILL);
      WaitForExit(pid);
      result.output = absl::StrCat(ReadFileOrEmpty(log_path),
                                   "\n[killed: still running after ",
                                   absl::FormatDuration(kRunTimeout), "]");
      return result;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  result.exit_code = ExitCode(status);
  result.output = ReadFileOrEmpty(log_path);
  return result;
}

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const std::string& folder, std::vector<std::string> extra_flags) {
  std::unique_ptr<ServerProcess> server(new ServerProcess());
  server->database_path_ = absl::StrCat(folder, "/accesstokens.db");
  server->log_path_ = absl::StrCat(folder, "/server.log");
  for (const std::string& flag : extra_flags) {
    if (absl::StartsWith(flag, "--db=")) {
      server->database_path_ = flag.substr(std::string("--db=").size());
    }
  }

  std::vector<std::string> args = {
      "--listen=127.0.0.1:0",
      absl::StrCat("--db=", server->database_path_),
      absl::StrCat("--secret_key_file=", folder, "/secret.key"),
  };
  for (std::string& flag : extra_flags) {
    if (!absl::StartsWith(flag, "--db=")) args.push_back(std::move(flag));
  }

  // The log may hold lines of an earlier run in the same folder; only lines
  // after its current end count.
  const size_t log_offset = ReadFileOrEmpty(server->log_path_).size();
  server->pid_ = Spawn(args, server->log_path_);

  static const std::regex kListening("listening on 127\\.0\\.0\\.1:([0-9]+)");
  const absl::Time deadline = absl::Now() + kStartTimeout;
  while (absl::Now() < deadline) {
    std::string log = ReadFileOrEmpty(server->log_path_);
    log.erase(0, std::min(log_offset, log.size()));
    std::smatch match;
    if (std::regex_search(log, match, kListening)) {
      CHECK(absl::SimpleAtoi(match[1].str(), &server->port_));
      return server;
    }
    int status = 0;
    if (waitpid(server->pid_, &status, WNOHANG) == server->pid_) {
      server->pid_ = -1;
      return absl::FailedPreconditionError(
          absl::StrCat("the server exited before listening; log:\n", log));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("the server did not listen within ",
                   absl::FormatDuration(kStartTimeout)));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Kill();
}

std::string ServerProcess::address() const {
  return absl::StrCat("127.0.0.1:", port_);
}

std::shared_ptr<grpc::Channel> ServerProcess::NewChannel() const {
  // A distinct argument keeps gRPC from sharing one TCP connection between
  // channels to the same address.
  static std::atomic<int> channel_number{0};
  grpc::ChannelArguments arguments;
  arguments.SetInt("accesstokens.test_channel", channel_number++);
  return grpc::CreateCustomChannel(
      address(), grpc::InsecureChannelCredentials(), arguments);
}

std::unique_ptr<v1::AccessTokenService::Stub> ServerProcess::NewStub() const {
  return v1::AccessTokenService::NewStub(NewChannel());
}

int ServerProcess::Stop(int signal) {
  CHECK_GT(pid_, 0) << "the server is not running";
  kill(pid_, signal);
  const int code = WaitForExit(pid_);
  pid_ = -1;
  return code;
}

void ServerProcess::Kill() {
  CHECK_GT(pid_, 0) << "the server is not running";
  kill(pid_, SIGKILL);
  WaitForExit(pid_);
  pid_ = -1;
}

}  // namespace accesstokens::testing
