// Records successful authentications as the tokens' last use: the time and
// the latest client addresses. Authentication must stay a read, so the
// recorder keeps at most one write per token per interval (a minute by
// default), never waits for it, and gathers the uses that arrive while one
// write runs into the next, so that many authentications share one
// transaction. It also queues at most `uses_per_second` uses per second,
// so that a flood of first uses of many tokens cannot keep the store busy
// writing: a use over that budget is dropped, and a later authentication
// of its token tries again. A restart forgets what was submitted, so the
// first use after a restart may be written once more.
#ifndef ACCESSTOKENS_SERVICE_LAST_USE_RECORDER_H_
#define ACCESSTOKENS_SERVICE_LAST_USE_RECORDER_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/sweep_schedule.h"
#include "storage/store.h"

namespace accesstokens {

// Number of client addresses kept per token.
inline constexpr size_t kMaxLastUseAddresses = 5;

// Thread-safe. The store must outlive the recorder; the destructor waits
// for the write in flight.
class LastUseRecorder {
 public:
  explicit LastUseRecorder(Store* store,
                           absl::Duration interval = absl::Minutes(1),
                           int uses_per_second = 1000);
  ~LastUseRecorder();

  LastUseRecorder(const LastUseRecorder&) = delete;
  LastUseRecorder& operator=(const LastUseRecorder&) = delete;

  // Records that `token`, as it was just read from the store, authenticated
  // at `now` from `address`. Queues a write only if the stored last use is
  // at least one interval old and no write for the token was queued within
  // the interval.
  void Record(const TokenRecord& token, absl::Time now,
              absl::string_view address);

 private:
  // Hands `uses` to the store; when that write ends, hands over the uses
  // queued meanwhile, until none are left.
  void Write(std::vector<TokenUse> uses);

  // Forgets submissions older than the interval. REQUIRES: mu_ held.
  void ForgetOldSubmissions(absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Store* const store_;
  const absl::Duration interval_;
  const double uses_per_second_;

  absl::Mutex mu_;
  // Token id to the time of its latest queued write, for the writes that
  // the store may not have committed yet.
  absl::flat_hash_map<int64_t, absl::Time> submitted_ ABSL_GUARDED_BY(mu_);
  // When to forget old submissions.
  SweepSchedule forgets_ ABSL_GUARDED_BY(mu_);
  // While the budget is used up: the time, in microseconds since the Unix
  // epoch, at which it contains one use again. Lets Record() return without
  // taking mu_ until then.
  std::atomic<int64_t> exhausted_until_micros_{0};
  // Uses that may still be queued, refilled at uses_per_second_ up to one
  // second's worth, and the time of the last refill.
  double budget_ ABSL_GUARDED_BY(mu_);
  absl::Time refilled_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  // Uses waiting for the write in flight to end.
  std::vector<TokenUse> queued_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
};

// Returns `addresses` with `address` moved or added to the front, at most
// kMaxLastUseAddresses long.
std::vector<std::string> MergeAddresses(
    const std::vector<std::string>& addresses, absl::string_view address);

// Returns the address part of a gRPC peer string such as
// "ipv4:127.0.0.1:5000" or "ipv6:[::1]:5000"; other peers unchanged.
std::string PeerAddress(absl::string_view peer);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_LAST_USE_RECORDER_H_
