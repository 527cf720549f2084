// SPDX-License-Identifier: AGPL-3.0-or-later
// Sync benchmarks against a real checkin-server process on 127.0.0.1. Prints figures and a
// ratio against a baseline measured in the same run; asserts nothing.
//
//   sync_bench ingest KIOSKS EVENTS_PER_KIOSK sqlite|postgresql WORKDIR
//     KIOSKS threads, each an enrolled device, upload their events at once in batches of
//     200 (POST events:batch, as the kiosk's client does). Baseline: the same rows
//     inserted straight into the events table of a fresh database of the same kind, by
//     the same number of threads in transactions of the same size.
//   sync_bench download PEOPLE SESSIONS REVOCATIONS sqlite|postgresql WORKDIR
//     A fresh kiosk enrols and makes its first full download (every person is expected at
//     its site in the next 48 hours: the largest roster). Time and bytes; baseline: the
//     same feed read straight from the store in the same process (no HTTP, no kiosk).
//
// PostgreSQL needs $CHECKIN_TEST_POSTGRES (a cluster started by tests/support/postgres.sh).
#include <fmt/format.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdlib>
#include <httplib.h>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "checkin/core/ids.hpp"
#include "checkin/server/sql.hpp"
#include "checkin/server/store.hpp"
#include "checkin/store/store.hpp"
#include "checkin/sync/api.hpp"
#include "checkin/sync/client.hpp"
#include "checkin/sync/enrolment.hpp"
#include "checkin/sync/events.hpp"
#include "kiosk_fleet.hpp"
#include "postgres.hpp"
#include "server_bench_support.hpp"
#include "server_process.hpp"

using namespace checkin;
using namespace checkin::bench;
using namespace std::chrono;
using Stopwatch = steady_clock;

namespace {

double seconds_since(Stopwatch::time_point start) { return duration<double>(Stopwatch::now() - start).count(); }

struct Device {
  std::string id;
  std::string token;
};

std::vector<AttendanceEvent> events_of(const Device& device, const testing::Organisation& org, int count, WallTime now) {
  std::vector<AttendanceEvent> events;
  for (int i = 0; i < count; ++i) {
    AttendanceEvent e;
    e.event_id = make_uuid_v7(now + Millis{i});
    e.device_id = device.id;
    e.seq = i + 1;
    e.kind = EventKind::checkin;
    e.session_id = org.sessions[i % org.sessions.size()].id;
    e.pass_id = org.pass_ids[i % org.pass_ids.size()];
    e.wall_time = now + Millis{i * 500};
    e.monotonic = Millis{i * 500};
    e.boot_id = "bench";
    events.push_back(std::move(e));
  }
  return events;
}

std::vector<Device> enrol_devices(server::ServerStore& store, const Id& site, int count, WallTime now) {
  std::vector<Device> devices;
  for (int i = 0; i < count; ++i) {
    auto token = must(store.create_enrolment_token(site, now), "enrolment token");
    auto response = must(store.enrol(sync::EnrolRequest{token.token, fmt::format("bench-{}", i), "bench"}, now), "enrol");
    devices.push_back({response.device_id, response.device_token});
  }
  return devices;
}

// Runs body(i) on `threads` threads started together; returns the seconds until all ended.
template <class Body>
double concurrently(int threads, Body body) {
  std::barrier start(threads + 1);
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i)
    workers.emplace_back([&, i] {
      start.arrive_and_wait();
      body(i);
    });
  start.arrive_and_wait();
  auto t0 = Stopwatch::now();
  for (auto& w : workers) w.join();
  return seconds_since(t0);
}

constexpr std::size_t kBatch = 200;

