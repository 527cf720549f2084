// SPDX-License-Identifier: AGPL-3.0-or-later
// The coordinator's reports, on a realistic year of data. Prints figures and ratios
// against baselines measured in the same run; asserts nothing.
//
//   report_bench SITES WEEKS sqlite|postgresql WORKDIR
//
// Builds a fresh database through ServerStore: SITES sites, each with 6 weekly programs
// (2 discreet) over WEEKS weeks, about 15 attendees a session checked in by two kiosks
// (uploaded through ServerStore::ingest in batches of 200, as kiosks send them), with
// walk-ins, anonymous check-ins, check-outs, the odd double scan and undo, and volunteer
// shifts of which some were auto-closed by a kiosk. Plus two sessions a site open right
// now, for the live board. Then, each the median of several runs:
//   (a) ServerStore::attendance_by_session over the whole range, all sites; baseline: one
//       raw COUNT(DISTINCT attendee_key) GROUP BY session_id over the events table.
//   (b) GET /reports/attendance.csv over the same range from a real checkin-server,
//       signed in as an admin; ratio against (a).
//   (c) GET /board.json; ratio against ServerStore::live_board in-process.
//   (d) a dashboard sign-in (POST /sign-in, Argon2id); ratio against one
//       crypto_pwhash_str_verify of the same stored hash in-process.
//
// PostgreSQL needs $CHECKIN_TEST_POSTGRES (a cluster started by tests/support/postgres.sh).
#include <sodium.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <httplib.h>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "checkin/core/ids.hpp"
#include "checkin/server/local_time.hpp"
#include "checkin/server/sql.hpp"
#include "checkin/server/store.hpp"
#include "postgres.hpp"
#include "server_bench_support.hpp"
#include "server_process.hpp"

using namespace checkin;
using namespace checkin::bench;
using namespace std::chrono;
using Stopwatch = steady_clock;

namespace {

template <class T>
T must(Result<T> r, std::string_view what) {
  if (!r) die(fmt::format("{}: {}", what, r.error().message));
  return std::move(*r);
}


// The median of `runs` timings of `body`, in milliseconds, after one untimed warm-up run
// (the first run pays for preparing statements and a cold page cache).
double median_ms(int runs, const std::function<void()>& body) {
  body();
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    auto t0 = Stopwatch::now();
    body();
    ms.push_back(duration<double, std::milli>(Stopwatch::now() - t0).count());
  }
  std::ranges::sort(ms);
  return ms[ms.size() / 2];
}

// One kiosk's upload queue: events get the kiosk's id and its next sequence number.
struct Kiosk {
  server::Device device;
  std::vector<AttendanceEvent> outbox;

  AttendanceEvent& record(EventKind kind, WallTime when) {
    AttendanceEvent e;
    e.event_id = make_uuid_v7(when);
    e.device_id = device.id;
    e.seq = static_cast<std::int64_t>(outbox.size()) + 1;
    e.kind = kind;
    e.wall_time = when;
    e.monotonic = Millis{e.seq * 1000};
    e.boot_id = "bench";
    outbox.push_back(std::move(e));
    return outbox.back();
  }
};

struct Person {
  Id id;
  std::string pass_id;
};

struct SiteData {
  Site site;
  std::vector<Person> people;  // the first eight are also volunteers
  Kiosk desk, hall;
};

struct Seeded {
  std::vector<SiteData> sites;
  long sessions = 0, shifts = 0, events = 0;
};

server::Device enrol(server::ServerStore& store, const Id& site_id, const std::string& name, WallTime now) {
  auto token = must(store.create_enrolment_token(site_id, now), "enrolment token");
  auto enrolled = must(store.enrol(sync::EnrolRequest{token.token, name, "bench"}, now), "enrol");
  for (auto& d : must(store.devices(), "devices"))
    if (d.id == enrolled.device_id) return d;
  die("enrolled device not found");
}

