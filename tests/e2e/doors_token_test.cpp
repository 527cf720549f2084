// SPDX-License-Identifier: AGPL-3.0-or-later
// A door's device token is renewed without anyone touching the kiosk (issue 19): when a
// coordinator asks, and once it is 30 days old by the server's clock, even for a door that
// was offline through that day. The token before works until the door uses the new one,
// then never again; the door's site feed follows the new token. And a revocation reaches a
// running door through its site feed, in seconds. Real checkin-kiosk processes and a real
// checkin-server.
#include "checkin_catch.hpp"

#include <thread>

#include "checkin/server/sql.hpp"
#include "checkin/store/store.hpp"
#include "checkin/sync/client.hpp"
#include "doors_steps.hpp"

using namespace checkin;
using namespace checkin::testing;
using namespace std::chrono;

namespace {

WallTime server_now() { return time_point_cast<Millis>(system_clock::now()); }

std::string token_of(const Door& door) {
  auto store = store::Store::open(door.database());
  REQUIRE(store);
  auto credentials = sync::Credentials::load(*store);
  REQUIRE(credentials);
  REQUIRE(*credentials);
  return (*credentials)->device_token;
}

server::Device device_of(DoorSite& site, const Door& door) {
  auto devices = site.store().devices();
  REQUIRE(devices);
  for (const auto& d : *devices)
    if (d.id == door.device_id()) return d;
  FAIL("the server does not know " << door.name());
  return {};
}

// Waits until the server saw the door use its new token.
bool new_token_in_use(DoorSite& site, const Door& door, const std::string& before) {
  for (auto deadline = steady_clock::now() + 60s; steady_clock::now() < deadline; std::this_thread::sleep_for(100ms)) {
    auto device = device_of(site, door);
    if (!device.new_token_waiting && !device.roll_requested && token_of(door) != before) return true;
  }
  return false;
}

bool authenticates(DoorSite& site, const Door& door, const std::string& token) {
  return site.store().authenticate(door.device_id(), token, server_now()).has_value();
}

}  // namespace

TEST_CASE("a coordinator asks for a new token: the door takes it at its next sync, the old one stops, its feed follows") {
  DoorSite site;
  auto front = site.door("Front door");
  auto back = site.door("Back door");
  const std::string before = token_of(*front);
  REQUIRE(site.store().request_token_roll(front->device_id(), server_now()));

  // The front door syncs (it rolls), syncs again (the server sees the new token), then
  // waits for two check-ins at the back door, each a long poll of its site feed made with
  // the new token: the old one no longer works by then.
  front->start(minutes{30}, {"wait-sync", "wait-sync", "wait-learned 2 60s", scan(site, "ben")});
  REQUIRE(new_token_in_use(site, *front, before));
  CHECK_FALSE(authenticates(site, *front, before));
  CHECK(authenticates(site, *front, token_of(*front)));
  CHECK(device_of(site, *front).token_since >= site.t0());

  REQUIRE_RUN(back->run(minutes{31}, {scan(site, "ben"), "wait-sync", scan(site, "cy"), "wait-sync"}));
  auto at_front = front->finish();
  REQUIRE_RUN(at_front);
  CHECK(at_front.shows(4, "You are already checked in, Ben"));
  CHECK(at_front.log.find("token rolled") != std::string::npos);
  require_delivered(site, {front.get(), back.get()});
}

TEST_CASE("a door offline on the day its token turned 30 days old syncs when it is back, and renews it then") {
  DoorSite site;
  auto front = site.door("Front door");
  const std::string before = token_of(*front);
  // The server's record of the token, 31 days old: the door was away all that time.
  {
    auto connection = sql::connect(site.database());
    REQUIRE(connection);
    const sql::Value params[] = {sql::Value{std::int64_t{duration_cast<Millis>(days{31}).count()}},
                                 sql::Value{front->device_id()}};
    REQUIRE((*connection)->query("UPDATE devices SET token_since_ms = token_since_ms - $1 WHERE id = $2", params));
  }
  REQUIRE(server::token_roll_due(device_of(site, *front), server_now()));

  // Its check-ins from while it was away go up with the token it has; it renews after.
  auto back_online = front->run(minutes{30}, {scan(site, "ben"), scan(site, "cy"), "wait-sync", "wait-sync"});
  REQUIRE_RUN(back_online);
  CHECK(back_online.shows(1, "Welcome, Ben"));
  REQUIRE(new_token_in_use(site, *front, before));
  CHECK_FALSE(authenticates(site, *front, before));
  CHECK_FALSE(server::token_roll_due(device_of(site, *front), server_now()));
  CHECK(server::token_roll_due(device_of(site, *front), server_now() + days{30}));

  // And it goes on syncing with the new one.
  REQUIRE_RUN(front->run(minutes{40}, {scan(site, "dee"), "wait-sync"}));
  require_delivered(site, {front.get()});
}

TEST_CASE("a pass revoked while a door is running is known there within seconds, not at its next sync") {
  DoorSite site;
  auto front = site.door("Front door");
  auto back = site.door("Back door");
  // The front door syncs once, then only listens: its next sync by the clock is a minute away.
  const auto enrolled_contact = device_of(site, *front).last_seen;
  front->start(minutes{30}, {"wait-sync", "wait-learned 1 90s", scan(site, "ben")});
  // Let it reach the server again (its first pass), finish that pass and park its feed.
  for (auto deadline = steady_clock::now() + 30s; steady_clock::now() < deadline; std::this_thread::sleep_for(50ms))
    if (device_of(site, *front).last_seen != enrolled_contact) break;
  std::this_thread::sleep_for(2s);

  const auto revoked = steady_clock::now();
  REQUIRE(site.store().revoke_pass(site.pass_id("ben"), server_now()));
  bool known = false;
  while (!known && steady_clock::now() - revoked < 30s) {
    std::this_thread::sleep_for(50ms);
    auto kiosk = store::Store::open(front->database(), store::OpenOptions::reading_only());
    known = kiosk && kiosk->is_revoked(site.pass_id("ben")).value_or(false);
  }
  const auto took = duration_cast<milliseconds>(steady_clock::now() - revoked);
  WARN("a revocation reached a running door in " << took.count() << " ms");
  CHECK(known);
  CHECK(took < 15s);  // the sync interval is 60 s: only the site feed explains this

  // Something at the back door ends the front's wait; Ben's pass is refused there now.
  REQUIRE_RUN(back->run(minutes{31}, {scan(site, "cy"), "wait-sync"}));
  auto at_front = front->finish();
  REQUIRE_RUN(at_front);
  CHECK(at_front.shows(3, "Please see a volunteer"));
}
