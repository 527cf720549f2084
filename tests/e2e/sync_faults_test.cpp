// SPDX-License-Identifier: AGPL-3.0-or-later
// End to end, with real processes: a checkin-server on 127.0.0.1 (on SQLite, or on
// PostgreSQL when built with CHECKIN_E2E_POSTGRES) and kiosks running the real sync client on real kiosk
// stores. Every fault ends with the same check: each event a kiosk recorded is on the
// server exactly once, the attendance counts are right, and no outbox holds anything.
#include <signal.h>
#include <sys/wait.h>

#include "checkin_catch.hpp"
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <thread>

#include "fault_proxy.hpp"
#include "kiosk_fleet.hpp"
#include "postgres.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

using namespace checkin;
using namespace checkin::testing;
using namespace std::chrono;

namespace {

// The check every fault test ends with: each event any kiosk recorded is on the server
// exactly once, and nothing is left in any outbox (pending or dead).
void require_all_on_server_once(server::ServerStore& server, const std::vector<SimKiosk*>& kiosks) {
  std::size_t recorded = 0;
  std::multiset<std::string> on_server;
  for (auto* kiosk : kiosks) {
    auto counts = kiosk->outbox();
    INFO("kiosk " << kiosk->device_id());
    REQUIRE(counts.pending == 0);
    REQUIRE(counts.dead == 0);
    recorded += kiosk->recorded().size();
    auto stored = server.events_of_device(kiosk->device_id());
    REQUIRE(stored.has_value());
    for (const auto& e : *stored) on_server.insert(e.event.event_id);
  }
  auto total = server.event_count();
  REQUIRE(total.has_value());
  CHECK(static_cast<std::size_t>(*total) == recorded);
  for (auto* kiosk : kiosks)
    for (const auto& id : kiosk->recorded()) {
      INFO("event " << id);
      REQUIRE(on_server.count(id) == 1);
    }
}

WallTime real_now() { return time_point_cast<Millis>(system_clock::now()); }

// One server (process + a store opened on the same database for setting up and checking),
// one organisation, and a folder for kiosks.
struct Rig {
  TempDir dir;
  std::optional<PostgresDatabase> postgres;
  std::string database;
  std::unique_ptr<ServerProcess> process;
  std::unique_ptr<server::ServerStore> store;
  Organisation org;

  Rig() {
#ifdef CHECKIN_E2E_POSTGRES
    postgres.emplace();
    database = postgres->url();
#else
    database = dir.file("server.db");
#endif
    std::filesystem::create_directories(dir / "server");
    process = std::make_unique<ServerProcess>(database, dir / "server");
    store = server::ServerStore::open(database, 2).value();
    org = Organisation::create(*store, real_now());
  }

  std::unique_ptr<SimKiosk> kiosk(const std::string& name, const std::string& url = "") {
    auto k = std::make_unique<SimKiosk>(dir / (name + ".db"), real_now());
    k->enrol(*store, org.site.id, url.empty() ? process->url() : url);
    return k;
  }

  std::int64_t attendance(const Id& session) { return store->attendance_count(session).value(); }
};

}  // namespace

TEST_CASE("kiosks upload and the server counts each person once", "[e2e]") {
  Rig rig;
  auto a = rig.kiosk("a");
  auto b = rig.kiosk("b");
  for (int i = 0; i < 10; ++i) a->check_in(rig.org.sessions[0].id, rig.org.pass_ids[i]);
  for (int i = 5; i < 15; ++i) b->check_in(rig.org.sessions[1].id, rig.org.pass_ids[i]);
  a->anonymous(rig.org.sessions[0].id);
  a->sync_until_done();
  b->sync_until_done();
  require_all_on_server_once(*rig.store, {a.get(), b.get()});
  CHECK(rig.attendance(rig.org.sessions[0].id) == 11);
  CHECK(rig.attendance(rig.org.sessions[1].id) == 10);
  CHECK(rig.attendance(rig.org.sessions[2].id) == 0);
}

