#include "service/grpc_status.h"

#include <string>

#include "absl/strings/cord.h"
#include "glog/logging.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace accesstokens {

namespace {

void WriteLengthDelimited(google::protobuf::io::CodedOutputStream& out,
                          int field, absl::string_view bytes) {
  out.WriteTag(static_cast<uint32_t>(field) << 3 | 2);
  out.WriteVarint32(static_cast<uint32_t>(bytes.size()));
  out.WriteRaw(bytes.data(), static_cast<int>(bytes.size()));
}

// Returns the google.rpc.Status that gRPC clients read from the
// grpc-status-details-bin trailer: the code, the message, and each payload
// of `status` as a google.protobuf.Any. Written by hand because Debian
// ships no google/rpc protos.
std::string EncodeStatusDetails(const absl::Status& status) {
  std::string encoded;
  {
    google::protobuf::io::StringOutputStream stream(&encoded);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.WriteTag(1 << 3 | 0);
    out.WriteVarint32(static_cast<uint32_t>(status.code()));
    WriteLengthDelimited(out, 2, status.message());
    status.ForEachPayload(
        [&](absl::string_view type_url, const absl::Cord& payload) {
          std::string any;
          {
            google::protobuf::io::StringOutputStream any_stream(&any);
            google::protobuf::io::CodedOutputStream any_out(&any_stream);
            WriteLengthDelimited(any_out, 1, type_url);
            WriteLengthDelimited(any_out, 2, std::string(payload));
          }
          WriteLengthDelimited(out, 3, any);
        });
  }
  return encoded;
}

bool HasPayload(const absl::Status& status) {
  bool found = false;
  status.ForEachPayload(
      [&](absl::string_view, const absl::Cord&) { found = true; });
  return found;
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  if (absl::IsInternal(status) || absl::IsUnknown(status)) {
    LOG(ERROR) << "request failed with an internal error: " << status;
  }
  // absl::StatusCode and grpc::StatusCode share their numbers.
  const auto code = static_cast<grpc::StatusCode>(status.code());
  if (!HasPayload(status)) return grpc::Status(code, std::string(status.message()));
  return grpc::Status(code, std::string(status.message()),
                      EncodeStatusDetails(status));
}

grpc::ServerUnaryReactor* FinishWith(grpc::CallbackServerContext* context,
                                     const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace accesstokens
