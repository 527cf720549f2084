// SPDX-License-Identifier: AGPL-3.0-or-later
#include <sys/timex.h>

#include "checkin_catch.hpp"
#include <chrono>
#include <fstream>

#include "checkin/platform/system_clock.hpp"
#include "platform_test_support.hpp"

using namespace checkin;
using namespace checkin::platform;
using namespace std::chrono_literals;

TEST_CASE("boot id is read from the kernel file and trimmed") {
  checkin::testing::TempDir dir;
  {
    std::ofstream out(dir / "boot_id");
    out << "76881d4c-71b8-441b-a60b-d9abb477eeab\n";
  }
  CHECK(read_boot_id(dir / "boot_id") == "76881d4c-71b8-441b-a60b-d9abb477eeab");
  CHECK(read_boot_id(dir / "missing").empty());
}

TEST_CASE("wall clock counts as synced only when adjtimex says so") {
  struct Row {
    int state;
    int status;
    bool synced;
  };
  const Row rows[] = {
      {TIME_OK, 0, true},
      {TIME_OK, STA_PLL, true},
      {TIME_INS, 0, true},  // leap second pending: still synced
      {TIME_OK, STA_UNSYNC, false},
      {TIME_OK, STA_UNSYNC | STA_PLL, false},
      {TIME_ERROR, 0, false},
      {TIME_ERROR, STA_UNSYNC, false},
  };
  for (const auto& row : rows) {
    INFO("state " << row.state << " status " << row.status);
    CHECK(wall_synced_from_timex(row.state, row.status) == row.synced);
  }
}

TEST_CASE("system clock gives wall time, monotonic time and this boot's id") {
  SystemClock clock;
  const auto first = clock.now();
  const auto second = clock.now();

  const auto system_now = std::chrono::system_clock::now();
  CHECK(std::chrono::abs(system_now - first.wall) < 5s);
  CHECK(second.monotonic >= first.monotonic);
  CHECK(first.monotonic > 0ms);
  CHECK_FALSE(first.boot_id.empty());
  CHECK(first.boot_id == second.boot_id);
  const auto kernel_boot_id = read_boot_id();
  if (!kernel_boot_id.empty()) CHECK(first.boot_id == kernel_boot_id);
  CHECK(first.wall_synced == wall_clock_synced());
}

TEST_CASE("monotonic time never goes back") {
  Millis previous = monotonic_now();
  for (int i = 0; i < 1000; ++i) {
    const Millis now = monotonic_now();
    REQUIRE(now >= previous);
    previous = now;
  }
}
