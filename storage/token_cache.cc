#include "storage/token_cache.h"

#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"

namespace accesstokens {

TokenCache::TokenCache(size_t capacity, TokenEncoder encode)
    : capacity_(capacity), encode_(std::move(encode)) {}

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
  struct Change {
    const TokenUse* use;
    std::shared_ptr<const TokenOwnership> cached;
    std::shared_ptr<const TokenOwnership> updated;
  };
  std::vector<Change> changes;
  {
    absl::MutexLock lock(&mu_);
    for (const TokenUse& use : uses) {
      auto id = digest_by_id_.find(use.token_id);
      if (id == digest_by_id_.end()) continue;
      changes.push_back({&use, by_digest_.find(id->second)->second, nullptr});
    }
  }

  for (Change& change : changes) {
    auto updated = std::make_shared<TokenOwnership>(*change.cached);
    updated->token.last_use_time = change.use->time;
    updated->token.last_use_addresses = change.use->addresses;
    if (encode_) updated->encoded_authentication = encode_(*updated);
    change.updated = std::move(updated);
  }

  // A token invalidated or read again meanwhile keeps what replaced it.
  absl::MutexLock lock(&mu_);
  for (Change& change : changes) {
    auto entry = by_digest_.find(change.cached->digest);
    if (entry != by_digest_.end() && entry->second == change.cached) {
      entry->second = std::move(change.updated);
    }
  }
}

size_t TokenCache::size() const {
  absl::MutexLock lock(&mu_);
  return by_digest_.size();
}

namespace {

// Returns `slots` rounded up to a power of two, or 0 for 0.
size_t SlotCount(size_t slots) {
  if (slots == 0) return 0;

  size_t count = 1;
  while (count < slots) count <<= 1;
  return count;
}

}  // namespace

CacheAdmission::CacheAdmission(size_t slots)
    : mask_(SlotCount(slots) - 1),
      fingerprints_(slots == 0
                        ? nullptr
                        : new std::atomic<uint64_t>[SlotCount(slots)]()) {}

bool CacheAdmission::Admit(absl::string_view digest) {
  if (fingerprints_ == nullptr) return true;

  // Bit 0 is set so that no fingerprint equals an empty slot's 0.
  const uint64_t hash = absl::HashOf(digest);
  const uint64_t fingerprint = hash | 1;
  std::atomic<uint64_t>& slot = fingerprints_[(hash >> 1) & mask_];
  if (slot.load(std::memory_order_relaxed) == fingerprint) return true;
  slot.store(fingerprint, std::memory_order_relaxed);
  return false;
}

}  // namespace accesstokens
