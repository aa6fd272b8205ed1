#include "storage/sqlite_connection.h"

#include <sqlite3.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "glog/logging.h"
#include "storage/sqlite_status.h"

namespace accesstokens {
namespace {

// Adds the database path to the failure `status` of opening it. SQLite
// reports a read-only file or folder as "unable to open database file",
// since it cannot create the -wal and -shm files, so a file or folder that
// cannot be written is named as the cause.
absl::Status OpeningFailed(const std::string& path,
                           const absl::Status& status) {
  const std::string prefix =
      absl::StrCat("opening the database \"", path, "\" failed: ");
  if (!absl::IsUnavailable(status)) {
    return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
  }
  std::string folder = std::filesystem::path(path).parent_path().string();
  if (folder.empty()) folder = ".";
  for (const std::string& target : {path, folder}) {
    if (access(target.c_str(), W_OK) == 0 || errno == ENOENT) continue;
    const std::string reason =
        std::error_code(errno, std::generic_category()).message();
    return absl::UnavailableError(absl::StrCat(
        prefix, "database is read-only: \"", target, "\" cannot be written (",
        reason,
        "); the server needs to write the database file and its folder, "
        "which holds the -wal and -shm files"));
  }
  return absl::UnavailableError(absl::StrCat(prefix, status.message()));
}

}  // namespace

SqliteStatement::SqliteStatement(SqliteConnection* connection,
                                 sqlite3_stmt* statement, const char* sql)
    : connection_(connection), statement_(statement), sql_(sql) {}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : connection_(other.connection_),
      statement_(std::exchange(other.statement_, nullptr)),
      sql_(other.sql_) {}

SqliteStatement::~SqliteStatement() {
  if (statement_ != nullptr) {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
}

SqliteStatement& SqliteStatement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, absl::string_view text) {
  sqlite3_bind_text64(statement_, index, text.data(), text.size(),
                      SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

SqliteStatement& SqliteStatement::BindBlob(int index, absl::string_view bytes) {
  sqlite3_bind_blob64(statement_, index, bytes.data(), bytes.size(),
                      SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement& SqliteStatement::BindNull(int index) {
  sqlite3_bind_null(statement_, index);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index,
                                       std::optional<int64_t> value) {
  return value.has_value() ? Bind(index, *value) : BindNull(index);
}

absl::StatusOr<bool> SqliteStatement::Step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return connection_->Error(rc, sql_);
}

absl::Status SqliteStatement::Run() {
  absl::StatusOr<bool> row = Step();
  if (!row.ok()) return row.status();
  return absl::OkStatus();
}

void SqliteStatement::Reset() { sqlite3_reset(statement_); }

bool SqliteStatement::IsNull(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

int64_t SqliteStatement::ColumnInt64(int column) const {
  return sqlite3_column_int64(statement_, column);
}

std::optional<int64_t> SqliteStatement::ColumnOptionalInt64(int column) const {
  if (IsNull(column)) return std::nullopt;
  return ColumnInt64(column);
}

std::string SqliteStatement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(statement_, column);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text),
                     sqlite3_column_bytes(statement_, column));
}

std::string SqliteStatement::ColumnBlob(int column) const {
  const void* blob = sqlite3_column_blob(statement_, column);
  if (blob == nullptr) return std::string();
  return std::string(static_cast<const char*>(blob),
                     sqlite3_column_bytes(statement_, column));
}

absl::StatusOr<sqlite3_vfs*> FindUnixVfs() {
  ConfigureSqlite();
  sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
  if (base == nullptr || absl::string_view(base->zName) != "unix") {
    return absl::FailedPreconditionError(absl::StrCat(
        "failed to wrap the default SQLite VFS \"",
        base == nullptr ? "" : base->zName, "\": only \"unix\" is supported"));
  }
  return base;
}

void ConfigureSqlite() {
  // By default SQLite counts every allocation under one process-wide mutex,
  // which every reader thread contends on. Nothing here reads those counts.
  // sqlite3_config() works only before SQLite initializes, which its first
  // open or VFS lookup does.
  static const int result = [] {
    const int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (rc != SQLITE_OK) {
      LOG(WARNING) << "SQLite was initialized before it could be configured "
                      "(sqlite3_config: "
                   << sqlite3_errstr(rc)
                   << "); its allocations stay counted under a global mutex";
    }
    return rc;
  }();
  (void)result;
}

absl::StatusOr<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(
    const std::string& path, absl::Duration busy_timeout, OpenMode mode,
    const char* vfs) {
  ConfigureSqlite();

  sqlite3* db = nullptr;
  int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (mode == OpenMode::kCreate) {
    flags |= SQLITE_OPEN_CREATE;
    // SQLite would create the file with the process's umask, often 0644.
    // Created here first, the file and the -wal and -shm files that SQLite
    // gives the same mode are readable by the owner only. An empty file is
    // a new database to SQLite. A failure is left to sqlite3_open_v2 to
    // report.
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) close(fd);
  }
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, vfs);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteError(db, rc, "open");
    sqlite3_close_v2(db);
    return OpeningFailed(path, status);
  }
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(db));
  sqlite3_busy_timeout(db, static_cast<int>(absl::ToInt64Milliseconds(
                               busy_timeout)));

  // WAL lets readers run beside the single writer. synchronous=FULL syncs the
  // WAL on every commit, so a call that returned OK survives a power loss.
  absl::Status status = connection->Execute(
      "PRAGMA journal_mode=WAL;"
      "PRAGMA synchronous=FULL;"
      "PRAGMA foreign_keys=ON;");
  if (!status.ok()) return OpeningFailed(path, status);
  return connection;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  for (auto& [sql, statement] : dynamic_statements_) {
    sqlite3_finalize(statement);
  }
  const int rc = sqlite3_close(db_);
  if (rc != SQLITE_OK) {
    LOG(ERROR) << "closing the database failed: " << sqlite3_errstr(rc);
  }
}

