#include "storage/sqlite_writer.h"

#include <sqlite3.h>

#include <utility>

#include "glog/logging.h"

namespace accesstokens {

SqliteWriter::SqliteWriter(std::unique_ptr<SqliteConnection> connection,
                           size_t max_batch_size, Reopen reopen,
                           Reopen open_checkpointer, Flush flush,
                           absl::Duration max_deferral,
                           DeferredSyncVfs* sync_vfs)
    : connection_(std::move(connection)),
      max_batch_size_(max_batch_size),
      max_deferral_(max_deferral),
      reopen_(std::move(reopen)),
      checkpointer_(std::move(open_checkpointer), sync_vfs),
      flush_(std::move(flush)) {
  WatchLogSize();
  thread_ = std::thread([this] { Run(); });
  if (flush_ != nullptr) flush_thread_ = std::thread([this] { RunFlushes(); });
}

SqliteWriter::~SqliteWriter() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();

  if (!flush_thread_.joinable()) return;
  {
    absl::MutexLock lock(&flush_mu_);
    flush_stopping_ = true;
  }
  flush_thread_.join();
}

void SqliteWriter::Submit(Work work, Completion completion) {
  Enqueue(Item{std::move(work), std::move(completion)});
}

void SqliteWriter::SubmitDeferrable(Work work, Completion completion) {
  Enqueue(Item{std::move(work), std::move(completion),
               absl::Now() + max_deferral_});
}

void SqliteWriter::Enqueue(Item item) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      if (item.urgent()) ++urgent_items_;
      queue_.push_back(std::move(item));
      return;
    }
  }
  std::move(item.completion)(
      absl::UnavailableError("the server is shutting down"));
}

void SqliteWriter::Run() {
  std::vector<Item> batch;
  while (true) {
    AwaitFlushes();
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](SqliteWriter* writer) ABSL_EXCLUSIVE_LOCKS_REQUIRED(
               writer->mu_) {
            return writer->stopping_ || !writer->queue_.empty();
          },
          this));
      if (queue_.empty()) return;  // Stopping, and nothing left to write.

      // While only deferrable items are queued, wait for another item or
      // for the deadline of the oldest.
      if (urgent_items_ == 0 && !stopping_) {
        mu_.AwaitWithDeadline(
            absl::Condition(
                +[](SqliteWriter* writer) ABSL_EXCLUSIVE_LOCKS_REQUIRED(
                     writer->mu_) {
                  return writer->stopping_ || writer->urgent_items_ > 0;
                },
                this),
            queue_.front().deadline);
      }

      while (!queue_.empty() && batch.size() < max_batch_size_) {
        if (queue_.front().urgent()) --urgent_items_;
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    RunBatch(batch);
    batch.clear();
    CheckpointIfLarge();
  }
}

void SqliteWriter::WatchLogSize() {
  if (connection_ == nullptr) return;
  wal_frames_ = 0;
  sqlite3_wal_hook(
      connection_->handle(),
      +[](void* frames, sqlite3*, const char*, int log_frames) {
        *static_cast<int*>(frames) = log_frames;
        return SQLITE_OK;
      },
      &wal_frames_);
}

void SqliteWriter::CheckpointIfLarge() {
  if (connection_ == nullptr || wal_frames_ < kCheckpointFrames) return;
  if (wal_frames_ < kForceCheckpointFrames) {
    checkpointer_.Request(wal_frames_);
    return;
  }

  // No commit can add pages while this runs, so it copies the whole log,
  // and the next commit starts the log over from its beginning.
  const int rc = sqlite3_wal_checkpoint_v2(connection_->handle(), nullptr,
                                           SQLITE_CHECKPOINT_PASSIVE,
                                           nullptr, nullptr);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
    LOG(WARNING) << "checkpoint of a log of " << wal_frames_
                 << " pages failed: " << sqlite3_errstr(rc);
  }
  wal_frames_ = 0;
}

absl::Status SqliteWriter::ReopenIfReadOnly() {
  if (connection_ != nullptr && !connection_->IsReadOnly()) {
    return absl::OkStatus();
  }
  if (!reopening_) {
    LOG(WARNING) << "the database connection cannot write; writes fail with "
                    "UNAVAILABLE, and each batch opens a new connection "
                    "until the database is writable again";
    reopening_ = true;
  }

  // Closed before the new one opens: SQLite shares one mapping of the -shm
  // file among the connections of a process, and a mapping made while the
  // database was read-only stays read-only until every connection that
  // uses it has closed.
  connection_.reset();
  absl::StatusOr<std::unique_ptr<SqliteConnection>> reopened = reopen_();
  if (!reopened.ok()) return reopened.status();
  connection_ = *std::move(reopened);
  WatchLogSize();

  if (!connection_->IsReadOnly()) {
    LOG(INFO) << "opened a new database connection that can write";
    reopening_ = false;
  }
  return absl::OkStatus();
}

