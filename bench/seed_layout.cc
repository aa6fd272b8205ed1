#include "bench/seed_layout.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "service/token_secrets.h"
#include "storage/resource.h"

namespace accesstokens::bench {
namespace {

// Returns the prefix plus base64url of the first kSecretRandomBytes bytes
// of SHA-256 over `label`, the seed and `number`.
std::string DeriveSecret(absl::string_view prefix, absl::string_view seed,
                         absl::string_view label, uint64_t number) {
  // SHA256() fetches the algorithm on every call, which took about 3% of the
  // load generator's CPU in a profile. Here it is fetched once.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  const std::string input = absl::StrCat(label, "\n", seed, "\n", number);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  if (sha256 == nullptr ||
      EVP_Digest(input.data(), input.size(), digest, nullptr, sha256,
                 nullptr) != 1) {
    SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(),
           digest);
  }
  static_assert(kSecretRandomBytes <= SHA256_DIGEST_LENGTH);
  return absl::StrCat(
      prefix, absl::WebSafeBase64Escape(absl::string_view(
                  reinterpret_cast<const char*>(digest), kSecretRandomBytes)));
}

absl::Status Invalid(absl::string_view field, int64_t value,
                     absl::string_view allowed) {
  return absl::InvalidArgumentError(
      absl::StrCat("layout ", field, " ", value, " is invalid: ", allowed));
}

}  // namespace

absl::Status SeedLayout::Validate() const {
  if (seed.empty() || seed.find('\n') != std::string::npos) {
    return absl::InvalidArgumentError(
        "layout seed is invalid: it must be one non-empty line");
  }
  if (token_count < 0) {
    return Invalid("token_count", token_count, "it must be 0 or more");
  }
  if (big_project_tokens < 0 || big_project_tokens > token_count) {
    return Invalid("big_project_tokens", big_project_tokens,
                   absl::StrCat("it must be 0 to token_count (", token_count,
                                ")"));
  }
  if (project_count < 1) {
    return Invalid("project_count", project_count, "it must be 1 or more");
  }
  if (token_count > big_project_tokens && project_count < 2) {
    return Invalid("project_count", project_count,
                   "tokens outside the big project need at least 2 projects");
  }
  if (group_count < 1) {
    return Invalid("group_count", group_count, "it must be 1 or more");
  }
  if (revoked_every < 0 || revoked_every == 1) {
    return Invalid("revoked_every", revoked_every,
                   "it must be 0 (none revoked) or 2 or more");
  }
  return ValidateTokenPrefix(token_prefix);
}

int64_t SeedLayout::ProjectOf(int64_t index) const {
  if (index < big_project_tokens) return 1;
  return 2 + (index - big_project_tokens) % (project_count - 1);
}

int64_t SeedLayout::GroupOf(int64_t project) const {
  return 1 + (project - 1) % group_count;
}

int64_t SeedLayout::BotNumberOf(int64_t index) const {
  if (index < big_project_tokens) return index;
  return (index - big_project_tokens) / (project_count - 1);
}

int64_t SeedLayout::TokensOfProject(int64_t project) const {
  if (project == 1) return big_project_tokens;
  const int64_t others = project_count - 1;
  const int64_t rest = token_count - big_project_tokens;
  return rest / others + ((project - 2) < rest % others ? 1 : 0);
}

bool SeedLayout::IsRevoked(int64_t index) const {
  return revoked_every != 0 && index % revoked_every == revoked_every - 1;
}

std::string SeedLayout::TokenName(int64_t index) const {
  return AccessTokenName({ResourceKind::kProject, ProjectOf(index)},
                         TokenId(index));
}

std::string SeedLayout::Secret(int64_t index) const {
  return DeriveSecret(token_prefix, seed, "token",
                      static_cast<uint64_t>(index));
}

std::string SeedLayout::UnknownSecret(uint64_t n) const {
  return DeriveSecret(token_prefix, seed, "unknown", n);
}

std::string SeedLayout::ToText() const {
  return absl::StrCat(
      "seed=", seed, "\n", "token_count=", token_count, "\n",
      "big_project_tokens=", big_project_tokens, "\n",
      "project_count=", project_count, "\n", "group_count=", group_count,
      "\n", "revoked_every=", revoked_every, "\n",
      "token_prefix=", token_prefix, "\n", "schema_version=", schema_version,
      "\n");
}

absl::StatusOr<SeedLayout> SeedLayout::Parse(absl::string_view text) {
  SeedLayout layout;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> entry =
        absl::StrSplit(line, absl::MaxSplits('=', 1));
    const auto& [key, value] = entry;
    if (key == "seed") {
      layout.seed = std::string(value);
      continue;
    }
    if (key == "token_prefix") {
      layout.token_prefix = std::string(value);
      continue;
    }
    int64_t* field = key == "token_count"          ? &layout.token_count
                     : key == "big_project_tokens" ? &layout.big_project_tokens
                     : key == "project_count"      ? &layout.project_count
                     : key == "group_count"        ? &layout.group_count
                     : key == "revoked_every"      ? &layout.revoked_every
                     : key == "schema_version"     ? &layout.schema_version
                                                   : nullptr;
    if (field == nullptr || !absl::SimpleAtoi(value, field)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "layout line \"", line,
          "\" is invalid; expected key=value with a known key and, except "
          "for seed and token_prefix, an integer value"));
    }
  }
  absl::Status valid = layout.Validate();
  if (!valid.ok()) return valid;
  return layout;
}

std::string LayoutPath(absl::string_view database_path) {
  return absl::StrCat(database_path, ".layout");
}

absl::Status WriteLayoutFile(const std::string& path,
                             const SeedLayout& layout) {
  std::ofstream file(path, std::ios::trunc);
  file << layout.ToText();
  file.close();
  if (!file) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write the layout file \"", path, "\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<SeedLayout> ReadLayoutFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return absl::NotFoundError(absl::StrCat(
        "cannot read the layout file \"", path,
        "\"; accesstokens-bench-seed writes it beside the database"));
  }
  std::stringstream contents;
  contents << file.rdbuf();
  absl::StatusOr<SeedLayout> layout = SeedLayout::Parse(contents.str());
  if (!layout.ok()) {
    return absl::Status(layout.status().code(),
                        absl::StrCat("layout file \"", path,
                                     "\": ", layout.status().message()));
  }
  return layout;
}

}  // namespace accesstokens::bench
