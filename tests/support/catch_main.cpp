// One main for every test program, the same on Catch2 2 and 3 (a session run by hand rather
// than Catch2 2's CATCH_CONFIG_MAIN or Catch2 3's prebuilt Catch2WithMain, which is not
// there for every architecture).
#define CATCH_CONFIG_RUNNER
#include "checkin_catch.hpp"

int main(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }
