// A SQLite VFS that lets connections read the pages of one database file
// straight from a ResidentFile's mapping, without a read() call and without
// copying the page into SQLite's page cache.
//
// SQLite's own memory-mapped I/O (PRAGMA mmap_size) would do the same, but
// the SQLite 3.40 of Debian 12 caps it at 0x7fff0000 bytes (about 2 GiB),
// and each connection maps the file on its own and faults every page in
// again. Here every connection shares the one mapping that ResidentFile
// keeps faulted in.
//
// The VFS wraps the default one and changes only xFetch, xUnfetch and the
// SQLITE_FCNTL_MMAP_SIZE file control of the main database file. A
// connection uses the mapping once it sets a positive mmap_size. Pages that
// are not in the mapping yet, because the file grew since the last pass,
// are read as usual.
//
// Mapped reads are safe in WAL mode for two reasons. SQLite reads a page
// from the mapping only while no WAL frame contains a newer copy of it. A
// checkpoint overwrites a page in the file only once no reader can still
// need its old content.
//
// Thread-safe: connections on many threads can use the VFS at once.
#ifndef ACCESSTOKENS_STORAGE_RESIDENT_VFS_H_
#define ACCESSTOKENS_STORAGE_RESIDENT_VFS_H_

#include <sqlite3.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "storage/resident_file.h"

namespace accesstokens {

class ResidentVfs {
 public:
  // Registers a VFS under a name of its own that serves the pages of
  // `file`'s database from `file`. `file` must outlive the VFS.
  static absl::StatusOr<std::unique_ptr<ResidentVfs>> Register(
      const ResidentFile* file);

  // Unregisters the VFS. REQUIRES: no connection uses it any more.
  ~ResidentVfs();

  ResidentVfs(const ResidentVfs&) = delete;
  ResidentVfs& operator=(const ResidentVfs&) = delete;

  // The name to pass to sqlite3_open_v2().
  const char* name() const { return name_.c_str(); }

 private:
  ResidentVfs(const ResidentFile* file, sqlite3_vfs* base);

  static int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file,
                  int flags, int* out_flags);

  const ResidentFile* const file_;
  sqlite3_vfs* const base_;
  const std::string name_;
  sqlite3_vfs vfs_;
};

}  // namespace accesstokens

#endif  // ACCESSTOKENS_STORAGE_RESIDENT_VFS_H_
