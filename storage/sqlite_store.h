// The SQLite implementation of Store: one file in WAL mode, one writer
// thread with group commit, and a pool of reader connections.
#ifndef ACCESSTOKENS_STORAGE_SQLITE_STORE_H_
#define ACCESSTOKENS_STORAGE_SQLITE_STORE_H_

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/resident_file.h"
#include "storage/sqlite_connection.h"
#include "storage/sqlite_writer.h"
#include "storage/store.h"
#include "storage/token_cache.h"

namespace accesstokens {

class DeferredSyncVfs;
class ResidentVfs;

struct SqliteStoreOptions {
  // Path of the database file; created with its schema if missing. The WAL
  // and shared-memory files sit beside it with the suffixes -wal and -shm.
  std::string path;
  // Domain of bot user emails.
  std::string email_domain = "example.com";
  // How long a statement waits for a lock held by another connection or
  // process before it fails with UNAVAILABLE.
  absl::Duration busy_timeout = absl::Seconds(5);
  // Most reader connections open at once; further readers wait for one.
  size_t max_readers = 16;
  // Most writes committed in one transaction.
  size_t max_batch_size = 256;
  // Most usable tokens kept in memory for authentication; 0 disables the
  // cache.
  size_t token_cache_entries = 20000;
  // Fills TokenOwnership::encoded_authentication of the tokens that can
  // authenticate, when they are read and when a recorded use changes a
  // cached one. Runs on reader threads and on the writer thread. May be
  // null.
  TokenEncoder encode_authentication;
  // Whether a write's callback waits for the disk flush that covers it.
  // Only benchmarks turn this off, to measure what durability costs:
  // without it, a power loss can undo acknowledged writes, revocations
  // included.
  bool synchronous = true;
  // Maximum time that a write of recorded uses (RecordTokenUses) waits for
  // another write to share its transaction and disk flush. While no other
  // write arrives, last-use records cost at most one commit per interval
  // of this length.
  absl::Duration max_use_delay = absl::Milliseconds(100);
  // Whether to keep every page of the database file mapped (see
  // ResidentFile), so that reads spread evenly over a large database come
  // from memory even where the kernel evicts page cache that no process
  // maps. Meant for a database that fits in memory with room to spare,
  // because the first pass reads the whole file, in the background.
  bool keep_in_memory = false;
};

// See Store. Thread-safe.
class SqliteStore final : public Store {
 public:
  // Opens the database, creating it if needed, and migrates its schema.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(
      SqliteStoreOptions options);

  // Finishes the writes already submitted, then closes every connection.
  // REQUIRES: no read is running.
  ~SqliteStore() override;

  // Schema version of the open database.
  int64_t schema_version() const { return schema_version_; }

  absl::StatusOr<GroupRecord> GetGroup(int64_t group_id) override;
  absl::StatusOr<ProjectRecord> GetProject(int64_t project_id) override;
  absl::StatusOr<TokenRecord> GetAccessToken(int64_t token_id) override;
  absl::StatusOr<Page<TokenRecord>> ListAccessTokens(
      const TokenListQuery& query) override;
  absl::StatusOr<BotUserRecord> GetBotUser(int64_t user_id) override;
  absl::StatusOr<Page<BotUserRecord>> ListBotUsers(
      const ResourceRef& parent, int64_t after_id,
      const PageQuery& page) override;
  absl::StatusOr<Page<AuditEventRecord>> ListAuditEvents(
      const AuditListQuery& query) override;
  absl::StatusOr<std::shared_ptr<const TokenOwnership>> FindTokenByDigest(
      absl::string_view digest) override;
  absl::Status CheckDigestKey(absl::string_view fingerprint) override;

  void CreateGroup(NewGroup group, WriteCallback<GroupRecord> done) override;
  void UpdateGroup(GroupUpdate update,
                   WriteCallback<GroupRecord> done) override;
  void CreateProject(NewProject project,
                     WriteCallback<ProjectRecord> done) override;
  void UpdateProject(ProjectUpdate update,
                     WriteCallback<ProjectRecord> done) override;
  void DeleteResource(ResourceDeletion deletion,
                      WriteCallback<DeletedResource> done) override;
  void CreateAccessToken(NewAccessToken token,
                         WriteCallback<CreatedAccessToken> done) override;
  void RevokeAccessToken(TokenRevocation revocation,
                         WriteCallback<TokenRecord> done) override;
  void RotateAccessToken(TokenRotation rotation,
                         WriteCallback<RotatedAccessToken> done) override;
  void RecordTokenUses(std::vector<TokenUse> uses,
                       absl::AnyInvocable<void() &&> done) override;
  void RecordAuditEvent(AuditEventRecord event) override;
  void FillBotCopies(int limit, WriteCallback<BotCopyProgress> done) override;
  void Purge(absl::Time revoked_before, absl::Time keys_before, int limit,
             absl::Time now, WriteCallback<int> done) override;

