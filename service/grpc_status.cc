#include "service/grpc_status.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
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

// Never destroyed, so that calls finishing during exit can still use them.
absl::Mutex& PrefixMutex() {
  static absl::Mutex* mutex = new absl::Mutex;
  return *mutex;
}

std::string& Prefix() ABSL_EXCLUSIVE_LOCKS_REQUIRED(PrefixMutex()) {
  static std::string* prefix = new std::string;
  return *prefix;
}

// Characters of the web-safe Base64 text of a secret.
bool IsSecretCharacter(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '_';
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
    WriteLengthDelimited(out, 2, RedactSecrets(status.message()));
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

void SetSecretPrefix(absl::string_view prefix) {
  absl::MutexLock lock(&PrefixMutex());
  Prefix() = std::string(prefix);
}

std::string RedactSecrets(absl::string_view message) {
  std::string prefix;
  {
    absl::MutexLock lock(&PrefixMutex());
    prefix = Prefix();
  }
  if (prefix.empty()) return std::string(message);

  std::string redacted;
  size_t start = 0;
  while (true) {
    const size_t found = message.find(prefix, start);
    if (found == absl::string_view::npos) break;
    size_t end = found + prefix.size();
    while (end < message.size() && IsSecretCharacter(message[end])) ++end;
    absl::StrAppend(&redacted,
                    message.substr(start, found + prefix.size() - start));
    if (end > found + prefix.size()) absl::StrAppend(&redacted, "[REDACTED]");
    start = end;
  }
  absl::StrAppend(&redacted, message.substr(start));
  return redacted;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const std::string message = RedactSecrets(status.message());
  if (absl::IsInternal(status) || absl::IsUnknown(status)) {
    LOG(ERROR) << "request failed with an internal error: "
               << absl::StatusCodeToString(status.code()) << ": " << message;
  }
  // absl::StatusCode and grpc::StatusCode share their numbers.
  const auto code = static_cast<grpc::StatusCode>(status.code());
  if (!HasPayload(status)) return grpc::Status(code, message);
  return grpc::Status(code, message, EncodeStatusDetails(status));
}

grpc::ServerUnaryReactor* FinishWith(grpc::CallbackServerContext* context,
                                     const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace accesstokens
