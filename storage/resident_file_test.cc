#include "storage/resident_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace accesstokens {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

class ResidentFileTest : public ::testing::Test {
 protected:
  // Appends `bytes` bytes to the file and syncs it, so that its pages are
  // clean and can be dropped from the page cache.
  void Append(size_t bytes) {
    const int fd = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ASSERT_GE(fd, 0) << path_;
    const std::string chunk(kMiB, 'x');
    for (size_t written = 0; written < bytes; written += chunk.size()) {
      ASSERT_EQ(write(fd, chunk.data(), chunk.size()),
                static_cast<ssize_t>(chunk.size()));
    }
    ASSERT_EQ(fsync(fd), 0);
    close(fd);
  }

  // Asks the kernel to drop the file's pages from the page cache. It keeps
  // the pages that a process maps.
  void DropPageCache() {
    const int fd = open(path_.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0) << path_;
    ASSERT_EQ(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
    close(fd);
  }

  // Counts the file's pages in the page cache.
  size_t ResidentPages() {
    const int fd = open(path_.c_str(), O_RDONLY);
    EXPECT_GE(fd, 0) << path_;
    const off_t size = lseek(fd, 0, SEEK_END);
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    void* address = mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    EXPECT_NE(address, MAP_FAILED);
    std::vector<unsigned char> resident((size + page - 1) / page);
    EXPECT_EQ(mincore(address, size, resident.data()), 0);
    munmap(address, size);
    size_t count = 0;
    for (unsigned char flags : resident) count += flags & 1;
    return count;
  }

  size_t Pages(size_t bytes) {
    return bytes / static_cast<size_t>(sysconf(_SC_PAGESIZE));
  }

  // Skips the test where dropping pages has no effect, as on tmpfs.
  void RequireDroppablePages() {
    DropPageCache();
    if (ResidentPages() != 0) {
      GTEST_SKIP() << "the file system of " << path_
                   << " keeps pages that are not mapped in memory";
    }
  }

  std::unique_ptr<ResidentFile> Start() {
    absl::StatusOr<std::unique_ptr<ResidentFile>> file =
        ResidentFile::Start(path_, absl::Hours(1));
    EXPECT_TRUE(file.ok()) << file.status();
    if (!file.ok()) return nullptr;
    (*file)->AwaitFirstPass();
    return *std::move(file);
  }

  testing::TempDir dir_;
  const std::string path_ = dir_.File("data");
};

TEST_F(ResidentFileTest, KeepsPagesAfterDropRequest) {
  Append(8 * kMiB);
  RequireDroppablePages();
  if (IsSkipped()) return;

  std::unique_ptr<ResidentFile> file = Start();
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->mapped_bytes(), 8 * kMiB);
  EXPECT_EQ(ResidentPages(), Pages(8 * kMiB));

  DropPageCache();
  EXPECT_EQ(ResidentPages(), Pages(8 * kMiB));
}

TEST_F(ResidentFileTest, RefreshMapsGrownFile) {
  Append(kMiB);
  RequireDroppablePages();
  if (IsSkipped()) return;
  std::unique_ptr<ResidentFile> file = Start();
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->mapped_bytes(), kMiB);

  Append(3 * kMiB);
  DropPageCache();
  EXPECT_EQ(ResidentPages(), Pages(kMiB));

  ASSERT_TRUE(file->Refresh().ok());
  EXPECT_EQ(file->mapped_bytes(), 4 * kMiB);
  DropPageCache();
  EXPECT_EQ(ResidentPages(), Pages(4 * kMiB));
}

TEST_F(ResidentFileTest, RefreshFollowsShrunkFile) {
  Append(4 * kMiB);
  std::unique_ptr<ResidentFile> file = Start();
  ASSERT_NE(file, nullptr);

  ASSERT_EQ(truncate(path_.c_str(), kMiB), 0);
  ASSERT_TRUE(file->Refresh().ok());
  EXPECT_EQ(file->mapped_bytes(), kMiB);

  ASSERT_EQ(truncate(path_.c_str(), 0), 0);
  ASSERT_TRUE(file->Refresh().ok());
  EXPECT_EQ(file->mapped_bytes(), 0u);

  Append(kMiB);
  ASSERT_TRUE(file->Refresh().ok());
  EXPECT_EQ(file->mapped_bytes(), kMiB);
}

TEST_F(ResidentFileTest, FindStaysWithinMappedBytes) {
  Append(kMiB);
  std::unique_ptr<ResidentFile> file = Start();
  ASSERT_NE(file, nullptr);
  const char* start = file->Find(0, kMiB);
  ASSERT_NE(start, nullptr);
  EXPECT_EQ(start[kMiB - 1], 'x');

  EXPECT_EQ(file->Find(0, kMiB + 1), nullptr);
  EXPECT_EQ(file->Find(kMiB, 1), nullptr);
  EXPECT_EQ(file->Find(2 * kMiB, 4096), nullptr);

  // The mapping grows in place, so earlier addresses stay valid.
  Append(kMiB);
  ASSERT_TRUE(file->Refresh().ok());
  EXPECT_EQ(file->Find(0, 2 * kMiB), start);
  EXPECT_EQ(start[2 * kMiB - 1], 'x');
}

TEST_F(ResidentFileTest, FileOutgrowingRangeMovesMapping) {
  Append(kMiB);
  absl::StatusOr<std::unique_ptr<ResidentFile>> file =
      ResidentFile::Start(path_, absl::Hours(1), /*min_reserved_bytes=*/kMiB);
  ASSERT_TRUE(file.ok()) << file.status();
  (*file)->AwaitFirstPass();
  const char* old_start = (*file)->Find(0, kMiB);
  ASSERT_NE(old_start, nullptr);

  // The first range has room for 2 MiB.
  Append(2 * kMiB);
  ASSERT_TRUE((*file)->Refresh().ok());
  const char* new_start = (*file)->Find(0, 3 * kMiB);
  ASSERT_NE(new_start, nullptr);
  EXPECT_NE(new_start, old_start);
  EXPECT_EQ(new_start[3 * kMiB - 1], 'x');
  // Addresses handed out before the move stay readable.
  EXPECT_EQ(old_start[kMiB - 1], 'x');
}

TEST_F(ResidentFileTest, StartFailsForMissingFile) {
  absl::StatusOr<std::unique_ptr<ResidentFile>> file =
      ResidentFile::Start(path_, absl::Hours(1));

  ASSERT_EQ(file.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(file.status().message().find(path_), std::string::npos)
      << file.status();
}

}  // namespace
}  // namespace accesstokens
