#include "bench/scenarios.h"

#include <atomic>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "accesstokens/bench/v1/empty_service.pb.h"
#include "accesstokens/v1/access_token_service.pb.h"
#include "service/pagination.h"
#include "service/requests.h"
#include "storage/resource.h"

namespace accesstokens::bench {
namespace {

// The API; bench::v1 is the baseline service.
namespace api = ::accesstokens::v1;

constexpr char kServicePath[] = "/accesstokens.v1.AccessTokenService/";
// Client addresses come from 198.18.0.0/15, which contains 2^17 addresses.
constexpr int64_t kMaxClientAddresses = int64_t{1} << 17;

grpc::ByteBuffer Serialize(const google::protobuf::MessageLite& message) {
  grpc::Slice slice(message.SerializeAsString());
  return grpc::ByteBuffer(&slice, 1);
}

api::Actor OwnerActor() {
  api::Actor actor;
  actor.set_user_id(1);
  actor.set_access_level(api::ACCESS_LEVEL_OWNER);
  return actor;
}

// A scenario whose calls all carry one fixed request.
class FixedScenario final : public Scenario {
 public:
  FixedScenario(std::string method, grpc::ByteBuffer request)
      : method_(std::move(method)), request_(std::move(request)) {}

  std::optional<Call> Next(absl::InsecureBitGen&) override {
    return Call{&method_, request_};
  }

 private:
  const std::string method_;
  const grpc::ByteBuffer request_;
};

// The token indexes of the picking and consuming ranges.
class TokenPicker {
 public:
  TokenPicker(const SeedLayout& layout, int64_t begin, int64_t end,
              int64_t working_set)
      : layout_(layout), begin_(begin), end_(end), working_set_(working_set) {}

  // Returns an active token: from the working set, or uniformly.
  int64_t PickActive(absl::InsecureBitGen& random) const {
    const int64_t size = end_ - begin_;
    int64_t index;
    if (working_set_ > 0) {
      const int64_t member = absl::Uniform<int64_t>(random, 0, working_set_);
      index = begin_ + member * size / working_set_;
    } else {
      index = absl::Uniform<int64_t>(random, begin_, end_);
    }
    // Revoked tokens are never neighbours, so one step away is active.
    if (!layout_.IsRevoked(index)) return index;
    return index + 1 < end_ ? index + 1 : index - 1;
  }

  // Returns a revoked token, uniformly. REQUIRES: RevokedCount() > 0.
  int64_t PickRevoked(absl::InsecureBitGen& random) const {
    const int64_t n = absl::Uniform<int64_t>(random, 0, RevokedCount());
    return FirstRevoked() + n * layout_.revoked_every;
  }

  int64_t RevokedCount() const {
    if (layout_.revoked_every == 0 || FirstRevoked() >= end_) return 0;
    return (end_ - 1 - FirstRevoked()) / layout_.revoked_every + 1;
  }

 private:
  int64_t FirstRevoked() const {
    const int64_t every = layout_.revoked_every;
    return begin_ + ((every - 1 - begin_ % every) + every) % every;
  }

  const SeedLayout& layout_;
  const int64_t begin_;
  const int64_t end_;
  const int64_t working_set_;
};

// Hands out each active token of a range once, in index order.
class TokenSupply {
 public:
  TokenSupply(const SeedLayout& layout, int64_t begin, int64_t end)
      : layout_(layout), next_(begin), end_(end) {}

  std::optional<int64_t> Take() {
    while (true) {
      const int64_t index = next_.fetch_add(1, std::memory_order_relaxed);
      if (index >= end_) return std::nullopt;
      if (!layout_.IsRevoked(index)) return index;
    }
  }

 private:
  const SeedLayout& layout_;
  std::atomic<int64_t> next_;
  const int64_t end_;
};

class AuthenticateScenario final : public Scenario {
 public:
  enum class Kind { kValid, kUnknown, kRevoked };

  AuthenticateScenario(const ScenarioOptions& options, Kind kind,
                       int64_t end)
      : layout_(options.layout),
        kind_(kind),
        client_addresses_(options.client_addresses),
        picker_(layout_, options.token_begin, end, options.working_set) {}