// One session's attendance as the kiosks saw it: `count` people from the site, a walk-in
// or an anonymous check-in where the program allows them, check-outs where it tracks
// them, now and then a person scanned at both kiosks (counted once) and an undone scan.
void attend(SiteData& site, const Program& program, const Session& session, int count, WallTime first_scan,
            WallTime now, std::mt19937& random, long serial) {
  std::vector<std::size_t> chosen(site.people.size());
  for (std::size_t i = 0; i < chosen.size(); ++i) chosen[i] = i;
  std::ranges::shuffle(chosen, random);
  chosen.resize(static_cast<std::size_t>(count));
  std::vector<std::string> checkins;
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    Kiosk& kiosk = i % 2 ? site.hall : site.desk;
    auto& e = kiosk.record(EventKind::checkin, first_scan + seconds{20 * static_cast<long>(i)});
    e.session_id = session.id;
    e.pass_id = site.people[chosen[i]].pass_id;
    e.person_id = site.people[chosen[i]].id;
    checkins.push_back(e.event_id);
    const WallTime leaving = session.end - minutes{static_cast<long>(i)};
    if (program.tracks_checkout && i % 3 != 0 && leaving < now) {
      auto& out = kiosk.record(EventKind::checkout, leaving);
      out.session_id = session.id;
      out.pass_id = site.people[chosen[i]].pass_id;
      out.person_id = site.people[chosen[i]].id;
    }
  }
  if (serial % 10 == 0) {  // scanned again at the other kiosk
    auto& e = site.hall.record(EventKind::checkin, first_scan + minutes{5});
    e.session_id = session.id;
    e.pass_id = site.people[chosen[0]].pass_id;
  }
  if (serial % 7 == 0) {  // a wrong scan, undone at once
    auto& e = site.desk.record(EventKind::undo, first_scan + minutes{6});
    e.session_id = session.id;
    e.undoes_event_id = checkins[0];
  }
  if (program.walk_ins_allowed) {
    auto& e = site.desk.record(EventKind::walk_in, first_scan + minutes{10});
    e.session_id = session.id;
    e.walk_in_name = fmt::format("Guest {}", serial);
  }
  if (program.anonymous_allowed) {
    auto& e = site.hall.record(EventKind::anonymous_checkin, first_scan + minutes{11});
    e.session_id = session.id;
  }
}

