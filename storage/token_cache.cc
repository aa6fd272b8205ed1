#include "storage/token_cache.h"

#include <utility>

#include "absl/container/flat_hash_set.h"

namespace accesstokens {

TokenCache::TokenCache(size_t capacity) : capacity_(capacity) {}

uint64_t TokenCache::generation() const {
  absl::MutexLock lock(&mu_);
  return generation_;
}

std::shared_ptr<const TokenOwnership> TokenCache::Find(
    absl::string_view digest) const {
  if (capacity_ == 0) return nullptr;
  absl::MutexLock lock(&mu_);
  auto it = by_digest_.find(digest);
  return it == by_digest_.end() ? nullptr : it->second;
}

void TokenCache::Insert(std::shared_ptr<const TokenOwnership> ownership,
                        uint64_t generation) {
  if (capacity_ == 0) return;
  absl::MutexLock lock(&mu_);
  if (generation != generation_) return;
  if (by_digest_.contains(ownership->digest)) {
    by_digest_[ownership->digest] = std::move(ownership);
    return;
  }

  // Evicts in insertion order: taking by_digest_.begin() instead would scan
  // ever more emptied slots at the front of the table.
  while (by_digest_.size() >= capacity_ && !insertion_order_.empty()) {
    const int64_t id = insertion_order_.front();
    insertion_order_.pop_front();
    auto victim = digest_by_id_.find(id);
    if (victim == digest_by_id_.end()) continue;  // Dropped already.
    by_digest_.erase(victim->second);
    digest_by_id_.erase(victim);
  }

  const int64_t id = ownership->token.id;
  digest_by_id_[id] = ownership->digest;
  by_digest_[ownership->digest] = std::move(ownership);
  insertion_order_.push_back(id);
  if (insertion_order_.size() > 2 * capacity_) {
    // Mostly ids dropped by invalidations: keep those still cached, once.
    std::deque<int64_t> still_cached;
    absl::flat_hash_set<int64_t> seen;
    for (int64_t queued : insertion_order_) {
      if (digest_by_id_.contains(queued) && seen.insert(queued).second) {
        still_cached.push_back(queued);
      }
    }
    insertion_order_.swap(still_cached);
  }
}

void TokenCache::InvalidateTokens(absl::Span<const int64_t> token_ids) {
  absl::MutexLock lock(&mu_);
  ++generation_;
  for (int64_t id : token_ids) {
    auto it = digest_by_id_.find(id);
    if (it == digest_by_id_.end()) continue;
    by_digest_.erase(it->second);
    digest_by_id_.erase(it);
  }
}

void TokenCache::InvalidateAll() {
  absl::MutexLock lock(&mu_);
  ++generation_;
  by_digest_.clear();
  digest_by_id_.clear();
  insertion_order_.clear();
}

void TokenCache::RecordUses(absl::Span<const TokenUse> uses) {
  absl::MutexLock lock(&mu_);
  for (const TokenUse& use : uses) {
    auto id = digest_by_id_.find(use.token_id);
    if (id == digest_by_id_.end()) continue;
    auto entry = by_digest_.find(id->second);
    auto updated = std::make_shared<TokenOwnership>(*entry->second);
    updated->token.last_use_time = use.time;
    updated->token.last_use_addresses = use.addresses;
    entry->second = std::move(updated);
  }
}

size_t TokenCache::size() const {
  absl::MutexLock lock(&mu_);
  return by_digest_.size();
}

}  // namespace accesstokens
