// A small tmpfs file system that a test mounts on a folder of its own, for
// tests of a full or read-only disk. Mounting needs root (CAP_SYS_ADMIN).
#ifndef ACCESSTOKENS_TESTS_TESTING_TMPFS_MOUNT_H_
#define ACCESSTOKENS_TESTS_TESTING_TMPFS_MOUNT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens::testing {

// Not thread-safe; owned by one test.
class TmpfsMount {
 public:
  // Mounts a tmpfs of `size_bytes` on a new temporary folder.
  // FAILED_PRECONDITION, with the reason, when this process may not mount.
  static absl::StatusOr<std::unique_ptr<TmpfsMount>> Create(int64_t size_bytes);

  // Unmounts the file system, lazily if a process still uses it, and
  // removes the folder.
  ~TmpfsMount();

  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  const std::string& path() const { return folder_.path(); }
  // Returns path()/name.
  std::string File(absl::string_view name) const { return folder_.File(name); }

  // Remounts the file system read-only or read-write. Linux rejects making
  // it read-only (EBUSY) while any process has a file on it open for
  // writing, as a SQLite connection in WAL mode always has.
  absl::Status Remount(bool read_only);

  // Writes `name` until the file system is full (ENOSPC). Returns the bytes
  // written.
  absl::StatusOr<int64_t> Fill(absl::string_view name);

 private:
  explicit TmpfsMount(int64_t size_bytes) : size_bytes_(size_bytes) {}

  // Mounts or remounts with the size option and `flags`.
  absl::Status Mount(unsigned long flags);

  const int64_t size_bytes_;
  TempDir folder_;
  bool mounted_ = false;
};

}  // namespace accesstokens::testing

#endif  // ACCESSTOKENS_TESTS_TESTING_TMPFS_MOUNT_H_
