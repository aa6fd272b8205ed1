// A bounded cache of the tokens that authentication found usable, by
// digest, so that checking a token that is used again and again costs no
// database read.
//
// A cached token must never outlive its revocation. The store invalidates
// entries on the writer thread after a change commits and before the
// change's caller hears of it, so a client that sees a revocation succeed
// cannot authenticate the revoked token afterwards. A read that started
// before an invalidation could still carry the old state; the generation
// counter keeps such a read out of the cache.
//
// Thread-safe.
#ifndef ACCESSTOKENS_STORAGE_TOKEN_CACHE_H_
#define ACCESSTOKENS_STORAGE_TOKEN_CACHE_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "storage/store.h"

namespace accesstokens {

// Returns TokenOwnership::encoded_authentication for a token.
using TokenEncoder = std::function<std::string(const TokenOwnership&)>;

class TokenCache {
 public:
  // Keeps at most `capacity` tokens, and 0 disables the cache. RecordUses()
  // encodes the tokens it changes with `encode`, if not null.
  explicit TokenCache(size_t capacity, TokenEncoder encode = nullptr);

  // Returns the current generation, to pass to Insert() after a read.
  uint64_t generation() const;

  // Returns the cached token with `digest`, or null.
  std::shared_ptr<const TokenOwnership> Find(absl::string_view digest) const;

  // Caches `ownership` unless an invalidation happened since `generation`
  // was read. When full, drops the token cached longest ago first.
  void Insert(std::shared_ptr<const TokenOwnership> ownership,
              uint64_t generation);

  // Drops the tokens with these ids.
  void InvalidateTokens(absl::Span<const int64_t> token_ids);

  // Drops every token, after a change to groups or projects.
  void InvalidateAll();

  // Updates the last use of each of these tokens that is cached, and
  // encodes them again. Encodes outside the lock, so that authentications
  // do not wait for it.
  void RecordUses(absl::Span<const TokenUse> uses);

  size_t size() const;

 private:
  const size_t capacity_;
  const TokenEncoder encode_;

  mutable absl::Mutex mu_;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, std::shared_ptr<const TokenOwnership>>
      by_digest_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<int64_t, std::string> digest_by_id_
      ABSL_GUARDED_BY(mu_);
  // Ids in the order they were cached, oldest first, for eviction. Ids that
  // were dropped since stay until they reach the front, or until the queue
  // contains twice the capacity and is rebuilt.
  std::deque<int64_t> insertion_order_ ABSL_GUARDED_BY(mu_);
};

// A filter that decides which tokens TokenCache admits: those whose digest
// missed the cache recently before. A token used once does not enter, so a
// stream of tokens used once each, spread over millions, costs no
// insertions and evicts no token that is used again. A token used again
// enters on its second miss.
//
// Each digest hashes to one of a fixed number of slots, which remembers the
// fingerprint of the last digest that missed there. A digest is forgotten
// once another one lands in its slot, which delays its admission. Rarely,
// two digests share a fingerprint, which hastens one. Thread-safe and
// lock-free.
class CacheAdmission {
 public:
  // Creates a filter of `slots` slots, rounded up to a power of two. With 0
  // slots, every token is admitted.
  explicit CacheAdmission(size_t slots);

  // Records a cache miss of `digest`. Returns true if `digest` missed before,
  // so that its token should be cached.
  bool Admit(absl::string_view digest);

 private:
  const size_t mask_;
  const std::unique_ptr<std::atomic<uint64_t>[]> fingerprints_;
};

}  // namespace accesstokens

#endif  // ACCESSTOKENS_STORAGE_TOKEN_CACHE_H_
