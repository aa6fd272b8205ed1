// A libFuzzer target that sends arbitrary AccessTokenService calls (see
// fuzz_call.h) to a real server in this process. The server is the Server
// class on 127.0.0.1 port 0 with a callers file, over a SQLite database in
// a temporary folder, and the calls go through a real gRPC channel. Each
// call runs the whole request path: gRPC's parsing, caller authentication,
// validation, policy, the store and the conversion of the response.
//
// State persists across inputs: the database starts with groups 1 and 2,
// projects 10 and 11 and four tokens (ids 1 to 4), and every
// kInputsPerDatabase inputs the server restarts on a fresh database, so
// that it does not grow without bound. A crash may therefore depend on the
// inputs before it as well as on the saved one.
//
// A request whose `token` field, or a private-token metadata value, is
// "@secret:N" or "@old:N" gets the secret of the Nth recently issued token,
// or of the Nth recently rotated-away one, so that inputs can reach the
// paths that need a valid secret.
//
// Besides crashes and sanitizer reports, the target aborts when a call
// breaks one of these rules:
//   - a parsable request never gets INTERNAL, UNKNOWN, DATA_LOSS or
//     UNIMPLEMENTED, and no call runs into its 10 s deadline;
//   - a call succeeds only with the admin credential, or with the
//     authenticate-only credential for AuthenticateAccessToken;
//   - no known secret appears in an error message, nor in a response other
//     than the one that issues it.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "accesstokens/v1/access_token_service.grpc.pb.h"
#include "glog/logging.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/stubs/logging.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "service/clock.h"
#include "service/server.h"
#include "tests/fuzz/fuzz_call.h"

namespace accesstokens::fuzz {
namespace {

constexpr int kInputsPerDatabase = 2000;
constexpr int kRememberedSecrets = 8;
constexpr char kAdminCredential[] = "fuzz-admin-credential";
constexpr char kGatewayCredential[] = "fuzz-gateway-credential";

std::string Sha256Hex(absl::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
         digest);
  return absl::BytesToHexString(absl::string_view(
      reinterpret_cast<const char*>(digest), sizeof(digest)));
}

std::string ToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!buffer.Dump(&slices).ok()) return bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return bytes;
}

// Stops the fuzzer with a report; libFuzzer saves the input.
[[noreturn]] void Violation(const FuzzCall& call, const std::string& what) {
  fprintf(stderr, "service_fuzzer: rule broken by %s: %s\n",
          call.method->name().c_str(), what.c_str());
  abort();
}

struct IssuedSecret {
  std::string name;  // The token's resource name.
  std::string secret;
};

// The server, its folder and a client, with the secrets issued so far.
// Used from libFuzzer's one thread only.
class FuzzServer {
 public:
  FuzzServer() { Start(); }

  void Run(absl::string_view input);

 private:
  void Start();
  void Stop();
  void Populate();
  std::string ResolveSecret(absl::string_view value) const;
  void Remember(std::vector<IssuedSecret>& ring, size_t& next,
                IssuedSecret issued);
  void RecordIssued(const FuzzCall& call, const std::string& response);
  void CheckNoSecret(const FuzzCall& call, absl::string_view where,
                     absl::string_view text) const;

  std::string folder_;
  SystemClock clock_;
  std::unique_ptr<Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
  google::protobuf::DynamicMessageFactory factory_;
  int inputs_ = 0;

  std::vector<IssuedSecret> current_;  // Ring of recently issued secrets.
  size_t next_current_ = 0;
  std::vector<IssuedSecret> old_;  // Ring of rotated-away secrets.
  size_t next_old_ = 0;
};

void FuzzServer::Start() {
  const char* tmpdir = getenv("TMPDIR");
  std::string pattern =
      absl::StrCat(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp",
                   "/accesstokens-fuzz-XXXXXX");
  CHECK(mkdtemp(pattern.data()) != nullptr) << "mkdtemp " << pattern;
  folder_ = pattern;

  const std::string callers = absl::StrCat(folder_, "/callers");
  FILE* file = fopen(callers.c_str(), "w");
  CHECK(file != nullptr) << "cannot write " << callers;
  fprintf(file, "admin bearer %s\nauthenticate bearer %s\n",
          Sha256Hex(kAdminCredential).c_str(),
          Sha256Hex(kGatewayCredential).c_str());
  fclose(file);

  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.database_path = absl::StrCat(folder_, "/accesstokens.db");
  options.secret_key_path = absl::StrCat(folder_, "/secret.key");
  options.callers_path = callers;
  // A short window lets the limit trip and reset within one run.
  options.auth_failure_window = absl::Seconds(1);
  absl::StatusOr<std::unique_ptr<Server>> server =
      Server::Start(options, &clock_);
  CHECK(server.ok()) << server.status();
  server_ = *std::move(server);

  channel_ = grpc::CreateChannel(server_->address(),
                                 grpc::InsecureChannelCredentials());
  stub_ = std::make_unique<grpc::GenericStub>(channel_);
  current_.clear();
  old_.clear();
  next_current_ = next_old_ = 0;
  Populate();
}

