#include "tests/fuzz/fuzz_call.h"

#include <iterator>

#include "absl/strings/match.h"
#include "accesstokens/v1/access_token_service.pb.h"
#include "glog/logging.h"

namespace accesstokens::fuzz {
namespace {

constexpr int kKeyCount = static_cast<int>(std::size(kMetadataKeys));

// Reads bytes from the front of an input; past its end, reads zeros and
// empty strings.
class Reader {
 public:
  explicit Reader(absl::string_view input) : input_(input) {}

  uint8_t Byte() {
    if (input_.empty()) return 0;
    const uint8_t byte = static_cast<uint8_t>(input_.front());
    input_.remove_prefix(1);
    return byte;
  }

  std::string LengthPrefixed() {
    const size_t length = std::min<size_t>(Byte(), input_.size());
    std::string bytes(input_.substr(0, length));
    input_.remove_prefix(length);
    return bytes;
  }

  std::string Rest() { return std::string(input_); }

 private:
  absl::string_view input_;
};

// Maps bytes outside printable ASCII into it, as gRPC requires of text
// metadata values.
std::string Printable(std::string value) {
  for (char& c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7E) c = static_cast<char>(0x20 + byte % 95);
  }
  return value;
}

int KeyIndex(absl::string_view key) {
  for (int i = 0; i < kKeyCount; ++i) {
    if (key == kMetadataKeys[i]) return i;
  }
  LOG(FATAL) << "metadata key \"" << key << "\" is not in kMetadataKeys";
}

}  // namespace

const google::protobuf::ServiceDescriptor& Service() {
  return *v1::CreateGroupRequest::descriptor()->file()->FindServiceByName(
      "AccessTokenService");
}

FuzzCall DecodeFuzzCall(absl::string_view input) {
  Reader reader(input);
  FuzzCall call;
  const google::protobuf::ServiceDescriptor& service = Service();
  call.method = service.method(reader.Byte() % service.method_count());

  const uint8_t caller = reader.Byte();
  call.credential = static_cast<CallerCredential>(caller & 3);
  if (call.credential == CallerCredential::kFuzzed) {
    call.authorization = Printable(reader.LengthPrefixed());
  }
  const int entries = (caller >> 2) & 3;
  for (int i = 0; i < entries; ++i) {
    const std::string key = kMetadataKeys[reader.Byte() % kKeyCount];
    std::string value = reader.LengthPrefixed();
    if (!absl::EndsWith(key, "-bin")) value = Printable(std::move(value));
    call.metadata.emplace_back(key, std::move(value));
  }
  call.request = reader.Rest();
  return call;
}

std::string EncodeFuzzCall(const FuzzCall& call) {
  CHECK_LE(call.metadata.size(), 3u);
  std::string input;
  input += static_cast<char>(call.method->index());
  input += static_cast<char>(static_cast<uint8_t>(call.credential) |
                             call.metadata.size() << 2);
  const auto append_prefixed = [&](absl::string_view bytes) {
    CHECK_LE(bytes.size(), 255u);
    input += static_cast<char>(bytes.size());
    input.append(bytes.data(), bytes.size());
  };
  if (call.credential == CallerCredential::kFuzzed) {
    append_prefixed(call.authorization);
  }
  for (const auto& [key, value] : call.metadata) {
    input += static_cast<char>(KeyIndex(key));
    append_prefixed(value);
  }
  input += call.request;
  return input;
}

}  // namespace accesstokens::fuzz
