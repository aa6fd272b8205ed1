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
// The class never reads the mapped bytes itself, so a disk error while a
// page is faulted in fails a pass instead of raising SIGBUS.
//
// Thread-safe. A thread of its own runs a pass right after Start() and then
// one every `period`. Each pass also maps the pages that the file has grown
// by, and faults in again the pages that the kernel has reclaimed.
#ifndef ACCESSTOKENS_STORAGE_RESIDENT_FILE_H_
#define ACCESSTOKENS_STORAGE_RESIDENT_FILE_H_

#include <cstddef>
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
  // Opens `path` and starts the thread. Fails with the errno's status code
  // if the file cannot be opened. A pass that fails later is logged, and
  // the next pass tries again.
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

 private:
  ResidentFile(std::string path, int fd, absl::Duration period);

  void Run();
  bool stopping() const;

  const std::string path_;
  const int fd_;
  const absl::Duration period_;

  mutable absl::Mutex mu_;
  // Serializes Refresh() between the thread and tests.
  absl::Mutex refresh_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  void* address_ ABSL_GUARDED_BY(refresh_mu_) = nullptr;
  size_t size_ ABSL_GUARDED_BY(mu_) = 0;
  bool first_pass_done_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  std::thread thread_;
};

}  // namespace accesstokens

#endif  // ACCESSTOKENS_STORAGE_RESIDENT_FILE_H_
