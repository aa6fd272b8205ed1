// Crash safety of the real server binary: client threads create, rotate and
// revoke tokens concurrently while the server is killed with SIGKILL at
// random moments. After every restart on the same database, each call that
// returned OK is still in effect, bot names are unique and gap-free, and
// the database passes SQLite's integrity and foreign key checks.
//
// The test prints the seed of its random schedule; ACCESSTOKENS_CRASH_SEED
// replays it. The kill moments and the operations repeat, but the thread
// timing, and so the calls in flight at each kill, vary between runs.

#include <stdlib.h>

#include <atomic>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/testing/api_client.h"
#include "tests/testing/server_process.h"
#include "tests/testing/sqlite_query.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::OwnerActor;
using ::accesstokens::testing::QueryInt64;
using ::accesstokens::testing::QueryStrings;
using ::accesstokens::testing::ServerProcess;
using ::accesstokens::testing::TempDir;
using Stub = v1::AccessTokenService::Stub;

constexpr int kKills = 24;
constexpr int kClientThreads = 4;
constexpr int kProjects = 3;
// The clients run for a random time up to this long before each kill.
constexpr int kMaxRunMilliseconds = 300;
// Deadline of every call, so that a call to a killed server cannot hang.
constexpr absl::Duration kCallDeadline = absl::Seconds(10);

// A token as the acknowledged calls left it.
struct AckedToken {
  enum class State { kActive, kRevoked, kRotated };

  std::string name;
  std::string secret;
  int64_t project_id = 0;
  std::string bot_username;
  State state = State::kActive;
  // For a rotated token, the token that replaced it.
  std::string next_name;
  // A rotation or revocation of it did not return OK, so it may or may not
  // have taken effect. Such a token gets no further calls.
  bool uncertain = false;
  // A client thread is calling on it.
  bool busy = false;
};

// The calls that returned OK, recorded by the client threads. Thread-safe.
class Ledger {
 public:
  void AddCreated(int64_t project_id, const v1::AccessToken& token,
                  const v1::BotUser& bot) {
    absl::MutexLock lock(&mu_);
    AckedToken record;
    record.name = token.name();
    record.secret = token.token();
    record.project_id = project_id;
    record.bot_username = bot.username();
    tokens_.push_back(std::move(record));
  }

  // Picks a random active token with a known state that no other thread
  // uses, marks it busy, and returns its index and name.
  std::optional<std::pair<size_t, std::string>> Claim(std::mt19937& random) {
    absl::MutexLock lock(&mu_);
    std::vector<size_t> candidates;
    for (size_t i = 0; i < tokens_.size(); ++i) {
      const AckedToken& token = tokens_[i];
      if (token.state == AckedToken::State::kActive && !token.uncertain &&
          !token.busy) {
        candidates.push_back(i);
      }
    }
    if (candidates.empty()) return std::nullopt;
    const size_t index = candidates[random() % candidates.size()];
    tokens_[index].busy = true;
    return std::make_pair(index, tokens_[index].name);
  }

  void Revoked(size_t index) {
    absl::MutexLock lock(&mu_);
    tokens_[index].state = AckedToken::State::kRevoked;
    tokens_[index].busy = false;
  }

  void Rotated(size_t index, const v1::RotateAccessTokenResponse& response) {
    absl::MutexLock lock(&mu_);
    AckedToken next;
    next.name = response.access_token().name();
    next.secret = response.access_token().token();
    next.project_id = tokens_[index].project_id;
    next.bot_username = response.bot_user().username();
    tokens_[index].state = AckedToken::State::kRotated;
    tokens_[index].next_name = next.name;
    tokens_[index].busy = false;
    tokens_.push_back(std::move(next));
  }

  void Failed(size_t index) {
    absl::MutexLock lock(&mu_);
    tokens_[index].uncertain = true;
    tokens_[index].busy = false;
  }

  std::vector<AckedToken> Snapshot() {
    absl::MutexLock lock(&mu_);
    return tokens_;
  }

