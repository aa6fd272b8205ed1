// Token secrets: generating them and computing the keyed digest that the
// store keeps in their place.
#ifndef ACCESSTOKENS_SERVICE_TOKEN_SECRETS_H_
#define ACCESSTOKENS_SERVICE_TOKEN_SECRETS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace accesstokens {

// Random bytes in a secret: 24 bytes, 192 bits, 32 URL-safe characters.
inline constexpr int kSecretRandomBytes = 24;
// Minimum number of key bytes in a key file.
inline constexpr int kMinKeyBytes = 32;

// Generates secrets as a prefix plus random URL-safe characters, and digests
// them with HMAC-SHA256 under a server key. Without the key, a stolen
// database cannot be used to confirm guessed secrets.
//
// Immutable after construction, so thread-safe.
class TokenSecrets {
 public:
  // Reads the key from `key_path`. If the file does not exist, creates it
  // (and its folder) with fresh random key material, readable by the owner
  // only. INVALID_ARGUMENT for a prefix with characters other than letters,
  // digits, '-' and '_', or longer than 32 characters; FAILED_PRECONDITION
  // for a key file shorter than kMinKeyBytes.
  static absl::StatusOr<TokenSecrets> Create(const std::string& key_path,
                                             std::string prefix);

  // Returns a new secret: the prefix plus 192 bits from OpenSSL's CSPRNG,
  // base64url-encoded. Fails only if the CSPRNG fails.
  absl::StatusOr<std::string> Generate() const;

  // Returns the 32-byte HMAC-SHA256 of `secret` under the key.
  std::string Digest(absl::string_view secret) const;

  // Returns a value that identifies the key without revealing it, so that a
  // database can tell whether it is opened with the key that wrote it.
  std::string KeyFingerprint() const;

  // Encrypts `secret` with AES-256-GCM under a key derived from the server
  // key, bound to `request_id`, so that a retried request can get the same
  // secret back while the database stores it only encrypted.
  absl::StatusOr<std::string> Seal(absl::string_view secret,
                                   absl::string_view request_id) const;

  // Decrypts what Seal() returned for the same `request_id`. DATA_LOSS if
  // it was changed or sealed under another key or request id.
  absl::StatusOr<std::string> Unseal(absl::string_view sealed,
                                     absl::string_view request_id) const;

  const std::string& prefix() const { return prefix_; }

 private:
  // An HMAC-SHA256 context with the key set, which Digest() copies once
  // per thread. Defined in the .cc file.
  struct KeyedMac;

  TokenSecrets(std::string key, std::string prefix);

  std::string key_;
  // Null if OpenSSL could not set it up; Digest() then uses HMAC().
  std::shared_ptr<const KeyedMac> keyed_mac_;
  std::string sealing_key_;  // 32 bytes derived from key_.
  std::string prefix_;
};

// Checks a token prefix: at most 32 letters, digits, '-' or '_'.
absl::Status ValidateTokenPrefix(absl::string_view prefix);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_TOKEN_SECRETS_H_
