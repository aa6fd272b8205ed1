// groups create|get|update|delete and projects create|get|update|delete.

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/cpp/cli/commands.h"
#include "clients/cpp/cli/formatters.h"
#include "clients/cpp/cli/table.h"
#include "clients/cpp/cli/value_parsers.h"

namespace accesstokens::cli {
namespace {

const FlagSpec kDisplayNameFlag = {"name", "NAME",
                                   "display name, 1 to 255 characters"};
const FlagSpec kAllowProjectTokensFlag = {
    "allow-project-tokens", "BOOL",
    "true or false: whether projects beneath this top-level group may "
    "create access tokens"};

const FlagSpec kStateFlag = {
    "state", "STATE",
    "new state: active, or pending_deletion to stop its tokens from "
    "authenticating until it is active again"};

// Reads the positional argument `placeholder` as a name in `collection`,
// given in full or as the bare id.
absl::StatusOr<std::string> NameArgument(const Invocation& call,
                                         absl::string_view placeholder,
                                         absl::string_view collection) {
  absl::StatusOr<std::string> value = SinglePositional(call, placeholder);
  if (!value.ok()) return value.status();
  return ParseResourceName(placeholder, collection, *value);
}

// Reads the positional id of a group or project to create.
absl::StatusOr<int64_t> IdArgument(const Invocation& call,
                                   absl::string_view collection) {
  absl::StatusOr<std::string> name = NameArgument(call, "ID", collection);
  if (!name.ok()) return name.status();
  // NameArgument accepted only `<collection>/<positive number>`.
  const std::string digits = name->substr(collection.size() + 1);
  int64_t id = 0;
  if (!absl::SimpleAtoi(digits, &id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("ID \"", digits, "\" is not a positive number"));
  }
  return id;
}

// Fails when an update names no field to change.
absl::Status RequireChange(const google::protobuf::FieldMask& mask,
                           absl::string_view options) {
  if (mask.paths_size() > 0) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("nothing to change: give at least one of ", options));
}

// The actor needs the owner level for every update and deletion.
constexpr char kOwnerNote[] = " The actor needs the owner level.";

// --- groups ---

absl::StatusOr<v1::CreateGroupRequest> BuildCreateGroup(
    const Invocation& call) {
  v1::CreateGroupRequest request;
  absl::StatusOr<int64_t> id = IdArgument(call, "groups");
  if (!id.ok()) return id.status();
  request.set_group_id(*id);

  v1::Group* group = request.mutable_group();
  absl::StatusOr<std::string> name = RequiredFlag(call, kDisplayNameFlag);
  if (!name.ok()) return name.status();
  group->set_display_name(*name);
  if (auto parent = call.arguments.Value("parent")) {
    absl::StatusOr<std::string> parsed =
        ParseResourceName("--parent", "groups", *parent);
    if (!parsed.ok()) return parsed.status();
    group->set_parent(*parsed);
  }
  if (auto allow = call.arguments.Value(kAllowProjectTokensFlag.name)) {
    absl::StatusOr<bool> parsed = ParseBool("--allow-project-tokens", *allow);
    if (!parsed.ok()) return parsed.status();
    group->set_allow_project_access_token_creation(*parsed);
  }
  return request;
}

Command CreateGroupCommand() {
  CommandInfo info;
  info.path = {"groups", "create"};
  info.synopsis =
      "ID --name NAME [--parent GROUP] [--allow-project-tokens BOOL]";
  info.summary = "mirror a group of the platform";
  info.description =
      "ID is the platform's id of the group, a positive integer. "
      "--allow-project-tokens applies to top-level groups only and defaults "
      "to true.";
  info.flags = {
      kDisplayNameFlag,
      {"parent", "GROUP", "parent group by id or name, for a subgroup"},
      kAllowProjectTokensFlag};
  info.mutating = true;
  return MakeCommand<v1::CreateGroupRequest, v1::CreateGroupResponse>(
      std::move(info), BuildCreateGroup, &AccessTokenClient::CreateGroup,
      [](const v1::CreateGroupResponse& response, std::ostream& out,
         std::ostream&) { PrintGroup(response.group(), out); });
}

Command GetGroupCommand() {
  CommandInfo info;
  info.path = {"groups", "get"};
  info.synopsis = "GROUP";
  info.summary = "show a group";
  info.description = "GROUP is an id (109) or a name (groups/109).";
  return MakeCommand<v1::GetGroupRequest, v1::GetGroupResponse>(
      std::move(info),
      [](const Invocation& call) -> absl::StatusOr<v1::GetGroupRequest> {
        absl::StatusOr<std::string> name =
            NameArgument(call, "GROUP", "groups");
        if (!name.ok()) return name.status();
        v1::GetGroupRequest request;
        request.set_name(*name);
        return request;
      },
      &AccessTokenClient::GetGroup,
      [](const v1::GetGroupResponse& response, std::ostream& out,
         std::ostream&) { PrintGroup(response.group(), out); });
}

absl::StatusOr<v1::UpdateGroupRequest> BuildUpdateGroup(
    const Invocation& call) {
  v1::UpdateGroupRequest request;
  absl::StatusOr<std::string> name = NameArgument(call, "GROUP", "groups");
  if (!name.ok()) return name.status();
  v1::Group* group = request.mutable_group();
  group->set_name(*name);

  google::protobuf::FieldMask* mask = request.mutable_update_mask();
  if (auto display_name = call.arguments.Value("name")) {
    group->set_display_name(*display_name);
    mask->add_paths("display_name");
  }
  if (auto allow = call.arguments.Value(kAllowProjectTokensFlag.name)) {
    absl::StatusOr<bool> parsed = ParseBool("--allow-project-tokens", *allow);
    if (!parsed.ok()) return parsed.status();
    group->set_allow_project_access_token_creation(*parsed);
    mask->add_paths("allow_project_access_token_creation");
  }
  if (auto state = call.arguments.Value("state")) {
    absl::StatusOr<v1::ResourceState> parsed =
        ParseResourceState("--state", *state);
    if (!parsed.ok()) return parsed.status();
    group->set_state(*parsed);
    mask->add_paths("state");
  }
  absl::Status changed =
      RequireChange(*mask, "--name, --allow-project-tokens and --state");
  if (!changed.ok()) return changed;
  return request;
}

Command UpdateGroupCommand() {
  CommandInfo info;
  info.path = {"groups", "update"};
  info.synopsis =
      "GROUP [--name NAME] [--allow-project-tokens BOOL] "
      "[--state STATE]";
  info.summary = "change a group's name, token setting or state";
  info.description = absl::StrCat("Changes only the fields given.", kOwnerNote);
  info.flags = {kDisplayNameFlag, kAllowProjectTokensFlag, kStateFlag};
  info.mutating = true;
  return MakeCommand<v1::UpdateGroupRequest, v1::UpdateGroupResponse>(
      std::move(info), BuildUpdateGroup, &AccessTokenClient::UpdateGroup,
      [](const v1::UpdateGroupResponse& response, std::ostream& out,
         std::ostream&) { PrintGroup(response.group(), out); });
}

Command DeleteGroupCommand() {
  CommandInfo info;
  info.path = {"groups", "delete"};
  info.synopsis = "GROUP [--force]";
  info.summary = "delete a group and revoke its access tokens";
  info.description = absl::StrCat(
      "Revokes every access token of the group and of the groups and "
      "projects beneath it, and blocks their bot users.",
      kOwnerNote);
  info.flags = {{"force", "",
                 "also delete the subgroups and projects beneath it; without "
                 "it, a group that has any is not deleted"}};
  info.mutating = true;
  return MakeCommand<v1::DeleteGroupRequest, v1::DeleteGroupResponse>(
      std::move(info),
      [](const Invocation& call) -> absl::StatusOr<v1::DeleteGroupRequest> {
        absl::StatusOr<std::string> name =
            NameArgument(call, "GROUP", "groups");
        if (!name.ok()) return name.status();
        v1::DeleteGroupRequest request;
        request.set_name(*name);
        request.set_force(call.arguments.Has("force"));
        return request;
      },
      &AccessTokenClient::DeleteGroup,
      [](const v1::DeleteGroupResponse& response, std::ostream& out,
         std::ostream&) {
        FieldList fields = GroupFields(response.group());
        fields.Add("deleted with it",
                   response.deleted_resources_size() == 0
                       ? "-"
                       : absl::StrJoin(response.deleted_resources(), ", "));
        fields.Add("revoked access tokens",
                   absl::StrCat(response.revoked_access_token_count()));
        fields.Print(out);
      });
}

// --- projects ---

absl::StatusOr<v1::CreateProjectRequest> BuildCreateProject(
    const Invocation& call) {
  v1::CreateProjectRequest request;
  absl::StatusOr<int64_t> id = IdArgument(call, "projects");
  if (!id.ok()) return id.status();
  request.set_project_id(*id);

  absl::StatusOr<std::string> name = RequiredFlag(call, kDisplayNameFlag);
  if (!name.ok()) return name.status();
  request.mutable_project()->set_display_name(*name);
  if (auto group = call.arguments.Value("group")) {
    absl::StatusOr<std::string> parsed =
        ParseResourceName("--group", "groups", *group);
    if (!parsed.ok()) return parsed.status();
    request.mutable_project()->set_parent(*parsed);
  }
  return request;
}

Command CreateProjectCommand() {
  CommandInfo info;
  info.path = {"projects", "create"};
  info.synopsis = "ID --name NAME [--group GROUP]";
  info.summary = "mirror a project of the platform";
  info.description =
      "ID is the platform's id of the project, a positive integer.";
  info.flags = {kDisplayNameFlag, GroupFlag("the project belongs to")};
  info.mutating = true;
  return MakeCommand<v1::CreateProjectRequest, v1::CreateProjectResponse>(
      std::move(info), BuildCreateProject, &AccessTokenClient::CreateProject,
      [](const v1::CreateProjectResponse& response, std::ostream& out,
         std::ostream&) { PrintProject(response.project(), out); });
}

Command GetProjectCommand() {
  CommandInfo info;
  info.path = {"projects", "get"};
  info.synopsis = "PROJECT";
  info.summary = "show a project";
  info.description = "PROJECT is an id (123) or a name (projects/123).";
  return MakeCommand<v1::GetProjectRequest, v1::GetProjectResponse>(
      std::move(info),
      [](const Invocation& call) -> absl::StatusOr<v1::GetProjectRequest> {
        absl::StatusOr<std::string> name =
            NameArgument(call, "PROJECT", "projects");
        if (!name.ok()) return name.status();
        v1::GetProjectRequest request;
        request.set_name(*name);
        return request;
      },
      &AccessTokenClient::GetProject,
      [](const v1::GetProjectResponse& response, std::ostream& out,
         std::ostream&) { PrintProject(response.project(), out); });
}

absl::StatusOr<v1::UpdateProjectRequest> BuildUpdateProject(
    const Invocation& call) {
  v1::UpdateProjectRequest request;
  absl::StatusOr<std::string> name = NameArgument(call, "PROJECT", "projects");
  if (!name.ok()) return name.status();
  v1::Project* project = request.mutable_project();
  project->set_name(*name);

  google::protobuf::FieldMask* mask = request.mutable_update_mask();
  if (auto display_name = call.arguments.Value("name")) {
    project->set_display_name(*display_name);
    mask->add_paths("display_name");
  }
  if (auto state = call.arguments.Value("state")) {
    absl::StatusOr<v1::ResourceState> parsed =
        ParseResourceState("--state", *state);
    if (!parsed.ok()) return parsed.status();
    project->set_state(*parsed);
    mask->add_paths("state");
  }
  absl::Status changed = RequireChange(*mask, "--name and --state");
  if (!changed.ok()) return changed;
  return request;
}

Command UpdateProjectCommand() {
  CommandInfo info;
  info.path = {"projects", "update"};
  info.synopsis = "PROJECT [--name NAME] [--state STATE]";
  info.summary = "change a project's name or state";
  info.description = absl::StrCat("Changes only the fields given.", kOwnerNote);
  info.flags = {kDisplayNameFlag, kStateFlag};
  info.mutating = true;
  return MakeCommand<v1::UpdateProjectRequest, v1::UpdateProjectResponse>(
      std::move(info), BuildUpdateProject, &AccessTokenClient::UpdateProject,
      [](const v1::UpdateProjectResponse& response, std::ostream& out,
         std::ostream&) { PrintProject(response.project(), out); });
}

Command DeleteProjectCommand() {
  CommandInfo info;
  info.path = {"projects", "delete"};
  info.synopsis = "PROJECT";
  info.summary = "delete a project and revoke its access tokens";
  info.description = absl::StrCat(
      "Revokes the project's access tokens and blocks their bot users.",
      kOwnerNote);
  info.mutating = true;
  return MakeCommand<v1::DeleteProjectRequest, v1::DeleteProjectResponse>(
      std::move(info),
      [](const Invocation& call) -> absl::StatusOr<v1::DeleteProjectRequest> {
        absl::StatusOr<std::string> name =
            NameArgument(call, "PROJECT", "projects");
        if (!name.ok()) return name.status();
        v1::DeleteProjectRequest request;
        request.set_name(*name);
        return request;
      },
      &AccessTokenClient::DeleteProject,
      [](const v1::DeleteProjectResponse& response, std::ostream& out,
         std::ostream&) {
        FieldList fields = ProjectFields(response.project());
        fields.Add("revoked access tokens",
                   absl::StrCat(response.revoked_access_token_count()));
        fields.Print(out);
      });
}

}  // namespace

std::vector<Command> GroupAndProjectCommands() {
  return {CreateGroupCommand(),   GetGroupCommand(),      UpdateGroupCommand(),
          DeleteGroupCommand(),   CreateProjectCommand(), GetProjectCommand(),
          UpdateProjectCommand(), DeleteProjectCommand()};
}

}  // namespace accesstokens::cli
