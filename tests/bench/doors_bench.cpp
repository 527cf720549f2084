// SPDX-License-Identifier: AGPL-3.0-or-later
// One site's doors against a real checkin-server process on 127.0.0.1. Prints figures and a
// ratio against a baseline measured in the same run; asserts nothing.
//
//   doors_bench latency DOORS CHECKINS sqlite|postgresql WORKDIR
//     DOORS enrolled kiosks (the sync client and a SQLite store each); all but the first
//     follow the site feed with long polls, as a running kiosk does. The first door
//     records a check-in and syncs, CHECKINS times; each time, how long until every
//     other door has learned it (door to door: p50, p99, worst). Baselines measured in the
//     same run: the first door's own record-and-sync pass, and one request's round trip
//     (GET /healthz). Without the feed a door hears of it at its next sync pass: up to a
//     minute later.
//   doors_bench load KIOSKS SECONDS sqlite|postgresql WORKDIR
//     The server's CPU time and requests while KIOSKS kiosks of one site are idle, then
//     busy (each checks someone in every 2 s), each phase SECONDS long: with every
//     kiosk following the feed, and the baseline of the same kiosks without it (a sync
//     pass a minute, the kiosk's interval when all is well).
//
// PostgreSQL needs $CHECKIN_TEST_POSTGRES (a cluster started by tests/support/postgres.sh).
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <httplib.h>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "checkin/server/store.hpp"
#include "checkin/store/store.hpp"
#include "checkin/sync/client.hpp"
#include "kiosk_fleet.hpp"
#include "server_bench_support.hpp"
#include "server_process.hpp"

using namespace checkin;
using namespace checkin::bench;
using namespace std::chrono;
using Stopwatch = steady_clock;

namespace {

double ms(Stopwatch::duration d) { return duration<double, std::milli>(d).count(); }

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::ranges::sort(values);
  const auto at = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(at, values.size() - 1)];
}

