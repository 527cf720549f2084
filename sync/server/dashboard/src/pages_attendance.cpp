// SPDX-License-Identifier: AGPL-3.0-or-later
// A session's attendance: every stay as reconciled from all the site's doors, and the
// coordinator's corrections: undo a check-in, move it to the session it belonged to, and
// check someone in by hand when a kiosk is down (the door list: the program's registered
// people, or a walk-in by name). Each correction is an event the site's kiosks learn
// within seconds, and an entry in the audit trail with the optional reason.
//
// Discreet programs show no names here either: their stays are listed by time only, and
// the door list does not say who is in already.
#include <fmt/format.h>

#include <algorithm>

#include "checkin/core/log.hpp"
#include "checkin/server/local_time.hpp"
#include "common.hpp"
#include "context.hpp"
#include "guard.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {

constexpr std::size_t kMaxReason = 300;


std::string who_cell(const StayRow& row, bool discreet) {
  if (row.stay.kind == EventKind::anonymous_checkin) return "Anonymous";
  if (discreet) return "–";
  if (row.stay.kind == EventKind::walk_in)
    return row.name.empty() ? std::string("Walk-in") : escape(row.name) + " <span class=\"muted\">(walk-in)</span>";
  return row.name.empty() ? std::string("A pass holder") : escape(row.name);
}

std::string out_cell(const Stay& stay, const Program& program) {
  switch (stay.end) {
    case Stay::End::open: return program.tracks_checkout ? "Still here" : "–";
    case Stay::End::checked_out: return escape(format_local_time(*stay.out));
    case Stay::End::session_ended:
      return R"(<span class="flag">No check-out</span> closed at the session's end)";
  }
  return "–";
}

std::string notes_cell(const StayRow& row) {
  std::vector<std::string> notes;
  // A person checked in by staff with no pass: found by name at a kiosk, or by hand here.
  const bool without_pass = row.stay.kind == EventKind::checkin && row.stay.pass_id.empty();
  const std::string how = without_pass ? " without their pass" : "";
  if (row.stay.flags & flag_forced) notes.push_back("Let in by staff" + how);
  else if (row.stay.flags & flag_staff) notes.push_back("Checked in by staff" + how);
  for (const auto& device : row.seen_twice_devices)
    notes.push_back("Also accepted at " + escape(device) + " while already in");
  std::string cell;
  for (const auto& note : notes) cell += (cell.empty() ? "" : "<br>") + note;
  return cell.empty() ? "–" : cell;
}

std::string reason_field() {
  return input_field({.name = "reason", .label = "Reason", .value = "",
                      .hint = "For the audit trail. Please write no names here.", .required = false,
                      .attributes = fmt::format(R"(maxlength="{}")", kMaxReason)});
}

// The sessions at the same site around this one, to move a check-in to.
std::vector<Option> move_targets(Context& ctx, const Session& from) {
  std::vector<Option> options{{"", "Choose a session", true, ""}};
  auto around = ctx.store.sessions(from.site_id, from.start - std::chrono::hours{12}, from.start + std::chrono::hours{12});
  auto programs = ctx.store.programs();
  if (!around || !programs) return options;
  for (const auto& s : *around)
    if (s.id != from.id)
      options.push_back({s.id, program_name(*programs, s.program_id) + ", " + local_span(s.start, s.end), false, ""});
  return options;
}

