#include "service/access_token_service.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "service/grpc_status.h"
#include "service/pagination.h"
#include "service/policy.h"
#include "service/proto_conversion.h"
#include "service/resource_names.h"
#include "service/scopes.h"
#include "service/token_filter.h"
#include "storage/status_macros.h"

namespace accesstokens {
namespace {

// The message of every failed authentication, so that a caller cannot tell
// unknown, revoked and expired tokens apart.
constexpr char kInvalidToken[] =
    "access token is invalid: it is unknown, revoked or expired";

// The metadata key that carries the secret when the request field is empty.
constexpr char kPrivateTokenKey[] = "private-token";

// Finishes the call with `status` and returns its reactor.
grpc::ServerUnaryReactor* FinishWith(grpc::CallbackServerContext* context,
                                     const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

absl::StatusOr<NewGroup> ParseNewGroup(const v1::CreateGroupRequest& request,
                                       absl::Time now) {
  const v1::Group& input = request.group();
  NewGroup group;
  group.id = request.group_id();
  ACCESSTOKENS_RETURN_IF_ERROR(ValidateId("group_id", group.id));
  if (!input.parent().empty()) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        group.parent_id, ParseGroupName("group.parent", input.parent()));
  }
  ACCESSTOKENS_RETURN_IF_ERROR(
      ValidateDisplayName("group.display_name", input.display_name()));
  if (input.has_allow_project_access_token_creation()) {
    if (group.parent_id.has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "group.allow_project_access_token_creation can only be set on a "
          "top-level group, and group \"",
          GroupName(group.id), "\" has the parent \"", input.parent(), "\""));
    }
    group.allow_project_token_creation =
        input.allow_project_access_token_creation();
  }
  group.display_name = input.display_name();
  group.create_time = now;
  return group;
}

absl::StatusOr<NewProject> ParseNewProject(
    const v1::CreateProjectRequest& request, absl::Time now) {
  const v1::Project& input = request.project();
  NewProject project;
  project.id = request.project_id();
  ACCESSTOKENS_RETURN_IF_ERROR(ValidateId("project_id", project.id));
  if (!input.parent().empty()) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        project.group_id, ParseGroupName("project.parent", input.parent()));
  }
  ACCESSTOKENS_RETURN_IF_ERROR(
      ValidateDisplayName("project.display_name", input.display_name()));
  project.display_name = input.display_name();
  project.create_time = now;
  return project;
}

// Parses everything of a new token but its secret.
absl::StatusOr<NewAccessToken> ParseNewAccessToken(
    const v1::CreateAccessTokenRequest& request, absl::Time now,
    const ServiceOptions& options) {
  const v1::AccessToken& input = request.access_token();
  NewAccessToken token;
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      token.parent, ParseProjectOrGroupName("parent", request.parent()));
  ACCESSTOKENS_RETURN_IF_ERROR(ValidateDisplayName(
      "access_token.display_name", input.display_name()));
  ACCESSTOKENS_RETURN_IF_ERROR(ValidateDescription(input.description()));
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      token.scopes, ParseScopes(absl::MakeConstSpan(input.scopes().data(),
                                                    input.scopes_size())));
  ACCESSTOKENS_ASSIGN_OR_RETURN(token.access_level,
                                ResolveAccessLevel(input.access_level()));
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      token.expires_on, ResolveExpiry(input.expires_on(), TodayUtc(now),
                                      options.max_token_lifetime_days));
  token.display_name = input.display_name();
  token.description = input.description();
  token.create_time = now;
  token.check = CheckTokenCreationAllowed;
  return token;
}

// A token listing request, with the identity of its listing for page tokens.
struct TokenListing {
  TokenListQuery query;
  std::string listing;
};

