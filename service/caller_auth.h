// Authentication of the services that call this one. A callers file lists
// who may call, one caller per line:
//
//   # ROLE        KIND     VALUE
//   admin         bearer   <lowercase hex SHA-256 of the credential>
//   authenticate  subject  CN=gateway,O=Example
//
// ROLE is `admin`, allowed every RPC, or `authenticate`, allowed only
// AuthenticateAccessToken, so that a gateway that checks tokens cannot mint
// them. KIND `bearer` matches the metadata `authorization: Bearer <value>`
// by the SHA-256 digest of the credential; the file never holds a
// credential. KIND `subject` matches the subject of a verified client
// certificate (mutual TLS), as gRPC reports it, such as "CN=gateway,O=Example".
// Empty lines and lines starting with # are ignored. The health and
// reflection services need no caller authentication.
#ifndef ACCESSTOKENS_SERVICE_CALLER_AUTH_H_
#define ACCESSTOKENS_SERVICE_CALLER_AUTH_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/server_context.h"

namespace accesstokens {

enum class CallerRole { kAdmin, kAuthenticate };

// The parsed callers file.
struct CallerPolicy {
  struct Entry {
    CallerRole role = CallerRole::kAdmin;
    bool bearer = true;  // False for a certificate subject.
    std::string value;   // The 32-byte digest, or the subject.
  };
  std::vector<Entry> entries;
};

// Parses the contents of a callers file. INVALID_ARGUMENT names the file,
// the line number and what is wrong with it.
absl::StatusOr<CallerPolicy> ParseCallersFile(absl::string_view contents,
                                              absl::string_view path);

// Identifies callers by the callers file. Thread-safe; Reload() replaces
// the policy for the calls that start after it.
class CallerAuthenticator {
 public:
  // Reads and parses the callers file at `path`.
  static absl::StatusOr<std::unique_ptr<CallerAuthenticator>> Load(
      std::string path);

  // Reads the file again. On failure the previous policy stays in force.
  absl::Status Reload();

  // Returns the role of the caller of `context`: from a bearer credential
  // if the call carries one, else from the client certificate's subject.
  // UNAUTHENTICATED if neither matches an entry. Bearer credentials are
  // compared in constant time.
  absl::StatusOr<CallerRole> Identify(
      const grpc::ServerContextBase& context) const;

  size_t caller_count() const;
  const std::string& path() const { return path_; }

 private:
  explicit CallerAuthenticator(std::string path) : path_(std::move(path)) {}

  std::shared_ptr<const CallerPolicy> policy() const;

  const std::string path_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const CallerPolicy> policy_ ABSL_GUARDED_BY(mu_);
};

// Returns true if `listen_address` (host:port) binds only a loopback
// interface: 127.0.0.0/8, ::1 or localhost.
bool IsLoopbackAddress(absl::string_view listen_address);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_CALLER_AUTH_H_
