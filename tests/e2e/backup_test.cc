// The accesstokens-backup binary against a live server. The copy it writes
// while clients keep writing contains every token that existed when it
// began, and a server started on the copy with the same key file
// authenticates them.

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/api_client.h"
#include "tests/testing/run_process.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/server_process.h"
#include "tests/testing/sqlite_query.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::ApiClient;
using ::accesstokens::testing::ProcessOutput;
using ::accesstokens::testing::QueryStrings;
using ::accesstokens::testing::RunProcess;
using ::accesstokens::testing::ServerProcess;
using ::accesstokens::testing::ServerProcessTest;
using ::accesstokens::testing::TempDir;

ProcessOutput RunBackup(std::vector<std::string> args) {
  return RunProcess(ACCESSTOKENS_BACKUP_PATH, args, {});
}

// A token and whether it must authenticate.
struct KnownToken {
  std::string name;
  std::string secret;
  bool active = true;
};

class BackupTest : public ServerProcessTest {
 protected:
  std::vector<std::string> ServerFlags() const override {
    return {"--auth_failure_limit=0"};
  }

  // Creates tokens under a project, a group and a project in the group,
  // then revokes and rotates some of them.
  std::vector<KnownToken> CreateTokens(int count) {
    std::vector<KnownToken> tokens;
    EXPECT_TRUE(api_->CreateGroup(1).ok());
    EXPECT_TRUE(api_->CreateProject(2, "groups/1").ok());
    EXPECT_TRUE(api_->CreateProject(3).ok());
    const char* parents[] = {"projects/2", "groups/1", "projects/3"};
    for (int i = 0; i < count; ++i) {
      auto created = api_->CreateToken(parents[i % 3], absl::StrCat("t", i));
      EXPECT_TRUE(created.ok()) << created.status;
      tokens.push_back({created.response.access_token().name(),
                        created.response.access_token().token(), true});
    }
    for (int i = 0; i < count; i += 5) {
      EXPECT_TRUE(api_->RevokeToken(tokens[i].name).ok());
      tokens[i].active = false;
    }
    for (int i = 2; i < count; i += 5) {
      auto rotated = api_->RotateToken(tokens[i].name);
      EXPECT_TRUE(rotated.ok()) << rotated.status;
      tokens[i].active = false;
      tokens.push_back({rotated.response.access_token().name(),
                        rotated.response.access_token().token(), true});
    }
    return tokens;
  }
};