absl::StatusOr<TokenListing> ParseTokenListing(
    const v1::ListAccessTokensRequest& request, absl::Time now) {
  TokenListing result;
  TokenListQuery& query = result.query;
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      query.parent, ParseProjectOrGroupName("parent", request.parent()));
  ACCESSTOKENS_ASSIGN_OR_RETURN(TokenFilter filter,
                                ParseTokenFilter(request.filter()));
  query.state = filter.state;
  query.today = TodayUtc(now);
  ACCESSTOKENS_ASSIGN_OR_RETURN(query.page.limit,
                                ResolvePageSize(request.page_size()));
  result.listing = absl::StrCat(request.parent(), "|", filter.canonical);
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      query.page.after_id,
      DecodePageToken(result.listing, request.page_token()));
  return result;
}

absl::StatusOr<GroupUpdate> ParseGroupUpdate(
    const v1::UpdateGroupRequest& request) {
  GroupUpdate update;
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      update.id, ParseGroupName("group.name", request.group().name()));

  constexpr char kAllowedPaths[] =
      "display_name, allow_project_access_token_creation";
  if (request.update_mask().paths().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "update_mask is empty; list the fields to change: ", kAllowedPaths));
  }
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "display_name") {
      ACCESSTOKENS_RETURN_IF_ERROR(ValidateDisplayName(
          "group.display_name", request.group().display_name()));
      update.display_name = request.group().display_name();
    } else if (path == "allow_project_access_token_creation") {
      if (!request.group().has_allow_project_access_token_creation()) {
        return absl::InvalidArgumentError(
            "update_mask lists allow_project_access_token_creation but "
            "group.allow_project_access_token_creation is not set; set it "
            "to true or false");
      }
      update.allow_project_token_creation =
          request.group().allow_project_access_token_creation();
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask path \"", path.substr(0, 100),
                       "\" cannot be updated; allowed paths: ",
                       kAllowedPaths));
    }
  }
  return update;
}

}  // namespace

AccessTokenServiceImpl::AccessTokenServiceImpl(Store* store,
                                               const Clock* clock,
                                               const TokenSecrets* secrets,
                                               ServiceOptions options)
    : store_(store), clock_(clock), secrets_(secrets), options_(options) {}

// --- Groups and projects ----------------------------------------------------