 private:
  absl::Mutex mu_;
  std::vector<AckedToken> tokens_ ABSL_GUARDED_BY(mu_);
};

// Outcomes of the client calls. Thread-safe.
class CallCounts {
 public:
  void Ok() { ++ok_; }
  void Failed(grpc::StatusCode code) {
    ++failed_;
    if (code != grpc::StatusCode::UNAVAILABLE) {
      absl::MutexLock lock(&mu_);
      unexpected_.push_back(code);
    }
  }
  int ok() const { return ok_; }
  int failed() const { return failed_; }
  // Codes of failed calls other than UNAVAILABLE, which a call to a killed
  // server gets.
  std::vector<grpc::StatusCode> unexpected() {
    absl::MutexLock lock(&mu_);
    return unexpected_;
  }

 private:
  std::atomic<int> ok_{0};
  std::atomic<int> failed_{0};
  absl::Mutex mu_;
  std::vector<grpc::StatusCode> unexpected_ ABSL_GUARDED_BY(mu_);
};

uint32_t ChooseSeed() {
  const char* replay = getenv("ACCESSTOKENS_CRASH_SEED");
  uint32_t seed = 0;
  if (replay != nullptr && absl::SimpleAtoi(replay, &seed)) return seed;
  return std::random_device()();
}

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(
      std::chrono::system_clock::now() +
      std::chrono::milliseconds(absl::ToInt64Milliseconds(kCallDeadline)));
}

// Runs creates, rotations and revocations on `stub` until a call fails,
// as calls do once the server is killed, or until `stop`.
void RunClient(Stub& stub, Ledger& ledger, uint32_t seed,
               const std::atomic<bool>& stop, CallCounts& counts) {
  std::mt19937 random(seed);
  while (!stop) {
    const int operation = random() % 4;  // Two creates per rotation.
    std::optional<std::pair<size_t, std::string>> claimed;
    if (operation >= 2) claimed = ledger.Claim(random);

    if (!claimed.has_value()) {
      const int64_t project_id = 1 + random() % kProjects;
      v1::CreateAccessTokenRequest request;
      request.set_parent(absl::StrCat("projects/", project_id));
      request.mutable_access_token()->set_display_name("crash");
      request.mutable_access_token()->add_scopes(v1::SCOPE_API);
      *request.mutable_actor() = OwnerActor();
      grpc::ClientContext context;
      SetDeadline(context);
      v1::CreateAccessTokenResponse response;
      const grpc::Status status =
          stub.CreateAccessToken(&context, request, &response);
      if (!status.ok()) {
        counts.Failed(status.error_code());
        return;
      }
      ledger.AddCreated(project_id, response.access_token(),
                        response.bot_user());
      counts.Ok();
      continue;
    }

    const auto& [index, name] = *claimed;
    grpc::ClientContext context;
    SetDeadline(context);
    grpc::Status status;
    if (operation == 2) {
      v1::RotateAccessTokenRequest request;
      request.set_name(name);
      *request.mutable_actor() = OwnerActor();
      v1::RotateAccessTokenResponse response;
      status = stub.RotateAccessToken(&context, request, &response);
      if (status.ok()) ledger.Rotated(index, response);
    } else {
      v1::RevokeAccessTokenRequest request;
      request.set_name(name);
      *request.mutable_actor() = OwnerActor();
      v1::RevokeAccessTokenResponse response;
      status = stub.RevokeAccessToken(&context, request, &response);
      if (status.ok()) ledger.Revoked(index);
    }
    if (!status.ok()) {
      ledger.Failed(index);
      counts.Failed(status.error_code());
      return;
    }
    counts.Ok();
  }
}

// Returns the bot usernames a project with `count` bots must have:
// project_N_bot, project_N_bot1, ..., project_N_bot<count-1>.
std::set<std::string> ExpectedBotNames(int64_t project_id, int64_t count) {
  std::set<std::string> names;
  for (int64_t n = 0; n < count; ++n) {
    names.insert(absl::StrCat("project_", project_id, "_bot",
                              n == 0 ? "" : absl::StrCat(n)));
  }
  return names;
}