int ingest(int kiosks, int per_kiosk, const std::string& backend, const std::filesystem::path& work) {
  auto now = real_now();
  std::filesystem::create_directories(work);
  fmt::print("Server ingest on {}: {} kiosks x {} events, batches of {}\n", backend, kiosks, per_kiosk, kBatch);

  // --- through the server ---
  Database served(backend, work / "served.db");
  std::filesystem::create_directories(work / "server");
  testing::ServerProcess process(served.url, work / "server");
  auto store = must(server::ServerStore::open(served.url, 2), "open store");
  auto org = testing::Organisation::create(*store, now, 200, 10);
  auto devices = enrol_devices(*store, org.site.id, kiosks, now);
  std::vector<std::vector<std::string>> bodies(kiosks);
  for (int k = 0; k < kiosks; ++k) {
    auto events = events_of(devices[k], org, per_kiosk, now);
    for (std::size_t i = 0; i < events.size(); i += kBatch) {
      sync::EventBatch batch{devices[k].id, {}};
      batch.events.assign(events.begin() + i, events.begin() + std::min(events.size(), i + kBatch));
      bodies[k].push_back(sync::to_json(batch));
    }
  }
  std::atomic<long> accepted{0}, failed{0};
  double served_seconds = concurrently(kiosks, [&](int k) {
    httplib::Client client("127.0.0.1", process.port());
    client.set_read_timeout(120, 0);
    client.set_bearer_token_auth(devices[k].token.c_str());
    for (const auto& body : bodies[k]) {
      // A kiosk retries what did not commit; a figure that counted failures would flatter.
      for (int attempt = 0;; ++attempt) {
        auto response = client.Post(sync::api::events_batch(devices[k].id).c_str(), body, "application/json");
        if (response && response->status == 200) {
          auto result = sync::parse_batch_result(response->body);
          if (result)
            for (const auto& r : result->results) accepted += r.status == sync::EventStatus::accepted;
          break;
        }
        ++failed;
        if (attempt > 50) die(fmt::format("kiosk {}: upload keeps failing ({})", k, response ? response->status : -1));
        std::this_thread::sleep_for(milliseconds{50});
      }
    }
  });
  long total = long(kiosks) * per_kiosk;
  if (accepted != total) die(fmt::format("{} of {} events accepted", accepted.load(), total));
  process.stop();

  // --- baseline: the same rows straight into a fresh database of the same kind ---
  Database raw(backend, work / "raw.db");
  auto raw_store = must(server::ServerStore::open(raw.url, 1), "open raw store");
  auto raw_org = testing::Organisation::create(*raw_store, now, 200, 10);
  auto raw_devices = enrol_devices(*raw_store, raw_org.site.id, kiosks, now);
  raw_store.reset();
  constexpr std::string_view insert =
      "INSERT INTO events (event_id, device_id, seq, kind, session_id, shift_id, pass_id, person_id, walk_in_name, "
      "undoes_event_id, shift_duration_ms, wall_time_ms, monotonic_ms, boot_id, flags, uploaded_by, received_at_ms, "
      "resolved_person_id, attendee_key, counted) VALUES ($1, $2, $3, $4, $5, '', $6, '', '', '', 0, $7, $8, $9, 0, "
      "$2, $10, '', $6, 1)";
  std::vector<std::vector<AttendanceEvent>> raw_events;
  for (int k = 0; k < kiosks; ++k) raw_events.push_back(events_of(raw_devices[k], raw_org, per_kiosk, now));
  std::vector<std::unique_ptr<sql::Connection>> connections;
  for (int k = 0; k < kiosks; ++k) connections.push_back(must(sql::connect(raw.url), "connect"));
  double raw_seconds = concurrently(kiosks, [&](int k) {
    auto& connection = *connections[k];
    const auto& events = raw_events[k];
    for (std::size_t i = 0; i < events.size(); i += kBatch) {
      for (int attempt = 0;; ++attempt) {
        auto transaction = sql::Transaction::begin(connection, true);
        bool ok = bool(transaction);
        for (std::size_t j = i; ok && j < std::min(events.size(), i + kBatch); ++j) {
          const auto& e = events[j];
          std::vector<sql::Value> params{e.event_id, e.device_id, e.seq, std::string(to_string(e.kind)), e.session_id,
                                         e.pass_id, e.wall_time.time_since_epoch().count(), e.monotonic.count(),
                                         e.boot_id, now.time_since_epoch().count()};
          ok = bool(connection.query(insert, params));
        }
        if (ok && transaction->commit()) break;
        if (attempt > 50) die("raw insert keeps failing");
      }
    }
  });

  double served_rate = total / served_seconds, raw_rate = total / raw_seconds;
  fmt::print("  through checkin-server (HTTP, auth, parse, per-event results): {:>9.0f} events/s ({:.2f} s, {} retried batches)\n",
             served_rate, served_seconds, failed.load());
  fmt::print("  raw INSERTs of the same rows, same database kind:               {:>9.0f} events/s ({:.2f} s)\n", raw_rate,
             raw_seconds);
  fmt::print("  ratio server / raw: {:.2f}\n", served_rate / raw_rate);
  return 0;
}

