#include "storage/deferred_sync_vfs.h"

#include <algorithm>
#include <atomic>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/sqlite_connection.h"
#include "storage/status_macros.h"

namespace accesstokens {

// The file object that SQLite allocates for each file the VFSes open: this
// header, then the base VFS's own file object.
struct DeferredSyncFile {
  enum class Kind { kDatabase, kLog, kOther };

  // First, so that SQLite finds the methods where it expects them.
  sqlite3_file base;
  DeferredSyncVfs* owner;
  Kind kind;
  // Opened through the deferring VFS.
  bool deferrable;

  sqlite3_file* inner() { return reinterpret_cast<sqlite3_file*>(this + 1); }

  static DeferredSyncFile* Of(sqlite3_file* file) {
    return reinterpret_cast<DeferredSyncFile*>(file);
  }

  static int Close(sqlite3_file* file) {
    DeferredSyncFile* self = Of(file);
    if (self->kind == Kind::kDatabase) {
      self->owner->CloseDatabase(self->inner());
    }
    return self->inner()->pMethods->xClose(self->inner());
  }

  // SQLite writes at offset 0 of the log only to begin a new log, which
  // then overwrites the old one's pages.
  static int Write(sqlite3_file* file, const void* data, int amount,
                   sqlite3_int64 offset) {
    DeferredSyncFile* self = Of(file);
    if (self->kind == Kind::kLog && offset == 0) {
      const int rc = self->owner->SyncBeforeLogReuse();
      if (rc != SQLITE_OK) return rc;
    }
    return self->inner()->pMethods->xWrite(self->inner(), data, amount,
                                           offset);
  }

  static int Truncate(sqlite3_file* file, sqlite3_int64 size) {
    DeferredSyncFile* self = Of(file);
    if (self->kind == Kind::kLog) {
      const int rc = self->owner->SyncBeforeLogReuse();
      if (rc != SQLITE_OK) return rc;
    }
    return self->inner()->pMethods->xTruncate(self->inner(), size);
  }

  static int Sync(sqlite3_file* file, int flags) {
    DeferredSyncFile* self = Of(file);
    if (self->kind == Kind::kDatabase) {
      return self->owner->SyncDatabase(self->inner(), self->deferrable,
                                       flags);
    }
    return self->inner()->pMethods->xSync(self->inner(), flags);
  }

  // Passes a call on to the method `kMethod` of the inner file.
  template <auto kMethod, typename Result, typename... Args>
  static Result Forward(sqlite3_file* file, Args... args) {
    sqlite3_file* inner = Of(file)->inner();
    return (inner->pMethods->*kMethod)(inner, args...);
  }
};

namespace {

using File = DeferredSyncFile;

const sqlite3_io_methods kMethods = {
    /*iVersion=*/3,
    &File::Close,
    &File::Forward<&sqlite3_io_methods::xRead>,
    &File::Write,
    &File::Truncate,
    &File::Sync,
    &File::Forward<&sqlite3_io_methods::xFileSize>,
    &File::Forward<&sqlite3_io_methods::xLock>,
    &File::Forward<&sqlite3_io_methods::xUnlock>,
    &File::Forward<&sqlite3_io_methods::xCheckReservedLock>,
    &File::Forward<&sqlite3_io_methods::xFileControl>,
    &File::Forward<&sqlite3_io_methods::xSectorSize>,
    &File::Forward<&sqlite3_io_methods::xDeviceCharacteristics>,
    &File::Forward<&sqlite3_io_methods::xShmMap>,
    &File::Forward<&sqlite3_io_methods::xShmLock>,
    &File::Forward<&sqlite3_io_methods::xShmBarrier>,
    &File::Forward<&sqlite3_io_methods::xShmUnmap>,
    &File::Forward<&sqlite3_io_methods::xFetch>,
    &File::Forward<&sqlite3_io_methods::xUnfetch>,
};

std::atomic<int> next_vfs_number{0};

}  // namespace

absl::StatusOr<std::unique_ptr<DeferredSyncVfs>> DeferredSyncVfs::Register(
    absl::Duration max_deferral) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(sqlite3_vfs* base, FindUnixVfs());

  std::unique_ptr<DeferredSyncVfs> vfs(new DeferredSyncVfs(max_deferral, base));
  for (sqlite3_vfs* registered : {&vfs->deferring_, &vfs->guarding_}) {
    const int rc = sqlite3_vfs_register(registered, /*makeDflt=*/0);
    // The destructor unregisters what did register.
    if (rc != SQLITE_OK) {
      return absl::InternalError(absl::StrCat("failed to register SQLite VFS ",
                                              registered->zName, ": ",
                                              sqlite3_errstr(rc)));
    }
  }
  return vfs;
}

