// The one conversion from absl::Status to grpc::Status at the RPC edge.
#ifndef ACCESSTOKENS_SERVICE_GRPC_STATUS_H_
#define ACCESSTOKENS_SERVICE_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"

namespace accesstokens {

// Converts `status` with the same code and message. Payloads, such as a
// google.rpc.RetryInfo, become the details of a google.rpc.Status in the
// grpc-status-details-bin trailer. INTERNAL and UNKNOWN are logged, because
// they mean a bug.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Finishes a unary callback call with `status` and returns its reactor, for
// handlers that respond without waiting for the store.
grpc::ServerUnaryReactor* FinishWith(grpc::CallbackServerContext* context,
                                     const absl::Status& status);

}  // namespace accesstokens

#endif  // ACCESSTOKENS_SERVICE_GRPC_STATUS_H_
