#include "service/token_secrets.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "glog/logging.h"

namespace accesstokens {
namespace {

constexpr size_t kMaxPrefixLength = 32;
// AES-GCM nonce and authentication tag sizes, in bytes.
constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;

absl::StatusOr<std::string> RandomBytes(int count) {
  std::string bytes(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), count) != 1) {
    return absl::InternalError("the OpenSSL random generator failed");
  }
  return bytes;
}

// Creates a key file holding fresh key material as hex text. Fails if the
// file appeared meanwhile, so a concurrent start never overwrites a key.
absl::Status CreateKeyFile(const std::string& path) {
  const std::filesystem::path folder =
      std::filesystem::path(path).parent_path();
  std::error_code error;
  if (!folder.empty()) std::filesystem::create_directories(folder, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create the folder \"", folder.string(),
                     "\" of the key file: ", error.message()));
  }

  absl::StatusOr<std::string> key = RandomBytes(kMinKeyBytes);
  if (!key.ok()) return key.status();
  const std::string text = absl::StrCat(absl::BytesToHexString(*key), "\n");

  const mode_t old_mask = umask(077);
  FILE* file = fopen(path.c_str(), "wx");
  umask(old_mask);
  if (file == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create the key file \"", path, "\": ", strerror(errno)));
  }
  const bool written = fwrite(text.data(), 1, text.size(), file) ==
                           text.size() &&
                       fflush(file) == 0 && fsync(fileno(file)) == 0;
  fclose(file);
  if (!written) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write the key file \"", path, "\""));
  }
  LOG(INFO) << "created a new secret key file " << path;
  return absl::OkStatus();
}

// Numbers of KeyedMac instances, so that a thread can tell whether its copy
// belongs to the key it is asked to use.
std::atomic<uint64_t> next_keyed_mac_id{1};

// One thread's copy of a keyed HMAC context, and the KeyedMac it came
// from.
struct ThreadMac {
  uint64_t keyed_mac_id = 0;
  EVP_MAC_CTX* context = nullptr;

  ~ThreadMac() { EVP_MAC_CTX_free(context); }
};

}  // namespace

struct TokenSecrets::KeyedMac {
  KeyedMac(const KeyedMac&) = delete;
  KeyedMac& operator=(const KeyedMac&) = delete;
  ~KeyedMac() { EVP_MAC_CTX_free(context); }

  // Returns a context with the key set, or null if OpenSSL fails.
  static std::shared_ptr<const KeyedMac> Create(absl::string_view key) {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* context = mac != nullptr ? EVP_MAC_CTX_new(mac) : nullptr;
    EVP_MAC_free(mac);  // The context keeps its own reference.
    char digest_name[] = "SHA256";
    const OSSL_PARAM parameters[] = {
        OSSL_PARAM_construct_utf8_string("digest", digest_name, 0),
        OSSL_PARAM_construct_end(),
    };
    if (context == nullptr ||
        EVP_MAC_init(context, reinterpret_cast<const unsigned char*>(key.data()),
                     key.size(), parameters) != 1) {
      EVP_MAC_CTX_free(context);
      LOG(WARNING) << "cannot set up a reusable HMAC-SHA256 context; digests "
                      "fall back to the slower one-shot HMAC()";
      return nullptr;
    }
    return std::shared_ptr<const KeyedMac>(
        new KeyedMac(next_keyed_mac_id++, context));
  }

  const uint64_t id;
  // Never updated itself, only copied, so threads may share it.
  EVP_MAC_CTX* const context;

 private:
  KeyedMac(uint64_t id, EVP_MAC_CTX* context) : id(id), context(context) {}
};

absl::Status ValidateTokenPrefix(absl::string_view prefix) {
  if (prefix.size() > kMaxPrefixLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("token prefix \"", prefix, "\" has ", prefix.size(),
                     " characters; at most ", kMaxPrefixLength,
                     " are allowed"));
  }
  for (char c : prefix) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
        c != '_') {
      return absl::InvalidArgumentError(absl::StrCat(
          "token prefix \"", prefix,
          "\" may contain only letters, digits, '-' and '_'"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<TokenSecrets> TokenSecrets::Create(const std::string& key_path,
                                                  std::string prefix) {
  absl::Status valid = ValidateTokenPrefix(prefix);
  if (!valid.ok()) return valid;

  if (!std::filesystem::exists(key_path)) {
    absl::Status created = CreateKeyFile(key_path);
    if (!created.ok() && !std::filesystem::exists(key_path)) return created;
  }

  std::ifstream file(key_path, std::ios::binary);
  if (!file) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot read the key file \"", key_path, "\": ", strerror(errno)));
  }
  std::stringstream contents;
  contents << file.rdbuf();
  std::string key(absl::StripTrailingAsciiWhitespace(contents.str()));
  if (key.size() < kMinKeyBytes) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the key file \"", key_path, "\" contains ", key.size(),
        " bytes; at least ", kMinKeyBytes, " are required"));
  }

  struct stat info;
  if (stat(key_path.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
    LOG(WARNING) << "the key file " << key_path
                 << " can be read by other users; restrict it with chmod 600";
  }
  return TokenSecrets(std::move(key), std::move(prefix));
}

