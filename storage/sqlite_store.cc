#include "storage/sqlite_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "glog/logging.h"
#include "storage/deferred_sync_vfs.h"
#include "storage/resident_vfs.h"
#include "storage/schema.h"
#include "storage/sqlite_operations.h"
#include "storage/status_macros.h"

namespace accesstokens {

using internal::InsertAuditEvent;

namespace {

// Failures that refuse a change for a reason the audit log records. Others
// (UNAVAILABLE, DATA_LOSS, INTERNAL) are storage faults, logged instead.
bool IsRefusal(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kInvalidArgument:
      return true;
    default:
      return false;
  }
}

// Sets the pragmas that only the writer connection needs.
absl::Status ConfigureWriter(SqliteConnection& writer, bool synchronous) {
  // Each write in a batch runs in its own savepoint, and SQLite first copies
  // each page that a savepoint changes to a statement journal. In memory,
  // that copy is a memcpy instead of a write to a temporary file.
  ACCESSTOKENS_RETURN_IF_ERROR(writer.Execute("PRAGMA temp_store=MEMORY"));

  // NORMAL still syncs around checkpoints and when the log starts over.
  // SqliteStore::FlushLog() syncs the log after the commits instead.
  return writer.Execute(synchronous ? "PRAGMA synchronous=NORMAL"
                                    : "PRAGMA synchronous=OFF");
}

// How often the pages of the database file are mapped again when they are
// kept in memory: this maps the pages that checkpoints have added, and
// those that memory pressure has reclaimed.
constexpr absl::Duration kResidentFilePeriod = absl::Seconds(60);

// How long a checkpoint may leave the database file unsynced. Longer means
// fewer syncs beside the log's flushes; the first restart of the log after
// the deferral syncs what is left, with the writer waiting.
constexpr absl::Duration kDatabaseSyncDeferral = absl::Milliseconds(500);

}  // namespace

// --- Opening and closing ----------------------------------------------------

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    SqliteStoreOptions options) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      std::unique_ptr<DeferredSyncVfs> sync_vfs,
      DeferredSyncVfs::Register(kDatabaseSyncDeferral));
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      std::unique_ptr<SqliteConnection> writer,
      SqliteConnection::Open(options.path, options.busy_timeout,
                             SqliteConnection::OpenMode::kCreate,
                             sync_vfs->guarding_name()));
  if (!options.synchronous) {
    LOG(WARNING) << "synchronous=OFF: commits do not wait for the disk, so a "
                    "power loss can undo acknowledged writes; use this for "
                    "benchmarks only";
  }
  ACCESSTOKENS_ASSIGN_OR_RETURN(int64_t version, MigrateSchema(*writer));
  ACCESSTOKENS_RETURN_IF_ERROR(ConfigureWriter(*writer, options.synchronous));
  std::unique_ptr<SqliteStore> store(new SqliteStore(
      std::move(options), version, std::move(sync_vfs), std::move(writer)));

  if (store->options_.keep_in_memory) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(
        store->resident_,
        ResidentFile::Start(store->options_.path, kResidentFilePeriod));
    ACCESSTOKENS_ASSIGN_OR_RETURN(store->resident_vfs_,
                                  ResidentVfs::Register(store->resident_.get()));
  }
  return store;
}

SqliteStore::SqliteStore(SqliteStoreOptions options, int64_t schema_version,
                         std::unique_ptr<DeferredSyncVfs> sync_vfs,
                         std::unique_ptr<SqliteConnection> writer_connection)
    : options_(std::move(options)),
      schema_version_(schema_version),
      cache_(options_.token_cache_entries, options_.encode_authentication),
      admission_(2 * options_.token_cache_entries),
      sync_vfs_(std::move(sync_vfs)),
      writer_(std::make_unique<SqliteWriter>(
          std::move(writer_connection), options_.max_batch_size,
          [this] { return ReopenWriter(); },
          [this] { return OpenExisting(sync_vfs_->deferring_name()); },
          options_.synchronous
              ? SqliteWriter::Flush([this] { return FlushLog(); })
              : nullptr,
          options_.max_use_delay, sync_vfs_.get())) {}

