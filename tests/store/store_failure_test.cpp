// SPDX-License-Identifier: AGPL-3.0-or-later
// Failures the kiosk must survive: a full disk, a read-only file system, I/O errors, a
// corrupt or foreign file, a missing directory, a database from a newer version.
// The tests run as root in CI, where permissions stop nothing: faults are injected by a
// VFS shim instead (see fault_vfs.hpp), and the real read-only case uses an immutable file.
#include "checkin_catch.hpp"
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "checkin/store/store.hpp"
#include "fault_vfs.hpp"
#include "store_test_support.hpp"

using namespace checkin;
using namespace checkin::store;
using checkin::testing::checkin_event;
using checkin::testing::Fault;
using checkin::testing::FaultGuard;
using checkin::testing::FaultVfs;
using checkin::testing::RawDatabase;
using checkin::testing::TempDir;

namespace {

OpenOptions with_faults() { return OpenOptions::using_vfs(FaultVfs::name()); }

Store open_store(const std::string& path, const OpenOptions& options = {}) {
  auto store = Store::open(path, options);
  if (!store) FAIL("opening the store failed: " << store.error().message);
  return std::move(*store);
}

std::int64_t count(const std::string& path, const std::string& table) {
  return RawDatabase(path).integer("SELECT count(*) FROM " + table);
}

// The invariants of the log after any failure: one outbox row per event, gap-free
// sequence numbers, and a database that passes integrity_check.
void check_consistent(Store& store, const std::string& path) {
  auto integrity = store.integrity_check();
  INFO((integrity ? std::string("ok") : integrity.error().message));
  CHECK(integrity.has_value());
  RawDatabase raw(path);
  CHECK(raw.integer("SELECT count(*) FROM attendance_log") == raw.integer("SELECT count(*) FROM outbox"));
  CHECK(raw.integer("SELECT count(*) FROM attendance_log l LEFT JOIN outbox o USING (event_id) "
                    "WHERE o.event_id IS NULL") == 0);
  CHECK(raw.integer("SELECT coalesce(max(seq), 0) - count(*) FROM attendance_log") == 0);
  CHECK(raw.text("PRAGMA integrity_check") == "ok");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// chattr +i: even root cannot open the file for writing. False where the file system or
// the container does not allow it.
bool set_immutable(const std::string& path, bool immutable) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return false;
  int flags = 0;
  bool ok = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  if (ok) {
    flags = immutable ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
    ok = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
  }
  ::close(fd);
  return ok;
}

}  // namespace

TEST_CASE("a full disk during append is a clear error and records nothing", "[store][fault]") {
  TempDir dir;
  const auto path = dir.file("kiosk.db");
  auto store = open_store(path, with_faults());
  REQUIRE(store.append(std::vector{checkin_event("before")}));

  {
    FaultGuard disk_full(Fault::disk_full);
    auto result = store.append(std::vector{checkin_event("during-1"), checkin_event("during-2")});
    REQUIRE_FALSE(result);
    CHECK(result.error().code == Errc::storage_full);
    CHECK_THAT(result.error().message, Catch::Matchers::ContainsSubstring("full"));
    CHECK(FaultVfs::faults_injected() > 0);
  }
  CHECK(count(path, "attendance_log") == 1);
  CHECK(count(path, "outbox") == 1);

  // Space is back: the same Store records again, with the next sequence number.
  auto after = store.append(std::vector{checkin_event("after")});
  REQUIRE(after);
  CHECK(after->at(0).seq == 2);
  check_consistent(store, path);
}

TEST_CASE("a fault at any write of a transaction keeps it all-or-nothing", "[store][fault]") {
  const auto [fault, expected] = GENERATE(table<Fault, Errc>({
      {Fault::disk_full, Errc::storage_full},
      {Fault::io_error, Errc::storage_io},
      {Fault::read_only, Errc::storage_readonly},
  }));
  TempDir dir;
  const auto path = dir.file("kiosk.db");
  auto store = open_store(path, with_faults());
  REQUIRE(store.append(std::vector{checkin_event("seed")}));

  std::int64_t recorded = 1;
  bool reached_the_end = false;
  // Fail the first write, then the second, ... until a transaction needs fewer writes.
  for (int writes_before_fault = 0; writes_before_fault < 60 && !reached_the_end; ++writes_before_fault) {
    const std::string prefix = "w" + std::to_string(writes_before_fault) + "-";
    std::vector batch{checkin_event(prefix + "a"), checkin_event(prefix + "b"), checkin_event(prefix + "c")};
    Result<std::vector<AttendanceEvent>> result;
    {
      FaultGuard guard(fault, writes_before_fault);
      result = store.append(batch);
      reached_the_end = FaultVfs::faults_injected() == 0;
    }
    INFO("fault after " << writes_before_fault << " writes");
    if (result) {
      recorded += 3;
    } else {
      CHECK(result.error().code == expected);
    }
    CHECK(count(path, "attendance_log") == recorded);
    check_consistent(store, path);
  }
  CHECK(reached_the_end);

  // And the store still works afterwards.
  REQUIRE(store.append(std::vector{checkin_event("final")}));
  check_consistent(store, path);
}

