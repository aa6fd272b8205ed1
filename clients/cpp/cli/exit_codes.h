// Exit codes of the command-line tool. Scripts may rely on them.
#ifndef ACCESSTOKENS_CLIENTS_CPP_CLI_EXIT_CODES_H_
#define ACCESSTOKENS_CLIENTS_CPP_CLI_EXIT_CODES_H_

#include "absl/status/status.h"

namespace accesstokens::cli {

// Success.
inline constexpr int kExitOk = 0;
// The call failed for another reason: any other gRPC status, including an
// unreachable server (UNAVAILABLE) and INVALID_ARGUMENT from the server.
inline constexpr int kExitFailure = 1;
// The command line is wrong: an unknown command or option, a missing or
// malformed argument, or an unreadable file that an option names. Nothing
// was sent.
inline constexpr int kExitUsage = 2;
// The server returned NOT_FOUND.
inline constexpr int kExitNotFound = 3;
// The server returned UNAUTHENTICATED: the token secret is unknown, revoked
// or expired, or the bearer credential was rejected.
inline constexpr int kExitUnauthenticated = 4;

// Returns the exit code for a failed call's status.
inline int ExitCodeForCallStatus(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kNotFound:
      return kExitNotFound;
    case absl::StatusCode::kUnauthenticated:
      return kExitUnauthenticated;
    default:
      return kExitFailure;
  }
}

}  // namespace accesstokens::cli

#endif  // ACCESSTOKENS_CLIENTS_CPP_CLI_EXIT_CODES_H_
