// AccessTokenService handlers for groups and projects.

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "service/access_token_service.h"
#include "service/grpc_status.h"
#include "service/permissions.h"
#include "service/policy.h"
#include "service/proto_conversion.h"
#include "service/requests.h"

namespace accesstokens {

grpc::ServerUnaryReactor* AccessTokenServiceImpl::CreateGroup(
    grpc::CallbackServerContext* context,
    const v1::CreateGroupRequest* request, v1::CreateGroupResponse* response) {
  if (auto* refused = RefuseCaller(context, CallerRole::kAdmin)) {
    return refused;
  }

  absl::StatusOr<NewGroup> group = ParseNewGroup(*request);
  if (!group.ok()) return FinishWith(context, group.status());
  group->context.time = clock_->Now();
  const std::string name = GroupName(group->id);
  absl::Status allowed = CheckCanMirror(group->context.actor, name);
  if (!allowed.ok()) {
    return Refuse(context, allowed, AuditAction::kCreateGroup, name,
                  group->context);
  }

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
  if (auto* refused = RefuseCaller(context, CallerRole::kAdmin)) {
    return refused;
  }

  absl::StatusOr<int64_t> id = ParseGroupName("name", request->name());
  if (!id.ok()) return FinishWith(context, id.status());
  absl::StatusOr<GroupRecord> group = store_->GetGroup(*id);
  if (group.ok()) ToProto(*group, response->mutable_group());
  return FinishWith(context, group.status());
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::UpdateGroup(
    grpc::CallbackServerContext* context,
    const v1::UpdateGroupRequest* request, v1::UpdateGroupResponse* response) {
  if (auto* refused = RefuseCaller(context, CallerRole::kAdmin)) {
    return refused;
  }

  absl::StatusOr<GroupUpdate> update = ParseGroupUpdate(*request);
  if (!update.ok()) return FinishWith(context, update.status());
  update->context.time = clock_->Now();
  const std::string name = GroupName(update->id);
  absl::Status allowed = CheckCanAdminister(update->context.actor, name);
  if (!allowed.ok()) {
    return Refuse(context, allowed, AuditAction::kUpdateGroup, name,
                  update->context);
  }

  // A group's parent never changes, so this check cannot go stale before
  // the write.
  if (update->allow_project_token_creation.has_value()) {
    absl::StatusOr<GroupRecord> group = store_->GetGroup(update->id);
    if (!group.ok()) return FinishWith(context, group.status());
    absl::Status top_level = CheckGroupSettingChange(*group);
    if (!top_level.ok()) return FinishWith(context, top_level);
  }

  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  store_->UpdateGroup(
      *std::move(update),
      [reactor, response](absl::StatusOr<GroupRecord> updated) {
        if (updated.ok()) {
          ToProto(*updated, response->mutable_group());
          const v1::Group& group = response->group();
          LOG(INFO) << "updated group " << group.name()
                    << ": allow_project_access_token_creation="
                    << group.allow_project_access_token_creation()
                    << ", state=" << v1::ResourceState_Name(group.state());
        }
        reactor->Finish(ToGrpcStatus(updated.status()));
      });
  return reactor;
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::DeleteGroup(
    grpc::CallbackServerContext* context,
    const v1::DeleteGroupRequest* request, v1::DeleteGroupResponse* response) {
  if (auto* refused = RefuseCaller(context, CallerRole::kAdmin)) {
    return refused;
  }

  ResourceDeletion deletion;
  absl::StatusOr<int64_t> id = ParseGroupName("name", request->name());
  if (!id.ok()) return FinishWith(context, id.status());
  absl::StatusOr<ActorRecord> actor = ParseActor(request->actor());
  if (!actor.ok()) return FinishWith(context, actor.status());
  deletion.resource = {ResourceKind::kGroup, *id};
  deletion.force = request->force();
  deletion.context.actor = *actor;
  deletion.context.time = clock_->Now();
  absl::Status allowed = CheckCanAdminister(*actor, request->name());
  if (!allowed.ok()) {
    return Refuse(context, allowed, AuditAction::kDeleteGroup,
                  request->name(), deletion.context);
  }

  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  store_->DeleteResource(
      std::move(deletion),
      [reactor, response](absl::StatusOr<DeletedResource> deleted) {
        if (deleted.ok()) {
          ToProto(std::get<GroupRecord>(deleted->resource),
                  response->mutable_group());
          for (const ResourceRef& resource : deleted->deleted_descendants) {
            response->add_deleted_resources(ResourceName(resource));
          }
          response->set_revoked_access_token_count(
              deleted->revoked_token_count);
          LOG(INFO) << "deleted group " << response->group().name()
                    << " with " << deleted->deleted_descendants.size()
                    << " groups and projects beneath it; revoked "
                    << deleted->revoked_token_count << " access tokens";
        }
        reactor->Finish(ToGrpcStatus(deleted.status()));
      });
  return reactor;
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::CreateProject(
    grpc::CallbackServerContext* context,
    const v1::CreateProjectRequest* request,
    v1::CreateProjectResponse* response) {
  if (auto* refused = RefuseCaller(context, CallerRole::kAdmin)) {
    return refused;
  }

  absl::StatusOr<NewProject> project = ParseNewProject(*request);
  if (!project.ok()) return FinishWith(context, project.status());
  project->context.time = clock_->Now();
  const std::string name = ProjectName(project->id);
  absl::Status allowed = CheckCanMirror(project->context.actor, name);
  if (!allowed.ok()) {
    return Refuse(context, allowed, AuditAction::kCreateProject, name,
                  project->context);
  }

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
  if (auto* refused = RefuseCaller(context, CallerRole::kAdmin)) {
    return refused;
  }

  absl::StatusOr<int64_t> id = ParseProjectName("name", request->name());
  if (!id.ok()) return FinishWith(context, id.status());
  absl::StatusOr<ProjectRecord> project = store_->GetProject(*id);
  if (project.ok()) ToProto(*project, response->mutable_project());
  return FinishWith(context, project.status());
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::UpdateProject(
    grpc::CallbackServerContext* context,
    const v1::UpdateProjectRequest* request,
    v1::UpdateProjectResponse* response) {
  if (auto* refused = RefuseCaller(context, CallerRole::kAdmin)) {
    return refused;
  }

  absl::StatusOr<ProjectUpdate> update = ParseProjectUpdate(*request);
  if (!update.ok()) return FinishWith(context, update.status());
  update->context.time = clock_->Now();
  const std::string name = ProjectName(update->id);
  absl::Status allowed = CheckCanAdminister(update->context.actor, name);
  if (!allowed.ok()) {
    return Refuse(context, allowed, AuditAction::kUpdateProject, name,
                  update->context);
  }

  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  store_->UpdateProject(
      *std::move(update),
      [reactor, response](absl::StatusOr<ProjectRecord> updated) {
        if (updated.ok()) {
          ToProto(*updated, response->mutable_project());
          LOG(INFO) << "updated project " << response->project().name()
                    << ": state="
                    << v1::ResourceState_Name(response->project().state());
        }
        reactor->Finish(ToGrpcStatus(updated.status()));
      });
  return reactor;
}

grpc::ServerUnaryReactor* AccessTokenServiceImpl::DeleteProject(
    grpc::CallbackServerContext* context,
    const v1::DeleteProjectRequest* request,
    v1::DeleteProjectResponse* response) {
  if (auto* refused = RefuseCaller(context, CallerRole::kAdmin)) {
    return refused;
  }

  ResourceDeletion deletion;
  absl::StatusOr<int64_t> id = ParseProjectName("name", request->name());
  if (!id.ok()) return FinishWith(context, id.status());
  absl::StatusOr<ActorRecord> actor = ParseActor(request->actor());
  if (!actor.ok()) return FinishWith(context, actor.status());
  deletion.resource = {ResourceKind::kProject, *id};
  deletion.context.actor = *actor;
  deletion.context.time = clock_->Now();
  absl::Status allowed = CheckCanAdminister(*actor, request->name());
  if (!allowed.ok()) {
    return Refuse(context, allowed, AuditAction::kDeleteProject,
                  request->name(), deletion.context);
  }

  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  store_->DeleteResource(
      std::move(deletion),
      [reactor, response](absl::StatusOr<DeletedResource> deleted) {
        if (deleted.ok()) {
          ToProto(std::get<ProjectRecord>(deleted->resource),
                  response->mutable_project());
          response->set_revoked_access_token_count(
              deleted->revoked_token_count);
          LOG(INFO) << "deleted project " << response->project().name()
                    << "; revoked " << deleted->revoked_token_count
                    << " access tokens";
        }
        reactor->Finish(ToGrpcStatus(deleted.status()));
      });
  return reactor;
}

}  // namespace accesstokens