void attendance_page(Context& ctx) {
  SessionState state;
  auto session = visible_session(ctx, ctx.path_param("id"), &state);
  if (!session) return;
  auto detail = ctx.store.session_attendance(session->id, ctx.now);
  if (!detail) return ctx.store_failed(detail.error(), "session attendance");
  const Program& program = detail->program;
  const bool discreet = program.discreet;
  // Looking at who attended is recorded too (never for discreet programs: no names show).
  if (!discreet)
    if (auto noted = ctx.store.record_audit(ctx.actor(), "attendance.view", "session", session->id, session->site_id,
                                            "", ctx.now);
        !noted)
      log_warn(kLog, "viewing session {}: audit entry not written: {}", session->id, noted.error().message);

  const std::string title = fmt::format("{}, {}", program.name, local_span(session->start, session->end));
  std::string body = "<dl class=\"facts\">";
  body += "<dt>Site</dt><dd>" + escape(detail->site_name) + "</dd>";
  body += fmt::format("<dt>Checked in</dt><dd>{}</dd>", detail->tally.attendees);
  if (program.tracks_checkout) body += fmt::format("<dt>Here now</dt><dd>{}</dd>", detail->tally.present);
  if (session->capacity) {
    body += fmt::format("<dt>Capacity</dt><dd>{}", *session->capacity);
    if (detail->tally.over_capacity)
      body += fmt::format(R"( <span class="flag">Over capacity</span> up to {} were in at once (kiosks offline let more in))",
                          detail->tally.max_present);
    body += "</dd>";
  }
  body += "</dl>";
  if (discreet) body += notice("Discreet program: no names are shown, here or anywhere.");
  if (detail->reduced)
    body += notice("This session's attendance was reduced to counts (retention): only later check-ins are listed.");
  if (state.cancelled) body += notice("This session was cancelled.", "warning");

  body += "<h2>Check-ins</h2>";
  if (detail->stays.empty()) {
    body += "<p>No one has checked in.</p>";
  } else {
    std::vector<std::string> headers{"In", "Who", "Recorded by"};
    if (program.tracks_checkout) headers.push_back("Out");
    headers.insert(headers.end(), {"Notes", "Correct"});
    body += table_open("Check-ins, every door together", headers);
    for (const auto& row : detail->stays) {
      const std::string& id = row.stay.checkin_event_id;
      const std::string which = escape(format_local_time(row.stay.in));
      std::string actions = fmt::format(
          R"(<a href="/sessions/{0}/attendance/{1}/undo">Undo<span class="visually-hidden"> the check-in at {2}</span></a> · )"
          R"(<a href="/sessions/{0}/attendance/{1}/move">Move<span class="visually-hidden"> the check-in at {2}</span></a>)",
          escape(session->id), escape(id), which);
      // A walk-in of an open program can become a person (a discreet program's stays anonymous).
      if (row.stay.kind == EventKind::walk_in && !discreet && row.stay.person_id.empty())
        actions += fmt::format(
            R"( · <a href="/sessions/{}/attendance/{}/person">Add as a person<span class="visually-hidden"> (the walk-in at {})</span></a>)",
            escape(session->id), escape(id), which);
      body += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td>", which, who_cell(row, discreet), escape(row.device_name));
      if (program.tracks_checkout) body += "<td>" + out_cell(row.stay, program) + "</td>";
      body += fmt::format("<td>{}</td><td>{}</td></tr>", notes_cell(row), state.cancelled ? "–" : actions);
    }
    body += table_close();
  }
  if (state.cancelled) return ctx.page(title, body);

  // The door list, for when a kiosk is down.
  body += "<h2>Check someone in by hand</h2>";
  body += "<p>For when a kiosk is down or someone has no pass. The site's kiosks learn it within seconds.</p>";
  auto registered = ctx.store.people_registered(program.id);
  if (!registered) return ctx.store_failed(registered.error(), "registered people");
  std::erase_if(*registered, [&](const PersonRecord& p) { return !ctx.access.can_see_site(p.site_id); });
  body += form_open("/sessions/" + session->id + "/attendance/add", ctx.csrf_token(), false, "card");
  const bool people_listed = !registered->empty();
  if (people_listed) {
    std::vector<Option> people{{"", "Choose a registered person", true, ""}};
    for (const auto& p : *registered) people.push_back({p.id, person_label(p), false, ""});
    body += select_field("person_id", "A registered person", people, false,
                         "People registered for this program. For anyone else, give a walk-in's name below.");
  }
  body += input_field({.name = "walk_in",
                       .label = people_listed ? "Or a walk-in's first name or nickname" : "A walk-in's first name or nickname",
                       .value = "",
                       .hint = people_listed ? "Leave empty when you chose a person above." : "",
                       .required = !people_listed,
                       .autocomplete = "off", .attributes = R"(maxlength="60")"});
  body += reason_field() + submit_button("Check in") + form_close();
  ctx.page(title, body);
}

// The event's stay, when it is one of this session's.
std::optional<StayRow> stay_of(Context& ctx, const Session& session, const std::string& event_id) {
  auto detail = ctx.store.session_attendance(session.id, ctx.now);
  if (!detail) {
    ctx.store_failed(detail.error(), "session attendance");
    return std::nullopt;
  }
  for (auto& row : detail->stays)
    if (row.stay.checkin_event_id == event_id) return std::move(row);
  ctx.not_found();
  return std::nullopt;
}

