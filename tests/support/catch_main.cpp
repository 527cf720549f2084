// SPDX-License-Identifier: AGPL-3.0-or-later
// One main for every test program, the same on Catch2 2 and 3 (a session run by hand rather
// than Catch2 2's CATCH_CONFIG_MAIN or Catch2 3's prebuilt Catch2WithMain, which is not
// there for every architecture).
#define CATCH_CONFIG_RUNNER
#include "checkin_catch.hpp"

int main(int argc, char* argv[]) {
  Catch::Session session;
#if CATCH_VERSION_MAJOR < 3
  // A run that matches no test fails, as on Catch2 3 by default: a test whose name CTest
  // mangles would otherwise pass without running.
  auto& config = session.configData();
  config.warnings = static_cast<Catch::WarnAbout::What>(config.warnings | Catch::WarnAbout::NoTests);
#endif
  return session.run(argc, argv);
}
