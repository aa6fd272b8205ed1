// Write operations on groups and projects.

#include <vector>

#include "absl/strings/str_cat.h"
#include "storage/sqlite_operations.h"
#include "storage/sqlite_rows.h"
#include "storage/status_macros.h"

namespace accesstokens::internal {
namespace {

absl::Status AlreadyDeleted(absl::string_view what, absl::string_view name) {
  return absl::FailedPreconditionError(
      absl::StrCat(what, " \"", name, "\" is deleted"));
}

// Returns the parent group for a new group or project: NOT_FOUND if it does
// not exist, FAILED_PRECONDITION if it is deleted.
absl::StatusOr<GroupRecord> ReadLiveParent(SqliteConnection& db,
                                           int64_t group_id) {
  absl::StatusOr<GroupRecord> parent = ReadGroup(db, group_id);
  if (absl::IsNotFound(parent.status())) {
    return NotFound("parent group", GroupName(group_id));
  }
  if (parent.ok() && parent->state == ResourceState::kDeleted) {
    return AlreadyDeleted("parent group", GroupName(group_id));
  }
  return parent;
}

absl::StatusOr<bool> Exists(SqliteConnection& db, const char* sql,
                            int64_t id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(SqliteStatement statement, db.Prepare(sql));
  statement.Bind(1, id);
  return statement.Step();
}

// Revokes every live token of `resource` with the reason "resource
// deleted", blocks their bot users and ends the memberships there. Returns
// the number of tokens revoked.
absl::StatusOr<int> RevokeTokensOf(SqliteConnection& db,
                                   const ResourceRef& resource,
                                   absl::Time now) {
  const bool project = resource.kind == ResourceKind::kProject;
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement revoke,
      db.Prepare("UPDATE access_tokens SET revoke_time = ?, "
                 "revocation_reason = 4 "
                 "WHERE parent_key = ? AND revoke_time IS NULL"));
  revoke.Bind(1, ToMicros(now)).Bind(2, ParentKey(resource));
  ACCESSTOKENS_RETURN_IF_ERROR(revoke.Run());
  const int revoked = db.Changes();

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement block,
      db.Prepare(project ? "UPDATE users SET blocked = 1 WHERE project_id = ?"
                         : "UPDATE users SET blocked = 1 WHERE group_id = ?"));
  block.Bind(1, resource.id);
  ACCESSTOKENS_RETURN_IF_ERROR(block.Run());

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement end_memberships,
      db.Prepare(project ? "DELETE FROM memberships WHERE project_id = ?"
                         : "DELETE FROM memberships WHERE group_id = ?"));
  end_memberships.Bind(1, resource.id);
  ACCESSTOKENS_RETURN_IF_ERROR(end_memberships.Run());
  return revoked;
}

// Marks `resource` deleted at `now`.
absl::Status MarkDeleted(SqliteConnection& db, const ResourceRef& resource,
                         absl::Time now) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare(resource.kind == ResourceKind::kProject
                     ? "UPDATE projects SET state = 3, delete_time = ?1, "
                       "update_time = ?1 WHERE id = ?2"
                     : "UPDATE groups SET state = 3, delete_time = ?1, "
                       "update_time = ?1 WHERE id = ?2"));
  statement.Bind(1, ToMicros(now)).Bind(2, resource.id);
  return statement.Run();
}