// The session and stay a correction's path names ("/sessions/{id}/attendance/{event}/…"),
// when the account may see them; otherwise the answer is already given.
struct CorrectionTarget {
  Session session;
  StayRow row;
};
std::optional<CorrectionTarget> correction_target(Context& ctx) {
  auto session = visible_session(ctx, ctx.path_param("id"));
  if (!session) return std::nullopt;
  auto row = stay_of(ctx, *session, ctx.path_param("event"));
  if (!row) return std::nullopt;
  return CorrectionTarget{std::move(*session), std::move(*row)};
}

void correction_failed(Context& ctx, const Session& session, const Error& error) {
  if (error.code == Errc::conflict || error.code == Errc::invalid_input || error.code == Errc::not_found)
    return ctx.redirect("/sessions/" + session.id + "/attendance", "Not changed: " + error.message);
  ctx.store_failed(error, "correct attendance");
}

std::optional<std::string> read_reason(Context& ctx) {
  std::vector<std::string> problems;
  auto reason = text_input(ctx.form("reason"), "reason", problems, true, kMaxReason);
  if (!problems.empty()) {
    ctx.bad_request(problems.front());
    return std::nullopt;
  }
  return reason;
}

void undo_page(Context& ctx) {
  auto target = correction_target(ctx);
  if (!target) return;
  const Session* session = &target->session;
  const StayRow* row = &target->row;
  std::string body = fmt::format(
      "<p>Undo the check-in at {} ({})? It stops counting, here and at every kiosk of the site. The check-in itself "
      "stays on record, with this undo after it.</p>",
      escape(format_local_time(row->stay.in)), escape(row->device_name));
  body += form_open(fmt::format("/sessions/{}/attendance/{}/undo", session->id, row->stay.checkin_event_id),
                    ctx.csrf_token(), false, "card");
  body += reason_field();
  body += R"(<div class="actions">)" + submit_button("Undo check-in", "button warning") +
          link_button("/sessions/" + session->id + "/attendance", "No, keep it") + "</div>" + form_close();
  ctx.page("Undo this check-in?", body);
}

void undo(Context& ctx) {
  auto target = correction_target(ctx);
  if (!target) return;
  const Session* session = &target->session;
  const StayRow* row = &target->row;
  auto reason = read_reason(ctx);
  if (!reason) return;
  auto done = ctx.store.undo_attendance(row->stay.checkin_event_id, ctx.actor(), *reason, ctx.now);
  if (!done) return correction_failed(ctx, *session, done.error());
  log_info(kLog, "account {} undid check-in {}", ctx.access.account_id, row->stay.checkin_event_id);
  ctx.redirect("/sessions/" + session->id + "/attendance", "Check-in undone. The kiosks learn it within seconds.");
}

// A walk-in becomes a person: their name and language, registered for the program; the
// walk-in's check-in stays as it was and is theirs from now on. Their pass is one click on
// their page after.
void walk_in_person_page(Context& ctx) {
  auto target = correction_target(ctx);
  if (!target) return;
  const auto& row = target->row;
  auto program = find_program(ctx, target->session.program_id);
  if (!program) return;
  if (row.stay.kind != EventKind::walk_in || program->discreet || !row.stay.person_id.empty())
    return ctx.redirect("/sessions/" + target->session.id + "/attendance", "Only a walk-in who is no one yet can be added.");
  std::string body = fmt::format(
      "<p>Add the walk-in who came at {} ({}) as a person. Their check-in stays as it was and counts as theirs; then "
      "you can issue their pass on their page.</p>",
      escape(format_local_time(row.stay.in)), escape(row.device_name));
  body += form_open(fmt::format("/sessions/{}/attendance/{}/person", target->session.id, row.stay.checkin_event_id),
                    ctx.csrf_token(), false, "card");
  body += input_field({.name = "preferred_name", .label = "Name", .value = row.stay.walk_in_name,
                       .hint = "As they like to be called; a first name or nickname is enough.", .autocomplete = "off"});
  body += input_field({.name = "language", .label = "Language", .value = "en",
                       .hint = "The kiosk greets them in it: a code such as en or es.", .autocomplete = "off"});
  body += checkbox_field("register", "Register for " + program->name, true);
  body += R"(<div class="actions">)" + submit_button("Add person") +
          link_button("/sessions/" + target->session.id + "/attendance", "Cancel") + "</div>" + form_close();
  ctx.page("Add this walk-in as a person", body);
}