Seeded seed(server::ServerStore& store, int site_count, int weeks, WallTime now) {
  Seeded out;
  std::mt19937 random(20261126);
  must(store.create_signing_key(now), "signing key");

  struct ProgramPlan {
    const char* name;
    bool discreet, anonymous, walk_ins, checkout;
    int weekday, hour;  // days after the week's first day, local-ish hour (UTC here)
  };
  const ProgramPlan plans[] = {
      {"Homework club", false, false, true, true, 0, 16},   {"Peer support", true, true, false, false, 1, 18},
      {"Community lunch", false, true, true, false, 2, 12}, {"Recovery group", true, true, false, false, 3, 19},
      {"Coding for teens", false, false, false, true, 4, 17}, {"Walking group", false, false, true, false, 5, 10},
  };
  std::vector<Program> programs;
  for (const auto& plan : plans) {
    Program p;
    p.name = plan.name;
    p.discreet = plan.discreet;
    p.anonymous_allowed = plan.anonymous;
    p.walk_ins_allowed = plan.walk_ins;
    p.tracks_checkout = plan.checkout;
    programs.push_back(must(store.create_program(p), "program"));
  }

  const WallTime first_week = floor<days>(now) - days{7 * weeks};
  for (int s = 0; s < site_count; ++s) {
    SiteData site;
    site.site = must(store.create_site(Site{"", fmt::format("Site {}", s + 1)}), "site");
    for (int i = 0; i < 60; ++i) {
      server::PersonRecord p;
      p.preferred_name = fmt::format("Person {}-{}", s + 1, i);
      p.site_id = site.site.id;
      auto person = must(store.create_person(p), "person");
      auto pass = must(store.issue_pass(person.id, now + days{365}, now), "pass");
      site.people.push_back({person.id, pass.record.pass_id});
    }
    site.desk.device = enrol(store, site.site.id, fmt::format("Site {} desk", s + 1), now);
    site.hall.device = enrol(store, site.site.id, fmt::format("Site {} hall", s + 1), now);

    for (std::size_t p = 0; p < programs.size(); ++p) {
      // A weekly series, in chunks the store takes at once.
      std::vector<Session> series;
      for (int w = 0; w < weeks; ++w) {
        Session session;
        session.program_id = programs[p].id;
        session.site_id = site.site.id;
        session.room = fmt::format("Room {}", p + 1);
        session.start = first_week + days{7 * w + plans[p].weekday} + hours{plans[p].hour};
        session.end = session.start + hours{2};
        series.push_back(with_default_window(session));
      }
      for (std::size_t first = 0; first < series.size(); first += server::kMaxSessionsPerCall) {
        std::vector<Session> chunk(series.begin() + static_cast<std::ptrdiff_t>(first),
                                   series.begin() + static_cast<std::ptrdiff_t>(
                                                        std::min(series.size(), first + server::kMaxSessionsPerCall)));
        for (const auto& session : must(store.create_sessions(std::move(chunk), true), "sessions")) {
          if (session.start >= now) continue;  // this week's later sessions have not happened yet
          attend(site, programs[p], session, 12 + static_cast<int>(random() % 7), session.start - minutes{10}, now, random,
                 out.sessions);
          ++out.sessions;
        }
      }
    }
    // Open right now, for the live board: one open program and one discreet.
    for (std::size_t p : {std::size_t{0}, std::size_t{1}}) {
      Session session;
      session.program_id = programs[p].id;
      session.site_id = site.site.id;
      session.room = "Main hall";
      session.start = now - minutes{20};
      session.end = now + minutes{100};
      session = must(store.create_session(with_default_window(session)), "session open now");
      attend(site, programs[p], session, 15, now - minutes{25}, now, random, out.sessions);
      ++out.sessions;
    }
    // Volunteers: two shifts a week; every fifth one ended by the kiosk (needs review).
    for (int w = 0; w < weeks; ++w) {
      for (int k = 0; k < 2; ++k) {
        const Person& volunteer = site.people[static_cast<std::size_t>((w + k) % 8)];
        Shift shift;
        shift.site_id = site.site.id;
        shift.role = k ? "Kitchen" : "Front desk";
        shift.start = first_week + days{7 * w + 2 * k} + hours{9};
        shift.end = shift.start + hours{4};
        if (shift.end + hours{8} >= now) continue;  // its end (even auto-closed) is past
        shift.assigned_people = {volunteer.id};
        shift = must(store.create_shift(shift), "shift");
        const bool auto_closed = out.shifts % 5 == 4;
        auto& start = site.desk.record(EventKind::shift_start, shift.start - minutes{5});
        start.shift_id = shift.id;
        start.pass_id = volunteer.pass_id;
        auto& end = site.desk.record(EventKind::shift_end, auto_closed ? shift.end + hours{8} : shift.end + minutes{10});
        end.shift_id = shift.id;
        end.pass_id = volunteer.pass_id;
        end.shift_duration = duration_cast<Millis>(auto_closed ? hours{12} + minutes{15} : hours{4} + minutes{15});
        if (auto_closed) end.flags = flag_auto_closed;
        ++out.shifts;
      }
    }
    out.sites.push_back(std::move(site));
  }

  // Upload: each kiosk's outbox in order, in batches of 200.
  for (auto& site : out.sites) {
    for (Kiosk* kiosk : {&site.desk, &site.hall}) {
      const auto& events = kiosk->outbox;
      for (std::size_t first = 0; first < events.size(); first += 200) {
        std::span<const AttendanceEvent> batch(events.data() + first, std::min<std::size_t>(200, events.size() - first));
        for (const auto& result : must(store.ingest(kiosk->device, batch, now), "ingest"))
          if (result.status != sync::EventStatus::accepted) die("an event was not accepted: " + result.reason);
      }
      out.events += static_cast<long>(events.size());
    }
  }
  return out;
}

