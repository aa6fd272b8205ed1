#include "tests/testing/tmpfs_mount.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "glog/logging.h"

namespace accesstokens::testing {
namespace {

std::string ErrorText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

}  // namespace

absl::StatusOr<std::unique_ptr<TmpfsMount>> TmpfsMount::Create(
    int64_t size_bytes) {
  std::unique_ptr<TmpfsMount> mount(new TmpfsMount(size_bytes));
  if (geteuid() != 0) {
    return absl::FailedPreconditionError(
        "mounting a tmpfs needs root, and the test runs as another user");
  }
  absl::Status mounted = mount->Mount(MS_NOSUID | MS_NODEV);
  if (!mounted.ok()) {
    return absl::FailedPreconditionError(mounted.message());
  }
  mount->mounted_ = true;
  return mount;
}

TmpfsMount::~TmpfsMount() {
  if (!mounted_) return;
  if (umount2(path().c_str(), 0) == 0) return;
  const int error = errno;
  // A process still has a file open on it, as a server the test did not
  // stop would: detach the mount now, and the kernel frees it later.
  LOG(WARNING) << "unmounting " << path() << " failed (" << ErrorText(error)
               << "); detaching it instead";
  PLOG_IF(ERROR, umount2(path().c_str(), MNT_DETACH) != 0)
      << "detaching " << path() << " failed";
}

absl::Status TmpfsMount::Mount(unsigned long flags) {
  const std::string options = absl::StrCat("size=", size_bytes_, ",mode=0700");
  if (mount("tmpfs", path().c_str(), "tmpfs", flags, options.c_str()) != 0) {
    const int error = errno;
    return absl::UnavailableError(absl::StrCat(
        (flags & MS_REMOUNT) != 0 ? "remounting" : "mounting", " a tmpfs (",
        options, ") on ", path(), " failed: ", ErrorText(error)));
  }
  return absl::OkStatus();
}

absl::Status TmpfsMount::Remount(bool read_only) {
  return Mount(MS_REMOUNT | MS_NOSUID | MS_NODEV | (read_only ? MS_RDONLY : 0));
}

absl::StatusOr<int64_t> TmpfsMount::Fill(absl::string_view name) {
  const std::string file = File(name);
  const int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0) {
    const int error = errno;
    return absl::UnavailableError(
        absl::StrCat("creating ", file, " failed: ", ErrorText(error)));
  }
  const std::string chunk(4096, 'x');
  int64_t written = 0;
  while (true) {
    const ssize_t n = write(fd, chunk.data(), chunk.size());
    if (n > 0) {
      written += n;
      continue;
    }
    const int error = errno;
    if (n < 0 && error == EINTR) continue;
    close(fd);
    if (n < 0 && error == ENOSPC) return written;
    return absl::UnavailableError(
        absl::StrCat("writing ", file, " stopped before the disk was full: ",
                     n < 0 ? ErrorText(error) : "no progress"));
  }
}

}  // namespace accesstokens::testing
