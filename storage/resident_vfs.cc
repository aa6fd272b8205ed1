#include "storage/resident_vfs.h"

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "storage/sqlite_connection.h"
#include "storage/status_macros.h"

namespace accesstokens {
namespace {

// The file object that SQLite allocates for each file the VFS opens: this
// header, then the default VFS's own file object.
struct WrappedFile {
  // First, so that SQLite finds the methods where it expects them.
  sqlite3_file base;
  // Null for files other than the main database file.
  const ResidentFile* resident;
  // The connection's mmap_size. Reads use the mapping while it is positive.
  sqlite3_int64 mmap_size;

  sqlite3_file* inner() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

WrappedFile* Wrapped(sqlite3_file* file) {
  return reinterpret_cast<WrappedFile*>(file);
}

sqlite3_file* Inner(sqlite3_file* file) { return Wrapped(file)->inner(); }

int FileControl(sqlite3_file* file, int op, void* argument) {
  WrappedFile* wrapped = Wrapped(file);
  if (op == SQLITE_FCNTL_MMAP_SIZE && wrapped->resident != nullptr) {
    // Kept from the inner file, so that it never maps the file itself.
    auto* size = static_cast<sqlite3_int64*>(argument);
    const sqlite3_int64 requested = *size;
    *size = wrapped->mmap_size;
    if (requested >= 0) wrapped->mmap_size = requested;
    return SQLITE_OK;
  }
  sqlite3_file* inner = wrapped->inner();
  return inner->pMethods->xFileControl(inner, op, argument);
}

// Serves the whole mapped file whatever the positive mmap_size, since
// SQLite caps that size at 2 GiB.
int Fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** page) {
  WrappedFile* wrapped = Wrapped(file);
  *page = nullptr;
  if (wrapped->resident != nullptr && wrapped->mmap_size > 0 && offset >= 0 &&
      amount >= 0) {
    *page = const_cast<char*>(wrapped->resident->Find(
        static_cast<uint64_t>(offset), static_cast<size_t>(amount)));
  }
  return SQLITE_OK;
}

// The mapping belongs to the ResidentFile and outlives every page handed
// out, so there is nothing to release.
int Unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

// Passes a call on to the method `kMethod` of the inner file. Its type
// follows from the slot of kMethods that it fills.
template <auto kMethod, typename Result, typename... Args>
Result Forward(sqlite3_file* file, Args... args) {
  sqlite3_file* inner = Inner(file);
  return (inner->pMethods->*kMethod)(inner, args...);
}

const sqlite3_io_methods kMethods = {
    /*iVersion=*/3,
    &Forward<&sqlite3_io_methods::xClose>,
    &Forward<&sqlite3_io_methods::xRead>,
    &Forward<&sqlite3_io_methods::xWrite>,
    &Forward<&sqlite3_io_methods::xTruncate>,
    &Forward<&sqlite3_io_methods::xSync>,
    &Forward<&sqlite3_io_methods::xFileSize>,
    &Forward<&sqlite3_io_methods::xLock>,
    &Forward<&sqlite3_io_methods::xUnlock>,
    &Forward<&sqlite3_io_methods::xCheckReservedLock>,
    &FileControl,
    &Forward<&sqlite3_io_methods::xSectorSize>,
    &Forward<&sqlite3_io_methods::xDeviceCharacteristics>,
    &Forward<&sqlite3_io_methods::xShmMap>,
    &Forward<&sqlite3_io_methods::xShmLock>,
    &Forward<&sqlite3_io_methods::xShmBarrier>,
    &Forward<&sqlite3_io_methods::xShmUnmap>,
    &Fetch,
    &Unfetch,
};

std::atomic<int> next_vfs_number{0};

}  // namespace

absl::StatusOr<std::unique_ptr<ResidentVfs>> ResidentVfs::Register(
    const ResidentFile* file) {
  ACCESSTOKENS_ASSIGN_OR_RETURN(sqlite3_vfs* base, FindUnixVfs());

  std::unique_ptr<ResidentVfs> vfs(new ResidentVfs(file, base));
  const int rc = sqlite3_vfs_register(&vfs->vfs_, /*makeDflt=*/0);
  if (rc != SQLITE_OK) {
    return absl::InternalError(absl::StrCat(
        "failed to register SQLite VFS ", vfs->name_, ": ",
        sqlite3_errstr(rc)));
  }
  return vfs;
}

ResidentVfs::ResidentVfs(const ResidentFile* file, sqlite3_vfs* base)
    : file_(file),
      base_(base),
      name_(absl::StrCat("accesstokens-resident-", next_vfs_number++)),
      vfs_(*base) {
  vfs_.szOsFile = static_cast<int>(sizeof(WrappedFile)) + base->szOsFile;
  vfs_.pNext = nullptr;
  vfs_.zName = name_.c_str();
  vfs_.pAppData = this;
  vfs_.xOpen = &ResidentVfs::Open;
}

ResidentVfs::~ResidentVfs() { sqlite3_vfs_unregister(&vfs_); }

int ResidentVfs::Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file,
                      int flags, int* out_flags) {
  const auto* self = static_cast<const ResidentVfs*>(vfs->pAppData);
  WrappedFile* wrapped = Wrapped(file);
  sqlite3_file* inner = wrapped->inner();

  // SQLite requires pMethods to be null after a failed open, and calls
  // xClose only on files that opened.
  wrapped->base.pMethods = nullptr;
  const int rc =
      self->base_->xOpen(self->base_, name, inner, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  if (inner->pMethods->iVersion < 3) {
    inner->pMethods->xClose(inner);
    return SQLITE_CANTOPEN;
  }

  wrapped->resident =
      (flags & SQLITE_OPEN_MAIN_DB) != 0 ? self->file_ : nullptr;
  wrapped->mmap_size = 0;
  wrapped->base.pMethods = &kMethods;
  return SQLITE_OK;
}

}  // namespace accesstokens
