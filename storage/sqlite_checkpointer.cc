#include "storage/sqlite_checkpointer.h"

#include <sqlite3.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"
#include "storage/sqlite_status.h"

namespace accesstokens {

SqliteCheckpointer::SqliteCheckpointer(Open open)
    : open_(std::move(open)), thread_([this] { Run(); }) {}

SqliteCheckpointer::~SqliteCheckpointer() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void SqliteCheckpointer::Request() {
  absl::MutexLock lock(&mu_);
  requested_ = true;
}

void SqliteCheckpointer::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](SqliteCheckpointer* checkpointer)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(checkpointer->mu_) {
                 return checkpointer->stopping_ || checkpointer->requested_;
               },
          this));
      if (stopping_) return;
      requested_ = false;
    }

    // Logs only the first failure of a run of failures and the recovery,
    // because every commit of a large log requests another checkpoint.
    const absl::Status status = Checkpoint();
    if (!status.ok()) {
      connection_.reset();
      if (!failing_) LOG(WARNING) << "checkpoint failed: " << status;
      failing_ = true;
    } else if (failing_) {
      LOG(INFO) << "checkpoints succeed again";
      failing_ = false;
    }
  }
}

absl::Status SqliteCheckpointer::Checkpoint() {
  if (connection_ == nullptr) {
    absl::StatusOr<std::unique_ptr<SqliteConnection>> opened = open_();
    if (!opened.ok()) return opened.status();
    connection_ = *std::move(opened);
  }

  const int rc = sqlite3_wal_checkpoint_v2(connection_->handle(), nullptr,
                                           SQLITE_CHECKPOINT_PASSIVE,
                                           nullptr, nullptr);
  // SQLITE_BUSY: another connection is checkpointing right now.
  if (rc == SQLITE_OK || rc == SQLITE_BUSY) return absl::OkStatus();
  return connection_->Error(rc, "PRAGMA wal_checkpoint(PASSIVE)");
}

}  // namespace accesstokens