// Checks one token against the server; returns what is wrong, or "".
std::string CheckToken(Stub& stub, const AckedToken& token) {
  grpc::ClientContext get_context;
  SetDeadline(get_context);
  v1::GetAccessTokenRequest get;
  get.set_name(token.name);
  v1::GetAccessTokenResponse got;
  const grpc::Status found = stub.GetAccessToken(&get_context, get, &got);
  if (!found.ok()) {
    return absl::StrCat(
        token.name, " was acknowledged but is gone: ", found.error_message());
  }

  grpc::ClientContext auth_context;
  SetDeadline(auth_context);
  v1::AuthenticateAccessTokenRequest authenticate;
  authenticate.set_token(token.secret);
  v1::AuthenticateAccessTokenResponse authenticated;
  const grpc::Status auth =
      stub.AuthenticateAccessToken(&auth_context, authenticate, &authenticated);

  const v1::AccessToken& stored = got.access_token();
  switch (token.state) {
    case AckedToken::State::kActive:
      if (token.uncertain) return "";
      if (stored.state() != v1::AccessToken::STATE_ACTIVE) {
        return absl::StrCat(token.name, " is active but stored as state ",
                            stored.state());
      }
      if (!auth.ok()) {
        return absl::StrCat(token.name,
                            " is active but does not "
                            "authenticate: ",
                            auth.error_message());
      }
      return "";
    case AckedToken::State::kRevoked:
    case AckedToken::State::kRotated:
      if (stored.state() != v1::AccessToken::STATE_REVOKED) {
        return absl::StrCat(token.name,
                            " was revoked or rotated, and the "
                            "revocation came undone");
      }
      if (auth.error_code() != grpc::StatusCode::UNAUTHENTICATED) {
        return absl::StrCat(token.name,
                            " was revoked or rotated but "
                            "authenticates: ",
                            auth.error_message());
      }
      if (token.state == AckedToken::State::kRotated &&
          stored.next_access_token() != token.next_name) {
        return absl::StrCat(token.name, " was rotated to ", token.next_name,
                            " but names ", stored.next_access_token());
      }
      return "";
  }
  return "";
}

class CrashTest : public ::testing::Test {
 protected:
  void StartServer() {
    absl::StatusOr<std::unique_ptr<ServerProcess>> started =
        ServerProcess::Start(folder_.path(), {"--auth_failure_limit=0"});
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
  }

