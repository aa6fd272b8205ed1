// accesstokens-bench-seed: creates a benchmark database with many tokens
// across many projects, in bulk transactions, and the layout file that
// lets accesstokens-bench-load present the tokens' secrets. TEST-ONLY: the
// secrets follow from the seed (see bench/seed_layout.h).

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/seeder.h"
#include "glog/logging.h"
#include "storage/schema.h"

ABSL_FLAG(std::string, db, "", "Path of the new database file. Required.");
ABSL_FLAG(std::string, secret_key_file, "",
          "Key file of the token digests, to start the server with; created "
          "if missing. Default: the database path plus \".key\".");
ABSL_FLAG(int64_t, tokens, 1000, "Number of tokens to create.");
ABSL_FLAG(int64_t, projects, -1,
          "Number of projects. Default: one per 100 tokens, at least 2.");
ABSL_FLAG(int64_t, big_project_tokens, -1,
          "Tokens of project 1, the project that listing benchmarks page "
          "through. Default: a tenth of the tokens, at most 1000000.");
ABSL_FLAG(int64_t, groups, -1,
          "Number of top-level groups the projects belong to. Default: one "
          "per 10 projects, at least 1.");
ABSL_FLAG(int64_t, revoked_every, 100,
          "Revoke every N-th token (the last of each N), for the benchmark "
          "of revoked tokens; 0 revokes none.");
ABSL_FLAG(std::string, seed, "accesstokens-bench",
          "Input of the secret derivation.");
ABSL_FLAG(std::string, token_prefix, "glpat-",
          "Prefix of the secrets; the same as the server's --token_prefix.");
ABSL_FLAG(std::string, email_domain, "example.com",
          "Domain of bot user emails; the same as the server's "
          "--email_domain.");
ABSL_FLAG(int64_t, tokens_per_transaction, 100000,
          "Tokens inserted per transaction.");
ABSL_FLAG(int64_t, cache_mib, 1024,
          "SQLite page cache of the seeding connection, in MiB.");
ABSL_FLAG(bool, print_schema_version, false,
          "Print the schema version that seeding writes, then exit.");
ABSL_FLAG(bool, overwrite, false,
          "Delete an existing database (with its -wal, -shm and layout "
          "files) first.");

namespace {

// Returns the size of `path` in bytes, or 0 if it does not exist.
int64_t FileSize(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 ? info.st_size : 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Creates a benchmark database with many tokens, in bulk.\n"
      "Usage: accesstokens-bench-seed --db=PATH --tokens=N [flags]");
  absl::ParseCommandLine(argc, argv);
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);
  // Without memory statistics SQLite takes no global lock per allocation.
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);

  if (absl::GetFlag(FLAGS_print_schema_version)) {
    std::cout << accesstokens::LatestSchemaVersion() << "\n";
    return EXIT_SUCCESS;
  }

  namespace bench = accesstokens::bench;
  bench::SeedOptions options;
  options.database_path = absl::GetFlag(FLAGS_db);
  if (options.database_path.empty()) {
    LOG(ERROR) << "--db is required: give the path of the new database";
    return EXIT_FAILURE;
  }
  options.secret_key_path = absl::GetFlag(FLAGS_secret_key_file);
  if (options.secret_key_path.empty()) {
    options.secret_key_path = options.database_path + ".key";
  }
  options.email_domain = absl::GetFlag(FLAGS_email_domain);
  options.tokens_per_transaction = absl::GetFlag(FLAGS_tokens_per_transaction);
  options.cache_mib = absl::GetFlag(FLAGS_cache_mib);
  options.now = absl::Now();

  bench::SeedLayout& layout = options.layout;
  layout.seed = absl::GetFlag(FLAGS_seed);
  layout.token_prefix = absl::GetFlag(FLAGS_token_prefix);
  layout.token_count = absl::GetFlag(FLAGS_tokens);
  layout.revoked_every = absl::GetFlag(FLAGS_revoked_every);
  layout.schema_version = accesstokens::LatestSchemaVersion();
  layout.project_count = absl::GetFlag(FLAGS_projects);
  if (layout.project_count < 0) {
    layout.project_count = std::max<int64_t>(2, layout.token_count / 100);
  }
  layout.big_project_tokens = absl::GetFlag(FLAGS_big_project_tokens);
  if (layout.big_project_tokens < 0) {
    layout.big_project_tokens =
        std::min<int64_t>(1000000, layout.token_count / 10);
  }
  layout.group_count = absl::GetFlag(FLAGS_groups);
  if (layout.group_count < 0) {
    layout.group_count = std::max<int64_t>(1, layout.project_count / 10);
  }

  if (absl::GetFlag(FLAGS_overwrite)) {
    for (const char* suffix : {"", "-wal", "-shm", ".layout"}) {
      std::filesystem::remove(options.database_path + suffix);
    }
  }

  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&start] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  options.progress = [&](int64_t written) {
    LOG(INFO) << absl::StrFormat("wrote %d of %d tokens in %.1f s", written,
                                 layout.token_count, elapsed());
  };
  absl::Status seeded = bench::SeedDatabase(options);
  if (!seeded.ok()) {
    LOG(ERROR) << "seeding " << options.database_path
               << " failed: " << seeded;
    return EXIT_FAILURE;
  }

  const double seconds = elapsed();
  const int64_t bytes = FileSize(options.database_path) +
                        FileSize(options.database_path + "-wal");
  std::cout << absl::StrFormat(
      "seeded %s: %d tokens in %d projects and %d groups (%d in project 1) "
      "in %.1f s, %.0f tokens/s, %.1f MiB; key file %s\n",
      options.database_path, layout.token_count, layout.project_count,
      layout.group_count, layout.big_project_tokens, seconds,
      layout.token_count / std::max(seconds, 1e-9),
      static_cast<double>(bytes) / (1 << 20), options.secret_key_path);
  std::cout << absl::StrFormat(
      "{\"tool\":\"seed\",\"tokens\":%d,\"projects\":%d,\"groups\":%d,"
      "\"big_project_tokens\":%d,\"seconds\":%.3f,\"bytes\":%d}\n",
      layout.token_count, layout.project_count, layout.group_count,
      layout.big_project_tokens, seconds, bytes);
  return EXIT_SUCCESS;
}
