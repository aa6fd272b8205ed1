// Writes the seed corpus of the fuzz targets: one small, meaningful input
// per case into FOLDER/service and FOLDER/parser. The service seeds name
// the resources that service_fuzzer creates on every fresh database.
//
// Usage: write_fuzz_seeds FOLDER   (tests/fuzz/corpus in the repository)

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "accesstokens/v1/access_token_service.pb.h"
#include "service/pagination.h"
#include "tests/fuzz/fuzz_call.h"

namespace accesstokens::fuzz {
namespace {

constexpr char kRequestId[] = "3f2b8c1e-9a4d-4b7e-8f61-2c5d0e9a7b13";
// The listing that parser_fuzzer decodes page tokens against.
constexpr char kListing[] = "tokens\nprojects/10\n\n";

v1::Actor Owner() {
  v1::Actor actor;
  actor.set_user_id(1);
  actor.set_access_level(v1::ACCESS_LEVEL_OWNER);
  return actor;
}

class SeedWriter {
 public:
  explicit SeedWriter(std::filesystem::path folder)
      : folder_(std::move(folder)) {
    std::filesystem::create_directories(folder_ / "service");
    std::filesystem::create_directories(folder_ / "parser");
  }

  // Writes a service seed calling `method` with `request`.
  void Service(const std::string& name, const std::string& method,
               const google::protobuf::Message& request,
               CallerCredential credential = CallerCredential::kAdmin,
               std::vector<std::pair<std::string, std::string>> metadata = {},
               std::string authorization = "") {
    FuzzCall call;
    call.method = fuzz::Service().FindMethodByName(method);
    call.credential = credential;
    call.authorization = std::move(authorization);
    call.metadata = std::move(metadata);
    call.request = request.SerializeAsString();
    Write(folder_ / "service" / name, EncodeFuzzCall(call));
  }

  // Writes a parser seed: the parser's selector byte, then `text`.
  void Parser(const std::string& name, char parser, const std::string& text) {
    Write(folder_ / "parser" / name, std::string(1, parser) + text);
  }

  int written() const { return written_; }

 private:
  void Write(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << bytes;
    if (!file) {
      fprintf(stderr, "write_fuzz_seeds: cannot write %s\n", path.c_str());
      exit(1);
    }
    ++written_;
  }

