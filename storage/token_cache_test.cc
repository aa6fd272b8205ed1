#include "storage/token_cache.h"

#include <memory>
#include <string>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace accesstokens {
namespace {

std::shared_ptr<const TokenOwnership> Owner(int64_t id) {
  auto owner = std::make_shared<TokenOwnership>();
  owner->token.id = id;
  owner->digest = "digest-" + std::to_string(id);
  return owner;
}

TEST(TokenCacheTest, FindsInsertedTokens) {
  TokenCache cache(10);
  cache.Insert(Owner(1), cache.generation());
  ASSERT_NE(cache.Find("digest-1"), nullptr);
  EXPECT_EQ(cache.Find("digest-1")->token.id, 1);
  EXPECT_EQ(cache.Find("digest-2"), nullptr);
}

TEST(TokenCacheTest, ReadThatRacedAnInvalidationIsNotCached) {
  TokenCache cache(10);
  const uint64_t before = cache.generation();
  // A revocation commits while the read is under way.
  cache.InvalidateTokens({1});
  cache.Insert(Owner(1), before);
  EXPECT_EQ(cache.Find("digest-1"), nullptr);
}

TEST(TokenCacheTest, InvalidationDropsTokens) {
  TokenCache cache(10);
  cache.Insert(Owner(1), cache.generation());
  cache.Insert(Owner(2), cache.generation());
  cache.InvalidateTokens({1});
  EXPECT_EQ(cache.Find("digest-1"), nullptr);
  EXPECT_NE(cache.Find("digest-2"), nullptr);
  cache.InvalidateAll();
  EXPECT_EQ(cache.size(), 0u);
}

TEST(TokenCacheTest, StaysWithinCapacity) {
  TokenCache cache(3);
  for (int64_t id = 1; id <= 10; ++id) cache.Insert(Owner(id), cache.generation());
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_NE(cache.Find("digest-10"), nullptr);
}

TEST(TokenCacheTest, EvictsTheTokenCachedLongestAgo) {
  TokenCache cache(3);
  for (int64_t id = 1; id <= 4; ++id) {
    cache.Insert(Owner(id), cache.generation());
  }
  EXPECT_EQ(cache.Find("digest-1"), nullptr);
  EXPECT_NE(cache.Find("digest-2"), nullptr);
  EXPECT_NE(cache.Find("digest-4"), nullptr);
}

TEST(TokenCacheTest, StaysWithinCapacityThroughInvalidations) {
  TokenCache cache(3);
  for (int round = 0; round < 100; ++round) {
    for (int64_t id = 1; id <= 5; ++id) {
      cache.Insert(Owner(id), cache.generation());
    }
    cache.InvalidateTokens({4, 5});
    EXPECT_LE(cache.size(), 3u);
  }
  cache.Insert(Owner(6), cache.generation());
  EXPECT_NE(cache.Find("digest-6"), nullptr);
  EXPECT_LE(cache.size(), 3u);
}

TEST(TokenCacheTest, ZeroCapacityDisables) {
  TokenCache cache(0);
  cache.Insert(Owner(1), cache.generation());
  EXPECT_EQ(cache.Find("digest-1"), nullptr);
}

TEST(TokenCacheTest, RecordUseUpdatesCachedToken) {
  TokenCache cache(10);
  cache.Insert(Owner(1), cache.generation());
  const absl::Time when = absl::FromUnixSeconds(1000);
  cache.RecordUses({TokenUse{1, when, {"10.0.0.1"}}});
  EXPECT_EQ(cache.Find("digest-1")->token.last_use_time, when);
  EXPECT_EQ(cache.Find("digest-1")->token.last_use_addresses,
            std::vector<std::string>{"10.0.0.1"});
}

TEST(TokenCacheTest, RecordUseEncodesTokenAgain) {
  TokenCache cache(10, [](const TokenOwnership& owner) {
    return absl::StrJoin(owner.token.last_use_addresses, ",");
  });
  cache.Insert(Owner(1), cache.generation());
  cache.RecordUses({TokenUse{1, absl::FromUnixSeconds(1000),
                             {"10.0.0.1", "10.0.0.2"}}});
  EXPECT_EQ(cache.Find("digest-1")->encoded_authentication,
            "10.0.0.1,10.0.0.2");
}

TEST(TokenCacheTest, RecordUseKeepsTokenReadWhileEncoding) {
  // The encoder runs outside the lock, so a read can cache the token
  // meanwhile. That read has newer state and stays.
  std::unique_ptr<TokenCache> cache;
  const std::shared_ptr<const TokenOwnership> reread = Owner(1);
  cache = std::make_unique<TokenCache>(10, [&](const TokenOwnership&) {
    cache->Insert(reread, cache->generation());
    return std::string("encoded");
  });
  cache->Insert(Owner(1), cache->generation());
  cache->RecordUses({TokenUse{1, absl::FromUnixSeconds(1000), {}}});
  EXPECT_EQ(cache->Find("digest-1"), reread);
}

TEST(CacheAdmissionTest, AdmitsDigestOnItsSecondMiss) {
  CacheAdmission admission(16);
  EXPECT_FALSE(admission.Admit("digest-1"));
  EXPECT_TRUE(admission.Admit("digest-1"));
  EXPECT_TRUE(admission.Admit("digest-1"));
  EXPECT_FALSE(admission.Admit("digest-2"));
}

TEST(CacheAdmissionTest, ForgetsDigestWhoseSlotWasTaken) {
  // One slot: each digest that misses replaces the one before.
  CacheAdmission admission(1);
  EXPECT_FALSE(admission.Admit("digest-1"));
  EXPECT_FALSE(admission.Admit("digest-2"));
  EXPECT_FALSE(admission.Admit("digest-1"));
  EXPECT_TRUE(admission.Admit("digest-1"));
}

TEST(CacheAdmissionTest, NoSlotsAdmitsEveryDigest) {
  CacheAdmission admission(0);
  EXPECT_TRUE(admission.Admit("digest-1"));
  EXPECT_TRUE(admission.Admit("digest-2"));
}

TEST(CacheAdmissionTest, RemembersManyDigestsAtOnce) {
  // 2^20 slots for 100 digests. The hash seed varies by run, and two of the
  // digests share a slot in about one run of 200. The check allows for
  // three such pairs.
  CacheAdmission admission(1 << 20);
  for (int n = 0; n < 100; ++n) admission.Admit("digest-" + std::to_string(n));
  int admitted = 0;
  for (int n = 0; n < 100; ++n) {
    admitted += admission.Admit("digest-" + std::to_string(n)) ? 1 : 0;
  }
  EXPECT_GE(admitted, 94);
}

}  // namespace
}  // namespace accesstokens