absl::StatusOr<std::unique_ptr<SqliteConnection>> SqliteStore::OpenExisting(
    const char* vfs) const {
  return SqliteConnection::Open(options_.path, options_.busy_timeout,
                                SqliteConnection::OpenMode::kExisting, vfs);
}

absl::StatusOr<std::unique_ptr<SqliteConnection>> SqliteStore::OpenReader()
    const {
  if (resident_vfs_ == nullptr) return OpenExisting();
  ACCESSTOKENS_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> reader,
                                OpenExisting(resident_vfs_->name()));
  // Any positive size makes SQLite ask the VFS for each page's address
  // before it reads the page, and the VFS serves every page of the mapping.
  ACCESSTOKENS_RETURN_IF_ERROR(reader->Execute("PRAGMA mmap_size = 1"));
  return reader;
}

absl::StatusOr<std::unique_ptr<SqliteConnection>> SqliteStore::ReopenWriter() {
  RetireReaders();
  ACCESSTOKENS_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> writer,
                                OpenExisting(sync_vfs_->guarding_name()));
  ACCESSTOKENS_RETURN_IF_ERROR(ConfigureWriter(*writer, options_.synchronous));
  return writer;
}

absl::Status SqliteStore::FlushLog() {
  // Closing a descriptor drops the process's POSIX locks on its file. SQLite
  // locks the database and -shm files only, never the log.
  const std::string log_path = options_.path + "-wal";
  const int fd = open(log_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    // SQLite deletes the log only as its last connection closes, after
    // copying the log into the database file and syncing that file.
    if (errno == ENOENT) return absl::OkStatus();
    return absl::ErrnoToStatus(errno,
                               absl::StrCat("failed to open ", log_path));
  }
  struct stat log_info;
  int rc = fstat(fd, &log_info);
  if (rc == 0) rc = fdatasync(fd);
  const int sync_error = errno;
  close(fd);
  if (rc != 0) {
    return absl::ErrnoToStatus(sync_error,
                               absl::StrCat("failed to sync ", log_path));
  }
  if (log_info.st_ino == synced_log_inode_) return absl::OkStatus();

  // A new log's directory entry must reach the disk too, or a power loss
  // can lose the whole file. SQLite syncs the directory of a new log only at
  // the log's first sync, which synchronous=NORMAL can put off.
  std::string directory = std::filesystem::path(options_.path).parent_path();
  if (directory.empty()) directory = ".";
  const int directory_fd = open(directory.c_str(), O_RDONLY | O_CLOEXEC);
  if (directory_fd < 0) {
    return absl::ErrnoToStatus(errno,
                               absl::StrCat("failed to open ", directory));
  }
  rc = fsync(directory_fd);
  const int directory_error = errno;
  close(directory_fd);
  if (rc != 0) {
    return absl::ErrnoToStatus(directory_error,
                               absl::StrCat("failed to sync ", directory));
  }
  synced_log_inode_ = log_info.st_ino;
  return absl::OkStatus();
}

SqliteStore::~SqliteStore() {
  writer_.reset();
  absl::MutexLock lock(&readers_mu_);
  CHECK_EQ(idle_readers_.size(), open_readers_)
      << "the store was destroyed while a read was running";
  idle_readers_.clear();
}

void SqliteStore::RetireReaders() {
  std::vector<std::unique_ptr<SqliteConnection>> retired;
  {
    absl::MutexLock lock(&readers_mu_);
    ++reader_generation_;
    retired.swap(idle_readers_);
    open_readers_ -= retired.size();
  }
  // The connections close here, outside the lock.
}

SqliteStore::Reader::Reader(SqliteStore* store,
                            std::unique_ptr<SqliteConnection> connection,
                            int64_t generation)
    : store_(store),
      connection_(std::move(connection)),
      generation_(generation) {}

SqliteStore::Reader::~Reader() {
  if (connection_ == nullptr) return;  // Moved from.
  std::unique_ptr<SqliteConnection> retired;  // Closed after the lock.
  absl::MutexLock lock(&store_->readers_mu_);
  if (generation_ == store_->reader_generation_) {
    store_->idle_readers_.push_back(std::move(connection_));
    return;
  }
  --store_->open_readers_;
  retired = std::move(connection_);
}

