// The source of the current time, injectable so that tests control expiry.
#ifndef ACCESSTOKENS_SERVICE_CLOCK_H_
#define ACCESSTOKENS_SERVICE_CLOCK_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace accesstokens {

// Returns the current time. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The system's real-time clock.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_CLOCK_H_
