#include "service/requests.h"

#include <openssl/sha.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "service/list_queries.h"
#include "service/pagination.h"
#include "service/policy.h"
#include "storage/status_macros.h"

namespace accesstokens {
namespace {

constexpr char kUuidExample[] = "3f2b8c1e-9a4d-4b7e-8f61-2c5d0e9a7b13";

// Parses a state given in an update: only active and pending deletion may
// be set; deletion has its own methods.
absl::StatusOr<ResourceState> ParseSettableState(absl::string_view field,
                                                 v1::ResourceState state) {
  switch (state) {
    case v1::RESOURCE_STATE_ACTIVE:
      return ResourceState::kActive;
    case v1::RESOURCE_STATE_PENDING_DELETION:
      return ResourceState::kPendingDeletion;
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          field, " ", v1::ResourceState_Name(state).empty()
                          ? absl::StrCat(static_cast<int>(state))
                          : v1::ResourceState_Name(state),
          " cannot be set; use RESOURCE_STATE_ACTIVE or "
          "RESOURCE_STATE_PENDING_DELETION, and DeleteGroup or DeleteProject "
          "to delete"));
  }
}

absl::Status EmptyMask(absl::string_view allowed) {
  return absl::InvalidArgumentError(absl::StrCat(
      "update_mask is empty; list the fields to change: ", allowed));
}

absl::Status UnknownPath(absl::string_view path, absl::string_view allowed) {
  return absl::InvalidArgumentError(
      absl::StrCat("update_mask path \"", path.substr(0, 100),
                   "\" cannot be updated; allowed paths: ", allowed));
}

}  // namespace

absl::StatusOr<ActorRecord> ParseActor(const v1::Actor& actor) {
  ActorRecord record;
  switch (actor.identity_case()) {
    case v1::Actor::kBotUser: {
      ACCESSTOKENS_ASSIGN_OR_RETURN(
          record.bot_user_id, ParseUserName("actor.bot_user", actor.bot_user()));
      return record;
    }
    case v1::Actor::kUserId:
      ACCESSTOKENS_RETURN_IF_ERROR(
          ValidateId("actor.user_id", actor.user_id()));
      record.user_id = actor.user_id();
      break;
    default:
      return absl::InvalidArgumentError(
          "actor is required: set actor.user_id and actor.access_level to the "
          "acting human user and that user's level on the target, or "
          "actor.bot_user to the acting bot user");
  }

  if (actor.access_level() == v1::ACCESS_LEVEL_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(
        "actor.access_level is required for actor.user_id ", actor.user_id(),
        "; give the user's level on the target, such as "
        "ACCESS_LEVEL_MAINTAINER"));
  }
  absl::StatusOr<int> level = ResolveAccessLevel(actor.access_level());
  if (!level.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("actor.", level.status().message()));
  }
  record.access_level = *level;
  return record;
}

absl::Status ValidateRequestId(absl::string_view request_id) {
  if (request_id.empty()) return absl::OkStatus();
  bool valid = request_id.size() == 36;
  for (size_t i = 0; valid && i < request_id.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    valid = dash ? request_id[i] == '-'
                 : absl::ascii_isxdigit(
                       static_cast<unsigned char>(request_id[i]));
  }
  if (valid) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "request_id \"", request_id.substr(0, 100),
      "\" is not a UUID; expected 36 characters such as ", kUuidExample));
}

std::string RequestFingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  const google::protobuf::FieldDescriptor* request_id =
      copy->GetDescriptor()->FindFieldByName("request_id");
  if (request_id != nullptr) {
    copy->GetReflection()->ClearField(copy.get(), request_id);
  }

  std::string bytes = copy->GetDescriptor()->full_name();
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&coded);
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
         digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

absl::StatusOr<NewGroup> ParseNewGroup(const v1::CreateGroupRequest& request) {
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
  ACCESSTOKENS_ASSIGN_OR_RETURN(group.context.actor,
                                ParseActor(request.actor()));
  return group;
}

absl::StatusOr<GroupUpdate> ParseGroupUpdate(
    const v1::UpdateGroupRequest& request) {
  constexpr char kAllowedPaths[] =
      "display_name, allow_project_access_token_creation, state";
  GroupUpdate update;
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      update.id, ParseGroupName("group.name", request.group().name()));
  if (request.update_mask().paths().empty()) return EmptyMask(kAllowedPaths);

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
    } else if (path == "state") {
      ACCESSTOKENS_ASSIGN_OR_RETURN(
          update.state,
          ParseSettableState("group.state", request.group().state()));
    } else {
      return UnknownPath(path, kAllowedPaths);
    }
  }
  ACCESSTOKENS_ASSIGN_OR_RETURN(update.context.actor,
                                ParseActor(request.actor()));
  return update;
}

