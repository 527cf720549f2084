// SPDX-License-Identifier: AGPL-3.0-or-later
// A kiosk's sync, alone in its own process, so a test can kill it mid-upload:
//   e2e_kiosk sync DATABASE   syncs until nothing is pending (exit 0) or gives up (exit 1)
#include <fmt/format.h>

#include <chrono>
#include <cstring>

#include "checkin/core/clock.hpp"
#include "checkin/store/store.hpp"
#include "checkin/sync/client.hpp"

using namespace checkin;

namespace {

class WallClock final : public Clock {
 public:
  Instant now() const override {
    using namespace std::chrono;
    return {time_point_cast<Millis>(system_clock::now()),
            duration_cast<Millis>(steady_clock::now().time_since_epoch()), "e2e-kiosk", true};
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || std::strcmp(argv[1], "sync") != 0) {
    fmt::print(stderr, "usage: e2e_kiosk sync DATABASE\n");
    return 2;
  }
  auto store = store::Store::open(argv[2]);
  if (!store) return fmt::print(stderr, "{}\n", store.error().message), 1;
  auto credentials = sync::Credentials::load(*store);
  if (!credentials || !*credentials) return fmt::print(stderr, "not enrolled\n"), 1;
  WallClock clock;
  sync::SyncClient client(*store, **credentials, clock);
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto report = client.sync_once();
    auto counts = store->outbox_counts();
    if (report && counts && counts->pending == 0) return 0;
    if (!report) fmt::print(stderr, "sync failed: {}\n", report.error().error.message);
  }
  return 1;
}
