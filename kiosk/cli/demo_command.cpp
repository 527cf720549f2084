// SPDX-License-Identifier: AGPL-3.0-or-later
// `checkin demo`: a whole check-in day in a few seconds. It makes keys and a demo
// organisation, prints passes as PNG, and plays scans through the real pipeline: each PNG
// is decoded, judged by the rules, committed to a real SQLite store, and what the kiosk's
// screen would say is printed next to what the admin screen would say.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>
#include <functional>

#include "checkin/core/desk.hpp"
#include "checkin/demo/demo_data.hpp"
#include "checkin/qr/decode.hpp"
#include "checkin/qr/image.hpp"
#include "checkin/store/store.hpp"
#include "commands.hpp"

namespace checkin::cli {

namespace {

using namespace std::chrono;

std::string local_hhmm(WallTime t) {
  std::time_t tt = system_clock::to_time_t(floor<seconds>(t));
  return fmt::format("{:%H:%M}", fmt::localtime(tt));
}

std::string local_day_hhmm(WallTime t) {
  std::time_t tt = system_clock::to_time_t(floor<seconds>(t));
  return fmt::format("{:%a %H:%M}", fmt::localtime(tt));
}

std::string hours_and_minutes(Millis d) {
  auto m = duration_cast<minutes>(d).count();
  return fmt::format("{} h {:02} min", m / 60, m % 60);
}

// What the public screen says. Refusals never give the reason; discreet programs never
// show a program or a person's name.
std::string public_message(const Decision& d, const Schedule& schedule) {
  auto welcome = [&](std::string_view done) {
    return d.greeting_name.empty() ? fmt::format("Welcome — you are {}.", done)
                                   : fmt::format("Welcome, {}! You are {}.", d.greeting_name, done);
  };
  auto where = [&]() -> std::string {
    const Session* s = schedule.session(d.session_id);
    const Program* p = s ? schedule.program(s->program_id) : nullptr;
    if (!p || d.discreet) return "";
    return fmt::format(" ({}, {})", p->name, s->room);
  };
  switch (d.outcome) {
    case Outcome::checked_in: return welcome("checked in") + where();
    case Outcome::checked_out:
      return (d.greeting_name.empty() ? std::string("Thank you — you are checked out.")
                                      : fmt::format("Thank you, {} — you are checked out.", d.greeting_name)) +
             (d.ask_feedback ? " How was today? [1] [2] [3] [4] [5]" : "");
    case Outcome::shift_started:
      return fmt::format("Thanks for volunteering, {}! Shift started at {}.", d.greeting_name, local_hhmm(d.shift_started));
    case Outcome::shift_ended:
      return fmt::format("Thank you, {}! You volunteered {} today.", d.greeting_name, hours_and_minutes(d.shift_duration));
    case Outcome::already_checked_in: return "You are already checked in." + where();
    case Outcome::choose_session: return fmt::format("Which session are you here for? ({} choices)", d.session_choices.size());
    default: return "Please see a volunteer.";
  }
}

struct Demo {
  demo::DemoData data;
  std::filesystem::path dir;
  ManualClock clock;
  store::Store store;
  CheckInDesk desk;

  Demo(demo::DemoData d, std::filesystem::path out, WallTime now, store::Store s)
      : data(std::move(d)), dir(std::move(out)), clock(now, "demo-boot"), store(std::move(s)),
        desk(clock, store, "demo-kiosk") {}

  void show(std::string_view who, const std::optional<Decision>& d) {
    std::string when = local_hhmm(clock.now().wall);
    if (!d) {
      fmt::print("{}  {:<28} (same pass again a moment later: ignored, nothing shown)\n", when, who);
      return;
    }
    fmt::print("{}  {:<28} {}\n", when, who, public_message(*d, desk.schedule()));
    std::string detail = to_string(d->outcome);
    if (!d->reason.empty()) detail += " — " + d->reason;
    for (const auto& e : d->events)
      detail += fmt::format("; recorded {} #{}{}", to_string(e.kind), e.seq,
                            e.flags ? " [" + flags_to_string(e.flags) + "]" : "");
    fmt::print("{:7}{:<28} admin: {}\n", "", "", detail);
  }