TEST_CASE("a full disk while replacing the schedule keeps the old schedule", "[store][fault]") {
  TempDir dir;
  const auto path = dir.file("kiosk.db");
  auto store = open_store(path, with_faults());
  Schedule old_schedule;
  old_schedule.programs.push_back(Program{"p-1", "Old", false, false, false, Registration::open, false, false});
  REQUIRE(store.replace_schedule(old_schedule));

  Schedule new_schedule;
  for (int i = 0; i < 200; ++i)  // large enough to need several pages
    new_schedule.programs.push_back(
        Program{"p-new-" + std::to_string(i), std::string(200, 'x'), false, false, false, Registration::open, false,
                false});
  {
    FaultGuard disk_full(Fault::disk_full, 3);
    auto result = store.replace_schedule(new_schedule);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == Errc::storage_full);
  }
  auto loaded = store.load_schedule();
  REQUIRE(loaded);
  REQUIRE(loaded->programs.size() == 1);
  CHECK(loaded->programs[0].name == "Old");
  REQUIRE(store.replace_schedule(new_schedule));
  CHECK(store.load_schedule()->programs.size() == 200);
  CHECK(store.integrity_check());
}

TEST_CASE("creating a database on a full or read-only disk is a clear error", "[store][fault]") {
  const auto [fault, expected] = GENERATE(table<Fault, Errc>({
      {Fault::disk_full, Errc::storage_full},
      {Fault::read_only, Errc::storage_readonly},
  }));
  TempDir dir;
  const auto path = dir.file("kiosk.db");
  {
    FaultGuard guard(fault);
    auto store = Store::open(path, with_faults());
    REQUIRE_FALSE(store);
    CHECK(store.error().code == expected);
    CHECK_THAT(store.error().message, Catch::Matchers::ContainsSubstring(path));
  }
  // Once the disk is usable again the same file opens and migrates.
  auto store = open_store(path, with_faults());
  REQUIRE(store.append(std::vector{checkin_event("e1")}));
  check_consistent(store, path);
}

TEST_CASE("a file system turning read-only under an open store is reported on write", "[store][fault]") {
  TempDir dir;
  const auto path = dir.file("kiosk.db");
  auto store = open_store(path, with_faults());
  REQUIRE(store.append(std::vector{checkin_event("e1")}));
  {
    FaultGuard read_only(Fault::read_only);
    auto result = store.append(std::vector{checkin_event("e2")});
    REQUIRE_FALSE(result);
    CHECK(result.error().code == Errc::storage_readonly);
    // Reading still works, so the kiosk can keep showing what it has.
    auto events = store.events_since(WallTime{});
    REQUIRE(events);
    CHECK(events->size() == 1);
  }
  REQUIRE(store.append(std::vector{checkin_event("e2")}));
  check_consistent(store, path);
}

TEST_CASE("an immutable database file is reported as read-only", "[store][readonly]") {
  TempDir dir;
  const auto path = dir.file("kiosk.db");
  {
    auto store = open_store(path);
    REQUIRE(store.append(std::vector{checkin_event("e1")}));
  }
  if (!set_immutable(path, true)) {
    WARN("cannot make a file immutable here (needs CAP_LINUX_IMMUTABLE and ext4/xfs/btrfs): skipped");
    return;
  }
  struct Restore {
    std::string path;
    ~Restore() { set_immutable(path, false); }  // or TempDir cannot delete it
  } restore{path};

  auto writable = Store::open(path);
  REQUIRE_FALSE(writable);
  CHECK(writable.error().code == Errc::storage_readonly);
  CHECK_THAT(writable.error().message, Catch::Matchers::ContainsSubstring(path));

  auto reader = Store::open(path, OpenOptions::reading_only());
  REQUIRE(reader);
  CHECK(reader->events_since(WallTime{})->size() == 1);
  auto refused = reader->append(std::vector{checkin_event("e2")});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::storage_readonly);
}

