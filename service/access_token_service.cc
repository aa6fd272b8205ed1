// AccessTokenService handlers for access tokens, authentication, bot users,
// scopes and the audit log. The group and project handlers are in
// resource_handlers.cc.

#include "service/access_token_service.h"

#include <openssl/crypto.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "glog/logging.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "service/grpc_status.h"
#include "service/list_queries.h"
#include "service/pagination.h"
#include "service/permissions.h"
#include "service/policy.h"
#include "service/proto_conversion.h"
#include "service/requests.h"
#include "service/scopes.h"
#include "storage/status_macros.h"

namespace accesstokens {
namespace {

// The message of every failed authentication, so that a caller cannot tell
// unknown, revoked and expired tokens apart.
constexpr char kInvalidToken[] =
    "access token is invalid: it is unknown, revoked or expired";

// The metadata key that carries the secret when the request field is empty.
constexpr char kPrivateTokenKey[] = "private-token";

// Maximum length of a client address in an authentication, in bytes.
constexpr size_t kMaxClientAddressLength = 64;

// Returns the message of a rotation refused because a rotated secret came
// back, naming the tokens revoked in its place.
std::string ReuseMessage(const RotatedAccessToken& rotated) {
  std::vector<std::string> revoked;
  for (const TokenRecord& token : rotated.family_revoked) {
    revoked.push_back(AccessTokenName(token.parent, token.id));
  }
  return absl::StrCat(
      "access token \"",
      AccessTokenName(rotated.previous.parent, rotated.previous.id),
      "\" was already rotated, so its secret must not be presented again; "
      "someone else may hold it, so every token of its rotation family is "
      "now revoked",
      revoked.empty() ? "" : absl::StrCat(" (", absl::StrJoin(revoked, ", "),
                                          ")"),
      "; create a new token");
}

}  // namespace

AccessTokenServiceImpl::AccessTokenServiceImpl(Store* store,
                                               const Clock* clock,
                                               const TokenSecrets* secrets,
                                               ServiceOptions options)
    : store_(store),
      clock_(clock),
      secrets_(secrets),
      options_(options),
      last_use_(store, options.last_use_interval),
      rate_limiter_(options.auth_failure_limit, options.auth_failure_window) {
  SetSecretPrefix(secrets->prefix());
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::RefuseCaller(
    grpc::CallbackServerContext* context, CallerRole required) {
  if (options_.callers == nullptr) return nullptr;
  absl::StatusOr<CallerRole> role = options_.callers->Identify(*context);
  if (!role.ok()) {
    LOG_EVERY_N(WARNING, 100) << "refused a call from " << context->peer()
                              << ": " << role.status().message()
                              << " (logged once per 100)";
    return FinishWith(context, role.status());
  }
  if (*role == CallerRole::kAuthenticate && required == CallerRole::kAdmin) {
    return FinishWith(
        context,
        absl::PermissionDeniedError(
            "this caller's credential allows only AuthenticateAccessToken"));
  }
  return nullptr;
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::Refuse(
    grpc::CallbackServerContext* context, const absl::Status& status,
    AuditAction action, std::string target, const ChangeContext& change) {
  AuditEventRecord event = MakeAuditEvent(action, std::move(target), change);
  event.status_code = static_cast<int>(status.code());
  event.status_message = RedactSecrets(status.message());
  LOG(WARNING) << "refused " << event.target << ": " << event.status_message;
  store_->RecordAuditEvent(std::move(event));
  return FinishWith(context, status);
}

absl::Status AccessTokenServiceImpl::CheckBotNamesOwnToken(
    const ActorRecord& actor, const AccessTokenRef& name) {
  absl::StatusOr<BotUserRecord> bot = store_->GetBotUser(*actor.bot_user_id);
  if (absl::IsNotFound(bot.status())) {
    return absl::PermissionDeniedError(
        absl::StrCat("actor.bot_user \"", UserName(*actor.bot_user_id),
                     "\" is not a known bot user"));
  }
  if (!bot.ok()) return bot.status();
  if (bot->resource != name.parent || bot->token_id != name.id) {
    return absl::PermissionDeniedError(absl::StrCat(
        "bot user \"", UserName(bot->id), "\" may not rotate \"",
        AccessTokenName(name.parent, name.id),
        "\"; bot users may only rotate their own current token"));
  }
  return absl::OkStatus();
}

// --- Access tokens ----------------------------------------------------------

grpc::ServerUnaryReactor* AccessTokenServiceImpl::CreateAccessToken(
    grpc::CallbackServerContext* context,
    const v1::CreateAccessTokenRequest* request,
    v1::CreateAccessTokenResponse* response) {
  if (auto* refused = RefuseCaller(context, CallerRole::kAdmin)) {
    return refused;
  }

  const absl::Time now = clock_->Now();
  absl::StatusOr<NewAccessToken> token = ParseNewAccessToken(
      *request, TodayUtc(now), options_.max_token_lifetime_days);
  if (!token.ok()) return FinishWith(context, token.status());
  token->context.time = now;

  const std::string parent = ResourceName(token->parent);
  absl::Status allowed = CheckCanManageTokens(
      token->context.actor, TokenAction::kCreate, parent);
  if (allowed.ok()) {
    allowed = CheckTokenLevel(token->context.actor, token->access_level,
                              absl::StrCat("a new token of \"", parent, "\""));
  }
  if (!allowed.ok()) {
    return Refuse(context, allowed, AuditAction::kCreateAccessToken, parent,
                  token->context);
  }

  absl::StatusOr<std::string> secret = secrets_->Generate();
  if (!secret.ok()) return FinishWith(context, secret.status());
  token->digest = secrets_->Digest(*secret);
  token->check = CheckTokenCreationAllowed;
  if (!request->request_id().empty()) {
    absl::StatusOr<std::string> sealed =
        secrets_->Seal(*secret, request->request_id());
    if (!sealed.ok()) return FinishWith(context, sealed.status());
    token->idempotency = IdempotencyKey{
        request->request_id(), RequestFingerprint(*request), *sealed};
  }

  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  store_->CreateAccessToken(
      *std::move(token),
      [this, reactor, response, now, parent,
       request_id = request->request_id(), secret = *std::move(secret)](
          absl::StatusOr<CreatedAccessToken> created) mutable {
        if (!created.ok()) {
          // ToGrpcStatus() logs internal errors. The others, such as
          // creation switched off above the project, are logged here.
          const absl::Status& status = created.status();
          if (!absl::IsInternal(status) && !absl::IsUnknown(status)) {
            LOG(WARNING) << "refused to create an access token under "
                         << parent << ": "
                         << absl::StatusCodeToString(status.code()) << ": "
                         << RedactSecrets(status.message());
          }
          reactor->Finish(ToGrpcStatus(status));
          return;
        }
        if (created->replayed_sealed_secret.has_value()) {
          absl::StatusOr<std::string> first =
              secrets_->Unseal(*created->replayed_sealed_secret, request_id);
          if (!first.ok()) {
            reactor->Finish(ToGrpcStatus(first.status()));
            return;
          }
          secret = *std::move(first);
        }
        v1::AccessToken* out = response->mutable_access_token();
        ToProto(created->token, now, out);
        out->set_token(secret);
        ToProto(created->bot_user, response->mutable_bot_user());
        LOG(INFO) << (created->replayed_sealed_secret ? "repeated creation of "
                                                      : "created ")
                  << "access token " << out->name() << " with bot user "
                  << response->bot_user().name() << " ("
                  << response->bot_user().username() << ")"
                  << (request_id.empty() ? "" : ", request " + request_id);
        reactor->Finish(grpc::Status::OK);
      });
  return reactor;
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::GetAccessToken(
    grpc::CallbackServerContext* context,
    const v1::GetAccessTokenRequest* request,
    v1::GetAccessTokenResponse* response) {
  if (auto* refused = RefuseCaller(context, CallerRole::kAdmin)) {
    return refused;
  }

  absl::StatusOr<AccessTokenRef> name =
      ParseAccessTokenName("name", request->name());
  if (!name.ok()) return FinishWith(context, name.status());

  absl::StatusOr<TokenRecord> token = store_->GetAccessToken(name->id);
  if ((token.ok() && token->parent != name->parent) ||
      absl::IsNotFound(token.status())) {
    token = absl::NotFoundError(
        absl::StrCat("access token \"", request->name(), "\" not found"));
  }
  if (token.ok()) {
    ToProto(*token, clock_->Now(), response->mutable_access_token());
  }
  return FinishWith(context, token.status());
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::ListAccessTokens(
    grpc::CallbackServerContext* context,
    const v1::ListAccessTokensRequest* request,
    v1::ListAccessTokensResponse* response) {
  if (auto* refused = RefuseCaller(context, CallerRole::kAdmin)) {
    return refused;
  }

  const absl::Time now = clock_->Now();
  absl::StatusOr<TokenListing> listing =
      ParseTokenListing(*request, TodayUtc(now));
  if (!listing.ok()) return FinishWith(context, listing.status());
  absl::StatusOr<std::optional<PageCursor>> cursor =
      DecodePageToken(listing->listing, request->page_token());
  if (!cursor.ok()) return FinishWith(context, cursor.status());
  listing->query.after = *cursor;

  absl::StatusOr<Page<TokenRecord>> page =
      store_->ListAccessTokens(listing->query);
  if (!page.ok()) return FinishWith(context, page.status());
  for (const TokenRecord& token : page->records) {
    ToProto(token, now, response->add_access_tokens());
  }
  if (page->has_more) {
    response->set_next_page_token(EncodePageToken(
        listing->listing,
        TokenCursorOf(page->records.back(), listing->query.order)));
  }
  return FinishWith(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::RevokeAccessToken(
    grpc::CallbackServerContext* context,
    const v1::RevokeAccessTokenRequest* request,
    v1::RevokeAccessTokenResponse* response) {
  if (auto* refused = RefuseCaller(context, CallerRole::kAdmin)) {
    return refused;
  }

  TokenRevocation revocation;
  absl::StatusOr<AccessTokenRef> name =
      ParseAccessTokenName("name", request->name());
  if (!name.ok()) return FinishWith(context, name.status());
  absl::StatusOr<ActorRecord> actor = ParseActor(request->actor());
  if (!actor.ok()) return FinishWith(context, actor.status());
  revocation.token = {name->parent, name->id};
  revocation.context.actor = *actor;
  revocation.context.time = clock_->Now();

  absl::Status allowed = CheckCanManageTokens(
      *actor, TokenAction::kRevoke, ResourceName(name->parent));
  if (!allowed.ok()) {
    return Refuse(context, allowed, AuditAction::kRevokeAccessToken,
                  request->name(), revocation.context);
  }
  revocation.check = [actor = *actor](const TokenRecord& token,
                                      const TokenParentState&) {
    return CheckTokenLevel(actor, token.access_level,
                           AccessTokenName(token.parent, token.id));
  };

  const absl::Time now = revocation.context.time;
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  store_->RevokeAccessToken(
      std::move(revocation),
      [reactor, response, now](absl::StatusOr<TokenRecord> revoked) {
        if (revoked.ok()) {
          v1::AccessToken* out = response->mutable_access_token();
          ToProto(*revoked, now, out);
          if (revoked->revoke_time == now) {
            LOG(INFO) << "revoked access token " << out->name()
                      << " and blocked bot user " << out->bot_user();
          }
        }
        reactor->Finish(ToGrpcStatus(revoked.status()));
      });
  return reactor;
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::RotateAccessToken(
    grpc::CallbackServerContext* context,
    const v1::RotateAccessTokenRequest* request,
    v1::RotateAccessTokenResponse* response) {
  if (auto* refused = RefuseCaller(context, CallerRole::kAdmin)) {
    return refused;
  }

  const absl::Time now = clock_->Now();
  absl::StatusOr<ParsedRotation> parsed =
      ParseRotation(*request, TodayUtc(now), options_.max_token_lifetime_days);
  if (!parsed.ok()) return FinishWith(context, parsed.status());

  TokenRotation rotation;
  rotation.expires_on = parsed->expires_on;
  rotation.context.time = now;
  rotation.context.request_id = request->request_id();
  if (parsed->actor.has_value()) rotation.context.actor = *parsed->actor;
  const ActorRecord& actor = rotation.context.actor;

  // Permission checks that need no lookup of the token come first.
  if (parsed->name.has_value()) {
    const AccessTokenRef& name = *parsed->name;
    rotation.token = TokenKey{name.parent, name.id};
    absl::Status allowed = CheckCanManageTokens(
        actor, TokenAction::kRotate, ResourceName(name.parent));
    if (allowed.ok() && actor.bot_user_id.has_value()) {
      allowed = CheckBotNamesOwnToken(actor, name);
    }
    if (!allowed.ok()) {
      return Refuse(context, allowed, AuditAction::kRotateAccessToken,
                    request->name(), rotation.context);
    }
  } else {
    rotation.token = secrets_->Digest(parsed->secret);
  }
  const bool by_secret = !parsed->name.has_value();
  rotation.check = [actor, by_secret, now](const TokenRecord& token,
                                           const TokenParentState& parent) {
    // A rotation by secret acts as the token's own bot user.
    ActorRecord effective = actor;
    if (by_secret) effective = ActorRecord{std::nullopt, token.user_id, 0};
    ACCESSTOKENS_RETURN_IF_ERROR(CheckBotRotation(effective, token));
    ACCESSTOKENS_RETURN_IF_ERROR(
        CheckTokenLevel(effective, token.access_level,
                        AccessTokenName(token.parent, token.id)));
    return CheckTokenRotatable(token, parent, now);
  };

  absl::StatusOr<std::string> secret = secrets_->Generate();
  if (!secret.ok()) return FinishWith(context, secret.status());
  rotation.new_digest = secrets_->Digest(*secret);
  if (!request->request_id().empty()) {
    absl::StatusOr<std::string> sealed =
        secrets_->Seal(*secret, request->request_id());
    if (!sealed.ok()) return FinishWith(context, sealed.status());
    rotation.idempotency = IdempotencyKey{
        request->request_id(), RequestFingerprint(*request), *sealed};
  }

  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  store_->RotateAccessToken(
      std::move(rotation),
      [this, reactor, response, now, by_secret,
       request_id = request->request_id(), secret = *std::move(secret)](
          absl::StatusOr<RotatedAccessToken> rotated) mutable {
        if (by_secret && absl::IsNotFound(rotated.status())) {
          reactor->Finish(ToGrpcStatus(absl::UnauthenticatedError(
              kInvalidToken)));
          return;
        }
        if (!rotated.ok()) {
          reactor->Finish(ToGrpcStatus(rotated.status()));
          return;
        }
        if (rotated->reuse_detected) {
          const std::string message = ReuseMessage(*rotated);
          LOG(WARNING) << message;
          reactor->Finish(
              ToGrpcStatus(absl::FailedPreconditionError(message)));
          return;
        }
        if (rotated->replayed_sealed_secret.has_value()) {
          absl::StatusOr<std::string> first =
              secrets_->Unseal(*rotated->replayed_sealed_secret, request_id);
          if (!first.ok()) {
            reactor->Finish(ToGrpcStatus(first.status()));
            return;
          }
          secret = *std::move(first);
        }
        v1::AccessToken* out = response->mutable_access_token();
        ToProto(rotated->next, now, out);
        out->set_token(secret);
        ToProto(rotated->previous, now,
                response->mutable_previous_access_token());
        ToProto(rotated->bot_user, response->mutable_bot_user());
        LOG(INFO) << (rotated->replayed_sealed_secret.has_value()
                          ? "repeated rotation of "
                          : "rotated ")
                  << "access token "
                  << response->previous_access_token().name() << " into "
                  << out->name()
                  << (request_id.empty() ? "" : ", request " + request_id);
        reactor->Finish(grpc::Status::OK);
      });
  return reactor;
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::AuthenticateAccessToken(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer* request,
    grpc::ByteBuffer* response) {
  if (auto* refused = RefuseCaller(context, CallerRole::kAuthenticate)) {
    return refused;
  }

  v1::AuthenticateAccessTokenRequest parsed;
  grpc::ByteBuffer request_bytes(*request);
  if (!grpc::SerializationTraits<v1::AuthenticateAccessTokenRequest>::
           Deserialize(&request_bytes, &parsed)
               .ok()) {
    const absl::Status invalid = absl::InvalidArgumentError(
        absl::StrCat("the request (", request->Length(),
                     " bytes) is not a valid AuthenticateAccessTokenRequest"));
    LOG_EVERY_N(WARNING, 100) << "rejected a call from " << context->peer()
                              << ": " << invalid.message()
                              << " (logged once per 100)";
    return FinishWith(context, invalid);
  }

  absl::StatusOr<std::shared_ptr<const TokenOwnership>> owner =
      Authenticate(context, parsed);
  if (!owner.ok()) return FinishWith(context, owner.status());

  // The store encodes each usable token it reads, and the cache keeps the
  // encoding, so EncodeAuthentication() runs here only without a store
  // encoder.
  const std::string& encoded = (*owner)->encoded_authentication;
  grpc::Slice slice = encoded.empty()
                          ? grpc::Slice(EncodeAuthentication(**owner))
                          : grpc::Slice(encoded.data(), encoded.size());
  grpc::ByteBuffer body(&slice, 1);
  response->Swap(&body);
  return FinishWith(context, absl::OkStatus());
}

absl::StatusOr<std::shared_ptr<const TokenOwnership>>
AccessTokenServiceImpl::Authenticate(
    grpc::CallbackServerContext* context,
    const v1::AuthenticateAccessTokenRequest& request) {
  absl::string_view secret = request.token();
  if (secret.empty()) {
    const auto& metadata = context->client_metadata();
    auto it = metadata.find(kPrivateTokenKey);
    if (it != metadata.end()) {
      secret = absl::string_view(it->second.data(), it->second.size());
    }
  }
  if (secret.empty()) {
    return absl::UnauthenticatedError(
        "no access token presented; set the request field token or the "
        "private-token metadata key");
  }
  if (secret.size() > kMaxSecretLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("token has ", secret.size(), " bytes; at most ",
                     kMaxSecretLength, " are allowed"));
  }
  if (request.client_address().size() > kMaxClientAddressLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "client_address has ", request.client_address().size(),
        " bytes; at most ", kMaxClientAddressLength, " are allowed"));
  }

  const std::string address = request.client_address().empty()
                                  ? PeerAddress(context->peer())
                                  : request.client_address();
  const absl::Time now = clock_->Now();
  ACCESSTOKENS_RETURN_IF_ERROR(rate_limiter_.Check(address, now));

  const std::string digest = secrets_->Digest(secret);
  absl::StatusOr<std::shared_ptr<const TokenOwnership>> found =
      store_->FindTokenByDigest(digest);
  if (absl::IsNotFound(found.status())) {
    VLOG(1) << "authentication failed: unknown token";
    rate_limiter_.RecordFailure(address, now);
    return absl::UnauthenticatedError(kInvalidToken);
  }
  if (!found.ok()) return found.status();

  // The store found the row by the digest; this comparison, in constant
  // time, makes the match independent of how the store compares.
  const TokenOwnership& owner = **found;
  const bool digest_matches =
      owner.digest.size() == digest.size() &&
      CRYPTO_memcmp(owner.digest.data(), digest.data(), digest.size()) == 0;
  if (!digest_matches ||
      TokenState(owner.token, now) != v1::AccessToken::STATE_ACTIVE ||
      owner.bot_user.blocked || !owner.resource_usable) {
    VLOG(1) << "authentication failed: access token "
            << AccessTokenName(owner.token.parent, owner.token.id)
            << " is not active or its resource is not";
    rate_limiter_.RecordFailure(address, now);
    return absl::UnauthenticatedError(kInvalidToken);
  }

  last_use_.Record(owner.token, now, address);
  return found;
}

// --- Bot users, scopes and the audit log ------------------------------------

grpc::ServerUnaryReactor* AccessTokenServiceImpl::GetBotUser(
    grpc::CallbackServerContext* context, const v1::GetBotUserRequest* request,
    v1::GetBotUserResponse* response) {
  if (auto* refused = RefuseCaller(context, CallerRole::kAdmin)) {
    return refused;
  }

  absl::StatusOr<int64_t> id = ParseUserName("name", request->name());
  if (!id.ok()) return FinishWith(context, id.status());
  absl::StatusOr<BotUserRecord> user = store_->GetBotUser(*id);
  if (user.ok()) ToProto(*user, response->mutable_bot_user());
  return FinishWith(context, user.status());
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::ListBotUsers(
    grpc::CallbackServerContext* context,
    const v1::ListBotUsersRequest* request,
    v1::ListBotUsersResponse* response) {
  if (auto* refused = RefuseCaller(context, CallerRole::kAdmin)) {
    return refused;
  }

  ResourceRef parent;
  PageQuery page_query;
  int64_t after_id = 0;
  const std::string listing = absl::StrCat("bots\n", request->parent());
  absl::Status valid = [&]() -> absl::Status {
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        parent, ParseProjectOrGroupName("parent", request->parent()));
    ACCESSTOKENS_ASSIGN_OR_RETURN(page_query.limit,
                                  ResolvePageSize(request->page_size()));
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        std::optional<PageCursor> cursor,
        DecodePageToken(listing, request->page_token()));
    if (cursor.has_value()) after_id = cursor->id;
    return absl::OkStatus();
  }();
  if (!valid.ok()) return FinishWith(context, valid);

  absl::StatusOr<Page<BotUserRecord>> page =
      store_->ListBotUsers(parent, after_id, page_query);
  if (!page.ok()) return FinishWith(context, page.status());
  for (const BotUserRecord& user : page->records) {
    ToProto(user, response->add_bot_users());
  }
  if (page->has_more) {
    const int64_t last = page->records.back().id;
    response->set_next_page_token(
        EncodePageToken(listing, PageCursor{last, last}));
  }
  return FinishWith(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::ListScopes(
    grpc::CallbackServerContext* context, const v1::ListScopesRequest* request,
    v1::ListScopesResponse* response) {
  if (auto* refused = RefuseCaller(context, CallerRole::kAdmin)) {
    return refused;
  }

  for (const ScopeInfo& info : AllScopes()) {
    v1::ScopeDescription* scope = response->add_scopes();
    scope->set_scope(info.scope);
    scope->set_name(info.name);
    scope->set_description(info.description);
  }
  return FinishWith(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::ListAuditEvents(
    grpc::CallbackServerContext* context,
    const v1::ListAuditEventsRequest* request,
    v1::ListAuditEventsResponse* response) {
  if (auto* refused = RefuseCaller(context, CallerRole::kAdmin)) {
    return refused;
  }

  absl::StatusOr<AuditListing> listing = ParseAuditListing(*request);
  if (!listing.ok()) return FinishWith(context, listing.status());
  absl::StatusOr<std::optional<PageCursor>> cursor =
      DecodePageToken(listing->listing, request->page_token());
  if (!cursor.ok()) return FinishWith(context, cursor.status());
  if (cursor->has_value()) listing->query.before_id = (*cursor)->id;

  absl::StatusOr<Page<AuditEventRecord>> page =
      store_->ListAuditEvents(listing->query);
  if (!page.ok()) return FinishWith(context, page.status());
  for (const AuditEventRecord& event : page->records) {
    ToProto(event, response->add_audit_events());
  }
  if (page->has_more) {
    const int64_t last = page->records.back().id;
    response->set_next_page_token(
        EncodePageToken(listing->listing, PageCursor{last, last}));
  }
  return FinishWith(context, absl::OkStatus());
}

}  // namespace accesstokens
