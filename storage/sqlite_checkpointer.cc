#include "storage/sqlite_checkpointer.h"

#include <sqlite3.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "storage/sqlite_status.h"
#include "storage/status_macros.h"

namespace accesstokens {

SqliteCheckpointer::SqliteCheckpointer(Open open, DeferredSyncVfs* sync_vfs)
    : open_(std::move(open)),
      sync_vfs_(sync_vfs),
      thread_([this] { Run(); }) {}

SqliteCheckpointer::~SqliteCheckpointer() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void SqliteCheckpointer::Request(int log_frames) {
  absl::MutexLock lock(&mu_);
  requested_ = true;
  log_frames_ = log_frames;
}

void SqliteCheckpointer::Run() {
  int log_frames = 0;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](SqliteCheckpointer* checkpointer)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(checkpointer->mu_) {
                 return checkpointer->stopping_ || checkpointer->requested_;
               },
          this));
      if (stopping_) {
        Unpin();
        return;
      }
      requested_ = false;
      log_frames = log_frames_;
    }

    // Logs only the first failure of a run of failures and the recovery,
    // because every commit of a large log requests another checkpoint.
    const absl::Status status = Checkpoint(log_frames);
    if (!status.ok()) {
      connection_.reset();
      Unpin();
      pins_[0].reset();
      pins_[1].reset();
      if (!failing_) LOG(WARNING) << "checkpoint failed: " << status;
      failing_ = true;
    } else if (failing_) {
      LOG(INFO) << "checkpoints succeed again";
      failing_ = false;
    }
  }
}

absl::Status SqliteCheckpointer::Checkpoint(int log_frames) {
  if (connection_ == nullptr) {
    absl::StatusOr<std::unique_ptr<SqliteConnection>> opened = open_();
    if (!opened.ok()) return opened.status();
    connection_ = *std::move(opened);
  }

  if (sync_vfs_ != nullptr) {
    if (log_frames >= kRestartFrames) {
      // Lets the log restart, once the database file is synced.
      ACCESSTOKENS_RETURN_IF_ERROR(sync_vfs_->SyncIfMarked());
      Unpin();
    } else if (held_ < 0 || log_frames > bound_) {
      // A commit came after the last checkpoint, so the log has pages that
      // are not copied yet, and the new pin reads from the log.
      ACCESSTOKENS_RETURN_IF_ERROR(PinLog());
    } else {
      return absl::OkStatus();  // Nothing new to copy.
    }
  }

  int log = 0;
  int copied = 0;
  const int rc = sqlite3_wal_checkpoint_v2(connection_->handle(), nullptr,
                                           SQLITE_CHECKPOINT_PASSIVE, &log,
                                           &copied);
  if (rc == SQLITE_OK) {
    bound_ = log;
    // Without a pin, the next commit may restart a fully copied log.
    if (sync_vfs_ != nullptr && held_ < 0 && log == copied) {
      ACCESSTOKENS_RETURN_IF_ERROR(sync_vfs_->SyncIfMarked());
    }
  }
  // SQLITE_BUSY: another connection is checkpointing right now.
  if (rc == SQLITE_OK || rc == SQLITE_BUSY) return absl::OkStatus();
  return connection_->Error(rc, "PRAGMA wal_checkpoint(PASSIVE)");
}

absl::Status SqliteCheckpointer::PinLog() {
  const int next = held_ == 0 ? 1 : 0;
  if (pins_[next] == nullptr) {
    absl::StatusOr<std::unique_ptr<SqliteConnection>> opened = open_();
    if (!opened.ok()) return opened.status();
    pins_[next] = *std::move(opened);
  }
  SqliteConnection& pin = *pins_[next];
  ACCESSTOKENS_RETURN_IF_ERROR(pin.Execute("BEGIN"));
  absl::StatusOr<int64_t> read =
      pin.QueryInt64("SELECT count(*) FROM sqlite_schema");
  if (!read.ok()) {
    pin.Execute("ROLLBACK").IgnoreError();
    return read.status();
  }
  Unpin();
  held_ = next;
  return absl::OkStatus();
}

void SqliteCheckpointer::Unpin() {
  if (held_ < 0) return;
  pins_[held_]->Execute("COMMIT").IgnoreError();
  held_ = -1;
}

}  // namespace accesstokens
