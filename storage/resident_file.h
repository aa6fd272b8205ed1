// Keeps the pages of a file in memory: maps the whole file read-only and
// faults every page into that mapping, so that the pages count as mapped.
//
// Proactive reclaim can be set to evict only page cache that no process
// maps, as DAMON's pageout scheme with an `unmapped` filter does. Reads
// spread evenly over a large file then go to the disk, even with memory to
// spare. Mapped pages count as the file's page cache (RssFile), not as
// anonymous memory, and the kernel can still reclaim them under memory
// pressure.
//
// Find() hands out addresses in the mapping, so that readers can use the
// pages without copying them. The file is mapped into a reserved address
// range of twice its size, and grows in place within it. A file that
// outgrows its range is mapped anew into a larger one, and the old mapping
// stays until the object is destroyed, so an address stays valid for the
// life of the object. A disk error while a pass faults a page in fails the
// pass. A disk error while a reader touches a page that the kernel
// reclaimed since raises SIGBUS, as with any memory-mapped file.
//
// Thread-safe. A thread of its own runs a pass right after Start() and then
// one every `period`. Each pass also maps the pages that the file has grown
// by, and faults in again the pages that the kernel has reclaimed.
#ifndef ACCESSTOKENS_STORAGE_RESIDENT_FILE_H_
#define ACCESSTOKENS_STORAGE_RESIDENT_FILE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace accesstokens {

class ResidentFile {
 public:
  // Opens `path` and starts the thread. Fails with the errno's status code
  // if the file cannot be opened. A pass that fails later, for example
  // because no address range is free, is logged, and the next pass tries
  // again. Each reserved range has at least `min_reserved_bytes`.
  static absl::StatusOr<std::unique_ptr<ResidentFile>> Start(
      std::string path, absl::Duration period,
      size_t min_reserved_bytes = size_t{1} << 30);

  // Stops the thread, within one chunk of a running pass, and unmaps every
  // mapping of the file.
  ~ResidentFile();

  ResidentFile(const ResidentFile&) = delete;
  ResidentFile& operator=(const ResidentFile&) = delete;

  // Maps the file at its current size and faults in every page that is not
  // mapped yet. Fails with INVALID_ARGUMENT on kernels older than Linux
  // 5.14, which lack MADV_POPULATE_READ. The thread calls it, and tests call
  // it to run a pass at a known point.
  absl::Status Refresh();

  // Blocks until the first pass has ended, whether it succeeded or not.
  void AwaitFirstPass();

  // Bytes mapped by the last pass.
  size_t mapped_bytes() const;

  // Returns the address of the file's bytes [offset, offset + length) in the
  // mapping, or null when the last pass did not map all of them. Reading
  // there raises SIGBUS if the file has been truncated below
  // offset + length since.
  const char* Find(uint64_t offset, size_t length) const;

 private:
  // A reserved address range. The file is mapped from its start.
  struct Range {
    char* base;
    size_t reserved;
  };

  // The part of the file that Find() serves: its first `size` bytes, at
  // `base`.
  struct View {
    const char* base;
    size_t size;
  };

  ResidentFile(std::string path, int fd, absl::Duration period,
               size_t min_reserved_bytes);

  // Reserves a range for `size` bytes when the current one is too small,
  // and maps the part of the file past mapped_end_ into the current range.
  absl::Status Map(size_t size) ABSL_EXCLUSIVE_LOCKS_REQUIRED(refresh_mu_);

  void Run();
  bool stopping() const;

  const std::string path_;
  const int fd_;
  const absl::Duration period_;
  const size_t min_reserved_bytes_;

  // The latest of views_, which Find() reads without a lock. Null until the
  // first pass maps the file.
  std::atomic<const View*> view_{nullptr};

  mutable absl::Mutex mu_;
  // Serializes Refresh() between the thread and tests.
  absl::Mutex refresh_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  // Every range reserved so far, the current one last. Older ones stay
  // mapped, because readers may still use their addresses.
  std::vector<Range> ranges_ ABSL_GUARDED_BY(refresh_mu_);
  // Every view published so far, kept for the readers that loaded it.
  std::vector<std::unique_ptr<const View>> views_ ABSL_GUARDED_BY(refresh_mu_);
  // Bytes of the file mapped into the current range. Can exceed the view's
  // size after the file shrank, since a mapping never shrinks.
  size_t mapped_end_ ABSL_GUARDED_BY(refresh_mu_) = 0;
  bool first_pass_done_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  std::thread thread_;
};

}  // namespace accesstokens

#endif  // ACCESSTOKENS_STORAGE_RESIDENT_FILE_H_
