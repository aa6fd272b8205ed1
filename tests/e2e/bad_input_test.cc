// Every bad input to CreateAccessToken gets its precise status and a message
// naming the value, and leaves no bot user, membership or token behind.
// Oversized fields of every request get INVALID_ARGUMENT naming the field
// and its limit, and requests above the server's message size limit get
// RESOURCE_EXHAUSTED from gRPC.

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "service/policy.h"
#include "service/server.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/sqlite_query.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::OwnerActor;
using ::accesstokens::testing::QueryInt64;
using ::accesstokens::testing::ServerProcessTest;
using Stub = v1::AccessTokenService::Stub;

// 1 MiB, the size of the "huge" values below.
constexpr size_t kHuge = 1 << 20;

struct BadTokenCase {
  std::string description;
  std::function<void(v1::CreateAccessTokenRequest&)> mutate;
  grpc::StatusCode code;
  std::string message_fragment;
};

class BadInputTest : public ServerProcessTest {
 protected:
  void SetUp() override {
    ServerProcessTest::SetUp();
    ASSERT_TRUE(api_->CreateGroup(109).ok());
    ASSERT_TRUE(api_->CreateProject(123, "groups/109").ok());
  }

  static v1::CreateAccessTokenRequest ValidRequest() {
    v1::CreateAccessTokenRequest request;
    request.set_parent("projects/123");
    request.mutable_access_token()->set_display_name("ci");
    request.mutable_access_token()->add_scopes(v1::SCOPE_READ_REPOSITORY);
    *request.mutable_actor() = testing::OwnerActor();
    return request;
  }

  // Returns the status of `method` called with `request` and `metadata`.
  template <typename Request, typename Response>
  grpc::Status Status(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request,
      std::initializer_list<std::pair<std::string, std::string>> metadata =
          {}) {
    return api_->Call(method, request, metadata).status;
  }

  int64_t CountRows(const std::string& table) {
    absl::StatusOr<int64_t> count = QueryInt64(
        server_->database_path(), absl::StrCat("SELECT count(*) FROM ", table));
    EXPECT_TRUE(count.ok()) << count.status();
    return count.value_or(-1);
  }
};