TEST_CASE("a file that is not a database is reported as corrupt and left untouched", "[store][corrupt]") {
  TempDir dir;
  const auto path = dir.file("kiosk.db");
  std::string garbage;
  for (int i = 0; i < 8192; ++i) garbage += static_cast<char>((i * 7919 + 13) % 251);
  write_file(path, garbage);

  auto store = Store::open(path);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == Errc::storage_corrupt);
  CHECK_THAT(store.error().message, Catch::Matchers::ContainsSubstring("not a database"));
  CHECK(read_file(path) == garbage);
}

TEST_CASE("damaged pages in a real database are found, never crash", "[store][corrupt]") {
  TempDir dir;
  const auto path = dir.file("kiosk.db");
  {
    auto store = open_store(path);
    for (int i = 0; i < 300; ++i) REQUIRE(store.append(std::vector{checkin_event("e" + std::to_string(i))}));
  }  // closing checkpoints the WAL into the main file
  std::string bytes = read_file(path);
  REQUIRE(bytes.size() > 8 * 4096);
  // Scribble over pages 3..6, keeping the header page intact.
  for (std::size_t i = 2 * 4096; i < 6 * 4096; ++i) bytes[i] = static_cast<char>(0xA5 ^ (i & 0xff));
  write_file(path, bytes);

  auto store = Store::open(path);
  if (!store) {
    CHECK(store.error().code == Errc::storage_corrupt);
    return;
  }
  auto integrity = store->integrity_check();
  REQUIRE_FALSE(integrity);
  CHECK(integrity.error().code == Errc::storage_corrupt);
  // Whatever else is asked of it answers with errors or data, not a crash.
  (void)store->events_since(WallTime{});
  (void)store->pending_uploads(1000);
  (void)store->append(std::vector{checkin_event("after-damage")});
}

TEST_CASE("an empty file is a new database", "[store]") {
  TempDir dir;
  const auto path = dir.file("kiosk.db");
  write_file(path, "");
  auto store = open_store(path);
  REQUIRE(store.append(std::vector{checkin_event("e1")}));
}

TEST_CASE("a directory that does not exist is a clear error", "[store]") {
  TempDir dir;
  const auto path = dir.file("missing/deeper/kiosk.db");
  auto store = Store::open(path);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == Errc::storage_io);
  CHECK_THAT(store.error().message, Catch::Matchers::ContainsSubstring(path));
  CHECK_THAT(store.error().message, Catch::Matchers::ContainsSubstring("No such file or directory"));
}

TEST_CASE("a directory given as the database is a clear error", "[store]") {
  TempDir dir;
  auto store = Store::open(dir.path().string());
  REQUIRE_FALSE(store);
  CHECK_FALSE(store.error().message.empty());
}

TEST_CASE("a database from a newer version is refused and left as it was", "[store]") {
  TempDir dir;
  const auto path = dir.file("kiosk.db");
  {
    auto store = open_store(path);
    REQUIRE(store.append(std::vector{checkin_event("e1")}));
  }
  const int future = Store::schema_version() + 1;
  RawDatabase(path).exec("PRAGMA user_version = " + std::to_string(future));

  for (bool read_only : {false, true}) {
    auto store = Store::open(path, read_only ? OpenOptions::reading_only() : OpenOptions{});
    REQUIRE_FALSE(store);
    CHECK(store.error().code == Errc::storage_io);
    CHECK_THAT(store.error().message, Catch::Matchers::ContainsSubstring("newer"));
  }
  RawDatabase raw(path);
  CHECK(raw.integer("PRAGMA user_version") == future);
  CHECK(raw.integer("SELECT count(*) FROM attendance_log") == 1);
}

TEST_CASE("a read-only open of a database that needs migrating is a clear error", "[store]") {
  TempDir dir;
  const auto path = dir.file("old.db");
  // A database at schema version 0.
  RawDatabase(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE).exec("CREATE TABLE t (x)");
  auto store = Store::open(path, OpenOptions::reading_only());
  REQUIRE_FALSE(store);
  CHECK_THAT(store.error().message, Catch::Matchers::ContainsSubstring("migrate"));
}
