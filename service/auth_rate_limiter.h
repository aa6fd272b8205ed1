// Limits failed authentications per client address, so that nobody can
// guess secrets at the speed of the server. Past `limit` failures within a
// window, every authentication from that address, valid or not, fails with
// RESOURCE_EXHAUSTED until the window ends.
#ifndef ACCESSTOKENS_SERVICE_AUTH_RATE_LIMITER_H_
#define ACCESSTOKENS_SERVICE_AUTH_RATE_LIMITER_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/sweep_schedule.h"

namespace accesstokens {

// Type URL of the google.rpc.RetryInfo payload that Check() attaches.
inline constexpr char kRetryInfoTypeUrl[] =
    "type.googleapis.com/google.rpc.RetryInfo";

// Thread-safe.
class AuthRateLimiter {
 public:
  // `limit` 0 turns limiting off.
  AuthRateLimiter(int limit, absl::Duration window);

  // OK if `address` may try to authenticate at `now`, else
  // RESOURCE_EXHAUSTED naming the address and the seconds to wait, with a
  // google.rpc.RetryInfo payload. Logs the first refusal of each window.
  absl::Status Check(absl::string_view address, absl::Time now);

  // Counts a failed authentication from `address` at `now`.
  void RecordFailure(absl::string_view address, absl::Time now);

  // Number of addresses with a window kept in memory, ended or not.
  size_t TrackedAddresses() const;

 private:
  struct Window {
    absl::Time start;
    int failures = 0;
    bool logged = false;
  };

  // Drops windows that ended before `now`. REQUIRES: mu_ held.
  void ForgetEndedWindows(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int limit_;
  const absl::Duration window_;

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Window> windows_ ABSL_GUARDED_BY(mu_);
  // When to sweep ended windows out of windows_.
  SweepSchedule sweeps_ ABSL_GUARDED_BY(mu_);
};

// Returns the serialized google.rpc.RetryInfo for `delay`.
std::string EncodeRetryInfo(absl::Duration delay);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_AUTH_RATE_LIMITER_H_