TEST_F(BackupTest, CopyDuringWritesRestoresEveryToken) {
  const std::vector<KnownToken> tokens = CreateTokens(90);
  ASSERT_FALSE(HasFailure());

  // Writers keep creating and revoking tokens during the backup; each
  // records when its calls that returned OK started and ended.
  std::atomic<bool> stop{false};
  absl::Mutex mu;
  std::vector<std::pair<absl::Time, absl::Time>> writes;
  std::vector<std::thread> writers;
  for (int t = 0; t < 2; ++t) {
    writers.emplace_back([&] {
      ApiClient client(server_->NewStub());
      while (!stop) {
        const absl::Time start = absl::Now();
        auto created = client.CreateToken("projects/3", "during backup");
        if (!created.ok()) continue;
        client.RevokeToken(created.response.access_token().name());
        absl::MutexLock lock(&mu);
        writes.emplace_back(start, absl::Now());
      }
    });
  }

  // Small steps with pauses make the copy last long enough for the
  // writers to run meanwhile.
  const std::string copy = folder_.File("backup.db");
  const absl::Time backup_start = absl::Now();
  const ProcessOutput backup =
      RunBackup({"--db=" + server_->database_path(), "--out=" + copy,
                 "--pages_per_step=4", "--step_pause_ms=5"});
  const absl::Time backup_end = absl::Now();
  stop = true;
  for (std::thread& writer : writers) writer.join();
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_TRUE(absl::StartsWith(backup.out, "backed up ")) << backup.out;

  // The server kept writing while the copy was made.
  int during = 0;
  absl::Duration slowest;
  for (const auto& [start, end] : writes) {
    if (start < backup_start || end > backup_end) continue;
    ++during;
    slowest = std::max(slowest, end - start);
  }
  std::cout << "backup took " << absl::FormatDuration(backup_end - backup_start)
            << "; " << during << " create-and-revoke pairs ran meanwhile, "
            << "the slowest in " << absl::FormatDuration(slowest) << std::endl;
  EXPECT_GT(during, 0) << "the backup blocked the server's writes";

  // Restore: the copy as the database of a new server, with the key file.
  TempDir restored;
  std::filesystem::copy_file(copy, restored.File("accesstokens.db"));
  std::filesystem::copy_file(folder_.File("secret.key"),
                             restored.File("secret.key"));
  absl::StatusOr<std::unique_ptr<ServerProcess>> server =
      ServerProcess::Start(restored.path(), {"--auth_failure_limit=0"});
  ASSERT_TRUE(server.ok()) << server.status();
  ApiClient api((*server)->NewStub());
  for (const KnownToken& token : tokens) {
    EXPECT_TRUE(api.GetToken(token.name).ok()) << token.name << " is missing";
    auto authenticated = api.Authenticate(token.secret);
    if (token.active) {
      EXPECT_TRUE(authenticated.ok())
          << token.name << ": " << authenticated.status;
    } else {
      EXPECT_EQ(authenticated.code(), grpc::StatusCode::UNAUTHENTICATED)
          << token.name << " was revoked but authenticates";
    }
  }

  // The restored server writes, and hands out no bot name twice.
  auto created = api.CreateToken("projects/2", "after restore");
  ASSERT_TRUE(created.ok()) << created.status;
  EXPECT_EQ(created.response.bot_user().username(), "project_2_bot30");
  absl::StatusOr<std::vector<std::string>> integrity =
      QueryStrings(restored.File("accesstokens.db"), "PRAGMA integrity_check");
  ASSERT_TRUE(integrity.ok()) << integrity.status();
  EXPECT_EQ(absl::StrJoin(*integrity, "\n"), "ok");
}

TEST_F(BackupTest, ExistingCopyIsReplacedOnlyWithOverwrite) {
  ASSERT_TRUE(api_->CreateProject(1).ok());
  const std::string copy = folder_.File("backup.db");
  ASSERT_EQ(RunBackup({"--db=" + server_->database_path(), "--out=" + copy})
                .exit_code,
            0);
  ASSERT_TRUE(api_->CreateProject(2).ok());

  const ProcessOutput rejected =
      RunBackup({"--db=" + server_->database_path(), "--out=" + copy});
  EXPECT_EQ(rejected.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(rejected.err,
                                "already exists; choose another --out, or give "
                                "--overwrite to replace it"))
      << rejected.err;
  EXPECT_EQ(QueryStrings(copy, "SELECT id FROM projects")->size(), 1u);

  const ProcessOutput replaced = RunBackup(
      {"--db=" + server_->database_path(), "--out=" + copy, "--overwrite"});
  EXPECT_EQ(replaced.exit_code, 0) << replaced.err;
  EXPECT_EQ(QueryStrings(copy, "SELECT id FROM projects")->size(), 2u);
}

TEST(BackupFlagsTest, InvalidFlagsExitWithTwo) {
  TempDir folder;
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{"--db=" + folder.File("a.db")}, "--out is required"},
      {{"--db=" + folder.File("a.db"), "--out=" + folder.File("a.db"),
        "--pages_per_step=0"},
       "pages per step 0 is invalid"},
  };
  for (const Case& c : cases) {
    const ProcessOutput result = RunBackup(c.args);
    EXPECT_EQ(result.exit_code, 2) << c.message << ": " << result.err;
    EXPECT_TRUE(absl::StrContains(result.err, c.message)) << result.err;
  }
}

TEST(BackupFlagsTest, HelpExplainsEveryFlag) {
  const ProcessOutput result = RunBackup({"--help"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(absl::StartsWith(result.out, "Writes a consistent copy"))
      << result.out;
  for (const char* flag : {"--db", "--out", "--overwrite", "--pages_per_step",
                           "--step_pause_ms", "--busy_timeout_ms"}) {
    EXPECT_TRUE(absl::StrContains(result.out + result.err, flag))
        << flag << " missing from --help";
  }
}

}  // namespace
}  // namespace accesstokens
