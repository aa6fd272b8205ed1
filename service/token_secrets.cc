#include "service/token_secrets.h"

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

}  // namespace accesstokens
