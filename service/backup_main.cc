// accesstokens-backup: writes a consistent copy of a live accesstokens
// database while the server keeps serving, with SQLite's online backup API.

#include <cstdlib>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "glog/logging.h"
#include "service/flags_help.h"
#include "storage/sqlite_backup.h"

ABSL_FLAG(std::string, db, "data/accesstokens.db",
          "Path of the database to copy, as given to accesstokens-server "
          "--db. The server may keep running.");
ABSL_FLAG(std::string, out, "",
          "Path of the copy to write. Required. The copy appears there only "
          "once it is complete and has passed PRAGMA integrity_check.");
ABSL_FLAG(bool, overwrite, false,
          "Replace the file at --out if it exists. Without it, an existing "
          "file is never replaced.");
ABSL_FLAG(int, pages_per_step, 1024,
          "Database pages (4096 bytes each by default) copied per step.");
ABSL_FLAG(int, step_pause_ms, 0,
          "Milliseconds to pause between steps, to spread the disk reads of "
          "a large copy over time.");
ABSL_FLAG(int, busy_timeout_ms, 5000,
          "Milliseconds to wait for a database lock held by another process "
          "before giving up.");

namespace {

// Exit codes.
constexpr int kFailed = 1;
constexpr int kInvalidFlags = 2;

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Writes a consistent copy of an accesstokens database, as it was when "
      "the backup began, while the server keeps serving.\n"
      "Usage: accesstokens-backup --db=data/accesstokens.db --out=FILE "
      "[--overwrite]\n"
      "Exit codes: 0 copied, 1 failed, 2 invalid flags.");
  accesstokens::HandleHelpFlag(argc, argv, "service/backup_main.cc");
  absl::ParseCommandLine(argc, argv);
  FLAGS_logtostderr = true;
  google::InitGoogleLogging(argv[0]);

  accesstokens::BackupOptions options;
  options.source_path = absl::GetFlag(FLAGS_db);
  options.destination_path = absl::GetFlag(FLAGS_out);
  options.overwrite = absl::GetFlag(FLAGS_overwrite);
  options.pages_per_step = absl::GetFlag(FLAGS_pages_per_step);
  options.step_pause = absl::Milliseconds(absl::GetFlag(FLAGS_step_pause_ms));
  options.busy_timeout =
      absl::Milliseconds(absl::GetFlag(FLAGS_busy_timeout_ms));
  if (options.destination_path.empty()) {
    std::cerr << "accesstokens-backup: --out is required: give the path of "
                 "the copy to write\n";
    return kInvalidFlags;
  }

  absl::StatusOr<accesstokens::BackupResult> result =
      accesstokens::BackupDatabase(options);
  if (!result.ok()) {
    std::cerr << "accesstokens-backup: " << result.status().message();
    if (absl::IsAlreadyExists(result.status())) {
      std::cerr << "; choose another --out, or give --overwrite to replace it";
    }
    std::cerr << "\n";
    return absl::IsInvalidArgument(result.status()) ? kInvalidFlags : kFailed;
  }
  std::cout << "backed up " << options.source_path << " to "
            << options.destination_path << ": schema version "
            << result->schema_version << ", " << result->page_count
            << " pages, " << result->size_bytes << " bytes\n";
  return EXIT_SUCCESS;
}