absl::StatusOr<SqliteStore::Reader> SqliteStore::AcquireReader() {
  int64_t generation = 0;
  {
    absl::MutexLock lock(&readers_mu_);
    auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(readers_mu_) {
      return !idle_readers_.empty() || open_readers_ < options_.max_readers;
    };
    readers_mu_.Await(absl::Condition(&available));
    if (!idle_readers_.empty()) {
      std::unique_ptr<SqliteConnection> connection =
          std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return Reader(this, std::move(connection), reader_generation_);
    }
    ++open_readers_;  // Reserve a place; the connection opens unlocked.
    generation = reader_generation_;
  }

  absl::StatusOr<std::unique_ptr<SqliteConnection>> connection = OpenReader();
  if (!connection.ok()) {
    absl::MutexLock lock(&readers_mu_);
    --open_readers_;
    return connection.status();
  }
  return Reader(this, *std::move(connection), generation);
}

AuditEventRecord MakeAuditEvent(AuditAction action, std::string target,
                                const ChangeContext& context) {
  AuditEventRecord event;
  event.time = context.time;
  event.actor = context.actor;
  event.action = action;
  event.target = std::move(target);
  event.request_id = context.request_id;
  return event;
}

template <typename T>
void SqliteStore::Write(std::optional<AuditEventRecord> audit,
                        Operation<T> operation, WriteCallback<T> done) {
  // The result and effects wait here between the operation, inside the
  // transaction, and the completion, after the commit.
  struct Outcome {
    absl::StatusOr<T> result = absl::InternalError("write did not run");
    WriteEffects effects;
  };
  auto outcome = std::make_shared<Outcome>();
  outcome->effects.primary = std::move(audit);
  writer_->Submit(
      [operation = std::move(operation),
       outcome](SqliteConnection& db) mutable -> absl::Status {
        absl::StatusOr<T>* result = &outcome->result;
        WriteEffects& draft = outcome->effects;
        ACCESSTOKENS_RETURN_IF_ERROR(db.Execute("SAVEPOINT change"));
        *result = operation(db, draft);

        if (!result->ok()) {
          if (!IsRefusal(result->status()) || !draft.primary.has_value() ||
              draft.primary->target.empty()) {
            return result->status();
          }
          // Keep the record of the refusal, not the change.
          ACCESSTOKENS_RETURN_IF_ERROR(db.Execute("ROLLBACK TO change"));
          ACCESSTOKENS_RETURN_IF_ERROR(db.Execute("RELEASE change"));
          draft.primary->status_code =
              static_cast<int>(result->status().code());
          draft.primary->status_message =
              std::string(result->status().message());
          return InsertAuditEvent(db, *draft.primary);
        }

        ACCESSTOKENS_RETURN_IF_ERROR(db.Execute("RELEASE change"));
        if (draft.primary.has_value()) {
          ACCESSTOKENS_RETURN_IF_ERROR(InsertAuditEvent(db, *draft.primary));
        }
        for (const AuditEventRecord& event : draft.extra) {
          ACCESSTOKENS_RETURN_IF_ERROR(InsertAuditEvent(db, event));
        }
        return absl::OkStatus();
      },
      [this, done = std::move(done), outcome](absl::Status status) mutable {
        if (!status.ok()) {
          std::move(done)(std::move(status));
          return;
        }
        if (outcome->result.ok()) {
          if (outcome->effects.all_tokens_stale) cache_.InvalidateAll();
          if (!outcome->effects.stale_tokens.empty()) {
            cache_.InvalidateTokens(outcome->effects.stale_tokens);
          }
        }
        std::move(done)(std::move(outcome->result));
      });
}

// --- Reads ------------------------------------------------------------------

absl::StatusOr<GroupRecord> SqliteStore::GetGroup(int64_t group_id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
  return internal::ReadGroup(*reader, group_id);
}

absl::StatusOr<ProjectRecord> SqliteStore::GetProject(int64_t project_id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
  return internal::ReadProject(*reader, project_id);
}

absl::StatusOr<TokenRecord> SqliteStore::GetAccessToken(int64_t token_id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
  return internal::ReadToken(*reader, token_id);
}

