#include "service/token_secrets.h"

#include <sys/stat.h>

#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens {
namespace {

TEST(TokenSecretsTest, CreatesPrivateKeyFile) {
  testing::TempDir folder;
  const std::string path = folder.File("keys/secret.key");
  absl::StatusOr<TokenSecrets> secrets = TokenSecrets::Create(path, "glpat-");
  ASSERT_TRUE(secrets.ok()) << secrets.status();

  struct stat info;
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  EXPECT_GE(testing::ReadFileOrEmpty(path).size(), 2u * kMinKeyBytes);
}

TEST(TokenSecretsTest, GeneratesPrefixedRandomSecrets) {
  testing::TempDir folder;
  absl::StatusOr<TokenSecrets> secrets =
      TokenSecrets::Create(folder.File("key"), "glpat-");
  ASSERT_TRUE(secrets.ok());

  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    absl::StatusOr<std::string> secret = secrets->Generate();
    ASSERT_TRUE(secret.ok());
    ASSERT_TRUE(absl::StartsWith(*secret, "glpat-")) << *secret;
    const std::string random = secret->substr(6);
    EXPECT_EQ(random.size(), 32u);  // 24 bytes, at least 128 bits.
    std::string decoded;
    EXPECT_TRUE(absl::WebSafeBase64Unescape(random, &decoded));
    EXPECT_EQ(decoded.size(), static_cast<size_t>(kSecretRandomBytes));
    seen.insert(*secret);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(TokenSecretsTest, DigestDependsOnKey) {
  testing::TempDir folder;
  absl::StatusOr<TokenSecrets> first =
      TokenSecrets::Create(folder.File("a"), "");
  absl::StatusOr<TokenSecrets> again =
      TokenSecrets::Create(folder.File("a"), "");
  absl::StatusOr<TokenSecrets> other =
      TokenSecrets::Create(folder.File("b"), "");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(other.ok());

  EXPECT_EQ(first->Digest("glpat-abc").size(), 32u);
  EXPECT_EQ(first->Digest("glpat-abc"), again->Digest("glpat-abc"));
  EXPECT_NE(first->Digest("glpat-abc"), first->Digest("glpat-abd"));
  EXPECT_NE(first->Digest("glpat-abc"), other->Digest("glpat-abc"));
  EXPECT_EQ(first->KeyFingerprint(), again->KeyFingerprint());
  EXPECT_NE(first->KeyFingerprint(), other->KeyFingerprint());
}

// RFC 4231, test case 6: a 131-byte key, longer than SHA-256's block.
TEST(TokenSecretsTest, DigestIsHmacSha256) {
  testing::TempDir folder;
  const std::string path = folder.File("key");
  std::ofstream(path, std::ios::binary) << std::string(131, '\xaa');
  absl::StatusOr<TokenSecrets> secrets = TokenSecrets::Create(path, "");
  ASSERT_TRUE(secrets.ok()) << secrets.status();

  EXPECT_EQ(absl::BytesToHexString(secrets->Digest(
                "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(TokenSecretsTest, DigestAgreesAcrossThreadsAndKeys) {
  testing::TempDir folder;
  absl::StatusOr<TokenSecrets> first =
      TokenSecrets::Create(folder.File("a"), "");
  absl::StatusOr<TokenSecrets> second =
      TokenSecrets::Create(folder.File("b"), "");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  const std::string first_digest = first->Digest("glpat-abc");
  const std::string second_digest = second->Digest("glpat-abc");
  ASSERT_NE(first_digest, second_digest);

  // Each thread alternates between the keys, so that its reused context
  // must follow the key of every call.
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        if (first->Digest("glpat-abc") != first_digest) ++mismatches[t];
        if (second->Digest("glpat-abc") != second_digest) ++mismatches[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

TEST(TokenSecretsTest, RejectsShortKeyAndBadPrefix) {
  testing::TempDir folder;
  const std::string path = folder.File("short.key");
  std::ofstream(path) << "too short\n";
  absl::Status short_key = TokenSecrets::Create(path, "x").status();
  EXPECT_EQ(short_key.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(short_key.message(), "9 bytes")) << short_key;

  for (const char* prefix : {"has space", "semi;colon", "\xC3\xA9",
                             "this-prefix-is-much-longer-than-32-chars"}) {
    EXPECT_EQ(TokenSecrets::Create(folder.File("k"), prefix).status().code(),
              absl::StatusCode::kInvalidArgument)
        << prefix;
  }
}

TEST(TokenSecretsTest, SealsAndUnsealsSecrets) {
  testing::TempDir folder;
  absl::StatusOr<TokenSecrets> secrets =
      TokenSecrets::Create(folder.File("key"), "glpat-");
  absl::StatusOr<TokenSecrets> other =
      TokenSecrets::Create(folder.File("other"), "glpat-");
  ASSERT_TRUE(secrets.ok());
  ASSERT_TRUE(other.ok());

  absl::StatusOr<std::string> sealed = secrets->Seal("glpat-abc", "req-1");
  ASSERT_TRUE(sealed.ok());
  EXPECT_FALSE(absl::StrContains(*sealed, "glpat-abc"));
  EXPECT_EQ(*secrets->Unseal(*sealed, "req-1"), "glpat-abc");

  EXPECT_EQ(secrets->Unseal(*sealed, "req-2").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(other->Unseal(*sealed, "req-1").status().code(),
            absl::StatusCode::kDataLoss);
  std::string tampered = *sealed;
  tampered[15] ^= 1;
  EXPECT_EQ(secrets->Unseal(tampered, "req-1").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(secrets->Unseal("short", "req-1").status().code(),
            absl::StatusCode::kDataLoss);
  // Each seal uses a fresh nonce.
  EXPECT_NE(*secrets->Seal("glpat-abc", "req-1"), *sealed);
}

}  // namespace
}  // namespace accesstokens