// Returns the groups and projects beneath `group_id` that are not deleted,
// groups first, each group before its subgroups.
absl::StatusOr<std::vector<ResourceRef>> LiveDescendants(SqliteConnection& db,
                                                         int64_t group_id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare("WITH RECURSIVE tree (id, depth) AS ("
                 "  SELECT id, 1 FROM groups WHERE parent_id = ?1 "
                 "  UNION ALL "
                 "  SELECT g.id, tree.depth + 1 FROM groups g "
                 "  JOIN tree ON g.parent_id = tree.id) "
                 "SELECT 1, t.id, t.depth FROM tree t "
                 "JOIN groups g ON g.id = t.id WHERE g.state != 3 "
                 "UNION ALL "
                 "SELECT 0, p.id, 0 FROM projects p "
                 "WHERE p.state != 3 AND (p.group_id = ?1 "
                 "  OR p.group_id IN (SELECT id FROM tree)) "
                 "ORDER BY 1 DESC, 3, 2"));
  statement.Bind(1, group_id);
  std::vector<ResourceRef> descendants;
  while (true) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(bool row, statement.Step());
    if (!row) break;
    descendants.push_back({statement.ColumnInt64(0) == 1
                               ? ResourceKind::kGroup
                               : ResourceKind::kProject,
                           statement.ColumnInt64(1)});
  }
  return descendants;
}

}  // namespace

absl::StatusOr<GroupRecord> InsertGroup(SqliteConnection& db,
                                        const NewGroup& group) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      bool exists, Exists(db, "SELECT 1 FROM groups WHERE id = ?", group.id));
  if (exists) {
    return absl::AlreadyExistsError(
        absl::StrCat("group \"", GroupName(group.id), "\" already exists"));
  }

  int64_t top_level_id = group.id;
  if (group.parent_id.has_value()) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(GroupRecord parent,
                                  ReadLiveParent(db, *group.parent_id));
    top_level_id = parent.top_level_id;
  }

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement insert,
      db.Prepare("INSERT INTO groups (id, parent_id, top_level_id, "
                 "display_name, allow_project_token_creation, create_time, "
                 "update_time) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  insert.Bind(1, group.id)
      .Bind(2, group.parent_id)
      .Bind(3, top_level_id)
      .Bind(4, group.display_name)
      .Bind(5, int64_t{group.allow_project_token_creation ? 1 : 0})
      .Bind(6, ToMicros(group.context.time))
      .Bind(7, ToMicros(group.context.time));
  ACCESSTOKENS_RETURN_IF_ERROR(insert.Run());
  ACCESSTOKENS_RETURN_IF_ERROR(RefreshSubtreeInactive(db, group.id));
  return ReadGroup(db, group.id);
}

absl::StatusOr<GroupRecord> ApplyGroupUpdate(SqliteConnection& db,
                                             const GroupUpdate& update) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(GroupRecord group, ReadGroup(db, update.id));
  if (group.state == ResourceState::kDeleted) {
    return AlreadyDeleted("group", GroupName(update.id));
  }

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare("UPDATE groups SET "
                 "display_name = coalesce(?, display_name), "
                 "allow_project_token_creation = "
                 "coalesce(?, allow_project_token_creation), "
                 "state = coalesce(?, state), "
                 "update_time = ? WHERE id = ?"));
  if (update.display_name.has_value()) {
    statement.Bind(1, *update.display_name);
  } else {
    statement.BindNull(1);
  }
  statement.Bind(2, update.allow_project_token_creation.has_value()
                        ? std::optional<int64_t>(
                              *update.allow_project_token_creation ? 1 : 0)
                        : std::nullopt);
  statement.Bind(3, update.state.has_value()
                        ? std::optional<int64_t>(
                              static_cast<int64_t>(*update.state))
                        : std::nullopt);
  statement.Bind(4, ToMicros(update.context.time)).Bind(5, update.id);
  ACCESSTOKENS_RETURN_IF_ERROR(statement.Run());
  if (update.state.has_value()) {
    ACCESSTOKENS_RETURN_IF_ERROR(RefreshSubtreeInactive(db, update.id));
  }
  return ReadGroup(db, update.id);
}

