// Fills a new benchmark database with the groups, projects, bot users,
// memberships, bot name counters and tokens of a SeedLayout, in large
// transactions instead of one RPC per token. The schema comes from the
// storage library's migrations, and the digests are the server's keyed
// digests under the key file that the server is then started with.
//
// Thread-compatible: one call at a time per database.
#ifndef ACCESSTOKENS_BENCH_SEEDER_H_
#define ACCESSTOKENS_BENCH_SEEDER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "bench/seed_layout.h"

namespace accesstokens::bench {

struct SeedOptions {
  // A database file that does not exist yet.
  std::string database_path;
  // The server's key file; created with a fresh random key if missing.
  std::string secret_key_path;
  // Domain of bot user emails, as the server's --email_domain.
  std::string email_domain = "example.com";
  SeedLayout layout;
  // Tokens inserted per transaction.
  int64_t tokens_per_transaction = 100000;
  // SQLite page cache of the seeding connection, in MiB. A cache that
  // contains the indexes keeps random inserts into them off the disk.
  int64_t cache_mib = 1024;
  // Time of seeding: tokens are created before it and expire 180 to 359
  // days after it.
  absl::Time now;
  // Called after each transaction with the number of tokens written so far.
  std::function<void(int64_t tokens_written)> progress;
};

// Seeds the database of `options`, then writes the layout file beside
// it (see LayoutPath()). During the load the database has no rollback
// journal and no foreign key checks; it is left in WAL mode. A failure
// leaves a partial file that must be deleted. FAILED_PRECONDITION if the
// database file exists already.
absl::Status SeedDatabase(const SeedOptions& options);

}  // namespace accesstokens::bench

#endif  // ACCESSTOKENS_BENCH_SEEDER_H_
