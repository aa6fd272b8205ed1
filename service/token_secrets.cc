#include "service/token_secrets.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>

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

}  // namespace

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
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
       digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string TokenSecrets::KeyFingerprint() const {
  return Digest("accesstokens digest key fingerprint");
}

TokenSecrets::TokenSecrets(std::string key, std::string prefix)
    : key_(std::move(key)), prefix_(std::move(prefix)) {
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