TEST_CASE("settings coordinators set for a site reach its kiosks at the next sync", "[e2e]") {
  Rig rig;
  auto kiosk = rig.kiosk("k");
  REQUIRE(rig.store->set_kiosk_setting(rig.org.site.id, "volume", "15"));
  REQUIRE(rig.store->set_kiosk_setting("", "discreet_mode", "true"));
  kiosk->sync_until_done();
  CHECK(kiosk->store().get_setting("central.volume").value() == std::optional<std::string>("15"));
  CHECK(kiosk->store().get_setting("central.discreet_mode").value() == std::optional<std::string>("true"));
  REQUIRE(rig.store->clear_kiosk_setting(rig.org.site.id, "volume"));
  kiosk->sync_until_done();
  CHECK_FALSE(kiosk->store().get_setting("central.volume").value().has_value());
}

TEST_CASE("check-ins made before the kiosk was enrolled are uploaded after", "[e2e]") {
  Rig rig;
  SimKiosk kiosk(rig.dir / "early.db", real_now());
  for (int i = 0; i < 6; ++i) kiosk.check_in(rig.org.sessions[0].id, rig.org.pass_ids[i]);
  kiosk.enrol(*rig.store, rig.org.site.id, rig.process->url());
  for (int i = 6; i < 9; ++i) kiosk.check_in(rig.org.sessions[0].id, rig.org.pass_ids[i]);
  kiosk.sync_until_done();
  require_all_on_server_once(*rig.store, {&kiosk});
  CHECK(rig.attendance(rig.org.sessions[0].id) == 9);
}

TEST_CASE("the server killed mid-batch and restarted loses nothing and counts nothing twice", "[e2e][faults]") {
  Rig rig;
  auto proxy = FaultProxy::start(rig.process->port()).value();
  auto kiosk = rig.kiosk("k", "http://127.0.0.1:" + std::to_string(proxy->port()));
  for (int i = 0; i < 3000; ++i) kiosk->check_in(rig.org.sessions[i % 3].id, rig.org.pass_ids[i % 20]);
  // The kill lands while batches are in flight (each waits a little at the proxy).
  proxy->set_delay(milliseconds{40});
  proxy->always(Fault::delay);
  std::thread uploader([&] { (void)kiosk->sync_once(); });
  std::this_thread::sleep_for(milliseconds{400});
  rig.process->kill();
  uploader.join();
  CHECK(kiosk->outbox().pending > 0);  // the kill really cut the upload short
  rig.process->start();
  proxy->set_upstream(rig.process->port());
  proxy->always(Fault::none);
  kiosk->sync_until_done();
  require_all_on_server_once(*rig.store, {kiosk.get()});
  for (const auto& s : rig.org.sessions) CHECK(rig.attendance(s.id) == 20);
}

TEST_CASE("a response lost, cut short, delayed or duplicated after the server committed", "[e2e][faults]") {
  Rig rig;
  auto proxy = FaultProxy::start(rig.process->port()).value();
  auto kiosk = rig.kiosk("k", "http://127.0.0.1:" + std::to_string(proxy->port()));
  for (auto fault : {Fault::drop_response, Fault::truncate_response, Fault::duplicate_request, Fault::drop_request,
                     Fault::refuse, Fault::delay}) {
    INFO("fault " << static_cast<int>(fault));
    for (int i = 0; i < 20; ++i) kiosk->check_in(rig.org.sessions[0].id, rig.org.pass_ids[i]);
    proxy->set_delay(milliseconds{300});
    proxy->plan({fault, fault});
    auto failures = kiosk->sync_until_done();
    if (fault != Fault::delay && fault != Fault::duplicate_request) CHECK(!failures.empty());
    for (const auto& f : failures) CHECK(f.error.code == Errc::unavailable);
  }
  require_all_on_server_once(*rig.store, {kiosk.get()});
  CHECK(rig.attendance(rig.org.sessions[0].id) == 20);
}

