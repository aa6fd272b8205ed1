// accesstokens-bench-sqlite: measures what SQLite alone does on this
// machine's disk, the limit below every storage figure of the server:
// durable single-row commits per second (WAL, synchronous=FULL), rows per
// second in transactions of 64 rows, the same without waiting for the disk
// (synchronous=OFF), and point reads per second through a unique index.
// Connections are opened as the server opens them (SqliteConnection).

#include <openssl/sha.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "glog/logging.h"
#include "storage/sqlite_connection.h"
#include "storage/status_macros.h"

ABSL_FLAG(std::string, dir, "",
          "Folder for the test database, on the disk to measure. Required.");
ABSL_FLAG(double, seconds, 5, "Seconds that each measurement runs.");
ABSL_FLAG(int64_t, rows, 1000000, "Rows of the table that reads look up.");
ABSL_FLAG(int, threads, 2, "Reader threads, each with its own connection.");

namespace {

using accesstokens::SqliteConnection;
using accesstokens::SqliteStatement;
using accesstokens::SqliteTransaction;
using SteadyClock = std::chrono::steady_clock;

constexpr int kBatchRows = 64;

// The table: a 32-byte unique key, as a token digest, and a payload of the
// size of a token row.
constexpr char kSchema[] =
    "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, key BLOB NOT NULL "
    "UNIQUE, payload TEXT NOT NULL)";
constexpr char kInsert[] = "INSERT INTO t (key, payload) VALUES (?, ?)";
constexpr char kSelect[] = "SELECT id, payload FROM t WHERE key = ?";

std::string KeyOf(int64_t n) {
  const std::string input = absl::StrCat("row ", n);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(),
         digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

const std::string& Payload() {
  static const std::string* payload = new std::string(120, 'x');
  return *payload;
}

struct Figure {
  std::string name;
  double per_second = 0;
  std::string unit;
};

void Report(const Figure& figure) {
  std::cout << absl::StrFormat("%-28s %12.0f %s\n", figure.name,
                               figure.per_second, figure.unit);
  std::cout << absl::StrFormat(
      "{\"tool\":\"sqlite\",\"measurement\":\"%s\",\"per_second\":%.1f,"
      "\"unit\":\"%s\"}\n",
      figure.name, figure.per_second, figure.unit);
}

absl::StatusOr<std::unique_ptr<SqliteConnection>> OpenDatabase(
    const std::string& path, bool synchronous) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      std::unique_ptr<SqliteConnection> db,
      SqliteConnection::Open(path, absl::Seconds(5)));
  ACCESSTOKENS_RETURN_IF_ERROR(db->Execute(kSchema));
  if (!synchronous) {
    ACCESSTOKENS_RETURN_IF_ERROR(db->Execute("PRAGMA synchronous=OFF"));
  }
  return db;
}

// Inserts `rows_per_commit` rows per transaction for `seconds` and returns
// rows per second.
absl::StatusOr<double> MeasureCommits(SqliteConnection& db,
                                      int rows_per_commit, double seconds) {
  const auto start = SteadyClock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  int64_t rows = 0;
  absl::InsecureBitGen random;
  while (SteadyClock::now() < end) {
    SqliteTransaction transaction(&db, SqliteTransaction::Mode::kImmediate);
    ACCESSTOKENS_RETURN_IF_ERROR(transaction.status());
    for (int i = 0; i < rows_per_commit; ++i) {
      ACCESSTOKENS_ASSIGN_OR_RETURN(SqliteStatement insert,
                                    db.Prepare(kInsert));
      insert.BindBlob(1, KeyOf(static_cast<int64_t>(absl::Uniform<uint64_t>(random) >> 1)))
          .Bind(2, Payload());
      ACCESSTOKENS_RETURN_IF_ERROR(insert.Run());
    }
    ACCESSTOKENS_RETURN_IF_ERROR(transaction.Commit());
    rows += rows_per_commit;
  }
  const double elapsed =
      std::chrono::duration<double>(SteadyClock::now() - start).count();
  return rows / elapsed;
}

// Fills the read table with `rows` rows whose keys are KeyOf(0..rows-1).
absl::Status FillReadTable(SqliteConnection& db, int64_t rows) {
  ACCESSTOKENS_RETURN_IF_ERROR(db.Execute("PRAGMA synchronous=OFF"));
  SqliteTransaction transaction(&db, SqliteTransaction::Mode::kImmediate);
  ACCESSTOKENS_RETURN_IF_ERROR(transaction.status());
  for (int64_t n = 0; n < rows; ++n) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(SqliteStatement insert, db.Prepare(kInsert));
    insert.BindBlob(1, KeyOf(n)).Bind(2, Payload());
    ACCESSTOKENS_RETURN_IF_ERROR(insert.Run());
  }
  return transaction.Commit();
}

