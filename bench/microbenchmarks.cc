// Micro-benchmarks of the pieces on the request path: bot names and the
// naming allocator, secret generation and digests, and store calls (token
// lookup by digest with and without the cache, creation through the
// writer). Databases live in a temporary folder under $TMPDIR.
//
// Run: accesstokens-microbench [--lookup_tokens=100000]
//        [--benchmark_filter=REGEX]

#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "bench/seeder.h"
#include "benchmark/benchmark.h"
#include "glog/logging.h"
#include "service/token_secrets.h"
#include "storage/bot_names.h"
#include "storage/schema.h"
#include "storage/sqlite_connection.h"
#include "storage/sqlite_operations.h"
#include "storage/sqlite_store.h"

namespace accesstokens::bench {
namespace {

// Tokens of the database that the lookups run on; --lookup_tokens sets it.
int64_t lookup_tokens = 100000;
// Tokens that the lookups spread over: a tenth of them.
int64_t WorkingSet() { return lookup_tokens / 10; }

// Stops the program when a set-up step or a measured call fails, since its
// figures would mean nothing.
void CheckOk(const absl::Status& status) { CHECK(status.ok()) << status; }

// A folder under $TMPDIR, removed at exit.
const std::string& WorkFolder() {
  static const std::string* folder = [] {
    const char* tmp = getenv("TMPDIR");
    std::string pattern =
        absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/microbench-XXXXXX");
    CHECK(mkdtemp(pattern.data()) != nullptr) << "cannot create " << pattern;
    auto* path = new std::string(pattern);
    atexit([] { std::filesystem::remove_all(WorkFolder()); });
    return path;
  }();
  return *folder;
}

const TokenSecrets& Secrets() {
  static const TokenSecrets* secrets = [] {
    absl::StatusOr<TokenSecrets> created =
        TokenSecrets::Create(WorkFolder() + "/secret.key", "glpat-");
    CheckOk(created.status());
    return new TokenSecrets(*std::move(created));
  }();
  return *secrets;
}

// The seeded database of the lookups, created on first use.
const SeedLayout& LookupLayout() {
  static const SeedLayout* layout = [] {
    SeedOptions options;
    options.database_path = WorkFolder() + "/lookup.db";
    options.secret_key_path = WorkFolder() + "/secret.key";
    options.layout.token_count = lookup_tokens;
    options.layout.big_project_tokens = lookup_tokens / 10;
    options.layout.project_count = std::max<int64_t>(2, lookup_tokens / 100);
    options.layout.group_count = std::max<int64_t>(1, lookup_tokens / 1000);
    options.now = absl::Now();
    CheckOk(SeedDatabase(options));
    return new SeedLayout(options.layout);
  }();
  return *layout;
}

// Returns a distinct 32-byte digest for each `n`, cheaper than an HMAC.
std::string NumberedDigest(int64_t n) {
  std::string digest(32, '\0');
  for (int i = 0; i < 8; ++i) digest[i] = static_cast<char>(n >> (8 * i));
  return digest;
}

std::atomic<int64_t> next_digest{0};

NewAccessToken MakeNewToken(const ResourceRef& parent) {
  NewAccessToken token;
  token.parent = parent;
  token.display_name = "bench";
  token.scopes = 1 << 2;
  token.access_level = 40;
  token.expires_on =
      absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + 30;
  token.digest = NumberedDigest(next_digest++);
  token.check = [](const TokenParentState&) { return absl::OkStatus(); };
  token.context.actor.user_id = 1;
  token.context.actor.access_level = 50;
  token.context.time = absl::Now();
  return token;
}

// --- Bot names and the allocator --------------------------------------------

void BM_BotUsername(benchmark::State& state) {
  int64_t number = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        BotUsername({ResourceKind::kProject, 123456}, number++));
  }
}
BENCHMARK(BM_BotUsername);