 private:
  // A reader connection on loan from the pool; returned on destruction,
  // or closed if RetireReaders() ran since it was opened.
  class Reader {
   public:
    Reader(SqliteStore* store, std::unique_ptr<SqliteConnection> connection,
           int64_t generation);
    Reader(Reader&&) = default;
    ~Reader();
    SqliteConnection& operator*() { return *connection_; }

   private:
    SqliteStore* store_;
    std::unique_ptr<SqliteConnection> connection_;
    int64_t generation_;
  };

  SqliteStore(SqliteStoreOptions options, int64_t schema_version,
              std::unique_ptr<DeferredSyncVfs> sync_vfs,
              std::unique_ptr<SqliteConnection> writer_connection);

  absl::StatusOr<Reader> AcquireReader();

  // Opens another connection to the database, which must exist, through
  // the SQLite VFS named `vfs`, or the default one if null.
  absl::StatusOr<std::unique_ptr<SqliteConnection>> OpenExisting(
      const char* vfs = nullptr) const;

  // Opens a reader connection: OpenExisting(), with reads from the mapping
  // of the database file when options_.keep_in_memory.
  absl::StatusOr<std::unique_ptr<SqliteConnection>> OpenReader() const;

  // Closes the idle reader connections, and the others once their reads
  // finish.
  void RetireReaders();

  // Opens a connection for the writer in place of one that cannot write.
  // The readers are retired first: one opened while the database was
  // read-only keeps the mapping of the -shm file, which SQLite shares among
  // the connections of a process, read-only, and so would keep the new
  // connection from writing.
  absl::StatusOr<std::unique_ptr<SqliteConnection>> ReopenWriter();

  // Makes the write-ahead log durable, as synchronous=FULL does in each
  // COMMIT, so that the writer's commits need not wait for it. Runs on the
  // writer's flush thread only.
  absl::Status FlushLog();

  // What a write does besides its change: the audit events it writes (the
  // operation may complete the primary event's target and related
  // resources, and add more), and the cached tokens it makes stale.
  struct WriteEffects {
    std::optional<AuditEventRecord> primary;
    std::vector<AuditEventRecord> extra;
    std::vector<int64_t> stale_tokens;
    bool all_tokens_stale = false;
  };

  template <typename T>
  using Operation =
      absl::AnyInvocable<absl::StatusOr<T>(SqliteConnection&, WriteEffects&)>;

  // Runs `operation` on the writer thread inside its own savepoint, writes
  // its audit events, and passes its result to `done` once the result is
  // durable, after dropping the stale cached tokens. A refused change (see
  // Store) is rolled back, but its audit event, with the failure, is kept.
  template <typename T>
  void Write(std::optional<AuditEventRecord> audit, Operation<T> operation,
             WriteCallback<T> done);


  const SqliteStoreOptions options_;
  const int64_t schema_version_;

  absl::Mutex readers_mu_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_readers_
      ABSL_GUARDED_BY(readers_mu_);
  size_t open_readers_ ABSL_GUARDED_BY(readers_mu_) = 0;
  // Counts the RetireReaders() calls; a reader of an older generation is
  // closed when it is returned.
  int64_t reader_generation_ ABSL_GUARDED_BY(readers_mu_) = 0;

  TokenCache cache_;
  // Filter that keeps tokens used only once out of cache_.
  CacheAdmission admission_;

  // Null unless options_.keep_in_memory. Reader connections read the pages
  // of the database file through resident_vfs_, from resident_'s mapping.
  std::unique_ptr<ResidentFile> resident_;
  std::unique_ptr<ResidentVfs> resident_vfs_;

  // The inode of the log file whose directory entry FlushLog() has synced.
  // Used by the flush thread only.
  ino_t synced_log_inode_ = 0;

  // The writer opens through its guarding VFS, the checkpoints through its
  // deferring one, so that checkpoints sync the database file rarely.
  std::unique_ptr<DeferredSyncVfs> sync_vfs_;

  // Declared last so that it is destroyed first, while the rest is intact.
  std::unique_ptr<SqliteWriter> writer_;
};

}  // namespace accesstokens

#endif  // ACCESSTOKENS_STORAGE_SQLITE_STORE_H_