int download(int people, int sessions, int revocations, const std::string& backend, const std::filesystem::path& work) {
  auto now = real_now();
  std::filesystem::create_directories(work);
  fmt::print("Full download for a fresh kiosk on {}: {} people, {} sessions, {} revocations\n", backend, people, sessions,
             revocations);
  Database db(backend, work / "download.db");
  std::filesystem::create_directories(work / "server");
  testing::ServerProcess process(db.url, work / "server");
  auto store = must(server::ServerStore::open(db.url, 2), "open store");
  auto seeding = Stopwatch::now();
  // Ten programs, each with a session in the next 48 hours; everyone registered to one.
  auto org = testing::Organisation::create(*store, now, 0, 0);
  std::vector<Program> programs{org.program};
  for (int i = 1; i < 10; ++i) {
    Program p;
    p.name = fmt::format("Program {}", i);
    p.registration = Registration::roster;
    programs.push_back(must(store->create_program(p), "program"));
  }
  for (int i = 0; i < sessions; ++i) {
    Session s;
    s.program_id = programs[i % programs.size()].id;
    s.site_id = org.site.id;
    s.room = fmt::format("Room {}", i % 7);
    s.start = now + hours{1} + hours{6 * (i / int(programs.size()))};  // the first ten within 48 h, the rest later
    s.end = s.start + hours{2};
    must(store->create_session(with_default_window(s)), "session");
  }
  std::vector<std::string> pass_ids;
  for (int i = 0; i < people; ++i) {
    server::PersonRecord p;
    p.preferred_name = fmt::format("Person {}", i);
    p.registered_programs = {programs[i % programs.size()].id};
    auto person = must(store->create_person(p), "person");
    pass_ids.push_back(must(store->issue_pass(person.id, now + days{365}, now), "pass").record.pass_id);
  }
  for (int i = 0; i < revocations; ++i) {
    server::PersonRecord p;
    p.preferred_name = "";
    auto person = must(store->create_person(p), "person");
    auto pass = must(store->issue_pass(person.id, now + days{365}, now), "pass");
    must(store->revoke_pass(pass.record.pass_id, now), "revoke");
  }
  fmt::print("  (seeded in {:.1f} s)\n", seconds_since(seeding));

  testing::SimKiosk kiosk(work / "kiosk.db", now);
  auto t0 = Stopwatch::now();
  kiosk.enrol(*store, org.site.id, process.url());
  auto report = kiosk.sync_once();
  double seconds = seconds_since(t0);
  if (!report) die("download failed: " + report.error().error.message);
  auto roster = must(kiosk.store().load_roster(), "roster");
  auto schedule = must(kiosk.store().load_schedule(), "schedule");
  auto revoked = must(kiosk.store().revocations(), "revocations");
  fmt::print("  enrol + first sync: {:.2f} s, {} pages, {:.2f} MB on the wire ({:.2f} MB of JSON); the kiosk now holds\n"
             "  {} people, {} sessions, {} revocations\n",
             seconds, report->pages, report->wire_bytes_down / 1e6, report->bytes_down / 1e6, roster.people.size(),
             schedule.sessions.size(), revoked.size());

  // Baseline: the same pages read from the store in-process (the feed's own cost).
  auto devices = must(store->devices(), "devices");
  auto device = std::ranges::find_if(devices, [&](const auto& d) { return d.id == kiosk.device_id(); });
  auto t1 = Stopwatch::now();
  std::string cursor;
  long pages = 0;
  for (;;) {
    auto page = must(store->changes(*device, cursor, now), "changes");
    ++pages;
    cursor = page.next_cursor;
    if (!page.has_more) break;
  }
  double feed_seconds = seconds_since(t1);
  fmt::print("  the same feed read in-process from the store: {:.2f} s, {} pages\n", feed_seconds, pages);
  fmt::print("  ratio kiosk download / in-process feed: {:.2f}\n", seconds / feed_seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  program_name = "sync_bench";
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 5 && args[0] == "ingest") return ingest(std::stoi(args[1]), std::stoi(args[2]), args[3], args[4]);
  if (args.size() == 6 && args[0] == "download")
    return download(std::stoi(args[1]), std::stoi(args[2]), std::stoi(args[3]), args[4], args[5]);
  fmt::print(stderr,
             "usage: sync_bench ingest KIOSKS EVENTS_PER_KIOSK sqlite|postgresql WORKDIR\n"
             "       sync_bench download PEOPLE SESSIONS REVOCATIONS sqlite|postgresql WORKDIR\n");
  return 2;
}