grpc::ServerUnaryReactor* AccessTokenServiceImpl::CreateGroup(
    grpc::CallbackServerContext* context,
    const v1::CreateGroupRequest* request, v1::CreateGroupResponse* response) {
  absl::StatusOr<NewGroup> group = ParseNewGroup(*request, clock_->Now());
  if (!group.ok()) return FinishWith(context, group.status());

  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  store_->CreateGroup(
      *std::move(group),
      [reactor, response](absl::StatusOr<GroupRecord> created) {
        if (created.ok()) {
          ToProto(*created, response->mutable_group());
          LOG(INFO) << "created group " << response->group().name();
        }
        reactor->Finish(ToGrpcStatus(created.status()));
      });
  return reactor;
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::GetGroup(
    grpc::CallbackServerContext* context, const v1::GetGroupRequest* request,
    v1::GetGroupResponse* response) {
  absl::StatusOr<int64_t> id = ParseGroupName("name", request->name());
  if (!id.ok()) return FinishWith(context, id.status());
  absl::StatusOr<GroupRecord> group = store_->GetGroup(*id);
  if (group.ok()) ToProto(*group, response->mutable_group());
  return FinishWith(context, group.status());
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::UpdateGroup(
    grpc::CallbackServerContext* context,
    const v1::UpdateGroupRequest* request, v1::UpdateGroupResponse* response) {
  absl::StatusOr<GroupUpdate> update = ParseGroupUpdate(*request);
  if (!update.ok()) return FinishWith(context, update.status());

  // A group's parent never changes, so this check cannot go stale before
  // the write.
  if (update->allow_project_token_creation.has_value()) {
    absl::StatusOr<GroupRecord> group = store_->GetGroup(update->id);
    if (!group.ok()) return FinishWith(context, group.status());
    absl::Status allowed = CheckGroupSettingChange(*group);
    if (!allowed.ok()) return FinishWith(context, allowed);
  }
  update->update_time = clock_->Now();

  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  store_->UpdateGroup(
      *std::move(update),
      [reactor, response](absl::StatusOr<GroupRecord> updated) {
        if (updated.ok()) {
          ToProto(*updated, response->mutable_group());
          LOG(INFO) << "updated group " << response->group().name()
                    << ": allow_project_access_token_creation="
                    << response->group().allow_project_access_token_creation();
        }
        reactor->Finish(ToGrpcStatus(updated.status()));
      });
  return reactor;
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::CreateProject(
    grpc::CallbackServerContext* context,
    const v1::CreateProjectRequest* request,
    v1::CreateProjectResponse* response) {
  absl::StatusOr<NewProject> project =
      ParseNewProject(*request, clock_->Now());
  if (!project.ok()) return FinishWith(context, project.status());

  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  store_->CreateProject(
      *std::move(project),
      [reactor, response](absl::StatusOr<ProjectRecord> created) {
        if (created.ok()) {
          ToProto(*created, response->mutable_project());
          LOG(INFO) << "created project " << response->project().name();
        }
        reactor->Finish(ToGrpcStatus(created.status()));
      });
  return reactor;
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::GetProject(
    grpc::CallbackServerContext* context, const v1::GetProjectRequest* request,
    v1::GetProjectResponse* response) {
  absl::StatusOr<int64_t> id = ParseProjectName("name", request->name());
  if (!id.ok()) return FinishWith(context, id.status());
  absl::StatusOr<ProjectRecord> project = store_->GetProject(*id);
  if (project.ok()) ToProto(*project, response->mutable_project());
  return FinishWith(context, project.status());
}

// --- Access tokens ----------------------------------------------------------

grpc::ServerUnaryReactor* AccessTokenServiceImpl::CreateAccessToken(
    grpc::CallbackServerContext* context,
    const v1::CreateAccessTokenRequest* request,
    v1::CreateAccessTokenResponse* response) {
  const absl::Time now = clock_->Now();
  absl::StatusOr<NewAccessToken> token =
      ParseNewAccessToken(*request, now, options_);
  if (!token.ok()) return FinishWith(context, token.status());

  absl::StatusOr<std::string> secret = secrets_->Generate();
  if (!secret.ok()) return FinishWith(context, secret.status());
  token->digest = secrets_->Digest(*secret);

  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  store_->CreateAccessToken(
      *std::move(token),
      [reactor, response, now, secret = *std::move(secret)](
          absl::StatusOr<CreatedAccessToken> created) {
        if (created.ok()) {
          v1::AccessToken* out = response->mutable_access_token();
          ToProto(created->token, now, out);
          out->set_token(secret);
          ToProto(created->bot_user, response->mutable_bot_user());
          LOG(INFO) << "created access token " << out->name()
                    << " with bot user " << response->bot_user().name() << " ("
                    << response->bot_user().username() << ")";
        }
        reactor->Finish(ToGrpcStatus(created.status()));
      });
  return reactor;
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::GetAccessToken(
    grpc::CallbackServerContext* context,
    const v1::GetAccessTokenRequest* request,
    v1::GetAccessTokenResponse* response) {
  absl::StatusOr<AccessTokenRef> name =
      ParseAccessTokenName("name", request->name());
  if (!name.ok()) return FinishWith(context, name.status());

  absl::StatusOr<TokenRecord> token = store_->GetAccessToken(name->id);
  if (token.ok() && token->parent != name->parent) {
    token = absl::NotFoundError(
        absl::StrCat("access token \"", request->name(), "\" not found"));
  } else if (absl::IsNotFound(token.status())) {
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
  const absl::Time now = clock_->Now();
  absl::StatusOr<TokenListing> listing = ParseTokenListing(*request, now);
  if (!listing.ok()) return FinishWith(context, listing.status());

  absl::StatusOr<Page<TokenRecord>> page =
      store_->ListAccessTokens(listing->query);
  if (!page.ok()) return FinishWith(context, page.status());
  for (const TokenRecord& token : page->records) {
    ToProto(token, now, response->add_access_tokens());
  }
  if (page->has_more) {
    response->set_next_page_token(
        EncodePageToken(listing->listing, page->records.back().id));
  }
  return FinishWith(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::RevokeAccessToken(
    grpc::CallbackServerContext* context,
    const v1::RevokeAccessTokenRequest* request,
    v1::RevokeAccessTokenResponse* response) {
  absl::StatusOr<AccessTokenRef> name =
      ParseAccessTokenName("name", request->name());
  if (!name.ok()) return FinishWith(context, name.status());

  const absl::Time now = clock_->Now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  store_->RevokeAccessToken(
      name->parent, name->id, now,
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

grpc::ServerUnaryReactor* AccessTokenServiceImpl::AuthenticateAccessToken(
    grpc::CallbackServerContext* context,
    const v1::AuthenticateAccessTokenRequest* request,
    v1::AuthenticateAccessTokenResponse* response) {
  return FinishWith(context, Authenticate(context, *request, response));
}

absl::Status AccessTokenServiceImpl::Authenticate(
    grpc::CallbackServerContext* context,
    const v1::AuthenticateAccessTokenRequest& request,
    v1::AuthenticateAccessTokenResponse* response) {
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

  absl::StatusOr<TokenOwnership> found =
      store_->FindTokenByDigest(secrets_->Digest(secret));
  if (absl::IsNotFound(found.status())) {
    VLOG(1) << "authentication failed: unknown token";
    return absl::UnauthenticatedError(kInvalidToken);
  }
  if (!found.ok()) return found.status();

  const absl::Time now = clock_->Now();
  if (TokenState(found->token, now) != v1::AccessToken::STATE_ACTIVE ||
      found->bot_user.blocked) {
    VLOG(1) << "authentication failed: access token "
            << AccessTokenName(found->token.parent, found->token.id)
            << " is not active";
    return absl::UnauthenticatedError(kInvalidToken);
  }

  ToProto(found->token, now, response->mutable_access_token());
  ToProto(found->bot_user, response->mutable_bot_user());
  if (const auto* project = std::get_if<ProjectRecord>(&found->resource)) {
    ToProto(*project, response->mutable_project());
  } else {
    ToProto(std::get<GroupRecord>(found->resource), response->mutable_group());
  }
  return absl::OkStatus();
}

// --- Bot users and scopes ---------------------------------------------------

grpc::ServerUnaryReactor* AccessTokenServiceImpl::GetBotUser(
    grpc::CallbackServerContext* context, const v1::GetBotUserRequest* request,
    v1::GetBotUserResponse* response) {
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
  ResourceRef parent;
  PageQuery page_query;
  absl::Status valid = [&]() -> absl::Status {
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        parent, ParseProjectOrGroupName("parent", request->parent()));
    ACCESSTOKENS_ASSIGN_OR_RETURN(page_query.limit,
                                  ResolvePageSize(request->page_size()));
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        page_query.after_id,
        DecodePageToken(request->parent(), request->page_token()));
    return absl::OkStatus();
  }();
  if (!valid.ok()) return FinishWith(context, valid);

  absl::StatusOr<Page<BotUserRecord>> page =
      store_->ListBotUsers(parent, page_query);
  if (!page.ok()) return FinishWith(context, page.status());
  for (const BotUserRecord& user : page->records) {
    ToProto(user, response->add_bot_users());
  }
  if (page->has_more) {
    response->set_next_page_token(
        EncodePageToken(request->parent(), page->records.back().id));
  }
  return FinishWith(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::ListScopes(
    grpc::CallbackServerContext* context, const v1::ListScopesRequest* request,
    v1::ListScopesResponse* response) {
  for (const ScopeInfo& info : AllScopes()) {
    v1::ScopeDescription* scope = response->add_scopes();
    scope->set_scope(info.scope);
    scope->set_name(info.name);
    scope->set_description(info.description);
  }
  return FinishWith(context, absl::OkStatus());
}

}  // namespace accesstokens