absl::StatusOr<Page<TokenRecord>> SqliteStore::ListAccessTokens(
    const TokenListQuery& query) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
  SqliteConnection& db = *reader;
  // A read transaction, so that the parent check and the rows agree.
  SqliteTransaction transaction(&db, SqliteTransaction::Mode::kDeferred);
  ACCESSTOKENS_RETURN_IF_ERROR(transaction.status());
  ACCESSTOKENS_RETURN_IF_ERROR(
      internal::ReadTokenParent(db, query.parent).status());
  return internal::QueryTokens(db, query);
}

absl::StatusOr<BotUserRecord> SqliteStore::GetBotUser(int64_t user_id) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
  return internal::ReadUser(*reader, user_id);
}

absl::StatusOr<Page<BotUserRecord>> SqliteStore::ListBotUsers(
    const ResourceRef& parent, int64_t after_id, const PageQuery& page) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
  SqliteConnection& db = *reader;
  SqliteTransaction transaction(&db, SqliteTransaction::Mode::kDeferred);
  ACCESSTOKENS_RETURN_IF_ERROR(transaction.status());
  ACCESSTOKENS_RETURN_IF_ERROR(internal::ReadTokenParent(db, parent).status());
  return internal::QueryBotUsers(db, parent, after_id, page);
}

absl::StatusOr<Page<AuditEventRecord>> SqliteStore::ListAuditEvents(
    const AuditListQuery& query) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
  return internal::QueryAuditEvents(*reader, query);
}

absl::StatusOr<std::shared_ptr<const TokenOwnership>>
SqliteStore::FindTokenByDigest(absl::string_view digest) {
  if (std::shared_ptr<const TokenOwnership> cached = cache_.Find(digest)) {
    return cached;
  }

  const uint64_t generation = cache_.generation();
  ACCESSTOKENS_ASSIGN_OR_RETURN(Reader reader, AcquireReader());
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      TokenOwnership read, internal::ReadOwnershipByDigest(*reader, digest));
  // Only tokens that can authenticate are worth encoding and keeping.
  // Expiry is checked on every use, so an expiring token may be kept too.
  const bool usable = !read.token.revoke_time.has_value() &&
                      !read.bot_user.blocked && read.resource_usable;
  if (usable && options_.encode_authentication) {
    read.encoded_authentication = options_.encode_authentication(read);
  }
  auto ownership = std::make_shared<const TokenOwnership>(std::move(read));
  if (usable && admission_.Admit(digest)) cache_.Insert(ownership, generation);
  return ownership;
}

absl::Status SqliteStore::CheckDigestKey(absl::string_view fingerprint) {
  absl::Status outcome;
  absl::Notification finished;
  writer_->Submit(
      [fingerprint = std::string(fingerprint)](SqliteConnection& db) {
        ACCESSTOKENS_ASSIGN_OR_RETURN(
            SqliteStatement select,
            db.Prepare("SELECT value FROM settings WHERE key = 'digest_key'"));
        ACCESSTOKENS_ASSIGN_OR_RETURN(bool found, select.Step());
        if (found) {
          if (select.ColumnBlob(0) == fingerprint) return absl::OkStatus();
          return absl::FailedPreconditionError(
              "the database was written with another secret key: its token "
              "digests cannot match; start the server with the key file "
              "that created this database");
        }
        ACCESSTOKENS_ASSIGN_OR_RETURN(
            SqliteStatement insert,
            db.Prepare("INSERT INTO settings (key, value) "
                       "VALUES ('digest_key', ?)"));
        insert.BindBlob(1, fingerprint);
        return insert.Run();
      },
      [&outcome, &finished](absl::Status status) {
        outcome = std::move(status);
        finished.Notify();
      });
  finished.WaitForNotification();
  return outcome;
}

// --- Writes -----------------------------------------------------------------

void SqliteStore::CreateGroup(NewGroup group, WriteCallback<GroupRecord> done) {
  AuditEventRecord event = MakeAuditEvent(AuditAction::kCreateGroup,
                                          GroupName(group.id), group.context);
  Write<GroupRecord>(
      std::move(event),
      [group = std::move(group)](SqliteConnection& db, WriteEffects&) {
        return internal::InsertGroup(db, group);
      },
      std::move(done));
}