absl::StatusOr<NewProject> ParseNewProject(
    const v1::CreateProjectRequest& request) {
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
  ACCESSTOKENS_ASSIGN_OR_RETURN(project.context.actor,
                                ParseActor(request.actor()));
  return project;
}

absl::StatusOr<ProjectUpdate> ParseProjectUpdate(
    const v1::UpdateProjectRequest& request) {
  constexpr char kAllowedPaths[] = "display_name, state";
  ProjectUpdate update;
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      update.id, ParseProjectName("project.name", request.project().name()));
  if (request.update_mask().paths().empty()) return EmptyMask(kAllowedPaths);

  for (const std::string& path : request.update_mask().paths()) {
    if (path == "display_name") {
      ACCESSTOKENS_RETURN_IF_ERROR(ValidateDisplayName(
          "project.display_name", request.project().display_name()));
      update.display_name = request.project().display_name();
    } else if (path == "state") {
      ACCESSTOKENS_ASSIGN_OR_RETURN(
          update.state,
          ParseSettableState("project.state", request.project().state()));
    } else {
      return UnknownPath(path, kAllowedPaths);
    }
  }
  ACCESSTOKENS_ASSIGN_OR_RETURN(update.context.actor,
                                ParseActor(request.actor()));
  return update;
}

absl::StatusOr<NewAccessToken> ParseNewAccessToken(
    const v1::CreateAccessTokenRequest& request, absl::CivilDay today,
    int max_lifetime_days) {
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
      token.expires_on, ResolveExpiry(input.expires_on(), today,
                                      max_lifetime_days, max_lifetime_days));
  ACCESSTOKENS_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  token.display_name = input.display_name();
  token.description = input.description();
  ACCESSTOKENS_ASSIGN_OR_RETURN(token.context.actor,
                                ParseActor(request.actor()));
  token.context.request_id = request.request_id();
  return token;
}

absl::StatusOr<ParsedRotation> ParseRotation(
    const v1::RotateAccessTokenRequest& request, absl::CivilDay today,
    int max_lifetime_days) {
  ParsedRotation rotation;
  const bool by_name = !request.name().empty();
  const bool by_secret = !request.token().empty();
  if (by_name == by_secret) {
    return absl::InvalidArgumentError(
        by_name ? "give either name or token, not both"
                : "name or token is required: the name of the token to "
                  "rotate, or its secret");
  }
  if (by_name) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(rotation.name,
                                  ParseAccessTokenName("name", request.name()));
  } else {
    if (request.token().size() > kMaxSecretLength) {
      return absl::InvalidArgumentError(
          absl::StrCat("token has ", request.token().size(),
                       " bytes; at most ", kMaxSecretLength, " are allowed"));
    }
    rotation.secret = request.token();
  }

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      rotation.expires_on,
      ResolveExpiry(request.expires_on(), today, max_lifetime_days,
                    kDefaultRotationDays));
  ACCESSTOKENS_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));

  if (by_secret && !request.has_actor()) return rotation;
  ACCESSTOKENS_ASSIGN_OR_RETURN(rotation.actor, ParseActor(request.actor()));
  if (by_secret && !rotation.actor->bot_user_id.has_value()) {
    return absl::InvalidArgumentError(
        "a rotation by token acts as the token's own bot user; leave actor "
        "unset, or give name instead of token to rotate as a human user");
  }
  return rotation;
}

absl::StatusOr<TokenListing> ParseTokenListing(
    const v1::ListAccessTokensRequest& request, absl::CivilDay today) {
  TokenListing result;
  TokenListQuery& query = result.query;
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      query.parent, ParseProjectOrGroupName("parent", request.parent()));
  ACCESSTOKENS_RETURN_IF_ERROR(ApplyTokenFilter(request.filter(), query));
  ACCESSTOKENS_RETURN_IF_ERROR(ApplyTokenOrder(request.order_by(), query));
  query.today = today;
  ACCESSTOKENS_ASSIGN_OR_RETURN(query.page.limit,
                                ResolvePageSize(request.page_size()));
  result.listing = absl::StrCat("tokens\n", request.parent(), "\n",
                                request.filter(), "\n", request.order_by());
  return result;
}

absl::StatusOr<AuditListing> ParseAuditListing(
    const v1::ListAuditEventsRequest& request) {
  AuditListing result;
  ACCESSTOKENS_RETURN_IF_ERROR(
      ApplyAuditFilter(request.filter(), result.query));
  ACCESSTOKENS_ASSIGN_OR_RETURN(result.query.page.limit,
                                ResolvePageSize(request.page_size()));
  result.listing = absl::StrCat("audit\n", request.filter());
  return result;
}

}  // namespace accesstokens