void BM_BotEmail(benchmark::State& state) {
  int64_t number = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(BotEmail({ResourceKind::kProject, 123456},
                                      number++, "example.com"));
  }
}
BENCHMARK(BM_BotEmail);

// One token creation inside a transaction of 1000, without the disk flush:
// the naming allocator (counter read, name check, counter update) and the
// inserts of the bot user, token and membership. range(0) is the number
// of projects the tokens spread over.
void BM_InsertTokenWithAllocator(benchmark::State& state) {
  const std::string path =
      absl::StrCat(WorkFolder(), "/allocator-", state.range(0), ".db");
  std::filesystem::remove(path);
  std::unique_ptr<SqliteConnection> db =
      *SqliteConnection::Open(path, absl::Seconds(5));
  CheckOk(MigrateSchema(*db).status());
  CheckOk(db->Execute("PRAGMA synchronous=OFF"));
  const int64_t projects = state.range(0);
  {
    SqliteTransaction transaction(db.get(), SqliteTransaction::Mode::kImmediate);
    for (int64_t id = 1; id <= projects; ++id) {
      NewProject project;
      project.id = id;
      project.display_name = "bench";
      CheckOk(internal::InsertProject(*db, project).status());
    }
    CheckOk(transaction.Commit());
  }

  std::vector<NewAccessToken> tokens;
  int64_t created = 0;
  auto transaction = std::make_unique<SqliteTransaction>(
      db.get(), SqliteTransaction::Mode::kImmediate);
  for (auto _ : state) {
    NewAccessToken token =
        MakeNewToken({ResourceKind::kProject, 1 + created % projects});
    CheckOk(internal::InsertAccessToken(*db, token, "example.com").status());
    if (++created % 1000 == 0) {
      CheckOk(transaction->Commit());
      transaction = std::make_unique<SqliteTransaction>(
          db.get(), SqliteTransaction::Mode::kImmediate);
    }
  }
  CheckOk(transaction->Commit());
}
BENCHMARK(BM_InsertTokenWithAllocator)->Arg(1)->Arg(1000);

// --- Secrets ----------------------------------------------------------------

void BM_GenerateSecret(benchmark::State& state) {
  const TokenSecrets& secrets = Secrets();
  for (auto _ : state) benchmark::DoNotOptimize(secrets.Generate());
}
BENCHMARK(BM_GenerateSecret);

void BM_DigestSecret(benchmark::State& state) {
  const TokenSecrets& secrets = Secrets();
  const std::string secret = *secrets.Generate();
  for (auto _ : state) benchmark::DoNotOptimize(secrets.Digest(secret));
}
BENCHMARK(BM_DigestSecret);

void BM_DeriveSeededSecret(benchmark::State& state) {
  SeedLayout layout;
  int64_t index = 0;
  for (auto _ : state) benchmark::DoNotOptimize(layout.Secret(index++));
}
BENCHMARK(BM_DeriveSeededSecret);

// --- Store calls ------------------------------------------------------------

std::unique_ptr<SqliteStore> lookup_store;
std::vector<std::string> working_set_digests;

// range(0) is the cache size: 0 turns the cache off.
void SetUpLookupStore(const benchmark::State& state) {
  const SeedLayout& layout = LookupLayout();
  SqliteStoreOptions options;
  options.path = WorkFolder() + "/lookup.db";
  options.token_cache_entries = static_cast<size_t>(state.range(0));
  lookup_store = *SqliteStore::Open(options);
  working_set_digests.clear();
  for (int64_t member = 0; member < WorkingSet(); ++member) {
    int64_t index = member * (lookup_tokens / WorkingSet());
    if (layout.IsRevoked(index)) ++index;
    working_set_digests.push_back(Secrets().Digest(layout.Secret(index)));
  }
}

void TearDownLookupStore(const benchmark::State&) { lookup_store.reset(); }