void SqliteStore::UpdateGroup(GroupUpdate update,
                              WriteCallback<GroupRecord> done) {
  AuditEventRecord event = MakeAuditEvent(AuditAction::kUpdateGroup,
                                          GroupName(update.id), update.context);
  Write<GroupRecord>(
      std::move(event),
      [update = std::move(update)](SqliteConnection& db,
                                   WriteEffects& effects) {
        // Cached tokens carry their group and its state.
        effects.all_tokens_stale = true;
        return internal::ApplyGroupUpdate(db, update);
      },
      std::move(done));
}

void SqliteStore::CreateProject(NewProject project,
                                WriteCallback<ProjectRecord> done) {
  AuditEventRecord event = MakeAuditEvent(
      AuditAction::kCreateProject, ProjectName(project.id), project.context);
  Write<ProjectRecord>(
      std::move(event),
      [project = std::move(project)](SqliteConnection& db, WriteEffects&) {
        return internal::InsertProject(db, project);
      },
      std::move(done));
}

void SqliteStore::UpdateProject(ProjectUpdate update,
                                WriteCallback<ProjectRecord> done) {
  AuditEventRecord event = MakeAuditEvent(
      AuditAction::kUpdateProject, ProjectName(update.id), update.context);
  Write<ProjectRecord>(
      std::move(event),
      [update = std::move(update)](SqliteConnection& db,
                                   WriteEffects& effects) {
        effects.all_tokens_stale = true;
        return internal::ApplyProjectUpdate(db, update);
      },
      std::move(done));
}

void SqliteStore::DeleteResource(ResourceDeletion deletion,
                                 WriteCallback<DeletedResource> done) {
  AuditEventRecord event =
      MakeAuditEvent(deletion.resource.kind == ResourceKind::kProject
                         ? AuditAction::kDeleteProject
                         : AuditAction::kDeleteGroup,
                     ResourceName(deletion.resource), deletion.context);
  Write<DeletedResource>(
      std::move(event),
      [deletion = std::move(deletion)](
          SqliteConnection& db,
          WriteEffects& audit) -> absl::StatusOr<DeletedResource> {
        ACCESSTOKENS_ASSIGN_OR_RETURN(DeletedResource deleted,
                                      internal::DeleteResource(db, deletion));
        audit.all_tokens_stale = true;
        for (const ResourceRef& resource : deleted.deleted_descendants) {
          audit.primary->related_resources.push_back(ResourceName(resource));
        }
        return deleted;
      },
      std::move(done));
}

void SqliteStore::CreateAccessToken(NewAccessToken token,
                                    WriteCallback<CreatedAccessToken> done) {
  AuditEventRecord event =
      MakeAuditEvent(AuditAction::kCreateAccessToken,
                     ResourceName(token.parent), token.context);
  Write<CreatedAccessToken>(
      std::move(event),
      [token = std::move(token), domain = options_.email_domain](
          SqliteConnection& db,
          WriteEffects& audit) -> absl::StatusOr<CreatedAccessToken> {
        ACCESSTOKENS_ASSIGN_OR_RETURN(
            CreatedAccessToken created,
            internal::InsertAccessToken(db, token, domain));
        if (created.replayed_sealed_secret.has_value()) {
          audit.primary.reset();  // A replay changes nothing.
          return created;
        }
        audit.primary->target =
            AccessTokenName(created.token.parent, created.token.id);
        audit.primary->related_resources.push_back(
            UserName(created.bot_user.id));
        return created;
      },
      std::move(done));
}

void SqliteStore::RevokeAccessToken(TokenRevocation revocation,
                                    WriteCallback<TokenRecord> done) {
  AuditEventRecord event = MakeAuditEvent(
      AuditAction::kRevokeAccessToken,
      AccessTokenName(revocation.token.parent, revocation.token.id),
      revocation.context);
  Write<TokenRecord>(
      std::move(event),
      [revocation = std::move(revocation)](
          SqliteConnection& db,
          WriteEffects& audit) -> absl::StatusOr<TokenRecord> {
        ACCESSTOKENS_ASSIGN_OR_RETURN(TokenRecord token,
                                      internal::RevokeToken(db, revocation));
        audit.stale_tokens.push_back(token.id);
        if (token.revoke_time != revocation.context.time) {
          audit.primary.reset();  // It was revoked before: nothing changed.
          return token;
        }
        audit.primary->related_resources.push_back(UserName(token.user_id));
        return token;
      },
      std::move(done));
}

