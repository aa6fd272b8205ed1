#include "service/last_use_recorder.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace accesstokens {
namespace {

// Number of submissions kept before old ones are first forgotten.
constexpr size_t kFirstForgetAfter = 100000;

}  // namespace

LastUseRecorder::LastUseRecorder(Store* store, absl::Duration interval,
                                 int uses_per_second)
    : store_(store),
      interval_(interval),
      uses_per_second_(uses_per_second),
      forgets_(kFirstForgetAfter),
      budget_(uses_per_second) {}

LastUseRecorder::~LastUseRecorder() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](bool* writing) { return !*writing; }, &writing_));
}

void LastUseRecorder::Record(const TokenRecord& token, absl::Time now,
                             absl::string_view address) {
  if (token.last_use_time.has_value() &&
      now - *token.last_use_time < interval_) {
    return;
  }

  if (absl::ToUnixMicros(now) <
      exhausted_until_micros_.load(std::memory_order_relaxed)) {
    return;
  }

  std::vector<TokenUse> uses;
  {
    absl::MutexLock lock(&mu_);
    if (now > refilled_) {
      budget_ = std::min(uses_per_second_,
                         budget_ + uses_per_second_ *
                                       absl::ToDoubleSeconds(now - refilled_));
      refilled_ = now;
    }
    if (budget_ < 1) {
      const absl::Duration until_one_use =
          absl::Seconds((1 - budget_) / uses_per_second_);
      exhausted_until_micros_.store(absl::ToUnixMicros(now + until_one_use),
                                    std::memory_order_relaxed);
      return;
    }

    auto [it, inserted] = submitted_.try_emplace(token.id, now);
    if (!inserted) {
      if (now - it->second < interval_) return;
      it->second = now;
    }
    if (forgets_.Due(submitted_.size())) {
      ForgetOldSubmissions(now);
      forgets_.Swept(submitted_.size());
    }

    budget_ -= 1;
    queued_.push_back(TokenUse{
        token.id, now, MergeAddresses(token.last_use_addresses, address)});
    if (writing_) return;
    writing_ = true;
    uses.swap(queued_);
  }
  Write(std::move(uses));
}

void LastUseRecorder::Write(std::vector<TokenUse> uses) {
  store_->RecordTokenUses(std::move(uses), [this] {
    std::vector<TokenUse> next;
    {
      absl::MutexLock lock(&mu_);
      if (queued_.empty()) {
        writing_ = false;
        return;
      }
      next.swap(queued_);
    }
    Write(std::move(next));
  });
}

void LastUseRecorder::ForgetOldSubmissions(absl::Time now) {
  absl::erase_if(submitted_, [&](const auto& entry) {
    return now - entry.second >= interval_;
  });
}

std::vector<std::string> MergeAddresses(
    const std::vector<std::string>& addresses, absl::string_view address) {
  std::vector<std::string> merged;
  merged.emplace_back(address);
  for (const std::string& previous : addresses) {
    if (merged.size() == kMaxLastUseAddresses) break;
    if (previous != address) merged.push_back(previous);
  }
  return merged;
}

std::string PeerAddress(absl::string_view peer) {
  absl::string_view rest = peer;
  if (absl::ConsumePrefix(&rest, "ipv4:")) {
    return std::string(rest.substr(0, rest.rfind(':')));
  }
  if (absl::ConsumePrefix(&rest, "ipv6:[")) {
    return std::string(rest.substr(0, rest.find(']')));
  }
  return std::string(peer);
}

}  // namespace accesstokens