// A browser as far as the dashboard needs one: cookies kept, redirects not followed.
class Browser {
 public:
  explicit Browser(int port) : client_("127.0.0.1", port) { client_.set_read_timeout(300, 0); }

  httplib::Result get(const std::string& path) { return keep_cookies(client_.Get(path, cookies())); }
  httplib::Result post(const std::string& path, const httplib::Params& form) {
    return keep_cookies(client_.Post(path, cookies(), form));
  }
  void forget_cookies() { cookies_.clear(); }

 private:
  httplib::Headers cookies() const {
    std::string value;
    for (const auto& [name, v] : cookies_) value += (value.empty() ? "" : "; ") + name + "=" + v;
    if (value.empty()) return {};
    return {{"Cookie", value}};
  }
  httplib::Result keep_cookies(httplib::Result result) {
    if (!result) die(fmt::format("HTTP request failed: {}", httplib::to_string(result.error())));
    auto [begin, end] = result->headers.equal_range("Set-Cookie");
    for (auto it = begin; it != end; ++it) {
      const auto& c = it->second;
      auto equals = c.find('=');
      auto semicolon = c.find(';');
      auto name = c.substr(0, equals);
      if (c.find("Max-Age=0") != std::string::npos) cookies_.erase(name);
      else cookies_[name] = c.substr(equals + 1, semicolon == std::string::npos ? std::string::npos : semicolon - equals - 1);
    }
    return result;
  }

  httplib::Client client_;
  std::map<std::string, std::string> cookies_;
};

std::string csrf_field(const std::string& html) {
  const std::string marker = R"(name="csrf" value=")";
  auto at = html.find(marker);
  if (at == std::string::npos) die("no CSRF field on the sign-in page");
  at += marker.size();
  return html.substr(at, html.find('"', at) - at);
}

constexpr std::string_view kUsername = "bench-admin";
constexpr std::string_view kPassword = "correct horse battery staple";

// GET /sign-in (its CSRF cookie and field), then the timed POST: milliseconds.
double sign_in(Browser& browser) {
  browser.forget_cookies();
  auto page = browser.get("/sign-in");
  if (page->status != 200) die(fmt::format("GET /sign-in: {}", page->status));
  httplib::Params form{{"csrf", csrf_field(page->body)},
                       {"username", std::string(kUsername)},
                       {"password", std::string(kPassword)}};
  auto t0 = Stopwatch::now();
  auto signed_in = browser.post("/sign-in", form);
  double ms = duration<double, std::milli>(Stopwatch::now() - t0).count();
  if (signed_in->status != 303) die(fmt::format("sign-in refused: {}", signed_in->status));
  return ms;
}

