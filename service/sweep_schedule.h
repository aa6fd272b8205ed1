// When to sweep a map that grows by one entry per event and whose old
// entries are only dropped by a sweep: first at a fixed size, then at
// twice the size that the last sweep left. A sweep then costs a bounded
// amount per insertion, even when no entry is old enough to drop.
//
// Not thread-safe: the owner guards it with the map's lock.
#ifndef ACCESSTOKENS_SERVICE_SWEEP_SCHEDULE_H_
#define ACCESSTOKENS_SERVICE_SWEEP_SCHEDULE_H_

#include <algorithm>
#include <cstddef>

namespace accesstokens {

class SweepSchedule {
 public:
  // Schedules the first sweep for when the map contains more than `first`
  // entries.
  explicit SweepSchedule(size_t first) : first_(first), next_(first) {}

  // Returns whether a map of `size` entries is due for a sweep.
  bool Due(size_t size) const { return size > next_; }

  // Schedules the next sweep after one that left `size_left` entries.
  void Swept(size_t size_left) { next_ = std::max(first_, 2 * size_left); }

 private:
  const size_t first_;
  size_t next_;
};

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_SWEEP_SCHEDULE_H_