// The server's user + system CPU time so far, from /proc.
double cpu_seconds(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto after_name = text.rfind(')');
  if (after_name == std::string::npos) die("cannot read the server's /proc stat");
  std::istringstream fields(text.substr(after_name + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {  // field 3 is the state
    if (i == 14) utime = std::stol(field);
    if (i == 15) {
      stime = std::stol(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

struct Site {
  Database db;
  std::unique_ptr<server::ServerStore> store;
  testing::Organisation org;
  std::unique_ptr<testing::ServerProcess> server;
  std::vector<std::unique_ptr<testing::SimKiosk>> doors;

  Site(const std::string& backend, const std::filesystem::path& work, int doors_count, WallTime now)
      : db(backend, work / "server.db") {
    std::filesystem::create_directories(work / "server");
    store = must(server::ServerStore::open(db.url, 2), "open store");
    org = testing::Organisation::create(*store, now, 200, 3);
    server = std::make_unique<testing::ServerProcess>(db.url, work / "server");
    for (int i = 0; i < doors_count; ++i) {
      auto door = std::make_unique<testing::SimKiosk>(work / fmt::format("door-{}.db", i), now);
      door->enrol(*store, org.site.id, server->url());
      if (auto first = door->sync_once(); !first) die("first sync: " + first.error().error.message);
      doors.push_back(std::move(door));
    }
  }
};

// A door's feed thread, as the kiosk's sync worker runs it: its own connection to the
// kiosk's database and its own client, beside the one that records and uploads.
struct FeedReader {
  store::Store store;
  ManualClock clock;
  sync::SyncClient client;

  explicit FeedReader(const std::filesystem::path& database)
      : store(must(store::Store::open(database.string()), "open a door's store")),
        clock(real_now(), "feed"),
        client(store, credentials(store), clock) {}

  static sync::Credentials credentials(store::Store& store) {
    auto loaded = must(sync::Credentials::load(store), "credentials");
    if (!loaded) die("a door is not enrolled");
    return *loaded;
  }
};

// Doors following the feed on their own threads until stopped; counts what each learned.
class Followers {
 public:
  Followers(Site& site, std::size_t first, std::size_t count) : learned_(count) {
    for (std::size_t i = 0; i < count; ++i) readers_.push_back(std::make_unique<FeedReader>(site.doors[first + i]->database()));
    for (std::size_t i = 0; i < count; ++i)
      threads_.emplace_back([this, i] {
        while (!stopping_) {
          auto got = readers_[i]->client.follow_site(seconds{25});
          if (!got) {
            if (!stopping_) fmt::print(stderr, "a door's feed failed: {}\n", got.error().error.message);
            std::this_thread::sleep_for(milliseconds{200});
            continue;
          }
          {
            std::lock_guard lock(mutex_);
            learned_[i] += *got;
          }
          changed_.notify_all();
        }
      });
  }

  // Waits until every door learned at least `events`; the moment they had.
  Stopwatch::time_point wait_for(std::int64_t events) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, seconds{30}, [&] {
          return std::ranges::all_of(learned_, [&](std::int64_t n) { return n >= events; });
        }))
      die("a door did not learn a check-in within 30 s");
    return Stopwatch::now();
  }

  // The last wake-up: one more event so that parked polls answer now, not in 25 s.
  void stop(testing::SimKiosk& waker, const Id& session, const std::string& pass) {
    stopping_ = true;
    waker.check_in(session, pass);
    if (auto sent = waker.sync_once(); !sent) die("the last upload: " + sent.error().error.message);
    for (auto& t : threads_) t.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::int64_t> learned_;
  std::atomic<bool> stopping_{false};
  std::vector<std::unique_ptr<FeedReader>> readers_;
  std::vector<std::thread> threads_;
};

int latency(int doors, int checkins, const std::string& backend, const std::filesystem::path& work) {
  if (doors < 2) die("latency needs at least two doors");
  std::filesystem::create_directories(work);
  fmt::print("Door to door on {}: {} doors at one site, {} check-ins at the first\n", backend, doors, checkins);
  Site site(backend, work, doors, real_now());
  auto& front = *site.doors[0];

  // Baseline: one request's round trip.
  auto http = site.server->client();
  std::vector<double> round_trips;
  for (int i = 0; i < checkins; ++i) {
    auto t0 = Stopwatch::now();
    auto answer = http.Get("/healthz");
    if (!answer || answer->status != 200) die("GET /healthz failed");
    round_trips.push_back(ms(Stopwatch::now() - t0));
  }

  Followers followers(site, 1, static_cast<std::size_t>(doors - 1));
  std::this_thread::sleep_for(milliseconds{300});  // every door parked on its poll
  std::vector<double> door_to_door, own_pass;
  for (int i = 0; i < checkins; ++i) {
    const auto& session = site.org.sessions[static_cast<std::size_t>(i) % site.org.sessions.size()];
    auto t0 = Stopwatch::now();
    front.check_in(session.id, site.org.pass_ids[static_cast<std::size_t>(i) % site.org.pass_ids.size()]);
    if (auto sent = front.sync_once(); !sent) die("upload: " + sent.error().error.message);
    own_pass.push_back(ms(Stopwatch::now() - t0));
    door_to_door.push_back(ms(followers.wait_for(i + 1) - t0));
  }
  followers.stop(front, site.org.sessions[0].id, site.org.pass_ids.back());

  const double p50 = percentile(door_to_door, 0.5), p99 = percentile(door_to_door, 0.99);
  const double rtt = percentile(round_trips, 0.5);
  fmt::print("  door to door (record, upload, every other door learned it): p50 {:.1f} ms, p99 {:.1f} ms, worst {:.1f} ms\n",
             p50, p99, *std::ranges::max_element(door_to_door));
  fmt::print("  baseline, the first door's own record and sync pass (its commits, upload, download): p50 {:.1f} ms\n",
             percentile(own_pass, 0.5));
  fmt::print("  baseline, one request's round trip (GET /healthz): p50 {:.2f} ms\n", rtt);
  const double own = percentile(own_pass, 0.5);
  fmt::print("  ratio door to door p50 / the first door's own pass p50: {:.2f}x; / round trip p50: {:.0f}x\n"
             "  (without the feed a door hears of it at its next sync pass: up to the 60 s interval)\n",
             own > 0 ? p50 / own : 0.0, rtt > 0 ? p50 / rtt : 0.0);
  return 0;
}

struct Load {
  double cpu = 0;    // server CPU seconds per second
  double checkins = 0;
};

// One phase: `following` kiosks follow the feed, the others sync a minute apart (at a
// random moment); with `busy`, every kiosk checks someone in every 2 s.
Load phase(Site& site, bool following, bool busy, int seconds_long) {
  const std::size_t n = site.doors.size();
  std::unique_ptr<Followers> followers;
  if (following) {
    followers = std::make_unique<Followers>(site, 0, n);
    std::this_thread::sleep_for(milliseconds{300});
  }
  std::atomic<long> checkins{0};
  std::atomic<bool> stop{false};
  const double cpu0 = cpu_seconds(site.server->pid());
  const auto t0 = Stopwatch::now();
  std::vector<std::thread> kiosks;
  for (std::size_t i = 0; i < n; ++i)
    kiosks.emplace_back([&, i] {
      std::mt19937 random(static_cast<unsigned>(i));
      auto next_pass = Stopwatch::now() + milliseconds{std::uniform_int_distribution<int>(0, 60'000)(random)};
      auto next_checkin = Stopwatch::now() + milliseconds{std::uniform_int_distribution<int>(0, 2'000)(random)};
      while (!stop) {
        const auto now = Stopwatch::now();
        if (busy && now >= next_checkin) {
          const auto& org = site.org;
          site.doors[i]->check_in(org.sessions[i % org.sessions.size()].id, org.pass_ids[(i * 7 + checkins) % org.pass_ids.size()]);
          if (auto sent = site.doors[i]->sync_once(); !sent) fmt::print(stderr, "upload: {}\n", sent.error().error.message);
          ++checkins;
          next_checkin += seconds{2};
        } else if (!busy && !following && now >= next_pass) {
          if (auto pass = site.doors[i]->sync_once(); !pass) fmt::print(stderr, "pass: {}\n", pass.error().error.message);
          next_pass += seconds{60};
        }
        std::this_thread::sleep_for(milliseconds{20});
      }
    });
  std::this_thread::sleep_for(seconds{seconds_long});
  stop = true;
  for (auto& k : kiosks) k.join();
  const double elapsed = duration<double>(Stopwatch::now() - t0).count();
  const double cpu = cpu_seconds(site.server->pid()) - cpu0;
  if (followers) followers->stop(*site.doors[0], site.org.sessions[0].id, site.org.pass_ids[0]);
  return Load{cpu / elapsed, static_cast<double>(checkins) / elapsed};
}

int load(int kiosks, int seconds_long, const std::string& backend, const std::filesystem::path& work) {
  std::filesystem::create_directories(work);
  fmt::print("Server load on {}: {} kiosks at one site, {} s per phase\n", backend, kiosks, seconds_long);
  Site site(backend, work, kiosks, real_now());
  const Load idle_feed = phase(site, true, false, seconds_long);
  const Load idle_base = phase(site, false, false, seconds_long);
  const Load busy_feed = phase(site, true, true, seconds_long);
  const Load busy_base = phase(site, false, true, seconds_long);
  auto line = [](const char* what, const Load& with, const Load& without) {
    fmt::print("  {}: server CPU {:.3f} s/s following the feed, {:.3f} s/s without (ratio {:.2f}x); {:.1f} check-ins/s\n",
               what, with.cpu, without.cpu, without.cpu > 0 ? with.cpu / without.cpu : 0.0, with.checkins);
  };
  line("idle", idle_feed, idle_base);
  line("busy", busy_feed, busy_base);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  program_name = "doors_bench";
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 5 && args[0] == "latency") return latency(std::stoi(args[1]), std::stoi(args[2]), args[3], args[4]);
  if (args.size() == 5 && args[0] == "load") return load(std::stoi(args[1]), std::stoi(args[2]), args[3], args[4]);
  fmt::print(stderr,
             "usage: doors_bench latency DOORS CHECKINS sqlite|postgresql WORKDIR\n"
             "       doors_bench load KIOSKS SECONDS sqlite|postgresql WORKDIR\n");
  return 2;
}