absl::StatusOr<ProjectRecord> InsertProject(SqliteConnection& db,
                                            const NewProject& project) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      bool exists,
      Exists(db, "SELECT 1 FROM projects WHERE id = ?", project.id));
  if (exists) {
    return absl::AlreadyExistsError(absl::StrCat(
        "project \"", ProjectName(project.id), "\" already exists"));
  }
  if (project.group_id.has_value()) {
    ACCESSTOKENS_RETURN_IF_ERROR(
        ReadLiveParent(db, *project.group_id).status());
  }

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement insert,
      db.Prepare("INSERT INTO projects (id, group_id, display_name, "
                 "create_time, update_time) VALUES (?, ?, ?, ?, ?)"));
  insert.Bind(1, project.id)
      .Bind(2, project.group_id)
      .Bind(3, project.display_name)
      .Bind(4, ToMicros(project.context.time))
      .Bind(5, ToMicros(project.context.time));
  ACCESSTOKENS_RETURN_IF_ERROR(insert.Run());
  return ReadProject(db, project.id);
}

absl::StatusOr<ProjectRecord> ApplyProjectUpdate(SqliteConnection& db,
                                                 const ProjectUpdate& update) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(ProjectRecord project,
                                ReadProject(db, update.id));
  if (project.state == ResourceState::kDeleted) {
    return AlreadyDeleted("project", ProjectName(update.id));
  }

  ACCESSTOKENS_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      db.Prepare("UPDATE projects SET "
                 "display_name = coalesce(?, display_name), "
                 "state = coalesce(?, state), "
                 "update_time = ? WHERE id = ?"));
  if (update.display_name.has_value()) {
    statement.Bind(1, *update.display_name);
  } else {
    statement.BindNull(1);
  }
  statement.Bind(2, update.state.has_value()
                        ? std::optional<int64_t>(
                              static_cast<int64_t>(*update.state))
                        : std::nullopt);
  statement.Bind(3, ToMicros(update.context.time)).Bind(4, update.id);
  ACCESSTOKENS_RETURN_IF_ERROR(statement.Run());
  return ReadProject(db, update.id);
}

absl::StatusOr<DeletedResource> DeleteResource(
    SqliteConnection& db, const ResourceDeletion& deletion) {
  const ResourceRef& target = deletion.resource;
  const absl::Time now = deletion.context.time;
  DeletedResource deleted;

  if (target.kind == ResourceKind::kProject) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(ProjectRecord project,
                                  ReadProject(db, target.id));
    if (project.state == ResourceState::kDeleted) {
      return AlreadyDeleted("project", ProjectName(target.id));
    }
  } else {
    ACCESSTOKENS_ASSIGN_OR_RETURN(GroupRecord group,
                                  ReadGroup(db, target.id));
    if (group.state == ResourceState::kDeleted) {
      return AlreadyDeleted("group", GroupName(target.id));
    }
    ACCESSTOKENS_ASSIGN_OR_RETURN(deleted.deleted_descendants,
                                  LiveDescendants(db, target.id));
    if (!deletion.force && !deleted.deleted_descendants.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "group \"", GroupName(target.id), "\" has ",
          deleted.deleted_descendants.size(),
          " groups and projects beneath it, such as \"",
          ResourceName(deleted.deleted_descendants.front()),
          "\"; set force to delete them too"));
    }
  }

  std::vector<ResourceRef> doomed = deleted.deleted_descendants;
  doomed.push_back(target);
  for (const ResourceRef& resource : doomed) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(int revoked, RevokeTokensOf(db, resource, now));
    deleted.revoked_token_count += revoked;
    ACCESSTOKENS_RETURN_IF_ERROR(MarkDeleted(db, resource, now));
  }

  if (target.kind == ResourceKind::kProject) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(deleted.resource, ReadProject(db, target.id));
  } else {
    ACCESSTOKENS_RETURN_IF_ERROR(RefreshSubtreeInactive(db, target.id));
    ACCESSTOKENS_ASSIGN_OR_RETURN(deleted.resource, ReadGroup(db, target.id));
  }
  return deleted;
}

}  // namespace accesstokens::internal