TEST_CASE("a token roll whose answer is lost: the kiosk keeps its token, syncs, and rolls at its next pass",
          "[e2e][faults]") {
  Rig rig;
  auto proxy = FaultProxy::start(rig.process->port()).value();
  auto kiosk = rig.kiosk("k", "http://127.0.0.1:" + std::to_string(proxy->port()));
  kiosk->sync_until_done();
  const std::string before = kiosk->device_token();
  REQUIRE(rig.store->request_token_roll(kiosk->device_id(), real_now()));

  // The server makes a new token, each time the client tries; the kiosk never hears one.
  proxy->always(Fault::drop_response);
  REQUIRE_FALSE(kiosk->client().roll_token());
  proxy->clear();
  CHECK(kiosk->device_token() == before);

  for (int i = 0; i < 3; ++i) kiosk->check_in(rig.org.sessions[0].id, rig.org.pass_ids[i]);
  auto report = kiosk->sync_once();
  REQUIRE(report);
  CHECK(report->uploaded == 3);
  CHECK(report->token_rolled);  // the server still asks: a new token, heard this time
  const std::string after = kiosk->device_token();
  CHECK(after != before);
  report = kiosk->sync_once();  // the new token's first use retires the old one
  REQUIRE(report);
  CHECK_FALSE(report->token_rolled);
  CHECK_FALSE(rig.store->authenticate(kiosk->device_id(), before, real_now()));
  CHECK(rig.store->authenticate(kiosk->device_id(), after, real_now()));
  require_all_on_server_once(*rig.store, {kiosk.get()});
}

TEST_CASE("500s and 429 with Retry-After are retried", "[e2e][faults]") {
  Rig rig;
  auto proxy = FaultProxy::start(rig.process->port()).value();
  auto kiosk = rig.kiosk("k", "http://127.0.0.1:" + std::to_string(proxy->port()));
  for (int i = 0; i < 12; ++i) kiosk->check_in(rig.org.sessions[1].id, rig.org.pass_ids[i]);
  proxy->plan({Fault::respond_500, Fault::respond_429});
  auto first = kiosk->sync_once();
  REQUIRE(!first);
  CHECK(first.error().error.code == Errc::unavailable);
  auto second = kiosk->sync_once();
  REQUIRE(!second);
  CHECK(second.error().error.code == Errc::unavailable);
  REQUIRE(second.error().retry_after.has_value());
  CHECK(*second.error().retry_after == seconds{7});
  CHECK(kiosk->outbox().pending == 12);
  kiosk->sync_until_done();
  require_all_on_server_once(*rig.store, {kiosk.get()});
  CHECK(rig.attendance(rig.org.sessions[1].id) == 12);
}

TEST_CASE("a kiosk killed mid-upload finishes after it restarts", "[e2e][faults]") {
  Rig rig;
  auto proxy = FaultProxy::start(rig.process->port()).value();
  std::string url = "http://127.0.0.1:" + std::to_string(proxy->port());
  std::vector<std::string> recorded;
  std::string device_id;
  auto database = rig.dir / "killed.db";
  {
    SimKiosk kiosk(database, real_now());
    kiosk.enrol(*rig.store, rig.org.site.id, url);
    for (int i = 0; i < 1500; ++i) kiosk.check_in(rig.org.sessions[2].id, rig.org.pass_ids[i % 20]);
    recorded = kiosk.recorded();
    device_id = kiosk.device_id();
  }
  // The kiosk's real sync, in its own process, killed at several moments of its upload.
  proxy->set_delay(milliseconds{30});
  proxy->always(Fault::delay);
  std::mt19937 random(42);
  for (int round = 0; round < 4; ++round) {
    pid_t pid = fork();
    if (pid == 0) {
      execl(CHECKIN_E2E_KIOSK_BINARY, CHECKIN_E2E_KIOSK_BINARY, "sync", database.c_str(), nullptr);
      _exit(127);
    }
    std::this_thread::sleep_for(milliseconds{100 + random() % 300});
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
  }
  proxy->always(Fault::none);
  auto result = run({CHECKIN_E2E_KIOSK_BINARY, "sync", database.string()}, rig.dir.path());
  INFO(result.err);
  REQUIRE(result.status == 0);
  SimKiosk reopened(database, real_now());
  // The reopened kiosk's own record is what the first one recorded.
  auto stored = rig.store->events_of_device(device_id).value();
  std::set<std::string> ids;
  for (const auto& e : stored) ids.insert(e.event.event_id);
  CHECK(stored.size() == recorded.size());
  for (const auto& id : recorded) CHECK(ids.count(id) == 1);
  CHECK(reopened.outbox().pending == 0);
  CHECK(reopened.outbox().dead == 0);
  CHECK(rig.attendance(rig.org.sessions[2].id) == 20);
}

