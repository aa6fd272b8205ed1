// Storage faults under the real server binary: a full disk, a read-only
// file system and a database locked by another process. Each one fails
// writes with UNAVAILABLE and a message that names the cause, leaves reads
// and authentications working, and the same server process writes again
// once the cause is gone.

#include <stdio.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/api_client.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/server_process.h"
#include "tests/testing/sqlite_query.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/tmpfs_mount.h"

namespace accesstokens {
namespace {

using ::accesstokens::testing::ApiClient;
using ::accesstokens::testing::ProcessResult;
using ::accesstokens::testing::QueryStrings;
using ::accesstokens::testing::ReadFileOrEmpty;
using ::accesstokens::testing::RunServerBinary;
using ::accesstokens::testing::ServerProcess;
using ::accesstokens::testing::ServerProcessTest;
using ::accesstokens::testing::TempDir;
using ::accesstokens::testing::TmpfsMount;

// Size of the test's tmpfs: room for the schema, the WAL of a few dozen
// writes, and little more, so that filling it is quick.
constexpr int64_t kTmpfsBytes = 2 << 20;

// Returns "ok" when the database passes PRAGMA integrity_check, else the
// problems it lists.
std::string IntegrityCheck(const std::string& database_path) {
  absl::StatusOr<std::vector<std::string>> rows =
      QueryStrings(database_path, "PRAGMA integrity_check");
  if (!rows.ok()) return std::string(rows.status().message());
  return absl::StrJoin(*rows, "\n");
}

// Runs the server with its database on a tmpfs that the test mounted, and
// its key file and log outside it, so that both stay usable while the
// database's file system is full or read-only.
class TmpfsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<TmpfsMount>> mount =
        TmpfsMount::Create(kTmpfsBytes);
    if (!mount.ok()) {
      GTEST_SKIP() << "this test needs a tmpfs of its own: "
                   << mount.status().message();
    }
    mount_ = *std::move(mount);
    StartServer();
  }

  void StartServer() {
    absl::StatusOr<std::unique_ptr<ServerProcess>> started =
        ServerProcess::Start(folder_.path(), {"--db=" + DatabasePath()});
    ASSERT_TRUE(started.ok()) << started.status();
    server_ = *std::move(started);
    api_ = std::make_unique<ApiClient>(server_->NewStub());
  }

  std::string DatabasePath() const { return mount_->File("accesstokens.db"); }

  // Declared in this order so that the server stops before the file
  // system is unmounted, and the file system before the folder is removed.
  TempDir folder_;
  std::unique_ptr<TmpfsMount> mount_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<ApiClient> api_;
};

using DiskFullTest = TmpfsServerTest;

TEST_F(DiskFullTest, WritesFailUntilSpaceIsFreed) {
  ASSERT_TRUE(api_->CreateProject(1).ok());
  auto before = api_->CreateToken("projects/1");
  ASSERT_TRUE(before.ok()) << before.status;

  absl::StatusOr<int64_t> filled = mount_->Fill("filler");
  ASSERT_TRUE(filled.ok()) << filled.status();

  // The WAL's last page may still have room for a write or two.
  testing::CallResult<v1::CreateAccessTokenResponse> attempt;
  std::vector<std::string> created_while_full;
  for (int i = 0; i < 50; ++i) {
    attempt = api_->CreateToken("projects/1");
    if (!attempt.ok()) break;
    created_while_full.push_back(attempt.response.access_token().name());
  }
  EXPECT_EQ(attempt.code(), grpc::StatusCode::UNAVAILABLE) << attempt.status;
  EXPECT_TRUE(absl::StrContains(attempt.message(), "disk full"))
      << attempt.status;

  // Reads need no space.
  const std::string& secret = before.response.access_token().token();
  EXPECT_TRUE(api_->Authenticate(secret).ok());
  EXPECT_TRUE(api_->GetToken(before.response.access_token().name()).ok());
  EXPECT_TRUE(api_->ListTokens("projects/1").ok());

  // Once space is freed, the same server writes again.
  ASSERT_TRUE(std::filesystem::remove(mount_->File("filler")));
  auto after = api_->CreateToken("projects/1");
  ASSERT_TRUE(after.ok()) << after.status;
  EXPECT_TRUE(api_->Authenticate(after.response.access_token().token()).ok());
  ASSERT_TRUE(api_->RevokeToken(before.response.access_token().name()).ok());
  EXPECT_EQ(api_->Authenticate(secret).code(),
            grpc::StatusCode::UNAUTHENTICATED);
  for (const std::string& name : created_while_full) {
    EXPECT_TRUE(api_->GetToken(name).ok()) << name << " was lost";
  }
  EXPECT_EQ(IntegrityCheck(DatabasePath()), "ok");
  EXPECT_TRUE(
      absl::StrContains(ReadFileOrEmpty(server_->log_path()), "disk full"));
}

