#include "storage/token_cache.h"

#include <utility>

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
  if (by_digest_.size() >= capacity_ &&
      !by_digest_.contains(ownership->digest)) {
    auto victim = by_digest_.begin();
    digest_by_id_.erase(victim->second->token.id);
    by_digest_.erase(victim);
  }
  digest_by_id_[ownership->token.id] = ownership->digest;
  by_digest_[ownership->digest] = std::move(ownership);
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