void FuzzServer::Stop() {
  stub_.reset();
  channel_.reset();
  server_->Shutdown(absl::Seconds(5));
  server_.reset();
  std::error_code error;
  std::filesystem::remove_all(folder_, error);
  CHECK(!error) << "cannot remove " << folder_ << ": " << error.message();
}

void FuzzServer::Populate() {
  auto stub = v1::AccessTokenService::NewStub(channel_);
  v1::Actor owner;
  owner.set_user_id(1);
  owner.set_access_level(v1::ACCESS_LEVEL_OWNER);
  const auto call = [&](auto method, const auto& request, auto* response) {
    grpc::ClientContext context;
    context.AddMetadata("authorization",
                        absl::StrCat("Bearer ", kAdminCredential));
    grpc::Status status = ((*stub).*method)(&context, request, response);
    CHECK(status.ok()) << status.error_message();
  };

  const std::pair<int64_t, const char*> groups[] = {{1, ""}, {2, "groups/1"}};
  for (const auto& [id, parent] : groups) {
    v1::CreateGroupRequest request;
    request.set_group_id(id);
    request.mutable_group()->set_parent(parent);
    request.mutable_group()->set_display_name(absl::StrCat("group ", id));
    *request.mutable_actor() = owner;
    v1::CreateGroupResponse response;
    call(&v1::AccessTokenService::Stub::CreateGroup, request, &response);
  }
  const std::pair<int64_t, const char*> projects[] = {{10, "groups/1"},
                                                      {11, ""}};
  for (const auto& [id, parent] : projects) {
    v1::CreateProjectRequest request;
    request.set_project_id(id);
    request.mutable_project()->set_parent(parent);
    request.mutable_project()->set_display_name(absl::StrCat("project ", id));
    *request.mutable_actor() = owner;
    v1::CreateProjectResponse response;
    call(&v1::AccessTokenService::Stub::CreateProject, request, &response);
  }
  for (const char* parent :
       {"projects/10", "projects/10", "groups/1", "projects/11"}) {
    v1::CreateAccessTokenRequest request;
    request.set_parent(parent);
    request.mutable_access_token()->set_display_name("seed");
    request.mutable_access_token()->add_scopes(v1::SCOPE_API);
    *request.mutable_actor() = owner;
    v1::CreateAccessTokenResponse response;
    call(&v1::AccessTokenService::Stub::CreateAccessToken, request,
         &response);
    Remember(current_, next_current_,
             {response.access_token().name(), response.access_token().token()});
  }
}

void FuzzServer::Remember(std::vector<IssuedSecret>& ring, size_t& next,
                          IssuedSecret issued) {
  if (ring.size() < kRememberedSecrets) {
    ring.push_back(std::move(issued));
  } else {
    ring[next % kRememberedSecrets] = std::move(issued);
  }
  ++next;
}

std::string FuzzServer::ResolveSecret(absl::string_view value) const {
  const std::vector<IssuedSecret>* ring = nullptr;
  if (absl::ConsumePrefix(&value, "@secret:")) {
    ring = &current_;
  } else if (absl::ConsumePrefix(&value, "@old:")) {
    ring = &old_;
  }
  size_t index = 0;
  if (ring == nullptr || ring->empty() || !absl::SimpleAtoi(value, &index)) {
    return "";
  }
  return (*ring)[index % ring->size()].secret;
}

void FuzzServer::RecordIssued(const FuzzCall& call,
                              const std::string& response) {
  if (call.method->name() == "CreateAccessToken") {
    v1::CreateAccessTokenResponse created;
    CHECK(created.ParseFromString(response));
    Remember(current_, next_current_,
             {created.access_token().name(), created.access_token().token()});
  } else if (call.method->name() == "RotateAccessToken") {
    v1::RotateAccessTokenResponse rotated;
    CHECK(rotated.ParseFromString(response));
    for (IssuedSecret& issued : current_) {
      if (issued.name == rotated.previous_access_token().name()) {
        Remember(old_, next_old_, issued);
        issued = {rotated.access_token().name(),
                  rotated.access_token().token()};
        return;
      }
    }
    Remember(current_, next_current_,
             {rotated.access_token().name(), rotated.access_token().token()});
  }
}