void SqliteStore::RotateAccessToken(TokenRotation rotation,
                                    WriteCallback<RotatedAccessToken> done) {
  // A token given by its secret is named once it is found.
  const auto* key = std::get_if<TokenKey>(&rotation.token);
  AuditEventRecord event = MakeAuditEvent(
      AuditAction::kRotateAccessToken,
      key != nullptr ? AccessTokenName(key->parent, key->id) : "",
      rotation.context);
  Write<RotatedAccessToken>(
      std::move(event),
      [rotation = std::move(rotation)](
          SqliteConnection& db,
          WriteEffects& audit) -> absl::StatusOr<RotatedAccessToken> {
        ACCESSTOKENS_ASSIGN_OR_RETURN(RotatedAccessToken rotated,
                                      internal::RotateToken(db, rotation));
        if (rotated.replayed_sealed_secret.has_value()) {
          audit.primary.reset();  // A replay changes nothing.
          return rotated;
        }
        const TokenRecord& previous = rotated.previous;
        audit.stale_tokens.push_back(previous.id);
        for (const TokenRecord& token : rotated.family_revoked) {
          audit.stale_tokens.push_back(token.id);
        }
        audit.primary->target = AccessTokenName(previous.parent, previous.id);
        if (!rotated.reuse_detected) {
          audit.primary->related_resources.push_back(
              AccessTokenName(rotated.next.parent, rotated.next.id));
          return rotated;
        }

        // The rotation was refused, and the family revoked instead.
        audit.primary->status_code =
            static_cast<int>(absl::StatusCode::kFailedPrecondition);
        audit.primary->status_message =
            "a rotated secret was presented again; its rotation family was "
            "revoked";
        AuditEventRecord family = *audit.primary;
        family.action = AuditAction::kRevokeTokenFamily;
        family.status_code = 0;
        family.status_message.clear();
        for (const TokenRecord& token : rotated.family_revoked) {
          family.related_resources.push_back(
              AccessTokenName(token.parent, token.id));
        }
        audit.extra.push_back(std::move(family));
        return rotated;
      },
      std::move(done));
}

void SqliteStore::RecordTokenUses(std::vector<TokenUse> uses,
                                  absl::AnyInvocable<void() &&> done) {
  auto shared = std::make_shared<const std::vector<TokenUse>>(std::move(uses));
  writer_->SubmitDeferrable(
      [shared](SqliteConnection& db) {
        return internal::StoreTokenUses(db, *shared);
      },
      [this, shared, done = std::move(done)](absl::Status status) mutable {
        if (status.ok()) {
          cache_.RecordUses(*shared);
        } else {
          LOG(WARNING) << "recording the last use of " << shared->size()
                       << " tokens failed: " << status;
        }
        std::move(done)();
      });
}

void SqliteStore::RecordAuditEvent(AuditEventRecord event) {
  writer_->Submit(
      [event = std::move(event)](SqliteConnection& db) {
        return InsertAuditEvent(db, event);
      },
      [](absl::Status status) {
        LOG_IF(WARNING, !status.ok())
            << "writing an audit event failed: " << status;
      });
}

void SqliteStore::FillBotCopies(int limit,
                                WriteCallback<BotCopyProgress> done) {
  // The copies change no field that authentication returns, so cached
  // tokens stay valid.
  Write<BotCopyProgress>(
      std::nullopt,
      [limit](SqliteConnection& db, WriteEffects&) {
        return internal::FillBotCopies(db, limit);
      },
      std::move(done));
}

void SqliteStore::Purge(absl::Time revoked_before, absl::Time keys_before,
                        int limit, absl::Time now, WriteCallback<int> done) {
  Write<int>(
      std::nullopt,
      [=](SqliteConnection& db, WriteEffects& audit) -> absl::StatusOr<int> {
        ACCESSTOKENS_ASSIGN_OR_RETURN(
            std::vector<std::string> purged,
            internal::PurgeBotUsers(db, revoked_before, keys_before, limit,
                                    now));
        for (std::string& user : purged) {
          ChangeContext server_work;
          server_work.time = now;
          audit.extra.push_back(MakeAuditEvent(AuditAction::kPurgeBotUser,
                                               std::move(user), server_work));
        }
        return static_cast<int>(audit.extra.size());
      },
      std::move(done));
}

}  // namespace accesstokens
