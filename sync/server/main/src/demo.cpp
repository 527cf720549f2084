// SPDX-License-Identifier: AGPL-3.0-or-later
// checkin-server demo: the demo community centre (kiosk/demo's organisation) set up in an
// empty database through ServerStore, as a coordinator would, plus what a demo kiosk needs:
// the passes this server issued (QR codes), camera frames of people showing them for the
// kiosk's replay camera, and an enrolment code for the site.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "checkin/demo/demo_data.hpp"
#include "command_support.hpp"

namespace checkin::server {

namespace {

using namespace std::chrono;

constexpr std::string_view kCommand = "demo";

// People arrive one after another, as in the kiosk's own demo: a check-in, a volunteer, a
// discreet group member, a lost pass, someone without a name on file, a visitor, and the
// first person again.
const std::vector<std::string> kArrivals = {"ben", "vic", "ana", "revoked", "dee", "visitor", "ben"};

// kiosk/demo's passes that belong to nobody in its roster, and who holds them here.
// "revoked" is Ben's earlier card, reported lost: issuing his current one revokes it, as
// reissuing does. "visitor" has a valid pass and no registration, so no kiosk expects them.
const std::map<std::string, Id> kHolders = {{"revoked", "person-ben"}, {"visitor", "person-visitor"}};

struct Args {
  std::filesystem::path dir;
  std::string url;
};

Result<bool> holds_an_organisation(ServerStore& store) {
  auto sites = store.sites();
  if (!sites) return std::unexpected(sites.error());
  auto programs = store.programs();
  if (!programs) return std::unexpected(programs.error());
  auto people = store.people();
  if (!people) return std::unexpected(people.error());
  return !sites->empty() || !programs->empty() || !people->empty();
}

// The roster as the server keeps it. A kiosk receives only the people expected at its site
// (registered for a program there, or on a shift), so the people kiosk/demo sends to the
// open programs without registering them are registered for those here.
std::vector<PersonRecord> people_of(const demo::DemoData& data) {
  std::set<Id> on_shifts;
  for (const auto& shift : data.schedule.shifts) on_shifts.insert(shift.assigned_people.begin(), shift.assigned_people.end());
  std::vector<PersonRecord> people;
  for (const auto& [id, person] : data.roster.people) {
    PersonRecord record{person.id, person.preferred_name, person.language, person.registered_programs, data.site.id};
    if (record.registered_programs.empty() && !on_shifts.contains(id))
      for (const auto& program : data.schedule.programs)
        if (program.registration == Registration::open && !program.discreet) record.registered_programs.push_back(program.id);
    people.push_back(std::move(record));
  }
  people.push_back(PersonRecord{"person-visitor", "", "en", {}, data.site.id});
  std::ranges::sort(people, {}, &PersonRecord::id);
  return people;
}

Result<void> make_dirs(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(Errc::io, fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  return {};
}

int run_demo(ServerStore& store, const ServerConfig& config, const Args& args, const Printer& out) {
  auto taken = holds_an_organisation(store);
  if (!taken) return report(taken.error(), kCommand);
  if (*taken)
    return report(Error{Errc::conflict, "the database already holds an organisation; the demo fills an empty one "
                                        "(give --db a new file)"},
                  kCommand);
  // Checked before anything is written, so a missing URL leaves the database empty.
  if (args.url.empty() && config.public_url.empty())
    return report(Error{Errc::invalid_input, "--url (or server.public_url) is needed: the URL kiosks reach"}, kCommand);
  const auto passes_dir = args.dir / "passes", camera_dir = args.dir / "camera";
  for (const auto& dir : {passes_dir, camera_dir})
    if (auto ok = make_dirs(dir); !ok) return report(ok.error(), kCommand);

  const WallTime now = now_utc();
  const demo::DemoData data = demo::make_demo_data(now);
  auto key = store.create_signing_key(now);
  if (!key) return report(key.error(), kCommand);
  auto site = store.create_site(data.site);
  if (!site) return report(site.error(), kCommand);
  out.id(site->id);
  out.detail("site {} {}", site->id, site->name);
  out.detail("signing_key {}", key->key_id);
  for (const auto& program : data.schedule.programs) {
    auto made = store.create_program(program);
    if (!made) return report(made.error(), kCommand);
    out.detail("program {} {}{}", made->id, made->name, made->discreet ? " (discreet)" : "");
  }
  for (const auto& person : people_of(data)) {
    auto made = store.create_person(person);
    if (!made) return report(made.error(), kCommand);
    out.detail("person {} registered for {}", made->id,
               made->registered_programs.empty() ? "-" : fmt::format("{}", fmt::join(made->registered_programs, ",")));
  }
  for (const auto& session : data.schedule.sessions) {
    auto made = store.create_session(session);
    if (!made) return report(made.error(), kCommand);
    out.detail("session {} {} {}", made->id, format_utc(made->start), format_utc(made->end));
  }
  for (const auto& shift : data.schedule.shifts) {
    auto made = store.create_shift(shift);
    if (!made) return report(made.error(), kCommand);
    out.detail("shift {} {} {}", made->id, format_utc(made->start), format_utc(made->end));
  }

  // The passes, issued by this server. Ben's lost card goes first so that his current one
  // revokes it; kiosk/demo's expired pass has no counterpart (a server issues none).
  demo::DemoData served = data;
  served.passes.clear();
  std::vector<demo::DemoPass> order;
  for (const auto& pass : data.passes)
    if (pass.label == "revoked") order.insert(order.begin(), pass);
    else if (pass.label != "expired") order.push_back(pass);
  for (const auto& pass : order) {
    auto holder = kHolders.contains(pass.label) ? kHolders.at(pass.label) : "person-" + pass.label;
    auto issued = store.issue_pass(holder, now + days{365}, now);
    if (!issued) return report(issued.error(), kCommand);
    const auto base = passes_dir / pass.label;
    if (auto ok = write_qr(issued->text, base.string() + ".png", base.string() + ".svg"); !ok)
      return report(ok.error(), kCommand);
    // The text too, for scripts that scan a pass without a camera.
    if (auto ok = write_file(base.string() + ".txt", issued->text + "\n"); !ok) return report(ok.error(), kCommand);
    served.passes.push_back(demo::DemoPass{pass.label, issued->record.pass_id, issued->text, pass.about});
  }
  for (const auto& pass : served.passes)
    out.detail("pass {} {} {}", pass.label, pass.pass_id, pass.about);

  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(camera_dir, ec))
    std::filesystem::remove(entry.path(), ec);  // frames of an earlier demo would be replayed too
  auto frames = demo::write_demo_camera_frames(served, kArrivals, camera_dir);
  if (!frames) return report(frames.error(), kCommand);
  out.detail("camera {} ({} frames: {})", camera_dir.string(), *frames, fmt::join(kArrivals, ", "));

  auto enrolment = new_enrolment(store, config, site->id, args.url, now);
  if (!enrolment) return report(enrolment.error(), kCommand);
  const auto code = sync::to_text(enrolment->code);
  const auto enrol_txt = args.dir / "enrol.txt";
  // The token is a credential until it is used: readable by its owner only.
  if (auto ok = write_file(enrol_txt, code + "\n"); !ok) return report(ok.error(), kCommand);
  std::filesystem::permissions(enrol_txt, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
  if (auto ok = write_qr(code, args.dir / "enrol.png", {}); !ok) return report(ok.error(), kCommand);
  out.detail("enrolment {} and enrol.png for {} (single use, until {})", enrol_txt.string(), enrolment->code.server_url,
             format_utc(enrolment->token.expires));
  return kExitOk;
}

}  // namespace

void add_demo_command(CLI::App& app, const GlobalOptions& options, Action& action) {
  Printer out{options};
  auto* demo = app.add_subcommand(
      "demo",
      "A demo community centre in an empty database; its passes, camera frames and an enrolment code in --dir");
  auto a = std::make_shared<Args>();
  demo->add_option("--dir", a->dir, "Folder for passes/, camera/, enrol.txt and enrol.png")->required();
  demo->add_option("--url", a->url, "The server's URL as kiosks reach it (default: server.public_url)");
  demo->callback([&action, out, a] {
    action = with_store(std::string(kCommand), CliAudit{"demo.create", "database", "demo"}, [out, a](ServerStore& store, const ServerConfig& config) {
      return run_demo(store, config, *a, out);
    });
  });
}

}  // namespace checkin::server