TEST_F(BadInputTest, CreateAccessTokenRejectsEachBadInput) {
  const absl::CivilDay today = TodayUtc();
  const std::string last_allowed = FormatDate(today + 365);
  const std::vector<BadTokenCase> cases = {
      {"empty parent", [](auto& r) { r.set_parent(""); },
       grpc::StatusCode::INVALID_ARGUMENT, "parent is required"},
      {"parent of an unknown kind", [](auto& r) { r.set_parent("users/5"); },
       grpc::StatusCode::INVALID_ARGUMENT, "parent \"users/5\" is not a valid name"},
      {"parent id not a number",
       [](auto& r) { r.set_parent("projects/abc"); },
       grpc::StatusCode::INVALID_ARGUMENT, "has the id \"abc\""},
      {"parent id zero", [](auto& r) { r.set_parent("projects/0"); },
       grpc::StatusCode::INVALID_ARGUMENT, "has the id \"0\""},
      {"parent id negative", [](auto& r) { r.set_parent("groups/-109"); },
       grpc::StatusCode::INVALID_ARGUMENT, "has the id \"-109\""},
      {"missing project", [](auto& r) { r.set_parent("projects/999"); },
       grpc::StatusCode::NOT_FOUND, "project \"projects/999\" not found"},
      {"missing group", [](auto& r) { r.set_parent("groups/999"); },
       grpc::StatusCode::NOT_FOUND, "group \"groups/999\" not found"},
      {"no scopes",
       [](auto& r) { r.mutable_access_token()->clear_scopes(); },
       grpc::StatusCode::INVALID_ARGUMENT,
       "scopes is empty; give at least one of: api, read_api"},
      {"unknown scope number",
       [](auto& r) {
         r.mutable_access_token()->add_scopes(static_cast<v1::Scope>(42));
       },
       grpc::StatusCode::INVALID_ARGUMENT, "scope 42 is not one of: api"},
      {"unspecified scope",
       [](auto& r) { r.mutable_access_token()->add_scopes(v1::SCOPE_UNSPECIFIED); },
       grpc::StatusCode::INVALID_ARGUMENT, "SCOPE_UNSPECIFIED"},
      {"access level between levels",
       [](auto& r) {
         r.mutable_access_token()->set_access_level(
             static_cast<v1::AccessLevel>(25));
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "access_level 25 is not one of: 10 (guest), 15 (planner)"},
      {"access level above owner",
       [](auto& r) {
         r.mutable_access_token()->set_access_level(
             static_cast<v1::AccessLevel>(60));
       },
       grpc::StatusCode::INVALID_ARGUMENT, "access_level 60"},
      {"malformed date",
       [](auto& r) { r.mutable_access_token()->set_expires_on("2027-13-01"); },
       grpc::StatusCode::INVALID_ARGUMENT,
       "expires_on \"2027-13-01\" is not a valid date; expected YYYY-MM-DD"},
      {"date in words",
       [](auto& r) { r.mutable_access_token()->set_expires_on("next week"); },
       grpc::StatusCode::INVALID_ARGUMENT, "expires_on \"next week\""},
      {"date today",
       [&](auto& r) {
         r.mutable_access_token()->set_expires_on(FormatDate(today));
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       absl::StrCat("expires_on ", FormatDate(today), " is not after today")},
      {"date in the past",
       [](auto& r) { r.mutable_access_token()->set_expires_on("2020-01-01"); },
       grpc::StatusCode::INVALID_ARGUMENT, "2020-01-01 is not after today"},
      {"date beyond the maximum lifetime",
       [&](auto& r) {
         r.mutable_access_token()->set_expires_on(FormatDate(today + 366));
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       absl::StrCat("the last allowed date is ", last_allowed)},
      {"empty display name",
       [](auto& r) { r.mutable_access_token()->set_display_name(""); },
       grpc::StatusCode::INVALID_ARGUMENT,
       "access_token.display_name is empty"},
      {"blank display name",
       [](auto& r) { r.mutable_access_token()->set_display_name("   "); },
       grpc::StatusCode::INVALID_ARGUMENT,
       "access_token.display_name is blank"},
      {"over-long display name",
       [](auto& r) {
         r.mutable_access_token()->set_display_name(std::string(256, 'n'));
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "access_token.display_name has 256 characters; at most 255"},
      {"huge display name",
       [](auto& r) {
         r.mutable_access_token()->set_display_name(
             std::string(1 << 20, 'n'));
       },
       grpc::StatusCode::INVALID_ARGUMENT, "has 1048576 characters"},
      {"over-long description",
       [](auto& r) {
         r.mutable_access_token()->set_description(std::string(1025, 'd'));
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "description has 1025 characters; at most 1024"},
      {"thousands of scopes",
       [](auto& r) {
         for (int i = 0; i < 5000; ++i) {
           r.mutable_access_token()->add_scopes(v1::SCOPE_API);
         }
       },
       grpc::StatusCode::INVALID_ARGUMENT, "at most 64 are allowed"},
  };

  for (const BadTokenCase& c : cases) {
    v1::CreateAccessTokenRequest request = ValidRequest();
    c.mutate(request);
    auto result =
        api_->Call(&v1::AccessTokenService::Stub::CreateAccessToken, request);
    EXPECT_EQ(result.code(), c.code) << c.description << ": " << result.status;
    EXPECT_TRUE(absl::StrContains(result.message(), c.message_fragment))
        << c.description << ": message \"" << result.message()
        << "\" lacks \"" << c.message_fragment << "\"";
  }

  // Nothing of the rejected calls reached the database.
  EXPECT_EQ(CountRows("users"), 0);
  EXPECT_EQ(CountRows("memberships"), 0);
  EXPECT_EQ(CountRows("access_tokens"), 0);
  EXPECT_EQ(CountRows("bot_name_counters"), 0);

  // The first accepted token still gets the first bot name.
  auto accepted = api_->Call(
      &v1::AccessTokenService::Stub::CreateAccessToken, ValidRequest());
  ASSERT_TRUE(accepted.ok()) << accepted.status;
  EXPECT_EQ(accepted.response.bot_user().username(), "project_123_bot");
}

TEST_F(BadInputTest, BoundaryValuesAreAccepted) {
  const absl::CivilDay today = TodayUtc();
  std::string long_name;
  for (int i = 0; i < 255; ++i) long_name += "\xC3\xA9";  // é, two bytes.

  const std::vector<std::function<void(v1::CreateAccessTokenRequest&)>>
      accepted = {
          [&](auto& r) {
            r.mutable_access_token()->set_expires_on(FormatDate(today + 1));
          },
          [&](auto& r) {
            r.mutable_access_token()->set_expires_on(FormatDate(today + 365));
          },
          [&](auto& r) { r.mutable_access_token()->set_display_name(long_name); },
          [](auto& r) {
            r.mutable_access_token()->set_description(std::string(1024, 'd'));
          },
          [](auto& r) {
            r.mutable_access_token()->set_access_level(v1::ACCESS_LEVEL_OWNER);
          },
          [](auto& r) {
            r.mutable_access_token()->set_access_level(v1::ACCESS_LEVEL_GUEST);
          },
      };
  for (size_t i = 0; i < accepted.size(); ++i) {
    v1::CreateAccessTokenRequest request = ValidRequest();
    accepted[i](request);
    auto result =
        api_->Call(&v1::AccessTokenService::Stub::CreateAccessToken, request);
    EXPECT_TRUE(result.ok()) << "case " << i << ": " << result.status;
  }
}

struct OversizedCase {
  std::string description;
  std::function<grpc::Status()> call;
  std::string message_fragment;
};

TEST_F(BadInputTest, OversizedFieldsAreRejectedBeforeTheDatabase) {
  const std::string huge(kHuge, 'x');
  const std::string huge_name = "projects/" + std::string(kHuge, '1');
  const std::string too_long =
      absl::StrCat("bytes; at most ", kMaxNameLength, " are allowed");
  const std::vector<OversizedCase> cases = {
      {"group display name",
       [&] {
         v1::CreateGroupRequest request;
         request.set_group_id(1);
         request.mutable_group()->set_display_name(huge);
         *request.mutable_actor() = OwnerActor();
         return Status(&Stub::CreateGroup, request);
       },
       "group.display_name has 1048576 characters; at most 255 are allowed"},
      {"project display name",
       [&] {
         v1::CreateProjectRequest request;
         request.set_project_id(1);
         request.mutable_project()->set_display_name(huge);
         *request.mutable_actor() = OwnerActor();
         return Status(&Stub::CreateProject, request);
       },
       "project.display_name has 1048576 characters; at most 255"},
      {"group display name in an update",
       [&] {
         v1::UpdateGroupRequest request;
         request.mutable_group()->set_name("groups/109");
         request.mutable_group()->set_display_name(huge);
         request.mutable_update_mask()->add_paths("display_name");
         *request.mutable_actor() = OwnerActor();
         return Status(&Stub::UpdateGroup, request);
       },
       "group.display_name has 1048576 characters; at most 255"},
      {"update mask path",
       [&] {
         v1::UpdateProjectRequest request;
         request.mutable_project()->set_name("projects/123");
         request.mutable_update_mask()->add_paths(huge);
         *request.mutable_actor() = OwnerActor();
         return Status(&Stub::UpdateProject, request);
       },
       "cannot be updated; allowed paths: display_name, state"},
      {"token description",
       [&] {
         v1::CreateAccessTokenRequest request = ValidRequest();
         request.mutable_access_token()->set_description(huge);
         return Status(&Stub::CreateAccessToken, request);
       },
       "description has 1048576 characters; at most 1024 are allowed"},
      {"token request id",
       [&] {
         v1::CreateAccessTokenRequest request = ValidRequest();
         request.set_request_id(huge);
         return Status(&Stub::CreateAccessToken, request);
       },
       "is not a UUID; expected 36 characters"},
      {"token parent",
       [&] {
         v1::CreateAccessTokenRequest request = ValidRequest();
         request.set_parent(huge_name);
         return Status(&Stub::CreateAccessToken, request);
       },
       absl::StrCat("1...\" has 1048585 ", too_long)},
      {"bot user of the actor",
       [&] {
         v1::CreateAccessTokenRequest request = ValidRequest();
         request.mutable_actor()->set_bot_user("users/" + huge);
         return Status(&Stub::CreateAccessToken, request);
       },
       "actor.bot_user \"users/xxx"},
      {"token name to get",
       [&] {
         v1::GetAccessTokenRequest request;
         request.set_name(huge_name);
         return Status(&Stub::GetAccessToken, request);
       },
       too_long},
      {"token name to revoke",
       [&] {
         v1::RevokeAccessTokenRequest request;
         request.set_name(huge_name);
         *request.mutable_actor() = OwnerActor();
         return Status(&Stub::RevokeAccessToken, request);
       },
       too_long},
      {"group name to delete",
       [&] {
         v1::DeleteGroupRequest request;
         request.set_name("groups/" + huge);
         *request.mutable_actor() = OwnerActor();
         return Status(&Stub::DeleteGroup, request);
       },
       too_long},
      {"bot user name",
       [&] {
         v1::GetBotUserRequest request;
         request.set_name("users/" + huge);
         return Status(&Stub::GetBotUser, request);
       },
       too_long},
      {"secret to rotate",
       [&] {
         v1::RotateAccessTokenRequest request;
         request.set_token(huge);
         return Status(&Stub::RotateAccessToken, request);
       },
       "token has 1048576 bytes; at most 1024 are allowed"},
      {"expiry date of a rotation",
       [&] {
         v1::RotateAccessTokenRequest request;
         request.set_name("projects/123/accessTokens/1");
         request.set_expires_on(huge);
         *request.mutable_actor() = OwnerActor();
         return Status(&Stub::RotateAccessToken, request);
       },
       "is not a valid date; expected YYYY-MM-DD"},
      {"secret to authenticate",
       [&] {
         v1::AuthenticateAccessTokenRequest request;
         request.set_token(huge);
         return Status(&Stub::AuthenticateAccessToken, request);
       },
       "token has 1048576 bytes; at most 1024 are allowed"},
      {"secret in the private-token metadata",
       [&] {
         return Status(&Stub::AuthenticateAccessToken,
                       v1::AuthenticateAccessTokenRequest(),
                       {{"private-token", std::string(4096, 'x')}});
       },
       "token has 4096 bytes; at most 1024 are allowed"},
      {"client address",
       [&] {
         v1::AuthenticateAccessTokenRequest request;
         request.set_token("glpat-unknown");
         request.set_client_address(huge);
         return Status(&Stub::AuthenticateAccessToken, request);
       },
       "client_address has 1048576 bytes; at most 64 are allowed"},
      {"token filter",
       [&] {
         v1::ListAccessTokensRequest request;
         request.set_parent("projects/123");
         request.set_filter(huge);
         return Status(&Stub::ListAccessTokens, request);
       },
       "filter has 1048576 bytes; at most 2048 are allowed"},
      {"token order",
       [&] {
         v1::ListAccessTokensRequest request;
         request.set_parent("projects/123");
         request.set_order_by(huge);
         return Status(&Stub::ListAccessTokens, request);
       },
       "order_by has 1048576 bytes; at most 64 are allowed"},
      {"token page token",
       [&] {
         v1::ListAccessTokensRequest request;
         request.set_parent("projects/123");
         request.set_page_token(huge);
         return Status(&Stub::ListAccessTokens, request);
       },
       "page_token has 1048576 bytes; at most 4096 are allowed"},
      {"bot user page token",
       [&] {
         v1::ListBotUsersRequest request;
         request.set_parent("projects/123");
         request.set_page_token(huge);
         return Status(&Stub::ListBotUsers, request);
       },
       "page_token has 1048576 bytes; at most 4096 are allowed"},
      {"audit filter",
       [&] {
         v1::ListAuditEventsRequest request;
         request.set_filter(huge);
         return Status(&Stub::ListAuditEvents, request);
       },
       "filter has 1048576 bytes; at most 2048 are allowed"},
      {"audit page token",
       [&] {
         v1::ListAuditEventsRequest request;
         request.set_page_token(huge);
         return Status(&Stub::ListAuditEvents, request);
       },
       "page_token has 1048576 bytes; at most 4096 are allowed"},
  };

  const int64_t audit_events = CountRows("audit_events");
  for (const OversizedCase& c : cases) {
    const grpc::Status status = c.call();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.description << ": " << status;
    EXPECT_TRUE(absl::StrContains(status.error_message(), c.message_fragment))
        << c.description << ": message \"" << status.error_message()
        << "\" lacks \"" << c.message_fragment << "\"";
    EXPECT_LT(status.error_message().size(), 1000u)
        << c.description << ": the message quotes too much of the value";
  }

  // Nothing of the rejected calls reached the database.
  EXPECT_EQ(CountRows("groups"), 1);
  EXPECT_EQ(CountRows("projects"), 1);
  EXPECT_EQ(CountRows("users"), 0);
  EXPECT_EQ(CountRows("access_tokens"), 0);
  EXPECT_EQ(CountRows("audit_events"), audit_events);
}

// Returns a CreateGroup request whose serialized size is exactly `bytes`.
v1::CreateGroupRequest CreateGroupRequestOfSize(size_t bytes) {
  v1::CreateGroupRequest request;
  request.set_group_id(1);
  *request.mutable_actor() = OwnerActor();
  request.mutable_group()->set_display_name("");
  const size_t base = request.ByteSizeLong();
  // The name's length prefix grows with the name, so shrink it until the
  // total fits.
  size_t length = bytes - base;
  do {
    request.mutable_group()->set_display_name(std::string(length--, 'n'));
  } while (request.ByteSizeLong() > bytes);
  EXPECT_EQ(request.ByteSizeLong(), bytes);
  return request;
}

TEST_F(BadInputTest, RequestsAboveTheSizeLimitGetResourceExhausted) {
  const size_t limit = kDefaultMaxRequestBytes;
  const grpc::Status at_limit =
      Status(&Stub::CreateGroup, CreateGroupRequestOfSize(limit));
  EXPECT_EQ(at_limit.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << at_limit;
  EXPECT_TRUE(absl::StrContains(at_limit.error_message(),
                                "group.display_name has "))
      << at_limit;

  const grpc::Status above_limit =
      Status(&Stub::CreateGroup, CreateGroupRequestOfSize(limit + 1));
  EXPECT_EQ(above_limit.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << above_limit;
  EXPECT_TRUE(absl::StrContains(above_limit.error_message(),
                                absl::StrCat(limit)))
      << above_limit;

  // The server keeps serving on the same connection.
  EXPECT_TRUE(api_->GetToken("projects/123/accessTokens/1").code() ==
              grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(CountRows("groups"), 1);
}

TEST_F(BadInputTest, MaxRequestBytesFlagSetsTheLimit) {
  RestartServer({"--max_request_bytes=65536"});
  EXPECT_EQ(Status(&Stub::CreateGroup, CreateGroupRequestOfSize(65536))
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Status(&Stub::CreateGroup, CreateGroupRequestOfSize(65537))
                .error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

// Sends `body` as the request of `method` and returns the call's status.
grpc::Status CallWithBody(const std::shared_ptr<grpc::Channel>& channel,
                          const std::string& method, absl::string_view body) {
  grpc::GenericStub stub(channel);
  grpc::Slice slice(body.data(), body.size());
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  grpc::ClientContext context;
  grpc::CompletionQueue queue;
  auto call = stub.PrepareUnaryCall(
      &context, "/accesstokens.v1.AccessTokenService/" + method, request,
      &queue);
  call->StartCall();
  grpc::Status status;
  call->Finish(&response, &status, nullptr);
  void* tag;
  bool ok;
  EXPECT_TRUE(queue.Next(&tag, &ok));
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return status;
}

// Truncated, with a field of a wrong wire type, and with invalid UTF-8 in
// a string field (group.display_name, client_address).
constexpr absl::string_view kUnparsableBodies[] = {
    absl::string_view("\x08", 1),
    absl::string_view("\x12\x05\x0a\x03", 4),
    absl::string_view("\x12\x04\x1a\x02\xc3\x28", 6),
};

TEST_F(BadInputTest, UnparsableRequestsNeverReachTheService) {
  for (absl::string_view body : kUnparsableBodies) {
    const grpc::Status status =
        CallWithBody(server_->NewChannel(), "CreateGroup", body);
    // gRPC 1.51's callback API rejects a request that it cannot parse
    // with UNIMPLEMENTED and no message, before any handler runs.
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED)
        << testing::Describe(status);
  }
  EXPECT_EQ(CountRows("groups"), 1);
}

TEST_F(BadInputTest, UnparsableAuthenticationIsInvalidArgument) {
  // AuthenticateAccessToken parses its request itself.
  for (absl::string_view body : kUnparsableBodies) {
    const grpc::Status status =
        CallWithBody(server_->NewChannel(), "AuthenticateAccessToken", body);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << testing::Describe(status);
    EXPECT_EQ(status.error_message(),
              "the request (" + std::to_string(body.size()) +
                  " bytes) is not a valid AuthenticateAccessTokenRequest");
  }
}

TEST_F(BadInputTest, MetadataAboveTheLimitOfGrpcIsRejected) {
  const grpc::Status status =
      Status(&Stub::AuthenticateAccessToken,
             v1::AuthenticateAccessTokenRequest(),
             {{"private-token", std::string(kHuge, 'x')}});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status;
}

}  // namespace
}  // namespace accesstokens
