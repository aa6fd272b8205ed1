#include "service/caller_auth.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/security/auth_context.h"

namespace accesstokens {
namespace {

constexpr char kBearerPrefix[] = "Bearer ";

absl::Status LineError(absl::string_view path, int line,
                       absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(
      "callers file \"", path, "\" line ", line, ": ", problem,
      "; expected ROLE KIND VALUE, with ROLE admin or authenticate and KIND "
      "bearer or subject"));
}

bool IsLowerHex(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) &&
        (c < 'a' || c > 'f')) {
      return false;
    }
  }
  return true;
}

std::string Sha256(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

// Returns the bearer credential of the call, if it has one.
std::optional<absl::string_view> BearerCredential(
    const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return std::nullopt;
  absl::string_view value(it->second.data(), it->second.size());
  if (!absl::ConsumePrefix(&value, kBearerPrefix)) return std::nullopt;
  return value;
}

}  // namespace

absl::StatusOr<CallerPolicy> ParseCallersFile(absl::string_view contents,
                                              absl::string_view path) {
  CallerPolicy policy;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;

    // ROLE and KIND are single words; VALUE is the rest of the line, so
    // that a subject may contain spaces.
    std::vector<absl::string_view> fields;
    absl::string_view rest = line;
    for (int i = 0; i < 2 && !rest.empty(); ++i) {
      const size_t end = rest.find_first_of(" \t");
      fields.push_back(rest.substr(0, end));
      rest = end == absl::string_view::npos
                 ? absl::string_view()
                 : absl::StripLeadingAsciiWhitespace(rest.substr(end));
    }
    fields.push_back(rest);
    if (fields.size() != 3 || fields[2].empty()) {
      return LineError(path, number, "too few fields");
    }
    CallerPolicy::Entry entry;
    if (fields[0] == "admin") {
      entry.role = CallerRole::kAdmin;
    } else if (fields[0] == "authenticate") {
      entry.role = CallerRole::kAuthenticate;
    } else {
      return LineError(path, number,
                       absl::StrCat("unknown role \"", fields[0], "\""));
    }

    const absl::string_view value = absl::StripAsciiWhitespace(fields[2]);
    if (fields[1] == "bearer") {
      if (value.size() != 64 || !IsLowerHex(value)) {
        return LineError(
            path, number,
            "a bearer value must be the 64 lowercase hex digits of the "
            "credential's SHA-256, as `printf %s CREDENTIAL | sha256sum` "
            "prints them");
      }
      entry.value = absl::HexStringToBytes(value);
    } else if (fields[1] == "subject") {
      entry.bearer = false;
      entry.value = std::string(value);
    } else {
      return LineError(path, number,
                       absl::StrCat("unknown kind \"", fields[1], "\""));
    }
    policy.entries.push_back(std::move(entry));
  }
  return policy;
}

absl::StatusOr<std::unique_ptr<CallerAuthenticator>> CallerAuthenticator::Load(
    std::string path) {
  std::unique_ptr<CallerAuthenticator> authenticator(
      new CallerAuthenticator(std::move(path)));
  absl::Status loaded = authenticator->Reload();
  if (!loaded.ok()) return loaded;
  return authenticator;
}

absl::Status CallerAuthenticator::Reload() {
  std::ifstream file(path_);
  if (!file) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the callers file \"", path_, "\""));
  }
  std::stringstream contents;
  contents << file.rdbuf();
  absl::StatusOr<CallerPolicy> policy =
      ParseCallersFile(contents.str(), path_);
  if (!policy.ok()) return policy.status();

  auto shared = std::make_shared<const CallerPolicy>(*std::move(policy));
  absl::MutexLock lock(&mu_);
  policy_ = std::move(shared);
  return absl::OkStatus();
}

std::shared_ptr<const CallerPolicy> CallerAuthenticator::policy() const {
  absl::MutexLock lock(&mu_);
  return policy_;
}

size_t CallerAuthenticator::caller_count() const {
  return policy()->entries.size();
}

absl::StatusOr<CallerRole> CallerAuthenticator::Identify(
    const grpc::ServerContextBase& context) const {
  const std::shared_ptr<const CallerPolicy> current = policy();

  if (std::optional<absl::string_view> bearer = BearerCredential(context)) {
    const std::string digest = Sha256(*bearer);
    // Every entry is compared, so the time taken does not depend on which
    // entry matches or where two digests first differ.
    std::optional<CallerRole> role;
    for (const CallerPolicy::Entry& entry : current->entries) {
      if (entry.bearer &&
          CRYPTO_memcmp(entry.value.data(), digest.data(), digest.size()) ==
              0) {
        role = entry.role;
      }
    }
    if (role.has_value()) return *role;
    return absl::UnauthenticatedError(
        "the bearer credential in the authorization metadata is not in the "
        "server's callers file");
  }

  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    for (const grpc::string_ref& subject :
         auth->FindPropertyValues(GRPC_X509_SUBJECT_PROPERTY_NAME)) {
      const absl::string_view name(subject.data(), subject.size());
      for (const CallerPolicy::Entry& entry : current->entries) {
        if (!entry.bearer && entry.value == name) return entry.role;
      }
      return absl::UnauthenticatedError(
          absl::StrCat("client certificate subject \"", name,
                       "\" is not in the server's callers file"));
    }
  }
  return absl::UnauthenticatedError(
      "caller authentication is required: send the metadata "
      "\"authorization: Bearer <credential>\" or a client certificate listed "
      "in the server's callers file");
}

bool IsLoopbackAddress(absl::string_view listen_address) {
  absl::string_view host = listen_address;
  const size_t colon = host.rfind(':');
  if (colon != absl::string_view::npos) host = host.substr(0, colon);
  if (absl::ConsumePrefix(&host, "[")) absl::ConsumeSuffix(&host, "]");
  if (host == "localhost" || host == "::1") return true;

  std::vector<absl::string_view> octets = absl::StrSplit(host, '.');
  if (octets.size() != 4 || octets[0] != "127") return false;
  for (absl::string_view octet : octets) {
    int value = 0;
    if (!absl::SimpleAtoi(octet, &value) || value < 0 || value > 255) {
      return false;
    }
  }
  return true;
}

}  // namespace accesstokens