absl::StatusOr<SqliteStatement> SqliteConnection::Prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return SqliteStatement(this, it->second, sql);

  sqlite3_stmt* statement = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                    &statement, nullptr);
  if (rc != SQLITE_OK) return Error(rc, sql);
  statements_.emplace(sql, statement);
  return SqliteStatement(this, statement, sql);
}

absl::StatusOr<SqliteStatement> SqliteConnection::PrepareDynamic(
    const std::string& sql) {
  for (auto& [text, statement] : dynamic_statements_) {
    if (text == sql) return SqliteStatement(this, statement, text.c_str());
  }

  sqlite3_stmt* statement = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.c_str(), -1,
                                    SQLITE_PREPARE_PERSISTENT, &statement,
                                    nullptr);
  if (rc != SQLITE_OK) return Error(rc, sql);
  if (dynamic_statements_.size() >= kDynamicCacheSize) {
    // The oldest entry is not in use: statements are used one at a time.
    sqlite3_finalize(dynamic_statements_.front().second);
    dynamic_statements_.pop_front();
  }
  dynamic_statements_.emplace_back(sql, statement);
  return SqliteStatement(this, statement,
                         dynamic_statements_.back().first.c_str());
}

absl::Status SqliteConnection::Execute(const char* sql) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, sql);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> SqliteConnection::QueryInt64(const char* sql) {
  absl::StatusOr<SqliteStatement> statement = Prepare(sql);
  if (!statement.ok()) return statement.status();
  absl::StatusOr<bool> row = statement->Step();
  if (!row.ok()) return row.status();
  if (!*row) {
    return absl::InternalError(absl::StrCat("query returned no row: ", sql));
  }
  return statement->ColumnInt64(0);
}

bool SqliteConnection::InAutocommit() const {
  return sqlite3_get_autocommit(db_) != 0;
}

int SqliteConnection::Changes() const { return sqlite3_changes(db_); }

bool SqliteConnection::IsReadOnly() const {
  return write_rejected_ || sqlite3_db_readonly(db_, "main") == 1;
}

absl::Status SqliteConnection::Error(int rc, absl::string_view sql) {
  if ((rc & 0xff) == SQLITE_READONLY) write_rejected_ = true;
  return SqliteError(db_, rc, sql);
}

SqliteTransaction::SqliteTransaction(SqliteConnection* connection, Mode mode)
    : connection_(connection) {
  status_ = connection_->Execute(mode == Mode::kImmediate ? "BEGIN IMMEDIATE"
                                                          : "BEGIN");
  open_ = status_.ok();
}

SqliteTransaction::~SqliteTransaction() {
  if (open_ && !connection_->InAutocommit()) {
    absl::Status status = connection_->Execute("ROLLBACK");
    LOG_IF(ERROR, !status.ok()) << "rollback failed: " << status;
  }
}

absl::Status SqliteTransaction::Commit() {
  if (!status_.ok()) return status_;
  absl::Status status = connection_->Execute("COMMIT");
  if (status.ok()) open_ = false;
  return status;
}

}  // namespace accesstokens
