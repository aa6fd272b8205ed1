#include "service/auth_rate_limiter.h"

#include <cmath>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace accesstokens {
namespace {

// Number of addresses tracked before the first sweep of ended windows.
constexpr size_t kFirstSweepAfter = 100000;

}  // namespace

std::string EncodeRetryInfo(absl::Duration delay) {
  // google.rpc.RetryInfo { google.protobuf.Duration retry_delay = 1; } and
  // Duration { int64 seconds = 1; int32 nanos = 2; }, written by hand
  // because Debian ships no google/rpc protos.
  const int64_t seconds = absl::ToInt64Seconds(delay);
  const int32_t nanos = static_cast<int32_t>(
      absl::ToInt64Nanoseconds(delay - absl::Seconds(seconds)));
  std::string duration;
  {
    google::protobuf::io::StringOutputStream stream(&duration);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.WriteTag(1 << 3 | 0);
    out.WriteVarint64(static_cast<uint64_t>(seconds));
    if (nanos != 0) {
      out.WriteTag(2 << 3 | 0);
      out.WriteVarint32(static_cast<uint32_t>(nanos));
    }
  }
  std::string retry_info;
  {
    google::protobuf::io::StringOutputStream stream(&retry_info);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.WriteTag(1 << 3 | 2);
    out.WriteVarint32(static_cast<uint32_t>(duration.size()));
    out.WriteString(duration);
  }
  return retry_info;
}

AuthRateLimiter::AuthRateLimiter(int limit, absl::Duration window)
    : limit_(limit), window_(window), sweeps_(kFirstSweepAfter) {}

absl::Status AuthRateLimiter::Check(absl::string_view address,
                                    absl::Time now) {
  if (limit_ <= 0) return absl::OkStatus();
  absl::MutexLock lock(&mu_);
  auto it = windows_.find(address);
  if (it == windows_.end()) return absl::OkStatus();
  Window& window = it->second;
  if (now - window.start >= window_) {
    windows_.erase(it);
    return absl::OkStatus();
  }
  if (window.failures < limit_) return absl::OkStatus();

  const absl::Duration wait = window.start + window_ - now;
  const int64_t wait_seconds =
      static_cast<int64_t>(std::ceil(absl::ToDoubleSeconds(wait)));
  if (!window.logged) {
    window.logged = true;
    LOG(WARNING) << "rate-limiting authentication from " << address << ": "
                 << window.failures << " failures within "
                 << absl::FormatDuration(window_) << "; refusing for "
                 << wait_seconds << " s";
  }
  absl::Status status = absl::ResourceExhaustedError(absl::StrCat(
      "too many failed authentications from ", address, ": at most ", limit_,
      " per ", absl::ToInt64Seconds(window_), " s; retry in ", wait_seconds,
      " s"));
  status.SetPayload(kRetryInfoTypeUrl, absl::Cord(EncodeRetryInfo(
                                           absl::Seconds(wait_seconds))));
  return status;
}

void AuthRateLimiter::RecordFailure(absl::string_view address,
                                    absl::Time now) {
  if (limit_ <= 0) return;
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = windows_.try_emplace(address, Window{now, 0, false});
  Window& window = it->second;
  if (now - window.start >= window_) window = Window{now, 0, false};
  ++window.failures;
  if (inserted && sweeps_.Due(windows_.size())) {
    ForgetEndedWindows(now);
    sweeps_.Swept(windows_.size());
  }
}

size_t AuthRateLimiter::TrackedAddresses() const {
  absl::MutexLock lock(&mu_);
  return windows_.size();
}

void AuthRateLimiter::ForgetEndedWindows(absl::Time now) {
  absl::erase_if(windows_, [&](const auto& entry) {
    return now - entry.second.start >= window_;
  });
}

}  // namespace accesstokens
