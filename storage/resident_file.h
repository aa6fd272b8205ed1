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
// pages without copying them. The mapping grows in place inside an address
// range reserved at start and never moves, so an address stays valid for
// the life of the object. A disk error while a pass faults a page in fails
// the pass. A disk error while a reader touches a page that the kernel
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

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace accesstokens {

class ResidentFile {
 public:
  // Opens `path`, reserves address space for its mapping and starts the
  // thread. Fails with the errno's status code if the file cannot be opened
  // or the address space cannot be reserved. A pass that fails later is
  // logged, and the next pass tries again.
  static absl::StatusOr<std::unique_ptr<ResidentFile>> Start(
      std::string path, absl::Duration period);

  // Stops the thread, within one chunk of a running pass, and unmaps the
  // file.
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
  ResidentFile(std::string path, int fd, char* base, absl::Duration period);

  void Run();
  bool stopping() const;

  const std::string path_;
  const int fd_;
  // Start of the reserved address range. The file is mapped from here.
  char* const base_;
  const absl::Duration period_;

  // Bytes of the file that the last pass mapped. Find() reads it without a
  // lock.
  std::atomic<size_t> size_{0};

  mutable absl::Mutex mu_;
  // Serializes Refresh() between the thread and tests.
  absl::Mutex refresh_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  // Bytes from base_ that map the file. Can exceed size_ after the file
  // shrank, since the mapping never shrinks.
  size_t mapped_end_ ABSL_GUARDED_BY(refresh_mu_) = 0;
  bool first_pass_done_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  std::thread thread_;
};

}  // namespace accesstokens

#endif  // ACCESSTOKENS_STORAGE_RESIDENT_FILE_H_