int report(int site_count, int weeks, const std::string& backend, const std::filesystem::path& work) {
  if (sodium_init() < 0) die("libsodium did not start");
  const auto now = real_now();
  std::filesystem::create_directories(work);
  fmt::print("Coordinator reports on {}: {} sites x 6 programs (2 discreet) x {} weeks\n", backend, site_count, weeks);

  Database db(backend, work / "reports.db");
  auto store = must(server::ServerStore::open(db.url, 2), "open store");
  auto t_seed = Stopwatch::now();
  auto seeded = seed(*store, site_count, weeks, now);
  must(store->create_account(kUsername, "Bench admin", kPassword, server::Role::admin, {}, now), "account");
  fmt::print("  (seeded in {:.1f} s: {} sessions, {} shifts, {} events ingested)\n",
             duration<double>(Stopwatch::now() - t_seed).count(), seeded.sessions, seeded.shifts, seeded.events);

  // The dashboard's date range (local dates, `to` inclusive) and the same range for the store.
  const std::string from_text = server::format_local_date(now - days{7 * weeks + 7});
  const std::string to_text = server::format_local_date(now);
  const server::ReportFilter filter{{}, {}, *server::parse_local_date(from_text), server::next_local_day(now)};
  constexpr int kRuns = 7;

  // (a) the store's report vs one raw aggregate on the same database.
  std::size_t rows = 0;
  double store_ms = median_ms(kRuns, [&] { rows = must(store->attendance_by_session(filter), "report").size(); });
  auto connection = must(sql::connect(db.url), "connect");
  std::size_t raw_rows = 0;
  double raw_ms = median_ms(kRuns, [&] {
    raw_rows = must(connection->query("SELECT session_id, COUNT(DISTINCT attendee_key) FROM events "
                                      "WHERE kind IN ('checkin', 'walk_in', 'anonymous_checkin') GROUP BY session_id"),
                    "raw count")
                   .size();
  });
  fmt::print("  (a) ServerStore::attendance_by_session, {} to {}, all sites: {:8.1f} ms ({} sessions)\n", from_text,
             to_text, store_ms, rows);
  fmt::print("      raw COUNT(DISTINCT attendee_key) GROUP BY session_id:     {:8.1f} ms ({} sessions)\n", raw_ms,
             raw_rows);
  fmt::print("      ratio store / raw: {:.2f}\n", store_ms / raw_ms);

  // (b)..(d) through a real checkin-server on the same database.
  auto hash_rows = must(connection->query("SELECT password_hash FROM accounts WHERE username = $1",
                                          std::vector<sql::Value>{std::string(kUsername)}),
                        "password hash");
  if (hash_rows.empty()) die("the account's hash is not stored");
  const std::string hash = hash_rows.front().text(0);
  connection.reset();
  std::filesystem::create_directories(work / "server");
  testing::ServerProcess process(db.url, work / "server");
  Browser browser(process.port());
  sign_in(browser);

  const std::string csv_path = fmt::format("/reports/attendance.csv?from={}&to={}", from_text, to_text);
  std::size_t csv_bytes = 0, csv_rows = 0;
  double csv_ms = median_ms(kRuns, [&] {
    auto answer = browser.get(csv_path);
    if (answer->status != 200) die(fmt::format("GET {}: {}", csv_path, answer->status));
    csv_bytes = answer->body.size();
    csv_rows = static_cast<std::size_t>(std::ranges::count(answer->body, '\n')) - 1;  // less the header
  });
  fmt::print("  (b) GET {} (signed-in admin): {:8.1f} ms, {} bytes, {} rows\n", csv_path, csv_ms, csv_bytes, csv_rows);
  fmt::print("      ratio dashboard CSV / store call (a): {:.2f}\n", csv_ms / store_ms);

  std::size_t board_bytes = 0, board_sessions = 0;
  double board_ms = median_ms(kRuns, [&] {
    auto answer = browser.get("/board.json");
    if (answer->status != 200) die(fmt::format("GET /board.json: {}", answer->status));
    board_bytes = answer->body.size();
  });
  double live_ms = median_ms(kRuns, [&] { board_sessions = must(store->live_board({}, real_now()), "board").size(); });
  fmt::print("  (c) GET /board.json: {:8.1f} ms, {} bytes; ServerStore::live_board in-process: {:.1f} ms ({} sessions open)\n",
             board_ms, board_bytes, live_ms, board_sessions);
  fmt::print("      ratio board.json / live_board: {:.2f}\n", board_ms / live_ms);

  std::vector<double> sign_ins;
  sign_in(browser);  // warm-up
  for (int i = 0; i < 5; ++i) sign_ins.push_back(sign_in(browser));
  std::ranges::sort(sign_ins);
  const double sign_in_ms = sign_ins[sign_ins.size() / 2];
  const std::string password(kPassword);
  double verify_ms = median_ms(5, [&] {
    if (crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) != 0) die("the stored hash does not verify");
  });
  fmt::print("  (d) POST /sign-in (Argon2id): {:8.1f} ms; crypto_pwhash_str_verify in-process: {:.1f} ms\n", sign_in_ms,
             verify_ms);
  fmt::print("      ratio sign-in / verify: {:.2f}\n", sign_in_ms / verify_ms);
  process.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  program_name = "report_bench";
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 5 && args[0] == "report") return report(std::stoi(args[1]), std::stoi(args[2]), args[3], args[4]);
  fmt::print(stderr, "usage: report_bench report SITES WEEKS sqlite|postgresql WORKDIR\n");
  return 2;
}