  // Checks every acknowledged call, the bot names and the database file.
  void Verify(const std::vector<AckedToken>& tokens) {
    // Tokens, split over threads with a channel each.
    absl::Mutex mu;
    std::vector<std::string> problems;
    std::vector<std::thread> checkers;
    for (int t = 0; t < kClientThreads; ++t) {
      checkers.emplace_back([&, t] {
        std::unique_ptr<Stub> stub = server_->NewStub();
        for (size_t i = t; i < tokens.size(); i += kClientThreads) {
          std::string problem = CheckToken(*stub, tokens[i]);
          if (problem.empty()) continue;
          absl::MutexLock lock(&mu);
          problems.push_back(std::move(problem));
        }
      });
    }
    for (std::thread& checker : checkers) checker.join();
    EXPECT_TRUE(problems.empty())
        << problems.size() << " problems, such as:\n"
        << absl::StrJoin(
               problems.begin(),
               problems.begin() + std::min<size_t>(problems.size(), 10), "\n");

    // Bot names: per project, a gap-free series without duplicates, and a
    // counter just past it, however many in-flight creates committed.
    const std::string& db = server_->database_path();
    for (int64_t project = 1; project <= kProjects; ++project) {
      absl::StatusOr<std::vector<std::string>> usernames = QueryStrings(
          db, absl::StrCat("SELECT username FROM users WHERE project_id = ",
                           project));
      ASSERT_TRUE(usernames.ok()) << usernames.status();
      const std::set<std::string> unique(usernames->begin(), usernames->end());
      EXPECT_EQ(unique.size(), usernames->size()) << "duplicate bot names";
      EXPECT_EQ(unique, ExpectedBotNames(project, usernames->size()))
          << "bot names of project " << project << " have a gap";
      absl::StatusOr<int64_t> next = QueryInt64(
          db, absl::StrCat("SELECT coalesce(max(next_number), 0) FROM "
                           "bot_name_counters WHERE resource_kind = 0 AND "
                           "resource_id = ",
                           project));
      ASSERT_TRUE(next.ok()) << next.status();
      EXPECT_EQ(*next, static_cast<int64_t>(usernames->size()))
          << "the name counter of project " << project << " skipped numbers";
      for (const AckedToken& token : tokens) {
        if (token.project_id != project) continue;
        EXPECT_TRUE(unique.count(token.bot_username) == 1)
            << token.bot_username << " of " << token.name << " is missing";
      }
    }

    absl::StatusOr<std::vector<std::string>> integrity =
        QueryStrings(db, "PRAGMA integrity_check");
    ASSERT_TRUE(integrity.ok()) << integrity.status();
    EXPECT_EQ(absl::StrJoin(*integrity, "\n"), "ok");
    absl::StatusOr<std::vector<std::string>> foreign_keys =
        QueryStrings(db, "PRAGMA foreign_key_check");
    ASSERT_TRUE(foreign_keys.ok()) << foreign_keys.status();
    EXPECT_TRUE(foreign_keys->empty()) << "rows break foreign keys in tables: "
                                       << absl::StrJoin(*foreign_keys, ", ");
  }

  TempDir folder_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(CrashTest, AcknowledgedWritesSurviveSigkill) {
  const uint32_t seed = ChooseSeed();
  std::cout << "crash test seed: " << seed
            << " (replay with ACCESSTOKENS_CRASH_SEED=" << seed << ")"
            << std::endl;
  RecordProperty("seed", std::to_string(seed));
  std::mt19937 schedule(seed);

  ASSERT_NO_FATAL_FAILURE(StartServer());
  {
    testing::ApiClient api(server_->NewStub());
    for (int64_t project = 1; project <= kProjects; ++project) {
      ASSERT_TRUE(api.CreateProject(project).ok());
    }
  }

  Ledger ledger;
  CallCounts counts;
  const absl::Time start = absl::Now();
  for (int round = 1; round <= kKills; ++round) {
    SCOPED_TRACE(absl::StrCat("seed ", seed, ", kill ", round));
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < kClientThreads; ++t) {
      const uint32_t client_seed = schedule();
      clients.emplace_back([&, client_seed] {
        std::unique_ptr<Stub> stub = server_->NewStub();
        RunClient(*stub, ledger, client_seed, stop, counts);
      });
    }
    absl::SleepFor(absl::Milliseconds(schedule() % kMaxRunMilliseconds));
    server_->Kill();
    stop = true;
    for (std::thread& client : clients) client.join();

    ASSERT_NO_FATAL_FAILURE(StartServer());
    ASSERT_NO_FATAL_FAILURE(Verify(ledger.Snapshot()));
    if (HasFailure()) break;
  }

  const std::vector<AckedToken> tokens = ledger.Snapshot();
  std::cout << kKills << " kills in "
            << absl::FormatDuration(absl::Now() - start) << ": " << counts.ok()
            << " calls returned OK, " << counts.failed() << " failed, "
            << tokens.size() << " tokens checked after the last restart"
            << std::endl;
  EXPECT_GT(counts.ok(), 10 * kKills) << "too few calls ran to test much";
  EXPECT_TRUE(counts.unexpected().empty())
      << "calls failed with codes other than UNAVAILABLE, such as "
      << counts.unexpected().front();
}

}  // namespace
}  // namespace accesstokens