  std::optional<Call> Next(absl::InsecureBitGen& random) override {
    api::AuthenticateAccessTokenRequest request;
    switch (kind_) {
      case Kind::kValid:
        request.set_token(layout_.Secret(picker_.PickActive(random)));
        break;
      case Kind::kUnknown:
        request.set_token(layout_.UnknownSecret(absl::Uniform<uint64_t>(random)));
        break;
      case Kind::kRevoked:
        request.set_token(layout_.Secret(picker_.PickRevoked(random)));
        break;
    }
    if (client_addresses_ > 0) {
      const int64_t n = absl::Uniform<int64_t>(random, 0, client_addresses_);
      request.set_client_address(absl::StrCat("198.", 18 + (n >> 16), ".",
                                              (n >> 8) & 255, ".", n & 255));
    }
    return Call{&method_, Serialize(request)};
  }

  grpc::StatusCode expected_status() const override {
    return kind_ == Kind::kValid ? grpc::StatusCode::OK
                                 : grpc::StatusCode::UNAUTHENTICATED;
  }

  const TokenPicker& picker() const { return picker_; }

 private:
  const std::string method_ =
      absl::StrCat(kServicePath, "AuthenticateAccessToken");
  const SeedLayout layout_;
  const Kind kind_;
  const int64_t client_addresses_;
  const TokenPicker picker_;
};

// Creates, rotates and revokes tokens.
class WriteCalls {
 public:
  WriteCalls(const SeedLayout& layout, int64_t consume_begin,
             int64_t consume_end)
      : layout_(layout), supply_(layout_, consume_begin, consume_end) {}

  Call Create(absl::InsecureBitGen& random) const {
    api::CreateAccessTokenRequest request;
    const int64_t project =
        layout_.project_count > 1
            ? absl::Uniform<int64_t>(absl::IntervalClosed, random, 2,
                                     layout_.project_count)
            : 1;
    request.set_parent(ProjectName(project));
    api::AccessToken* token = request.mutable_access_token();
    token->set_display_name("bench");
    token->add_scopes(api::SCOPE_READ_API);
    *request.mutable_actor() = OwnerActor();
    return Call{&create_method_, Serialize(request)};
  }

  std::optional<Call> Rotate() {
    std::optional<int64_t> index = supply_.Take();
    if (!index.has_value()) return std::nullopt;
    api::RotateAccessTokenRequest request;
    request.set_name(layout_.TokenName(*index));
    *request.mutable_actor() = OwnerActor();
    return Call{&rotate_method_, Serialize(request)};
  }

  std::optional<Call> Revoke() {
    std::optional<int64_t> index = supply_.Take();
    if (!index.has_value()) return std::nullopt;
    api::RevokeAccessTokenRequest request;
    request.set_name(layout_.TokenName(*index));
    *request.mutable_actor() = OwnerActor();
    return Call{&revoke_method_, Serialize(request)};
  }

 private:
  const std::string create_method_ =
      absl::StrCat(kServicePath, "CreateAccessToken");
  const std::string rotate_method_ =
      absl::StrCat(kServicePath, "RotateAccessToken");
  const std::string revoke_method_ =
      absl::StrCat(kServicePath, "RevokeAccessToken");
  const SeedLayout layout_;
  TokenSupply supply_;
};

class WriteScenario final : public Scenario {
 public:
  enum class Kind { kCreate, kRotate, kRevoke };

  WriteScenario(const ScenarioOptions& options, Kind kind, int64_t consume_end)
      : kind_(kind),
        writes_(options.layout, options.consume_begin, consume_end) {}

  std::optional<Call> Next(absl::InsecureBitGen& random) override {
    switch (kind_) {
      case Kind::kCreate:
        return writes_.Create(random);
      case Kind::kRotate:
        return writes_.Rotate();
      case Kind::kRevoke:
        return writes_.Revoke();
    }
    return std::nullopt;
  }

 private:
  const Kind kind_;
  WriteCalls writes_;
};

// Valid authentications, and writes in turn: create, rotate, revoke. Once
// the consumed range is used up, every write creates.
class MixScenario final : public Scenario {
 public:
  MixScenario(const ScenarioOptions& options, int64_t token_end,
              int64_t consume_end)
      : write_fraction_(options.write_fraction),
        authenticate_(options, AuthenticateScenario::Kind::kValid, token_end),
        writes_(options.layout, options.consume_begin, consume_end) {}

  std::optional<Call> Next(absl::InsecureBitGen& random) override {
    if (!absl::Bernoulli(random, write_fraction_)) {
      return authenticate_.Next(random);
    }
    const uint64_t turn = write_turn_.fetch_add(1, std::memory_order_relaxed);
    std::optional<Call> call;
    if (turn % 3 == 1) call = writes_.Rotate();
    if (turn % 3 == 2) call = writes_.Revoke();
    if (!call.has_value()) call = writes_.Create(random);
    return call;
  }

