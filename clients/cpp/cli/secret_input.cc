#include "clients/cpp/cli/secret_input.h"

#include <termios.h>

#include "absl/strings/ascii.h"

namespace accesstokens::cli {
namespace {

// Turns terminal echo off for its lifetime; does nothing if `fd` is not a
// terminal.
class EchoOff {
 public:
  explicit EchoOff(int fd) : fd_(fd) {
    if (fd_ < 0 || tcgetattr(fd_, &saved_) != 0) {
      fd_ = -1;
      return;
    }
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(fd_, TCSAFLUSH, &quiet);
  }
  ~EchoOff() {
    if (fd_ >= 0) tcsetattr(fd_, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  int fd_;
  termios saved_{};
};

}  // namespace

absl::StatusOr<std::string> ReadSecret(const SecretSource& source) {
  std::optional<std::string> from_environment =
      source.getenv("ACCESSTOKENS_TOKEN");
  if (from_environment.has_value() && !from_environment->empty()) {
    return *from_environment;
  }

  std::string line;
  if (source.in != nullptr) {
    const bool terminal = source.terminal_fd >= 0;
    if (terminal && source.prompt != nullptr) {
      *source.prompt << "Token: " << std::flush;
    }
    {
      EchoOff echo_off(source.terminal_fd);
      std::getline(*source.in, line);
    }
    if (terminal && source.prompt != nullptr) *source.prompt << "\n";
  }

  std::string secret(absl::StripAsciiWhitespace(line));
  if (secret.empty()) {
    return absl::InvalidArgumentError(
        "no token given: set ACCESSTOKENS_TOKEN or write the token to "
        "standard input");
  }
  return secret;
}

}  // namespace accesstokens::cli
