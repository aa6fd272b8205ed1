// The one conversion from absl::Status to grpc::Status at the RPC edge.
#ifndef ACCESSTOKENS_SERVICE_GRPC_STATUS_H_
#define ACCESSTOKENS_SERVICE_GRPC_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"

namespace accesstokens {

// Sets the token prefix that RedactSecrets() looks for; the server sets it
// once at start. With an empty prefix nothing is redacted.
void SetSecretPrefix(absl::string_view prefix);

// Returns `message` with the characters of a secret that follow each
// occurrence of the token prefix replaced by "[REDACTED]". Error messages
// name the bad value, and a caller may put a secret into the wrong field,
// such as a filter. Redacting keeps that secret out of the response, the
// log and the audit log. Thread-safe.
std::string RedactSecrets(absl::string_view message);

// Converts `status` with the same code and its message passed through
// RedactSecrets(). Payloads, such as a google.rpc.RetryInfo, become the
// details of a google.rpc.Status in the grpc-status-details-bin trailer.
// INTERNAL and UNKNOWN are logged, because they mean a bug.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Finishes a unary callback call with `status` and returns its reactor, for
// handlers that respond without waiting for the store.
grpc::ServerUnaryReactor* FinishWith(grpc::CallbackServerContext* context,
                                     const absl::Status& status);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_GRPC_STATUS_H_
