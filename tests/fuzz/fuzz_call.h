// The input format of service_fuzzer: one AccessTokenService call made of
// the method, the caller's credential, extra request metadata and the raw
// request bytes. Every byte string is a valid input; missing parts are
// empty.
//
//   byte 0    the method: an index into the service's methods, modulo
//             their number, in the order of the .proto file
//   byte 1    bits 0-1: the caller's credential (see CallerCredential);
//             bits 2-3: the number of extra metadata entries, 0 to 3
//   if the credential is kFuzzed: 1 length byte L, then L bytes sent as
//             the `authorization` metadata value
//   per metadata entry: 1 byte choosing the key (see kMetadataKeys), 1
//             length byte L, then L bytes of value
//   the rest  the serialized request, sent unchanged unless it names a
//             known secret (see service_fuzzer.cc)
//
// Metadata values of text keys are mapped to printable ASCII, because gRPC
// clients abort on other bytes there; values of `-bin` keys stay binary.
//
// Thread-compatible: plain functions and values.
#ifndef ACCESSTOKENS_TESTS_FUZZ_FUZZ_CALL_H_
#define ACCESSTOKENS_TESTS_FUZZ_FUZZ_CALL_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace accesstokens::fuzz {

enum class CallerCredential : uint8_t {
  kAdmin = 0,         // A bearer credential with the admin role.
  kAuthenticate = 1,  // A bearer credential allowed AuthenticateAccessToken.
  kNone = 2,          // No authorization metadata.
  kFuzzed = 3,        // An authorization value taken from the input.
};

// Keys that an extra metadata entry can have, chosen by its first byte
// modulo their number.
inline constexpr const char* kMetadataKeys[] = {
    "private-token", "authorization", "x-forwarded-for", "x-request-id",
    "x-fuzz-bin",
};

struct FuzzCall {
  const google::protobuf::MethodDescriptor* method = nullptr;
  CallerCredential credential = CallerCredential::kAdmin;
  std::string authorization;  // Set for kFuzzed.
  std::vector<std::pair<std::string, std::string>> metadata;
  std::string request;  // Serialized request bytes.
};

// Returns AccessTokenService's descriptor.
const google::protobuf::ServiceDescriptor& Service();

// Decodes one input. Never fails: every input decodes to some call.
FuzzCall DecodeFuzzCall(absl::string_view input);

// Encodes `call` so that DecodeFuzzCall() returns it; for the seed corpus.
// REQUIRES: call.method belongs to Service(); metadata keys are entries of
// kMetadataKeys; no value is longer than 255 bytes; at most 3 entries.
std::string EncodeFuzzCall(const FuzzCall& call);

}  // namespace accesstokens::fuzz

#endif  // ACCESSTOKENS_TESTS_FUZZ_FUZZ_CALL_H_
