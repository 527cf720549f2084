// SPDX-License-Identifier: AGPL-3.0-or-later
#include "kiosk_fleet.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "checkin/core/ids.hpp"
#include "checkin/sync/enrolment.hpp"

#include "must.hpp"

namespace checkin::testing {

using namespace std::chrono;

namespace {

store::Store open_store(const std::filesystem::path& path) {
  return must(store::Store::open(path.string()), "open kiosk store");
}

}  // namespace

Organisation Organisation::create(server::ServerStore& store, WallTime now, int people, int sessions) {
  Organisation org;
  org.site = must(store.create_site(Site{"", "Riverside Community Centre"}), "create site");
  Program program;
  program.name = "Tuesday peer support";
  program.tracks_checkout = false;
  org.program = must(store.create_program(program), "create program");
  if (store.signing_keys().value_or(std::vector<server::SigningKeyInfo>{}).empty())
    must(store.create_signing_key(now), "create key");
  for (int i = 0; i < sessions; ++i) {
    Session s;
    s.program_id = org.program.id;
    s.site_id = org.site.id;
    s.room = fmt::format("Room {}", i + 1);
    s.start = now - hours{1} + hours{i};
    s.end = s.start + hours{2};
    org.sessions.push_back(must(store.create_session(with_default_window(s)), "create session"));
  }
  for (int i = 0; i < people; ++i) {
    server::PersonRecord p;
    p.preferred_name = fmt::format("Person {}", i);
    p.registered_programs = {org.program.id};
    auto person = must(store.create_person(p), "create person");
    auto pass = must(store.issue_pass(person.id, now + days{365}, now), "issue pass");
    org.people.push_back(person);
    org.pass_ids.push_back(pass.record.pass_id);
  }
  return org;
}

SimKiosk::SimKiosk(std::filesystem::path database, WallTime now)
    : database_(std::move(database)), clock_(now, "e2e-boot"), store_(open_store(database_)),
      device_id_("local-" + make_uuid_v7(now)) {
  // As the kiosk program does: the id of the events from before enrolment, named at enrolment.
  must(store_.set_setting(store::kLocalDeviceIdSetting, device_id_), "local device id");
}

void SimKiosk::enrol(server::ServerStore& server, const Id& site_id, const std::string& url) {
  // The server judges the token by its own clock, whatever this kiosk's says.
  auto token = must(server.create_enrolment_token(site_id, time_point_cast<Millis>(system_clock::now())),
                    "enrolment token");
  sync::EnrolmentCode code{url, token.token, ""};
  auto credentials = must(sync::enrol(code, "e2e kiosk", store_, clock_), "enrol");
  device_id_ = credentials.device_id;
  client_ = std::make_unique<sync::SyncClient>(store_, credentials, clock_);
}

std::string SimKiosk::record(AttendanceEvent event) {
  auto now = clock_.now();
  event.event_id = make_uuid_v7(now.wall);
  event.device_id = device_id_;
  event.wall_time = now.wall;
  event.monotonic = now.monotonic;
  event.boot_id = now.boot_id;
  must(store_.append(std::span(&event, 1)), "record event");
  recorded_.push_back(event.event_id);
  clock_.advance(milliseconds{250});
  return event.event_id;
}

std::string SimKiosk::check_in(const Id& session_id, const std::string& pass_id) {
  AttendanceEvent e;
  e.kind = EventKind::checkin;
  e.session_id = session_id;
  e.pass_id = pass_id;
  return record(e);
}

std::string SimKiosk::anonymous(const Id& session_id) {
  AttendanceEvent e;
  e.kind = EventKind::anonymous_checkin;
  e.session_id = session_id;
  return record(e);
}

std::expected<sync::SyncReport, sync::SyncFailure> SimKiosk::sync_once() { return client_->sync_once(); }

std::vector<sync::SyncFailure> SimKiosk::sync_until_done(int attempts) {
  std::vector<sync::SyncFailure> failures;
  for (int i = 0; i < attempts; ++i) {
    auto report = client_->sync_once();
    if (report && outbox().pending == 0) return failures;
    if (!report) failures.push_back(report.error());
  }
  throw std::runtime_error(fmt::format("kiosk {} still has {} pending after {} sync passes", device_id_,
                                       outbox().pending, attempts));
}

void SimKiosk::set_server_url(const std::string& url) {
  auto credentials = must(sync::Credentials::load(store_), "load credentials");
  if (!credentials) throw std::runtime_error("not enrolled");
  credentials->server_url = url;
  must(credentials->save(store_), "save credentials");
  client_ = std::make_unique<sync::SyncClient>(store_, *credentials, clock_);
}

std::string SimKiosk::device_token() {
  auto credentials = must(sync::Credentials::load(store_), "load credentials");
  if (!credentials) throw std::runtime_error("not enrolled");
  return credentials->device_token;
}

store::OutboxCounts SimKiosk::outbox() { return must(store_.outbox_counts(), "outbox counts"); }

}  // namespace checkin::testing