  std::filesystem::path folder_;
  int written_ = 0;
};

void WriteServiceSeeds(SeedWriter& seeds) {
  {
    v1::CreateGroupRequest request;
    request.set_group_id(3);
    request.mutable_group()->set_display_name("Platform");
    request.mutable_group()->set_allow_project_access_token_creation(false);
    *request.mutable_actor() = Owner();
    seeds.Service("create_group", "CreateGroup", request);
    request.set_group_id(4);
    request.mutable_group()->set_parent("groups/1");
    request.mutable_group()->clear_allow_project_access_token_creation();
    seeds.Service("create_subgroup", "CreateGroup", request);
  }
  {
    v1::GetGroupRequest request;
    request.set_name("groups/1");
    seeds.Service("get_group", "GetGroup", request);
  }
  {
    v1::UpdateGroupRequest request;
    request.mutable_group()->set_name("groups/1");
    request.mutable_group()->set_display_name("Renamed");
    request.mutable_group()->set_allow_project_access_token_creation(false);
    request.mutable_update_mask()->add_paths("display_name");
    request.mutable_update_mask()->add_paths(
        "allow_project_access_token_creation");
    *request.mutable_actor() = Owner();
    seeds.Service("update_group", "UpdateGroup", request);
  }
  {
    v1::DeleteGroupRequest request;
    request.set_name("groups/2");
    request.set_force(true);
    *request.mutable_actor() = Owner();
    seeds.Service("delete_group", "DeleteGroup", request);
  }
  {
    v1::CreateProjectRequest request;
    request.set_project_id(12);
    request.mutable_project()->set_parent("groups/2");
    request.mutable_project()->set_display_name("Billing API");
    *request.mutable_actor() = Owner();
    seeds.Service("create_project", "CreateProject", request);
  }
  {
    v1::GetProjectRequest request;
    request.set_name("projects/10");
    seeds.Service("get_project", "GetProject", request);
  }
  {
    v1::UpdateProjectRequest request;
    request.mutable_project()->set_name("projects/11");
    request.mutable_project()->set_state(v1::RESOURCE_STATE_PENDING_DELETION);
    request.mutable_update_mask()->add_paths("state");
    *request.mutable_actor() = Owner();
    seeds.Service("update_project", "UpdateProject", request);
  }
  {
    v1::DeleteProjectRequest request;
    request.set_name("projects/11");
    *request.mutable_actor() = Owner();
    seeds.Service("delete_project", "DeleteProject", request);
  }
  {
    v1::CreateAccessTokenRequest request;
    request.set_parent("projects/10");
    request.mutable_access_token()->set_display_name("ci");
    request.mutable_access_token()->set_description("deploys\tthe site\n");
    request.mutable_access_token()->add_scopes(v1::SCOPE_READ_API);
    request.mutable_access_token()->add_scopes(v1::SCOPE_WRITE_REPOSITORY);
    request.mutable_access_token()->set_access_level(
        v1::ACCESS_LEVEL_DEVELOPER);
    request.set_request_id(kRequestId);
    *request.mutable_actor() = Owner();
    seeds.Service("create_access_token", "CreateAccessToken", request);
    seeds.Service("create_access_token_without_credential",
                  "CreateAccessToken", request, CallerCredential::kNone);
    seeds.Service("create_access_token_as_gateway", "CreateAccessToken",
                  request, CallerCredential::kAuthenticate);
    seeds.Service("create_access_token_wrong_credential", "CreateAccessToken",
                  request, CallerCredential::kFuzzed, {},
                  "Bearer fuzz-admin-credentia");
    request.set_parent("groups/1");
    request.clear_request_id();
    request.mutable_actor()->clear_user_id();
    request.mutable_actor()->set_bot_user("users/1");
    seeds.Service("create_group_access_token_as_bot", "CreateAccessToken",
                  request);
  }
  {
    v1::GetAccessTokenRequest request;
    request.set_name("projects/10/accessTokens/1");
    seeds.Service("get_access_token", "GetAccessToken", request);
  }
  {
    v1::ListAccessTokensRequest request;
    request.set_parent("projects/10");
    request.set_filter(
        "state = active AND display_name : \"se\\\"ed\" AND "
        "create_time > \"2026-01-01T00:00:00Z\"");
    request.set_order_by("display_name desc");
    request.set_page_size(1);
    seeds.Service("list_access_tokens", "ListAccessTokens", request);
    request.set_filter("last_use_time = null AND expires_on <= \"2099-01-01\"");
    request.set_order_by("last_use_time");
    request.set_page_token(EncodePageToken(
        "tokens\nprojects/10\nlast_use_time = null AND expires_on <= "
        "\"2099-01-01\"\nlast_use_time",
        PageCursor{int64_t{0}, 1}));
    seeds.Service("list_access_tokens_second_page", "ListAccessTokens",
                  request);
  }
  {
    v1::RevokeAccessTokenRequest request;
    request.set_name("projects/10/accessTokens/2");
    *request.mutable_actor() = Owner();
    seeds.Service("revoke_access_token", "RevokeAccessToken", request);
  }
  {
    v1::RotateAccessTokenRequest request;
    request.set_name("projects/10/accessTokens/1");
    request.set_request_id(kRequestId);
    *request.mutable_actor() = Owner();
    seeds.Service("rotate_access_token", "RotateAccessToken", request);
    request.Clear();
    request.set_token("@secret:2");
    seeds.Service("rotate_access_token_by_secret", "RotateAccessToken",
                  request);
    request.set_token("@old:0");
    seeds.Service("rotate_access_token_reused", "RotateAccessToken", request);
  }
  {
    v1::AuthenticateAccessTokenRequest request;
    request.set_token("@secret:1");
    request.set_client_address("203.0.113.7");
    seeds.Service("authenticate", "AuthenticateAccessToken", request,
                  CallerCredential::kAuthenticate);
    request.Clear();
    seeds.Service("authenticate_by_metadata", "AuthenticateAccessToken",
                  request, CallerCredential::kAuthenticate,
                  {{"private-token", "@secret:3"},
                   {"x-forwarded-for", "198.51.100.1"}});
    request.set_token("glpat-unknown");
    seeds.Service("authenticate_unknown", "AuthenticateAccessToken", request,
                  CallerCredential::kAuthenticate);
  }
  {
    v1::GetBotUserRequest request;
    request.set_name("users/1");
    seeds.Service("get_bot_user", "GetBotUser", request);
  }
  {
    v1::ListBotUsersRequest request;
    request.set_parent("projects/10");
    request.set_page_size(1);
    seeds.Service("list_bot_users", "ListBotUsers", request);
  }
  seeds.Service("list_scopes", "ListScopes", v1::ListScopesRequest());
  {
    v1::ListAuditEventsRequest request;
    request.set_filter(
        "target : \"projects/10\" AND action = create_access_token AND "
        "time >= \"2026-01-01T00:00:00Z\"");
    seeds.Service("list_audit_events", "ListAuditEvents", request);
  }
}

void WriteParserSeeds(SeedWriter& seeds) {
  seeds.Parser("filter_tokens", 0,
               "state = active AND display_name : \"c\\\"i\" AND "
               "create_time >= \"2026-01-01T00:00:00Z\"");
  seeds.Parser("filter_last_use", 0,
               "last_use_time = null AND expires_on < 2027-01-31");
  seeds.Parser("filter_audit", 0,
               "target : \"groups/1\" AND action = ACTION_ROTATE_ACCESS_TOKEN");
  seeds.Parser("order_by", 0, "display_name desc");
  seeds.Parser("page_token_number", 1,
               EncodePageToken(kListing, PageCursor{int64_t{42}, 7}));
  seeds.Parser("page_token_text", 1,
               EncodePageToken(kListing, PageCursor{std::string("ci"), 3}));
  seeds.Parser("name_token", 2, "projects/10/accessTokens/3");
  seeds.Parser("name_group", 2, "groups/9223372036854775807");
  seeds.Parser("name_user", 2, "users/7");
  seeds.Parser("date", 3, "2026-07-01");
  seeds.Parser("text_display_name", 4, "Billing API \xC3\xA9");
  seeds.Parser("text_request_id", 4, kRequestId);
  seeds.Parser("scopes", 5, std::string("\x00\x01\x00\x02\x00\x06", 6));
}

}  // namespace
}  // namespace accesstokens::fuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FOLDER\n", argv[0]);
    return 2;
  }
  accesstokens::fuzz::SeedWriter seeds(argv[1]);
  accesstokens::fuzz::WriteServiceSeeds(seeds);
  accesstokens::fuzz::WriteParserSeeds(seeds);
  printf("write_fuzz_seeds: wrote %d seeds under %s\n", seeds.written(),
         argv[1]);
  return 0;
}