void FuzzServer::CheckNoSecret(const FuzzCall& call, absl::string_view where,
                               absl::string_view text) const {
  for (const auto* ring : {&current_, &old_}) {
    for (const IssuedSecret& issued : *ring) {
      if (!issued.secret.empty() && absl::StrContains(text, issued.secret)) {
        Violation(call, absl::StrCat("the ", where, " contains the secret of ",
                                     issued.name));
      }
    }
  }
}

void FuzzServer::Run(absl::string_view input) {
  if (++inputs_ % kInputsPerDatabase == 0) {
    Stop();
    Start();
  }
  FuzzCall call = DecodeFuzzCall(input);

  // Substitute known secrets, and check whether the request parses, which
  // decides which status codes are acceptable.
  std::unique_ptr<google::protobuf::Message> request(
      factory_.GetPrototype(call.method->input_type())->New());
  const bool parsable = request->ParseFromString(call.request);
  const google::protobuf::FieldDescriptor* token_field =
      call.method->input_type()->FindFieldByName("token");
  if (parsable && token_field != nullptr &&
      token_field->type() == google::protobuf::FieldDescriptor::TYPE_STRING) {
    const google::protobuf::Reflection* reflection = request->GetReflection();
    const std::string secret =
        ResolveSecret(reflection->GetString(*request, token_field));
    if (!secret.empty()) {
      reflection->SetString(request.get(), token_field, secret);
      call.request = request->SerializeAsString();
    }
  }
  for (auto& [key, value] : call.metadata) {
    if (key != "private-token") continue;
    const std::string secret = ResolveSecret(value);
    if (!secret.empty()) value = secret;
  }

  // Make the call.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  std::vector<std::string> authorizations;
  switch (call.credential) {
    case CallerCredential::kAdmin:
      authorizations.push_back(absl::StrCat("Bearer ", kAdminCredential));
      break;
    case CallerCredential::kAuthenticate:
      authorizations.push_back(absl::StrCat("Bearer ", kGatewayCredential));
      break;
    case CallerCredential::kNone:
      break;
    case CallerCredential::kFuzzed:
      authorizations.push_back(call.authorization);
      break;
  }
  for (const std::string& value : authorizations) {
    context.AddMetadata("authorization", value);
  }
  for (const auto& [key, value] : call.metadata) {
    context.AddMetadata(key, value);
    if (key == "authorization") authorizations.push_back(value);
  }
  const std::string method = absl::StrCat(
      "/", Service().full_name(), "/", call.method->name());
  grpc::ByteBuffer request_buffer(
      [&] {
        grpc::Slice slice(call.request);
        return grpc::ByteBuffer(&slice, 1);
      }());
  grpc::ByteBuffer response_buffer;
  grpc::CompletionQueue queue;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader =
      stub_->PrepareUnaryCall(&context, method, request_buffer, &queue);
  reader->StartCall();
  grpc::Status status;
  reader->Finish(&response_buffer, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  CHECK(queue.Next(&tag, &ok));
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }

  // Check the rules.
  const grpc::StatusCode code = status.error_code();
  if (code == grpc::StatusCode::DEADLINE_EXCEEDED) {
    Violation(call, "the call ran into its 10 s deadline");
  }
  if (parsable && (code == grpc::StatusCode::INTERNAL ||
                   code == grpc::StatusCode::UNKNOWN ||
                   code == grpc::StatusCode::DATA_LOSS ||
                   code == grpc::StatusCode::UNIMPLEMENTED)) {
    Violation(call, absl::StrCat("status ", code, ": ", status.error_message()));
  }
  CheckNoSecret(call, "status message", status.error_message());
  if (!status.ok()) return;

  bool admin = false;
  bool gateway = false;
  for (const std::string& value : authorizations) {
    admin = admin || absl::StrContains(value, kAdminCredential);
    gateway = gateway || absl::StrContains(value, kGatewayCredential);
  }
  const bool authenticate = call.method->name() == "AuthenticateAccessToken";
  if (!admin && !(gateway && authenticate)) {
    Violation(call, "the call succeeded without a credential that allows it");
  }
  const std::string response = ToString(response_buffer);
  if (call.method->name() == "CreateAccessToken" ||
      call.method->name() == "RotateAccessToken") {
    RecordIssued(call, response);
  } else {
    CheckNoSecret(call, "response", response);
  }
}

}  // namespace
}  // namespace accesstokens::fuzz

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  FLAGS_logtostderr = true;
  // Every refused call logs a warning; only errors are worth the time.
  FLAGS_minloglevel = google::GLOG_ERROR;
  google::InitGoogleLogging("service_fuzzer");
  // Protobuf logs every string field with invalid UTF-8 that it refuses to
  // parse, which the fuzzer sends all the time.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Never destroyed: gRPC's threads may still run when the process exits.
  static auto* server = new accesstokens::fuzz::FuzzServer();
  server->Run(absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