void walk_in_to_person(Context& ctx) {
  auto target = correction_target(ctx);
  if (!target) return;
  std::vector<std::string> problems;
  PersonRecord person;
  person.preferred_name = text_input(ctx.form("preferred_name"), "the name", problems);
  person.language = text_input(ctx.form("language"), "the language", problems, true);
  if (person.language.empty()) person.language = "en";
  if (ctx.form("register") == "1") person.registered_programs = {target->session.program_id};
  if (!problems.empty()) return ctx.bad_request(problems.front());
  auto added = ctx.store.person_from_walk_in(target->row.stay.checkin_event_id, person, ctx.actor(), ctx.now);
  if (!added) return correction_failed(ctx, target->session, added.error());
  log_info(kLog, "account {} added walk-in {} as person {}", ctx.access.account_id, target->row.stay.checkin_event_id,
           added->id);
  ctx.redirect("/people/" + added->id + "#passes-heading", "Added. Issue their pass below.");
}

void move_page(Context& ctx) {
  auto target = correction_target(ctx);
  if (!target) return;
  const Session* session = &target->session;
  const StayRow* row = &target->row;
  std::string body = fmt::format("<p>Move the check-in at {} to the session it belonged to.</p>",
                                 escape(format_local_time(row->stay.in)));
  body += form_open(fmt::format("/sessions/{}/attendance/{}/move", session->id, row->stay.checkin_event_id),
                    ctx.csrf_token(), false, "card");
  body += select_field("to_session", "Move to", move_targets(ctx, *session), true,
                       "Sessions at the same site within 12 hours.");
  body += reason_field();
  body += R"(<div class="actions">)" + submit_button("Move check-in") +
          link_button("/sessions/" + session->id + "/attendance", "Cancel") + "</div>" + form_close();
  ctx.page("Move this check-in", body);
}

void move(Context& ctx) {
  auto target = correction_target(ctx);
  if (!target) return;
  const Session* session = &target->session;
  const StayRow* row = &target->row;
  auto to = visible_session(ctx, ctx.form("to_session"));
  if (!to) return;
  auto reason = read_reason(ctx);
  if (!reason) return;
  auto done = ctx.store.move_attendance(row->stay.checkin_event_id, to->id, ctx.actor(), *reason, ctx.now);
  if (!done) return correction_failed(ctx, *session, done.error());
  log_info(kLog, "account {} moved check-in {} to session {}", ctx.access.account_id, row->stay.checkin_event_id, to->id);
  ctx.redirect("/sessions/" + to->id + "/attendance", "Check-in moved. The kiosks learn it within seconds.");
}

void add(Context& ctx) {
  auto session = visible_session(ctx, ctx.path_param("id"));
  if (!session) return;
  std::vector<std::string> problems;
  const Id person_id = trim(ctx.form("person_id"));
  const std::string walk_in = text_input(ctx.form("walk_in"), "walk-in name", problems, true, 60);
  if (person_id.empty() == walk_in.empty())
    problems.push_back("Choose a registered person, or give a walk-in's name (not both).");
  if (!problems.empty())
    return ctx.redirect("/sessions/" + session->id + "/attendance", "Not checked in: " + problems.front());
  if (!person_id.empty() && !visible_person(ctx, person_id)) return;
  auto reason = read_reason(ctx);
  if (!reason) return;
  auto done = ctx.store.add_attendance(session->id, ManualAttendee{person_id, walk_in}, ctx.actor(), *reason, ctx.now);
  if (!done) return correction_failed(ctx, *session, done.error());
  log_info(kLog, "account {} checked someone in by hand to session {}", ctx.access.account_id, session->id);
  ctx.redirect("/sessions/" + session->id + "/attendance", "Checked in. The kiosks learn it within seconds.");
}

}  // namespace

void add_attendance_routes(Router& router) {
  router.get("/sessions/{id}/attendance", Gate::signed_in, attendance_page, audited_inside("attendance.view"));
  router.post("/sessions/{id}/attendance/add", Gate::signed_in, add, audited_inside("attendance.add"));
  router.get("/sessions/{id}/attendance/{event}/undo", Gate::signed_in, undo_page);
  router.post("/sessions/{id}/attendance/{event}/undo", Gate::signed_in, undo, audited_inside("attendance.undo"));
  router.get("/sessions/{id}/attendance/{event}/move", Gate::signed_in, move_page);
  router.post("/sessions/{id}/attendance/{event}/move", Gate::signed_in, move, audited_inside("attendance.move"));
  router.get("/sessions/{id}/attendance/{event}/person", Gate::signed_in, walk_in_person_page);
  router.post("/sessions/{id}/attendance/{event}/person", Gate::signed_in, walk_in_to_person,
              audited_inside("attendance.walk_in_to_person"));
}

}  // namespace checkin::server::dashboard