DeferredSyncVfs::DeferredSyncVfs(absl::Duration max_deferral,
                                 sqlite3_vfs* base)
    : max_deferral_(max_deferral),
      base_(base),
      deferring_name_(
          absl::StrCat("accesstokens-deferring-", next_vfs_number++)),
      guarding_name_(absl::StrCat("accesstokens-guarding-", next_vfs_number++)),
      deferring_(*base),
      guarding_(*base),
      last_sync_(absl::Now()) {
  for (sqlite3_vfs* vfs : {&deferring_, &guarding_}) {
    vfs->szOsFile = static_cast<int>(sizeof(File)) + base->szOsFile;
    vfs->pNext = nullptr;
    vfs->pAppData = this;
    vfs->xOpen = &DeferredSyncVfs::Open;
    vfs->xDelete = &DeferredSyncVfs::Delete;
  }
  deferring_.zName = deferring_name_.c_str();
  guarding_.zName = guarding_name_.c_str();
}

DeferredSyncVfs::~DeferredSyncVfs() {
  sqlite3_vfs_unregister(&deferring_);
  sqlite3_vfs_unregister(&guarding_);
}

DeferredSyncVfs::Counts DeferredSyncVfs::counts() const {
  absl::MutexLock lock(&mu_);
  return counts_;
}

bool DeferredSyncVfs::marked() const {
  absl::MutexLock lock(&mu_);
  return marked_;
}

int DeferredSyncVfs::Open(sqlite3_vfs* vfs, const char* name,
                          sqlite3_file* file, int flags, int* out_flags) {
  auto* self = static_cast<DeferredSyncVfs*>(vfs->pAppData);
  File* wrapped = File::Of(file);
  sqlite3_file* inner = wrapped->inner();

  // SQLite requires pMethods to be null after a failed open, and calls
  // xClose only on files that opened.
  wrapped->base.pMethods = nullptr;
  const int rc = self->base_->xOpen(self->base_, name, inner, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  if (inner->pMethods->iVersion < 3) {
    inner->pMethods->xClose(inner);
    return SQLITE_CANTOPEN;
  }

  wrapped->owner = self;
  wrapped->deferrable = vfs == &self->deferring_;
  if ((flags & SQLITE_OPEN_MAIN_DB) != 0) {
    wrapped->kind = File::Kind::kDatabase;
    absl::MutexLock lock(&self->mu_);
    self->databases_.push_back(inner);
  } else if ((flags & SQLITE_OPEN_WAL) != 0) {
    wrapped->kind = File::Kind::kLog;
  } else {
    wrapped->kind = File::Kind::kOther;
  }
  wrapped->base.pMethods = &kMethods;
  return SQLITE_OK;
}

int DeferredSyncVfs::Delete(sqlite3_vfs* vfs, const char* name,
                            int sync_directory) {
  auto* self = static_cast<DeferredSyncVfs*>(vfs->pAppData);
  if (name != nullptr && absl::EndsWith(name, "-wal")) {
    const int rc = self->SyncBeforeLogReuse();
    if (rc != SQLITE_OK) return rc;
  }
  return self->base_->xDelete(self->base_, name, sync_directory);
}

int DeferredSyncVfs::SyncDatabase(sqlite3_file* database, bool deferrable,
                                  int flags) {
  absl::MutexLock lock(&mu_);
  if (deferrable && absl::Now() - last_sync_ < max_deferral_) {
    marked_ = true;
    ++counts_.deferred;
    return SQLITE_OK;
  }
  return RunSync(database, flags);
}

int DeferredSyncVfs::SyncBeforeLogReuse() {
  absl::MutexLock lock(&mu_);
  if (!marked_) return SQLITE_OK;

  const int rc = SyncMarked();
  if (rc == SQLITE_OK) ++counts_.before_log_reuse;
  return rc;
}

absl::Status DeferredSyncVfs::SyncIfMarked() {
  absl::MutexLock lock(&mu_);
  if (!marked_) return absl::OkStatus();

  const int rc = SyncMarked();
  if (rc != SQLITE_OK) {
    return absl::UnavailableError(
        absl::StrCat("failed to sync the database file: ", sqlite3_errstr(rc),
                     "; check the disk"));
  }
  return absl::OkStatus();
}

int DeferredSyncVfs::SyncMarked() {
  // NOTE: SQLite closes a connection's database file after its log, so a
  // handle is open whenever a log is reused. The branch below never ran.
  if (databases_.empty()) return SQLITE_IOERR_FSYNC;

  // A sync through any handle of a file covers the writes of all of them.
  return RunSync(databases_.front(), SQLITE_SYNC_NORMAL);
}

void DeferredSyncVfs::CloseDatabase(sqlite3_file* database) {
  absl::MutexLock lock(&mu_);
  databases_.erase(std::remove(databases_.begin(), databases_.end(), database),
                   databases_.end());
}

int DeferredSyncVfs::RunSync(sqlite3_file* database, int flags) {
  const int rc = database->pMethods->xSync(database, flags);
  if (rc != SQLITE_OK) return rc;
  marked_ = false;
  last_sync_ = absl::Now();
  ++counts_.synced;
  return SQLITE_OK;
}

}  // namespace accesstokens
