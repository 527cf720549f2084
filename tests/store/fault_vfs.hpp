// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A test-only SQLite VFS that wraps the platform's default VFS and, when armed, makes
// writes fail the way a full disk or a file system remounted read-only does (SQLite's
// own fault-injection style). Open a Store with OpenOptions{.vfs = FaultVfs::name()}.
//
// The fault state is process-wide, like the VFS registry itself; tests run one at a time.
namespace checkin::testing {

enum class Fault {
  disk_full,  // writes fail with SQLITE_FULL
  read_only,  // writes and truncations fail with SQLITE_READONLY
  io_error,   // writes fail with SQLITE_IOERR_WRITE
};

class FaultVfs {
 public:
  // Registers the VFS on first use (not as the default) and returns its name.
  static const char* name();

  // From the (writes_before_fault + 1)-th write on, every write fails with `fault`.
  static void arm(Fault fault, int writes_before_fault = 0);
  static void disarm();

  // Writes that failed since the last arm().
  static int faults_injected();
};

// Disarms on scope exit, so a failing REQUIRE cannot leave the fault armed.
struct FaultGuard {
  FaultGuard(Fault fault, int writes_before_fault = 0) { FaultVfs::arm(fault, writes_before_fault); }
  ~FaultGuard() { FaultVfs::disarm(); }
  FaultGuard(const FaultGuard&) = delete;
  FaultGuard& operator=(const FaultGuard&) = delete;
};

}  // namespace checkin::testing