using ReadOnlyFileSystemTest = TmpfsServerTest;

// Linux rejects a remount read-only (EBUSY) while a process has a file on
// the file system open for writing, and every SQLite connection in WAL mode
// has the -shm file open so. A running server's file system therefore
// cannot turn read-only under it, unless the kernel forces it after disk
// errors, which only an unmount undoes. What a server meets is a start on
// a file system that is still read-only, as after a crash. So the test
// kills the server, remounts the file system read-only and starts the
// server again.
TEST_F(ReadOnlyFileSystemTest, ReadsWorkAndWritesResumeWhenWritable) {
  ASSERT_TRUE(api_->CreateProject(1).ok());
  auto active = api_->CreateToken("projects/1", "active");
  ASSERT_TRUE(active.ok()) << active.status;
  auto revoked_later = api_->CreateToken("projects/1", "revoked later");
  ASSERT_TRUE(revoked_later.ok()) << revoked_later.status;
  // A crash leaves the -wal and -shm files, which a read-only start needs.
  server_->Kill();
  ASSERT_TRUE(std::filesystem::exists(DatabasePath() + "-wal"));
  absl::Status remounted = mount_->Remount(/*read_only=*/true);
  ASSERT_TRUE(remounted.ok()) << remounted;
  StartServer();

  // Reads and authentications work on the read-only database.
  EXPECT_TRUE(api_->Authenticate(active.response.access_token().token()).ok());
  EXPECT_TRUE(api_->GetToken(active.response.access_token().name()).ok());
  auto listed = api_->ListTokens("projects/1");
  ASSERT_TRUE(listed.ok()) << listed.status;
  EXPECT_EQ(listed.response.access_tokens_size(), 2);

  // Writes fail, saying why, and change nothing.
  auto create = api_->CreateToken("projects/1");
  EXPECT_EQ(create.code(), grpc::StatusCode::UNAVAILABLE) << create.status;
  EXPECT_TRUE(absl::StrContains(create.message(), "database is read-only"))
      << create.status;
  const std::string& revoked_secret =
      revoked_later.response.access_token().token();
  auto revoke = api_->RevokeToken(revoked_later.response.access_token().name());
  EXPECT_EQ(revoke.code(), grpc::StatusCode::UNAVAILABLE) << revoke.status;
  EXPECT_TRUE(api_->Authenticate(revoked_secret).ok());

  // Made writable again, the same server writes without a restart.
  remounted = mount_->Remount(/*read_only=*/false);
  ASSERT_TRUE(remounted.ok()) << remounted;
  revoke = api_->RevokeToken(revoked_later.response.access_token().name());
  ASSERT_TRUE(revoke.ok()) << revoke.status;
  EXPECT_EQ(api_->Authenticate(revoked_secret).code(),
            grpc::StatusCode::UNAUTHENTICATED);
  create = api_->CreateToken("projects/1");
  ASSERT_TRUE(create.ok()) << create.status;
  EXPECT_TRUE(api_->Authenticate(create.response.access_token().token()).ok());
  EXPECT_EQ(api_->ListTokens("projects/1").response.access_tokens_size(), 3);
  EXPECT_EQ(IntegrityCheck(DatabasePath()), "ok");
}

TEST_F(ReadOnlyFileSystemTest, StartWithoutWalFilesFailsWithReason) {
  ASSERT_TRUE(api_->CreateProject(1).ok());
  // A clean stop folds the WAL into the database and removes the -wal and
  // -shm files, which SQLite cannot create on a read-only file system.
  ASSERT_EQ(server_->Stop(), 0);
  server_.reset();
  absl::Status remounted = mount_->Remount(/*read_only=*/true);
  ASSERT_TRUE(remounted.ok()) << remounted;

  const ProcessResult result =
      RunServerBinary({"--listen=127.0.0.1:0", "--db=" + DatabasePath(),
                       "--secret_key_file=" + folder_.File("secret.key")});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(result.output, "database is read-only"))
      << result.output;
  EXPECT_TRUE(absl::StrContains(result.output, "Read-only file system"))
      << result.output;
}