// Looks up random existing keys on `threads` connections for `seconds`
// and returns reads per second. Keys are computed before the clock starts.
absl::StatusOr<double> MeasureReads(const std::string& path, int64_t rows,
                                    int threads, double seconds) {
  std::vector<std::string> keys(std::min<int64_t>(rows, 1 << 20));
  absl::InsecureBitGen random;
  for (std::string& key : keys) {
    key = KeyOf(absl::Uniform<int64_t>(random, 0, rows));
  }

  std::vector<std::unique_ptr<SqliteConnection>> connections;
  for (int t = 0; t < threads; ++t) {
    ACCESSTOKENS_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> db,
                                  SqliteConnection::Open(path,
                                                         absl::Seconds(5)));
    connections.push_back(std::move(db));
  }
  std::atomic<int64_t> reads{0};
  std::atomic<bool> failed{false};
  const auto start = SteadyClock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      SqliteConnection& db = *connections[t];
      int64_t done = 0;
      for (size_t i = t; SteadyClock::now() < end; i += threads) {
        absl::StatusOr<SqliteStatement> select = db.Prepare(kSelect);
        if (!select.ok()) {
          failed = true;
          return;
        }
        select->BindBlob(1, keys[i % keys.size()]);
        absl::StatusOr<bool> row = select->Step();
        if (!row.ok() || !*row) {
          failed = true;
          return;
        }
        ++done;
      }
      reads += done;
    });
  }
  for (std::thread& worker : workers) worker.join();
  if (failed) return absl::InternalError("a point read failed or found no row");
  const double elapsed =
      std::chrono::duration<double>(SteadyClock::now() - start).count();
  return reads / elapsed;
}

absl::Status Run(const std::string& dir, double seconds, int64_t rows,
                 int threads) {
  const std::string commits_path = absl::StrCat(dir, "/sqlite-commits.db");
  const std::string reads_path = absl::StrCat(dir, "/sqlite-reads.db");
  for (const std::string& path : {commits_path, reads_path}) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path + suffix);
    }
  }

  {
    ACCESSTOKENS_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> db,
                                  OpenDatabase(commits_path, true));
    ACCESSTOKENS_ASSIGN_OR_RETURN(double single,
                                  MeasureCommits(*db, 1, seconds));
    Report({"commit_1_row_full", single, "commits/s"});
    ACCESSTOKENS_ASSIGN_OR_RETURN(double batched,
                                  MeasureCommits(*db, kBatchRows, seconds));
    Report({"commit_64_rows_full", batched, "rows/s"});
  }
  {
    ACCESSTOKENS_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> db,
                                  OpenDatabase(commits_path, false));
    ACCESSTOKENS_ASSIGN_OR_RETURN(double single,
                                  MeasureCommits(*db, 1, seconds));
    Report({"commit_1_row_off", single, "commits/s"});
  }
  {
    ACCESSTOKENS_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> db,
                                  OpenDatabase(reads_path, true));
    ACCESSTOKENS_RETURN_IF_ERROR(FillReadTable(*db, rows));
  }
  ACCESSTOKENS_ASSIGN_OR_RETURN(double one,
                                MeasureReads(reads_path, rows, 1, seconds));
  Report({"point_read_1_thread", one, "reads/s"});
  ACCESSTOKENS_ASSIGN_OR_RETURN(
      double many, MeasureReads(reads_path, rows, threads, seconds));
  Report({absl::StrCat("point_read_", threads, "_threads"), many, "reads/s"});

  for (const std::string& path : {commits_path, reads_path}) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path + suffix);
    }
  }
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Measures SQLite's durable commits and point reads on this disk.\n"
      "Usage: accesstokens-bench-sqlite --dir=FOLDER [--seconds=5] "
      "[--rows=1000000]");
  absl::ParseCommandLine(argc, argv);
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);

  const std::string dir = absl::GetFlag(FLAGS_dir);
  if (dir.empty()) {
    LOG(ERROR) << "--dir is required: give a folder on the disk to measure";
    return EXIT_FAILURE;
  }
  const int threads = absl::GetFlag(FLAGS_threads);
  const int64_t rows = absl::GetFlag(FLAGS_rows);
  if (threads < 1 || rows < 1) {
    LOG(ERROR) << "--threads " << threads << " and --rows " << rows
               << " must each be 1 or more";
    return EXIT_FAILURE;
  }
  absl::Status status =
      Run(dir, absl::GetFlag(FLAGS_seconds), rows, threads);
  if (!status.ok()) {
    LOG(ERROR) << "measuring failed: " << status;
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
