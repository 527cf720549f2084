// SPDX-License-Identifier: AGPL-3.0-or-later
#include "fault_vfs.hpp"

#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace checkin::testing {

namespace {

std::atomic<bool> g_armed{false};
std::atomic<Fault> g_fault{Fault::disk_full};
std::atomic<int> g_writes_before_fault{0};
std::atomic<int> g_faults_injected{0};

sqlite3_vfs* g_real_vfs = nullptr;

// Our file object: SQLite allocates szOsFile bytes; the real VFS's file follows ours.
struct FaultFile {
  sqlite3_file base;
  sqlite3_file* real;
};

sqlite3_file* real_of(sqlite3_file* file) { return reinterpret_cast<FaultFile*>(file)->real; }

// The result code to fail this write with, or SQLITE_OK to let it through.
int injected_write_fault() {
  if (!g_armed.load()) return SQLITE_OK;
  if (g_writes_before_fault.fetch_sub(1) > 0) return SQLITE_OK;
  g_faults_injected.fetch_add(1);
  switch (g_fault.load()) {
    case Fault::disk_full: return SQLITE_FULL;
    case Fault::read_only: return SQLITE_READONLY;
    case Fault::io_error: return SQLITE_IOERR_WRITE;
  }
  return SQLITE_IOERR_WRITE;
}

// --- io methods: forward to the real file unless a fault is due ---

int fault_close(sqlite3_file* file) {
  int rc = real_of(file)->pMethods->xClose(real_of(file));
  file->pMethods = nullptr;
  return rc;
}
int fault_read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
  return real_of(file)->pMethods->xRead(real_of(file), buffer, amount, offset);
}
int fault_write(sqlite3_file* file, const void* buffer, int amount, sqlite3_int64 offset) {
  if (int rc = injected_write_fault(); rc != SQLITE_OK) return rc;
  return real_of(file)->pMethods->xWrite(real_of(file), buffer, amount, offset);
}
int fault_truncate(sqlite3_file* file, sqlite3_int64 size) {
  // Truncating frees space, so only a read-only file system refuses it.
  if (g_armed.load() && g_fault.load() == Fault::read_only && g_writes_before_fault.load() <= 0) {
    g_faults_injected.fetch_add(1);
    return SQLITE_READONLY;
  }
  return real_of(file)->pMethods->xTruncate(real_of(file), size);
}
int fault_sync(sqlite3_file* file, int flags) { return real_of(file)->pMethods->xSync(real_of(file), flags); }
int fault_file_size(sqlite3_file* file, sqlite3_int64* size) {
  return real_of(file)->pMethods->xFileSize(real_of(file), size);
}
int fault_lock(sqlite3_file* file, int lock) { return real_of(file)->pMethods->xLock(real_of(file), lock); }
int fault_unlock(sqlite3_file* file, int lock) { return real_of(file)->pMethods->xUnlock(real_of(file), lock); }
int fault_check_reserved_lock(sqlite3_file* file, int* out) {
  return real_of(file)->pMethods->xCheckReservedLock(real_of(file), out);
}
int fault_file_control(sqlite3_file* file, int op, void* arg) {
  return real_of(file)->pMethods->xFileControl(real_of(file), op, arg);
}
int fault_sector_size(sqlite3_file* file) { return real_of(file)->pMethods->xSectorSize(real_of(file)); }
int fault_device_characteristics(sqlite3_file* file) {
  return real_of(file)->pMethods->xDeviceCharacteristics(real_of(file));
}
int fault_shm_map(sqlite3_file* file, int page, int page_size, int extend, void volatile** out) {
  return real_of(file)->pMethods->xShmMap(real_of(file), page, page_size, extend, out);
}
int fault_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  return real_of(file)->pMethods->xShmLock(real_of(file), offset, n, flags);
}
void fault_shm_barrier(sqlite3_file* file) { real_of(file)->pMethods->xShmBarrier(real_of(file)); }
int fault_shm_unmap(sqlite3_file* file, int delete_flag) {
  return real_of(file)->pMethods->xShmUnmap(real_of(file), delete_flag);
}
int fault_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  // Memory-mapped reads are optional: without them SQLite falls back to xRead.
  if (real_of(file)->pMethods->iVersion < 3) {
    *out = nullptr;
    return SQLITE_OK;
  }
  return real_of(file)->pMethods->xFetch(real_of(file), offset, amount, out);
}
int fault_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  if (real_of(file)->pMethods->iVersion < 3) return SQLITE_OK;
  return real_of(file)->pMethods->xUnfetch(real_of(file), offset, page);
}