// A sqlite3 shell in another process that holds the database's write lock
// inside BEGIN EXCLUSIVE until Release().
class LockHolder {
 public:
  // Starts the shell and waits until it holds the lock. Its output goes to
  // `output_path`.
  static absl::StatusOr<std::unique_ptr<LockHolder>> Lock(
      const std::string& database_path, const std::string& output_path) {
    const std::string command = absl::StrCat("sqlite3 '", database_path,
                                             "' > '", output_path, "' 2>&1");
    std::unique_ptr<LockHolder> holder(new LockHolder());
    holder->shell_ = popen(command.c_str(), "w");
    if (holder->shell_ == nullptr) {
      return absl::UnavailableError(
          absl::StrCat("starting the sqlite3 shell failed: ", command));
    }
    fputs("BEGIN EXCLUSIVE;\nSELECT 'locked';\n", holder->shell_);
    fflush(holder->shell_);

    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (!absl::StrContains(ReadFileOrEmpty(output_path), "locked")) {
      if (absl::Now() > deadline) {
        return absl::DeadlineExceededError(
            absl::StrCat("the sqlite3 shell did not take the lock; output: ",
                         ReadFileOrEmpty(output_path)));
      }
      absl::SleepFor(absl::Milliseconds(10));
    }
    return holder;
  }

  ~LockHolder() { Release(); }

  // Commits the empty transaction and waits for the shell to exit.
  void Release() {
    if (shell_ == nullptr) return;
    fputs("COMMIT;\n", shell_);
    pclose(shell_);
    shell_ = nullptr;
  }

 private:
  LockHolder() = default;
  FILE* shell_ = nullptr;
};

class LockedDatabaseTest : public ServerProcessTest {
 protected:
  std::vector<std::string> ServerFlags() const override {
    return {absl::StrCat("--busy_timeout_ms=", kBusyTimeoutMs)};
  }
  static constexpr int kBusyTimeoutMs = 300;
};

TEST_F(LockedDatabaseTest, WritesFailWithinBusyTimeoutThenResume) {
  ASSERT_TRUE(api_->CreateProject(1).ok());
  auto before = api_->CreateToken("projects/1");
  ASSERT_TRUE(before.ok()) << before.status;

  absl::StatusOr<std::unique_ptr<LockHolder>> lock = LockHolder::Lock(
      server_->database_path(), folder_.File("sqlite3-shell.log"));
  ASSERT_TRUE(lock.ok()) << lock.status();

  const absl::Time start = absl::Now();
  auto rejected = api_->CreateToken("projects/1");
  const absl::Duration waited = absl::Now() - start;
  EXPECT_EQ(rejected.code(), grpc::StatusCode::UNAVAILABLE) << rejected.status;
  EXPECT_TRUE(absl::StrContains(rejected.message(), "database is locked"))
      << rejected.status;
  EXPECT_GE(waited, absl::Milliseconds(kBusyTimeoutMs));
  EXPECT_LT(waited, absl::Seconds(4)) << "the busy timeout flag was ignored";

  // Readers do not need the write lock in WAL mode.
  EXPECT_TRUE(api_->Authenticate(before.response.access_token().token()).ok());
  EXPECT_TRUE(api_->GetToken(before.response.access_token().name()).ok());

  (*lock)->Release();
  auto after = api_->CreateToken("projects/1");
  ASSERT_TRUE(after.ok()) << after.status;
  EXPECT_TRUE(api_->Authenticate(after.response.access_token().token()).ok());
  EXPECT_EQ(IntegrityCheck(server_->database_path()), "ok");
}

TEST(BusyTimeoutFlagTest, NegativeValueIsRejected) {
  TempDir folder;
  const ProcessResult result = RunServerBinary(
      {"--listen=127.0.0.1:0", "--db=" + folder.File("a.db"),
       "--secret_key_file=" + folder.File("key"), "--busy_timeout_ms=-1"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_TRUE(
      absl::StrContains(result.output, "busy timeout -1 ms is negative"))
      << result.output;
}

}  // namespace
}  // namespace accesstokens