absl::StatusOr<std::string> TokenSecrets::Generate() const {
  absl::StatusOr<std::string> random = RandomBytes(kSecretRandomBytes);
  if (!random.ok()) return random.status();
  return absl::StrCat(prefix_, absl::WebSafeBase64Escape(*random));
}

std::string TokenSecrets::Digest(absl::string_view secret) const {
  // Each thread keeps a copy of the keyed context and restarts it for every
  // digest, which EVP_MAC_init() does under the key already set. The
  // one-shot HMAC() looks up the algorithm and sets the key every time,
  // which costs several times more than the digest itself.
  thread_local ThreadMac thread_mac;
  unsigned char digest[EVP_MAX_MD_SIZE];
  if (keyed_mac_ != nullptr && thread_mac.keyed_mac_id != keyed_mac_->id) {
    EVP_MAC_CTX_free(thread_mac.context);
    thread_mac.context = EVP_MAC_CTX_dup(keyed_mac_->context);
    thread_mac.keyed_mac_id = keyed_mac_->id;
  }
  size_t length = 0;
  const auto* input = reinterpret_cast<const unsigned char*>(secret.data());
  if (keyed_mac_ != nullptr && thread_mac.context != nullptr &&
      EVP_MAC_init(thread_mac.context, nullptr, 0, nullptr) == 1 &&
      EVP_MAC_update(thread_mac.context, input, secret.size()) == 1 &&
      EVP_MAC_final(thread_mac.context, digest, &length, sizeof(digest)) ==
          1) {
    return std::string(reinterpret_cast<const char*>(digest), length);
  }

  unsigned int one_shot_length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), input,
       secret.size(), digest, &one_shot_length);
  return std::string(reinterpret_cast<const char*>(digest), one_shot_length);
}

std::string TokenSecrets::KeyFingerprint() const {
  return Digest("accesstokens digest key fingerprint");
}

TokenSecrets::TokenSecrets(std::string key, std::string prefix)
    : key_(std::move(key)),
      keyed_mac_(KeyedMac::Create(key_)),
      prefix_(std::move(prefix)) {
  // A separate key for encryption, so that no value is ever both a digest
  // and an encryption key.
  sealing_key_ = Digest("accesstokens idempotency sealing key");
}

absl::StatusOr<std::string> TokenSecrets::Seal(
    absl::string_view secret, absl::string_view request_id) const {
  absl::StatusOr<std::string> nonce = RandomBytes(kNonceBytes);
  if (!nonce.ok()) return nonce.status();

  std::string sealed = *nonce;
  sealed.resize(kNonceBytes + secret.size() + kTagBytes);
  auto* out = reinterpret_cast<unsigned char*>(sealed.data()) + kNonceBytes;
  EVP_CIPHER_CTX* context = EVP_CIPHER_CTX_new();
  int length = 0;
  const bool ok =
      context != nullptr &&
      EVP_EncryptInit_ex(context, EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(
                             sealing_key_.data()),
                         reinterpret_cast<const unsigned char*>(
                             nonce->data())) == 1 &&
      EVP_EncryptUpdate(context, nullptr, &length,
                        reinterpret_cast<const unsigned char*>(
                            request_id.data()),
                        static_cast<int>(request_id.size())) == 1 &&
      EVP_EncryptUpdate(context, out, &length,
                        reinterpret_cast<const unsigned char*>(secret.data()),
                        static_cast<int>(secret.size())) == 1 &&
      EVP_EncryptFinal_ex(context, out + length, &length) == 1 &&
      EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          out + secret.size()) == 1;
  EVP_CIPHER_CTX_free(context);
  if (!ok) return absl::InternalError("AES-GCM encryption failed");
  return sealed;
}

absl::StatusOr<std::string> TokenSecrets::Unseal(
    absl::string_view sealed, absl::string_view request_id) const {
  if (sealed.size() < kNonceBytes + kTagBytes) {
    return absl::DataLossError("sealed secret is truncated");
  }
  const size_t length = sealed.size() - kNonceBytes - kTagBytes;
  const auto* bytes = reinterpret_cast<const unsigned char*>(sealed.data());
  std::string secret(length, '\0');
  auto* out = reinterpret_cast<unsigned char*>(secret.data());
  EVP_CIPHER_CTX* context = EVP_CIPHER_CTX_new();
  int written = 0;
  const bool ok =
      context != nullptr &&
      EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(
                             sealing_key_.data()),
                         bytes) == 1 &&
      EVP_DecryptUpdate(context, nullptr, &written,
                        reinterpret_cast<const unsigned char*>(
                            request_id.data()),
                        static_cast<int>(request_id.size())) == 1 &&
      EVP_DecryptUpdate(context, out, &written, bytes + kNonceBytes,
                        static_cast<int>(length)) == 1 &&
      EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, kTagBytes,
                          const_cast<unsigned char*>(bytes + kNonceBytes +
                                                     length)) == 1 &&
      EVP_DecryptFinal_ex(context, out + written, &written) == 1;
  EVP_CIPHER_CTX_free(context);
  if (!ok) {
    return absl::DataLossError(
        "sealed secret does not verify: it was changed, or sealed under "
        "another key");
  }
  return secret;
}

}  // namespace accesstokens