const sqlite3_io_methods kFaultIoMethods = {
    3,
    fault_close,
    fault_read,
    fault_write,
    fault_truncate,
    fault_sync,
    fault_file_size,
    fault_lock,
    fault_unlock,
    fault_check_reserved_lock,
    fault_file_control,
    fault_sector_size,
    fault_device_characteristics,
    fault_shm_map,
    fault_shm_lock,
    fault_shm_barrier,
    fault_shm_unmap,
    fault_fetch,
    fault_unfetch,
};

// --- vfs methods: forward to the real VFS ---

int fault_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* ours = reinterpret_cast<FaultFile*>(file);
  ours->real = reinterpret_cast<sqlite3_file*>(ours + 1);
  int rc = g_real_vfs->xOpen(g_real_vfs, name, ours->real, flags, out_flags);
  // SQLite calls xClose only when pMethods is set, so set it only for an open file.
  ours->base.pMethods = (rc == SQLITE_OK && ours->real->pMethods) ? &kFaultIoMethods : nullptr;
  return rc;
}
int fault_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return g_real_vfs->xDelete(g_real_vfs, name, sync_dir);
}
int fault_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_real_vfs->xAccess(g_real_vfs, name, flags, out);
}
int fault_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return g_real_vfs->xFullPathname(g_real_vfs, name, size, out);
}
void* fault_dl_open(sqlite3_vfs*, const char* name) { return g_real_vfs->xDlOpen(g_real_vfs, name); }
void fault_dl_error(sqlite3_vfs*, int size, char* out) { g_real_vfs->xDlError(g_real_vfs, size, out); }
void (*fault_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
  return g_real_vfs->xDlSym(g_real_vfs, handle, symbol);
}
void fault_dl_close(sqlite3_vfs*, void* handle) { g_real_vfs->xDlClose(g_real_vfs, handle); }
int fault_randomness(sqlite3_vfs*, int size, char* out) { return g_real_vfs->xRandomness(g_real_vfs, size, out); }
int fault_sleep(sqlite3_vfs*, int microseconds) { return g_real_vfs->xSleep(g_real_vfs, microseconds); }
int fault_current_time(sqlite3_vfs*, double* out) { return g_real_vfs->xCurrentTime(g_real_vfs, out); }
int fault_get_last_error(sqlite3_vfs*, int size, char* out) {
  return g_real_vfs->xGetLastError(g_real_vfs, size, out);
}
int fault_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_real_vfs->xCurrentTimeInt64(g_real_vfs, out);
}

sqlite3_vfs g_fault_vfs{};

}  // namespace

const char* FaultVfs::name() {
  static std::once_flag registered;
  std::call_once(registered, [] {
    g_real_vfs = sqlite3_vfs_find(nullptr);
    g_fault_vfs.iVersion = 2;
    g_fault_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + g_real_vfs->szOsFile;
    g_fault_vfs.mxPathname = g_real_vfs->mxPathname;
    g_fault_vfs.zName = "checkin_fault";
    g_fault_vfs.xOpen = fault_open;
    g_fault_vfs.xDelete = fault_delete;
    g_fault_vfs.xAccess = fault_access;
    g_fault_vfs.xFullPathname = fault_full_pathname;
    g_fault_vfs.xDlOpen = fault_dl_open;
    g_fault_vfs.xDlError = fault_dl_error;
    g_fault_vfs.xDlSym = fault_dl_sym;
    g_fault_vfs.xDlClose = fault_dl_close;
    g_fault_vfs.xRandomness = fault_randomness;
    g_fault_vfs.xSleep = fault_sleep;
    g_fault_vfs.xCurrentTime = fault_current_time;
    g_fault_vfs.xGetLastError = fault_get_last_error;
    g_fault_vfs.xCurrentTimeInt64 = fault_current_time_int64;
    sqlite3_vfs_register(&g_fault_vfs, /*makeDflt=*/0);
  });
  return g_fault_vfs.zName;
}

void FaultVfs::arm(Fault fault, int writes_before_fault) {
  g_fault.store(fault);
  g_writes_before_fault.store(writes_before_fault);
  g_faults_injected.store(0);
  g_armed.store(true);
}

void FaultVfs::disarm() { g_armed.store(false); }

int FaultVfs::faults_injected() { return g_faults_injected.load(); }

}  // namespace checkin::testing