TEST_CASE("two kiosks offline accept the same pass: both kept, counted once, the second flagged", "[e2e]") {
  Rig rig;
  auto a = rig.kiosk("a");
  auto b = rig.kiosk("b");
  const auto& session = rig.org.sessions[0].id;
  a->check_in(session, rig.org.pass_ids[3]);
  b->clock().advance(seconds{30});
  b->check_in(session, rig.org.pass_ids[3]);
  a->sync_until_done();
  b->sync_until_done();
  require_all_on_server_once(*rig.store, {a.get(), b.get()});
  CHECK(rig.attendance(session) == 1);
  auto from_b = rig.store->events_of_device(b->device_id()).value();
  REQUIRE(from_b.size() == 1);
  INFO("b: " << from_b[0].event.session_id << " " << from_b[0].resolved_person_id << " " << from_b[0].event.pass_id << " " << int(from_b[0].event.kind));
  CHECK_FALSE(from_b[0].counted);
  auto from_a = rig.store->events_of_device(a->device_id()).value();
  REQUIRE(from_a.size() == 1);
  INFO("a: " << from_a[0].event.session_id << " " << from_a[0].resolved_person_id << " " << from_a[0].event.pass_id << " " << int(from_a[0].event.kind));
  CHECK(from_a[0].counted);
}

TEST_CASE("a kiosk whose clock is an hour wrong: events kept, offset recorded", "[e2e]") {
  Rig rig;
  auto kiosk = rig.kiosk("fast");
  kiosk->clock().step_wall(hours{1});
  kiosk->clock().set_synced(false);
  for (int i = 0; i < 5; ++i) kiosk->check_in(rig.org.sessions[1].id, rig.org.pass_ids[i]);
  kiosk->sync_until_done();
  require_all_on_server_once(*rig.store, {kiosk.get()});
  CHECK(rig.attendance(rig.org.sessions[1].id) == 5);
  auto devices = rig.store->devices().value();
  auto it = std::ranges::find_if(devices, [&](const auto& d) { return d.id == kiosk->device_id(); });
  REQUIRE(it != devices.end());
  REQUIRE(it->clock_offset.has_value());
  CHECK(*it->clock_offset > minutes{55});
  CHECK(*it->clock_offset < minutes{65});
}

TEST_CASE("a kiosk offline for a week with 10,000 events catches up", "[e2e][slow]") {
  Rig rig;
  auto now = real_now();
  // A week of sessions, one a day, made on the server before the kiosk went offline.
  std::vector<Session> week;
  for (int day = 7; day >= 1; --day) {
    Session s;
    s.program_id = rig.org.program.id;
    s.site_id = rig.org.site.id;
    s.start = now - days{day};
    s.end = s.start + hours{3};
    week.push_back(rig.store->create_session(with_default_window(s)).value());
  }
  auto kiosk = std::make_unique<SimKiosk>(rig.dir / "week.db", now - days{8});
  kiosk->enrol(*rig.store, rig.org.site.id, rig.process->url());
  kiosk->clock().advance(days{1});
  for (std::size_t day = 0; day < week.size(); ++day) {
    for (int i = 0; i < 1428; ++i) kiosk->check_in(week[day].id, rig.org.pass_ids[i % 20]);
    kiosk->clock().advance(days{1} - milliseconds{1428 * 250});
  }
  for (int i = 0; i < 4; ++i) kiosk->anonymous(week[6].id);
  REQUIRE(kiosk->recorded().size() == 10'000);
  kiosk->sync_until_done();
  require_all_on_server_once(*rig.store, {kiosk.get()});
  for (std::size_t day = 0; day < week.size(); ++day) CHECK(rig.attendance(week[day].id) == (day == 6 ? 24 : 20));
}