void SqliteWriter::RunBatch(std::vector<Item>& batch) {
  const absl::Status connected = ReopenIfReadOnly();
  if (!connected.ok()) {
    LOG(ERROR) << "write batch of " << batch.size()
               << " items failed: " << connected;
    // Through Finish(), so that these completions still run after those of
    // earlier batches.
    std::vector<Finished> failed;
    failed.reserve(batch.size());
    for (Item& item : batch) {
      failed.push_back({std::move(item.completion), connected, false});
    }
    Finish(std::move(failed));
    return;
  }

  SqliteConnection& db = *connection_;
  std::vector<absl::Status> outcomes(batch.size());

  SqliteTransaction transaction(&db, SqliteTransaction::Mode::kImmediate);
  absl::Status batch_status = transaction.status();

  // Each item runs in its own savepoint so that a failing item leaves no
  // trace while the others keep their changes.
  for (size_t i = 0; i < batch.size() && batch_status.ok(); ++i) {
    absl::Status status = db.Execute("SAVEPOINT item");
    if (status.ok()) status = batch[i].work(db);

    if (db.InAutocommit()) {
      // SQLite rolled the whole transaction back on its own (disk full, I/O
      // error), taking the earlier items with it.
      batch_status = status.ok() ? absl::UnavailableError(
                                       "the write transaction was rolled "
                                       "back by the database")
                                 : status;
      break;
    }
    if (!status.ok()) {
      absl::Status rollback = db.Execute("ROLLBACK TO item");
      if (!rollback.ok()) batch_status = rollback;
    }
    absl::Status release = db.Execute("RELEASE item");
    if (!release.ok() && batch_status.ok()) batch_status = release;
    outcomes[i] = status;
  }

  if (batch_status.ok()) batch_status = transaction.Commit();
  if (!batch_status.ok()) {
    LOG(ERROR) << "write batch of " << batch.size()
               << " items failed: " << batch_status;
  }

  std::vector<Finished> finished;
  finished.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    finished.push_back({std::move(batch[i].completion),
                        batch_status.ok() ? outcomes[i] : batch_status,
                        batch_status.ok()});
  }
  Finish(std::move(finished));
}

void SqliteWriter::Finish(std::vector<Finished> batch) {
  if (flush_ == nullptr) {
    for (Finished& item : batch) {
      std::move(item.completion)(std::move(item.status));
    }
    return;
  }
  absl::MutexLock lock(&flush_mu_);
  for (Finished& item : batch) unflushed_.push_back(std::move(item));
  ++unflushed_batches_;
  ++open_batches_;
}

void SqliteWriter::AwaitFlushes() {
  if (flush_ == nullptr) return;
  absl::MutexLock lock(&flush_mu_);
  flush_mu_.Await(absl::Condition(
      +[](SqliteWriter* writer) ABSL_EXCLUSIVE_LOCKS_REQUIRED(
           writer->flush_mu_) { return writer->open_batches_ < 2; },
      this));
}

void SqliteWriter::RunFlushes() {
  std::vector<Finished> finished;
  while (true) {
    int batches = 0;
    {
      absl::MutexLock lock(&flush_mu_);
      flush_mu_.Await(absl::Condition(
          +[](SqliteWriter* writer) ABSL_EXCLUSIVE_LOCKS_REQUIRED(
               writer->flush_mu_) {
            return writer->flush_stopping_ || !writer->unflushed_.empty();
          },
          this));
      if (unflushed_.empty()) return;  // Stopping, and nothing left.
      finished.swap(unflushed_);
      batches = unflushed_batches_;
      unflushed_batches_ = 0;
    }

    bool committed = false;
    for (const Finished& item : finished) committed |= item.committed;
    if (committed) {
      // After a failed flush, the kernel may have dropped pages that readers
      // have already seen, and a later flush can succeed without them. Only
      // a restart, which recovers from what reached the disk, is safe.
      // NOTE: a full disk that fdatasync reports, rather than the write,
      // also ends here and stops the server. No test runs a real failure.
      const absl::Status flushed = flush_();
      LOG_IF(FATAL, !flushed.ok())
          << "flushing the write-ahead log failed: " << flushed
          << "; stopping, because " << finished.size()
          << " writes may not be durable. Check the disk, then restart the "
             "server: it recovers the database from what reached the disk.";
    }

    for (Finished& item : finished) {
      std::move(item.completion)(std::move(item.status));
    }
    finished.clear();

    absl::MutexLock lock(&flush_mu_);
    open_batches_ -= batches;
  }
}

}  // namespace accesstokens