 private:
  const double write_fraction_;
  AuthenticateScenario authenticate_;
  WriteCalls writes_;
  std::atomic<uint64_t> write_turn_{0};
};

// Returns the request of the first page of project 1, or of the page
// after the token at `depth` of its tokens.
absl::StatusOr<grpc::ByteBuffer> ListRequest(const ScenarioOptions& options,
                                             double depth) {
  api::ListAccessTokensRequest request;
  request.set_parent(ProjectName(1));
  request.set_page_size(options.page_size);
  if (depth > 0) {
    // The server's own encoding, so that the token stays valid when its
    // format changes. In creation order the cursor is the token id.
    absl::StatusOr<TokenListing> listing = ParseTokenListing(
        request, absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()));
    if (!listing.ok()) return listing.status();
    const int64_t index = static_cast<int64_t>(
        depth * static_cast<double>(options.layout.big_project_tokens));
    const int64_t id = SeedLayout::TokenId(index);
    request.set_page_token(
        EncodePageToken(listing->listing, PageCursor{id, id}));
  }
  return Serialize(request);
}

}  // namespace

std::vector<std::string> ScenarioNames() {
  return {"empty",           "authenticate_valid", "authenticate_unknown",
          "authenticate_revoked", "create",        "rotate",
          "revoke",          "list_first_page",    "list_deep_page",
          "mix"};
}

absl::StatusOr<std::unique_ptr<Scenario>> MakeScenario(
    absl::string_view name, const ScenarioOptions& options) {
  const SeedLayout& layout = options.layout;
  const int64_t token_end =
      options.token_end < 0 ? layout.token_count : options.token_end;
  const int64_t consume_end =
      options.consume_end < 0 ? layout.token_count : options.consume_end;
  if (options.token_begin < 0 || token_end > layout.token_count ||
      token_end - options.token_begin < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "token range ", options.token_begin, " to ", token_end,
        " is invalid; it must hold at least 2 of the layout's ",
        layout.token_count, " token indexes"));
  }
  if (options.consume_begin < 0 || consume_end > layout.token_count) {
    return absl::InvalidArgumentError(absl::StrCat(
        "consumed range ", options.consume_begin, " to ", consume_end,
        " is invalid; it must lie within the layout's ", layout.token_count,
        " token indexes"));
  }
  if (options.client_addresses < 0 ||
      options.client_addresses > kMaxClientAddresses) {
    return absl::InvalidArgumentError(
        absl::StrCat("client address count ", options.client_addresses,
                     " is invalid; give 0 to ", kMaxClientAddresses));
  }

  using Kind = AuthenticateScenario::Kind;
  if (name == "empty") {
    return std::make_unique<FixedScenario>(
        "/accesstokens.bench.v1.EmptyService/Call",
        Serialize(bench::v1::CallRequest()));
  }
  if (name == "authenticate_valid") {
    return std::make_unique<AuthenticateScenario>(options, Kind::kValid,
                                                  token_end);
  }
  if (name == "authenticate_unknown") {
    return std::make_unique<AuthenticateScenario>(options, Kind::kUnknown,
                                                  token_end);
  }
  if (name == "authenticate_revoked") {
    auto scenario = std::make_unique<AuthenticateScenario>(
        options, Kind::kRevoked, token_end);
    if (scenario->picker().RevokedCount() == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "token range ", options.token_begin, " to ", token_end,
          " holds no revoked token (revoked_every ", layout.revoked_every,
          ")"));
    }
    return scenario;
  }
  if (name == "create" || name == "rotate" || name == "revoke") {
    const auto kind = name == "create"   ? WriteScenario::Kind::kCreate
                      : name == "rotate" ? WriteScenario::Kind::kRotate
                                         : WriteScenario::Kind::kRevoke;
    return std::make_unique<WriteScenario>(options, kind, consume_end);
  }
  if (name == "list_first_page" || name == "list_deep_page") {
    if (layout.big_project_tokens < 1) {
      return absl::InvalidArgumentError(
          "listing needs tokens in project 1 (big_project_tokens is 0)");
    }
    absl::StatusOr<grpc::ByteBuffer> request =
        ListRequest(options, name == "list_deep_page" ? options.list_depth : 0);
    if (!request.ok()) return request.status();
    return std::make_unique<FixedScenario>(
        absl::StrCat(kServicePath, "ListAccessTokens"), *std::move(request));
  }
  if (name == "mix") {
    return std::make_unique<MixScenario>(options, token_end, consume_end);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "scenario \"", name, "\" is unknown; known scenarios: ",
      absl::StrJoin(ScenarioNames(), ", ")));
}

}  // namespace accesstokens::bench
