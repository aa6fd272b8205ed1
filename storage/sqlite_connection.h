// A SQLite connection with a cache of prepared statements, and the statement
// handle that borrows from it.
#ifndef ACCESSTOKENS_STORAGE_SQLITE_CONNECTION_H_
#define ACCESSTOKENS_STORAGE_SQLITE_CONNECTION_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

struct sqlite3;
struct sqlite3_stmt;
struct sqlite3_vfs;

namespace accesstokens {

class SqliteConnection;

// Sets SQLite's process-wide options, once. The options work only before
// SQLite initializes, so call this before any other SQLite function.
// Thread-safe.
void ConfigureSqlite();

// Returns SQLite's default VFS for a VFS that wraps it, after
// ConfigureSqlite(). Fails unless it is the Unix VFS: the wrappers copy its
// sqlite3_vfs, which works only because the Unix VFS reads pAppData in
// xOpen alone, and they replace xOpen.
absl::StatusOr<sqlite3_vfs*> FindUnixVfs();

// One execution of a prepared statement: bind parameters, step through the
// rows, read columns. On destruction the statement is reset and its bindings
// cleared, so the connection can hand it out again. Parameter and column
// indexes are those of SQLite: parameters start at 1, columns at 0.
//
// Not thread-safe; used by the thread that owns the connection.
class SqliteStatement {
 public:
  SqliteStatement(SqliteConnection* connection, sqlite3_stmt* statement,
                  const char* sql);
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& Bind(int index, absl::string_view text);
  SqliteStatement& BindBlob(int index, absl::string_view bytes);
  SqliteStatement& BindNull(int index);
  SqliteStatement& Bind(int index, std::optional<int64_t> value);

  // Advances to the next row. Returns true if there is one, false when the
  // statement is done, or the mapped error.
  absl::StatusOr<bool> Step();

  // Runs a statement that returns no rows.
  absl::Status Run();

  // Makes the statement ready to run again; bindings are kept.
  void Reset();

  bool IsNull(int column) const;
  int64_t ColumnInt64(int column) const;
  std::optional<int64_t> ColumnOptionalInt64(int column) const;
  std::string ColumnText(int column) const;
  std::string ColumnBlob(int column) const;

 private:
  SqliteConnection* connection_;
  sqlite3_stmt* statement_;
  const char* sql_;
};

// An open SQLite connection. Prepare() caches each statement by the address
// of its SQL text, so callers pass string constants with static storage.
//
// Not thread-safe: one thread uses a connection at a time.
class SqliteConnection {
 public:
  // Whether Open() may create a missing database file. Connections opened
  // after start-up use kExisting, so that a database file deleted under the
  // server is reported instead of silently replaced by an empty one.
  enum class OpenMode { kCreate, kExisting };

  // Opens the database at `path` read-write, in WAL mode with
  // synchronous=FULL, foreign keys on and a busy timeout. When the file or
  // its file system is read-only, SQLite opens it read-only instead, and
  // IsReadOnly() is true. `vfs` names the SQLite VFS to use, and null
  // means the default one.
  static absl::StatusOr<std::unique_ptr<SqliteConnection>> Open(
      const std::string& path, absl::Duration busy_timeout,
      OpenMode mode = OpenMode::kCreate, const char* vfs = nullptr);

  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection();

  // Returns the cached statement for `sql`, preparing it on first use.
  // REQUIRES: `sql` outlives the connection.
  absl::StatusOr<SqliteStatement> Prepare(const char* sql);

  // Returns the statement for `sql`, a text built at run time, from a cache
  // of the last kDynamicCacheSize such texts.
  absl::StatusOr<SqliteStatement> PrepareDynamic(const std::string& sql);

  // Runs one or more statements without parameters or results.
  absl::Status Execute(const char* sql);

  // Runs a PRAGMA or query whose first column of the first row is an
  // integer, and returns it.
  absl::StatusOr<int64_t> QueryInt64(const char* sql);

  // True when no transaction is open. SQLite rolls a transaction back on its
  // own after some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM).
  bool InAutocommit() const;

  // Number of rows changed by the last INSERT, UPDATE or DELETE.
  int Changes() const;

  // True when the connection cannot write: SQLite opened the database file
  // read-only, or a write failed with SQLITE_READONLY. Such a connection
  // stays unable to write after the cause is fixed, so only a new
  // connection can write again.
  bool IsReadOnly() const;

  // Converts the failed result `rc` of `sql` with SqliteError() and notes a
  // SQLITE_READONLY failure for IsReadOnly().
  absl::Status Error(int rc, absl::string_view sql);

  sqlite3* handle() const { return db_; }

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}

  static constexpr size_t kDynamicCacheSize = 64;

  sqlite3* db_;
  bool write_rejected_ = false;
  absl::flat_hash_map<const char*, sqlite3_stmt*> statements_;
  // Statements of run-time texts, oldest first.
  std::deque<std::pair<std::string, sqlite3_stmt*>> dynamic_statements_;
};

// A read or write transaction, rolled back on destruction unless committed.
// Not thread-safe, like its connection.
class SqliteTransaction {
 public:
  enum class Mode { kDeferred, kImmediate };

  // Begins a transaction; check status() before use.
  SqliteTransaction(SqliteConnection* connection, Mode mode);
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  ~SqliteTransaction();

  const absl::Status& status() const { return status_; }
  absl::Status Commit();

 private:
  SqliteConnection* connection_;
  absl::Status status_;
  bool open_ = false;
};

}  // namespace accesstokens

#endif  // ACCESSTOKENS_STORAGE_SQLITE_CONNECTION_H_