// Looks up tokens of the working set. With the cache on, the first pass
// fills it and later passes hit it.
void BM_FindTokenByDigest(benchmark::State& state) {
  size_t i = state.thread_index();
  for (auto _ : state) {
    const std::string& digest =
        working_set_digests[i % working_set_digests.size()];
    i += state.threads();
    CheckOk(lookup_store->FindTokenByDigest(digest).status());
  }
}
BENCHMARK(BM_FindTokenByDigest)
    ->Setup(SetUpLookupStore)
    ->Teardown(TearDownLookupStore)
    ->ArgName("cache")
    ->Arg(0)
    ->Arg(20000)
    ->Threads(1)
    ->Threads(2);

void BM_FindUnknownDigest(benchmark::State& state) {
  const std::string digest = Secrets().Digest("glpat-not-a-token");
  for (auto _ : state) {
    CHECK(absl::IsNotFound(lookup_store->FindTokenByDigest(digest).status()));
  }
}
BENCHMARK(BM_FindUnknownDigest)
    ->Setup(SetUpLookupStore)
    ->Teardown(TearDownLookupStore)
    ->ArgName("cache")
    ->Arg(20000);

std::unique_ptr<SqliteStore> write_store;
std::atomic<int64_t> write_database_number{0};

// range(0) is 1 for synchronous=FULL and 0 for OFF.
void SetUpWriteStore(const benchmark::State& state) {
  SqliteStoreOptions options;
  options.path = absl::StrCat(WorkFolder(), "/writes-",
                              write_database_number++, ".db");
  options.synchronous = state.range(0) != 0;
  write_store = *SqliteStore::Open(options);
  for (int64_t id = 1; id <= 100; ++id) {
    NewProject project;
    project.id = id;
    project.display_name = "bench";
    absl::Notification done;
    write_store->CreateProject(project, [&](absl::StatusOr<ProjectRecord> p) {
      CheckOk(p.status());
      done.Notify();
    });
    done.WaitForNotification();
  }
}

void TearDownWriteStore(const benchmark::State&) { write_store.reset(); }

// Each benchmark thread creates tokens one at a time and waits for each to
// be durable, so the thread count is the number of creations in flight,
// which the writer gathers into shared commits.
void BM_CreateTokenThroughWriter(benchmark::State& state) {
  absl::InsecureBitGen random;
  for (auto _ : state) {
    NewAccessToken token = MakeNewToken(
        {ResourceKind::kProject, absl::Uniform<int64_t>(random, 1, 101)});
    absl::Notification done;
    write_store->CreateAccessToken(
        std::move(token), [&done](absl::StatusOr<CreatedAccessToken> created) {
          CheckOk(created.status());
          done.Notify();
        });
    done.WaitForNotification();
  }
}
BENCHMARK(BM_CreateTokenThroughWriter)
    ->Setup(SetUpWriteStore)
    ->Teardown(TearDownWriteStore)
    ->ArgName("synchronous")
    ->Arg(1)
    ->Arg(0)
    ->Threads(1)
    ->Threads(64)
    ->UseRealTime();

}  // namespace
}  // namespace accesstokens::bench

int main(int argc, char** argv) {
  // The store logs each migration and the synchronous=OFF warning at every
  // set-up; only errors matter here.
  FLAGS_logtostderr = true;
  FLAGS_minloglevel = google::GLOG_ERROR;
  google::InitGoogleLogging(argv[0]);
  // Lock-order checks off, as in accesstokens-server (see there).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  // --lookup_tokens=N sizes the lookup database; the smoke test makes it
  // small. Google Benchmark rejects flags it does not know, so it is
  // removed before them.
  int next_arg = 1;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--lookup_tokens=")) {
      if (!absl::SimpleAtoi(arg, &accesstokens::bench::lookup_tokens) ||
          accesstokens::bench::lookup_tokens < 100) {
        LOG(ERROR) << "--lookup_tokens=" << arg
                   << " is invalid; give 100 or more";
        return 1;
      }
      continue;
    }
    argv[next_arg++] = argv[i];
  }
  argc = next_arg;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
