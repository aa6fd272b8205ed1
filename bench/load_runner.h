// The engine of the load generator. It keeps a fixed number of unary calls
// in flight against one server over gRPC's asynchronous client API, for a
// warm-up and then a measured window. It collects the latency and final
// status of every call that completes inside the window.
#ifndef ACCESSTOKENS_BENCH_LOAD_RUNNER_H_
#define ACCESSTOKENS_BENCH_LOAD_RUNNER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/status.h"

namespace accesstokens::bench {

// One unary call: the full method name, such as
// "/accesstokens.v1.AccessTokenService/AuthenticateAccessToken", and the
// serialized request.
struct Call {
  const std::string* method = nullptr;  // Outlives the run.
  grpc::ByteBuffer request;
};

// The calls of one benchmark scenario.
//
// Thread-safe: Next() is called from every client thread at once.
class Scenario {
 public:
  virtual ~Scenario() = default;

  // Returns the next call to make, or nullopt once the scenario has used up
  // the tokens it consumes. `random` belongs to the calling thread.
  virtual std::optional<Call> Next(absl::InsecureBitGen& random) = 0;

  // The status that every call of the scenario should end with; any other
  // counts as unexpected.
  virtual grpc::StatusCode expected_status() const {
    return grpc::StatusCode::OK;
  }
};

struct LoadOptions {
  // host:port of the server.
  std::string target;
  // Plaintext unless TLS credentials are given.
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  // Overrides the TLS server name that the certificate must match; empty
  // uses the host of `target`.
  std::string tls_server_name;
  // Sent as "authorization: Bearer <credential>" when not empty.
  std::string bearer_credential;
  // Channels, each with its own TCP connection.
  int channels = 4;
  // Calls kept in flight on each channel.
  int calls_per_channel = 16;
  // Client threads, each draining its own completion queue.
  int threads = 2;
  absl::Duration warmup = absl::Seconds(2);
  absl::Duration duration = absl::Seconds(10);
  // Deadline of each call.
  absl::Duration call_timeout = absl::Seconds(10);
  // Process whose CPU time is measured over the window, such as the
  // server; 0 for none.
  int server_pid = 0;
};

struct LoadResult {
  // Length of the measured window in seconds.
  double window_seconds = 0;
  // Calls that completed inside the window, whatever their status.
  int64_t calls = 0;
  // Calls that completed inside the window by status code.
  std::map<grpc::StatusCode, int64_t> statuses;
  // Calls inside the window whose status was not the expected one.
  int64_t unexpected = 0;
  // Latencies of the calls inside the window, in nanoseconds, ascending.
  std::vector<int64_t> latencies_ns;
  // Calls that completed during the warm-up.
  int64_t warmup_calls = 0;
  // True if the scenario ran out of tokens before the window ended.
  bool exhausted = false;
  // CPU time (user and system) spent during the window by this process and
  // by LoadOptions::server_pid, in seconds; -1 when unknown.
  double client_cpu_seconds = -1;
  double server_cpu_seconds = -1;
  // CPU time that every process of the machine spent during the window
  // (user, system, interrupts and steal time). What the client and the
  // server did not spend of it went to other processes, which make the
  // figures noisy.
  double machine_cpu_seconds = -1;
  // The 1-minute load average of the machine at the start and the end of
  // the window.
  double load_average_start = 0;
  double load_average_end = 0;

  double CallsPerSecond() const {
    return window_seconds > 0 ? calls / window_seconds : 0;
  }
  // Returns the latency at quantile `q` (0 to 1) by the nearest-rank
  // method, in microseconds; 0 without calls.
  double LatencyMicros(double q) const;
};

// Runs `scenario` with `options`. UNAVAILABLE if a channel cannot
// connect within 10 seconds, INVALID_ARGUMENT for counts below 1.
absl::StatusOr<LoadResult> RunLoad(const LoadOptions& options,
                                   Scenario& scenario);

// Returns the canonical name of `code`, such as "UNAUTHENTICATED".
std::string StatusCodeName(grpc::StatusCode code);

}  // namespace accesstokens::bench

#endif  // ACCESSTOKENS_BENCH_LOAD_RUNNER_H_