  // A participant shows their pass: the PNG goes through the decode pipeline first.
  void scan_pass(const std::string& label) {
    auto image = qr::load_image(dir / "passes" / (label + ".png"));
    if (!image) throw std::runtime_error(image.error().message);
    auto codes = qr::decode(image->view(), {.effort = qr::Effort::camera_frame});
    if (codes.empty()) throw std::runtime_error("demo pass " + label + " did not decode");
    show(label + " shows pass", desk.scan(codes.front().text));
  }
};

int run_demo(const std::filesystem::path& dir) {
  auto now = time_point_cast<Millis>(system_clock::now());
  auto data = demo::make_demo_data(now);
  if (auto ok = demo::write_demo_files(data, dir); !ok) {
    fmt::print(stderr, "checkin demo: {}\n", ok.error().message);
    return kExitError;
  }
  auto db_path = dir / "kiosk.db";
  for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path.string() + suffix);
  auto opened = store::Store::open(db_path.string());
  if (!opened) {
    fmt::print(stderr, "checkin demo: {}\n", opened.error().message);
    return kExitError;
  }
  // What sync would have delivered, stored, then read back as the kiosk does at start.
  std::vector<store::Revocation> revoked;
  for (const auto& id : data.revoked) revoked.push_back({id, now});
  store::PublicKeyRecord key{data.key.public_key().key_id(), data.key.public_key().to_hex()};
  auto& db = *opened;
  for (auto ok : {db.replace_schedule(data.kiosk_schedule()), db.replace_roster(data.roster), db.replace_revocations(revoked),
                  db.save_public_keys(std::span(&key, 1))})
    if (!ok) {
      fmt::print(stderr, "checkin demo: {}\n", ok.error().message);
      return kExitError;
    }

  Demo demo(std::move(data), dir, now, std::move(*opened));
  demo.desk.set_schedule(demo.store.load_schedule().value());
  demo.desk.set_roster(demo.store.load_roster().value());
  auto keys = demo.store.load_public_keys().value();
  for (const auto& k : keys) (void)demo.desk.verifier().keys().add(PublicKey::from_hex(k.public_key_hex).value());
  auto revocations = demo.store.revocations().value();
  for (const auto& r : revocations) demo.desk.verifier().revocations().insert(r.pass_id_hex);

  fmt::print("{} — kiosk demo\nkeys, passes (PNG + SVG) and the kiosk database are in {}\n\n", demo.data.site.name,
             dir.string());
  fmt::print("Open for check-in now:\n");
  for (const Session* s : open_sessions(demo.desk.schedule(), now)) {
    const Program* p = demo.desk.schedule().program(s->program_id);
    fmt::print("  {}–{}  {}\n", local_hhmm(s->start), local_hhmm(s->end),
               p->discreet ? "A group session (name hidden: discreet program)" : p->name + ", " + s->room);
  }
  fmt::print("\nPasses:\n");
  for (const auto& p : demo.data.passes) fmt::print("  {:<8} {}\n", p.label, p.about);
  fmt::print("\nWhat the kiosk shows (and, indented, what its admin screen records):\n");

  auto& d = demo;
  auto wait = [&](Millis by) { d.clock.advance(by); };
  d.scan_pass("ana");
  wait(1s);
  d.scan_pass("ana");
  wait(1min);
  d.scan_pass("ben");
  d.scan_pass("vic");
  wait(1min);
  d.scan_pass("dee");
  d.scan_pass("visitor");
  wait(1min);
  d.scan_pass("expired");
  d.scan_pass("revoked");
  wait(10min);
  d.scan_pass("ben");
  d.show("tap: check in anonymously", d.desk.check_in_anonymously("sess-peer"));
  d.show("tap: No pass? (Sam)", d.desk.walk_in("sess-lunch", "Sam"));
  wait(80min);
  d.scan_pass("ana");
  if (auto ok = d.store.record_feedback(Feedback{"sess-peer", 4}, d.clock.now().wall); ok)
    fmt::print("{:7}{:<28} feedback 4/5 stored for the session, not linked to anyone\n", "", "");
  wait(2h);
  d.scan_pass("vic");

  fmt::print("\nAttendance at this kiosk:\n");
  for (const auto& s : d.desk.schedule().sessions) {
    const Program* p = d.desk.schedule().program(s.program_id);
    fmt::print("  {} {:<30} {} checked in\n", local_day_hhmm(s.start), p->discreet ? "(discreet group)" : p->name,
               d.desk.session_tally(s).attendees);
  }
  auto counts = d.store.outbox_counts();
  auto integrity = d.store.integrity_check();
  if (!counts || !integrity) {
    fmt::print(stderr, "checkin demo: the store reports a problem: {}\n",
               !counts ? counts.error().message : integrity.error().message);
    return kExitError;
  }
  fmt::print("\nStore {}: {} events waiting for upload to the server, integrity ok.\n", db_path.string(), counts->pending);
  return kExitOk;
}

}  // namespace

void add_demo_command(CLI::App& app, int& exit_status) {
  auto dir = std::make_shared<std::filesystem::path>("demo-out");
  auto* cmd = app.add_subcommand("demo", "Play a check-in day: keys, passes, decoding, rules and the store");
  cmd->add_option("--dir", *dir, "Where to write keys, pass images and the kiosk database")->capture_default_str();
  cmd->callback([dir, &exit_status] {
    try {
      exit_status = run_demo(*dir);
    } catch (const std::exception& e) {
      fmt::print(stderr, "checkin demo: {}\n", e.what());
      exit_status = kExitError;
    }
  });
}

}  // namespace checkin::cli
