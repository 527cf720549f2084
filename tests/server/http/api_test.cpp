// SPDX-License-Identifier: AGPL-3.0-or-later
// The sync API of the real checkin-server process, over HTTP on 127.0.0.1: enrolment with
// a code from its own command line, uploads, retries, downloads, authentication, error
// bodies, limits, hostile text, health, metrics and HTTPS with a pinned public key.
#include "checkin_catch.hpp"
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <future>

#include <limits>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "checkin/core/ids.hpp"
#include "checkin/server/sql.hpp"
#include "checkin/server/store.hpp"
#include "checkin/sync/api.hpp"
#include "checkin/sync/changes.hpp"
#include "checkin/sync/enrolment.hpp"
#include "checkin/sync/events.hpp"
#include "checkin/sync/feedback.hpp"
#include "checkin/sync/site_feed.hpp"
#include "server_process.hpp"
#include "test_database.hpp"
#include "temp_dir.hpp"

using namespace checkin;
using checkin::testing::first_line;
using checkin::testing::ServerProcess;
using nlohmann::json;

namespace {

WallTime now_utc() { return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()); }

// What a test's organisation is made of, all made through the command line.
struct Org {
  std::string site, program, session, person, pass_id;
};

std::string made(const testing::Command& command) {
  INFO(command.err);
  REQUIRE(command.status == 0);
  auto id = first_line(command.out);
  REQUIRE(!id.empty());
  return id;
}

struct Fixture {
  checkin::testing::TempDir dir;
  checkin::testing::TestDatabase database{dir};
  const std::string& db() const { return database.url(); }

  testing::Command cli(std::vector<std::string> args) { return testing::server_cli(db(), std::move(args), dir.path()); }

  Org organisation(const std::string& program_name = "Peer support", const std::string& site_name = "Hall",
                   const std::string& person_name = "Sam", bool walk_ins = false) {
    Org org;
    org.site = made(cli({"site", "add", site_name}));
    std::vector<std::string> program{"program", "add", "--name", program_name, "--checkout", "--feedback"};
    if (walk_ins) program.push_back("--walk-ins");
    org.program = made(cli(program));
    auto now = now_utc();
    org.session = made(cli({"session", "add", "--program", org.program, "--site", org.site, "--start",
                            format_utc(now - std::chrono::minutes(10)), "--end", format_utc(now + std::chrono::hours(1)),
                            "--room", "Room 2", "--capacity", "20"}));
    org.person = made(cli({"person", "add", "--name", person_name, "--language", "es", "--register", org.program}));
    made(cli({"keys", "new"}));
    org.pass_id = made(cli({"pass", "issue", org.person, "--png", dir.file("pass-" + org.person + ".png")}));
    return org;
  }

  // An enrolment code from the command line, exchanged over the API.
  sync::EnrolResponse enrol(const ServerProcess& server, const std::string& site, const std::string& name = "kiosk") {
    auto code = sync::parse_enrolment_code(made(cli({"enrol-token", "create", "--site", site, "--url", server.url()})));
    REQUIRE(code);
    CHECK(code->server_url == server.url());
    CHECK(code->cert_sha256.empty());
    auto client = server.client();
    auto res = client.Post(std::string(sync::api::kEnrol), sync::to_json(sync::EnrolRequest{code->token, name, "0.1.0"}),
                           "application/json");
    REQUIRE(res);
    INFO(res->body);
    REQUIRE(res->status == 200);
    auto response = sync::parse_enrol_response(res->body);
    REQUIRE(response);
    return *response;
  }

  std::unique_ptr<server::ServerStore> store() {
    auto opened = server::ServerStore::open(db(), 1);
    INFO((opened ? "" : opened.error().message));
    REQUIRE(opened);
    return std::move(*opened);
  }
};

std::string percent_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

httplib::Headers bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}, {std::string(sync::api::kDeviceTimeHeader), format_utc(now_utc())}};
}

AttendanceEvent checkin_event(const std::string& device_id, std::int64_t seq, const Org& org) {
  AttendanceEvent e;
  e.event_id = make_uuid_v7(now_utc());
  e.device_id = device_id;
  e.seq = seq;
  e.kind = EventKind::checkin;
  e.session_id = org.session;
  e.pass_id = org.pass_id;
  e.person_id = org.person;
  e.wall_time = now_utc();
  e.monotonic = Millis{123456};
  e.boot_id = "boot-1";
  return e;
}

// Every error answer is the protocol's error body.
sync::ProtocolError error_body(const httplib::Result& res, int status) {
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == status);
  CHECK(res->get_header_value("Content-Type").starts_with("application/json"));
  auto error = sync::parse_protocol_error(res->body);
  REQUIRE(error);
  return *error;
}

// The Prometheus text format, strictly: every sample belongs to a family announced by HELP
// and TYPE lines before it. Returns "name{labels}" -> value.
std::map<std::string, double> parse_metrics(const std::string& text) {
  std::map<std::string, double> samples;
  std::set<std::string> helped, typed;
  static const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+)");
  static const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  static const std::regex sample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*)?\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf))");
  std::istringstream lines(text);
  std::string line;
  REQUIRE(!text.empty());
  CHECK(text.back() == '\n');
  while (std::getline(lines, line)) {
    INFO(line);
    std::smatch m;
    if (std::regex_match(line, m, help)) {
      helped.insert(m[1]);
    } else if (std::regex_match(line, m, type)) {
      CHECK(helped.count(m[1]) == 1);
      typed.insert(m[1]);
    } else {
      REQUIRE(std::regex_match(line, m, sample));
      std::string family = m[1];
      CHECK(typed.count(family) == 1);
      samples[std::string(m[1]) + std::string(m[2])] = std::stod(m[7]);
    }
  }
  return samples;
}

}  // namespace

TEST_CASE_METHOD(Fixture, "api: a kiosk enrols with a code from the command line, uploads, retries, downloads") {
  auto org = organisation();
  ServerProcess server(db(), dir.path());
  auto kiosk = enrol(server, org.site, "front-door");
  CHECK(!kiosk.device_id.empty());
  CHECK(kiosk.site.id == org.site);
  CHECK(kiosk.site.name == "Hall");
  REQUIRE(kiosk.public_keys.size() == 1);
  auto client = server.client();

  sync::EventBatch batch{kiosk.device_id, {checkin_event(kiosk.device_id, 1, org)}};
  auto path = sync::api::events_batch(kiosk.device_id);
  auto first = client.Post(path, bearer(kiosk.device_token), sync::to_json(batch), "application/json");
  REQUIRE(first);
  INFO(first->body);
  REQUIRE(first->status == 200);
  auto result = sync::parse_batch_result(first->body);
  REQUIRE(result);
  REQUIRE(result->results.size() == 1);
  CHECK(result->results[0].event_id == batch.events[0].event_id);
  CHECK(result->results[0].status == sync::EventStatus::accepted);

  // The kiosk did not hear the answer and sends the batch again: nothing is counted twice.
  auto again = client.Post(path, bearer(kiosk.device_token), sync::to_json(batch), "application/json");
  REQUIRE(again);
  REQUIRE(again->status == 200);
  auto repeated = sync::parse_batch_result(again->body);
  REQUIRE(repeated);
  REQUIRE(repeated->results.size() == 1);
  CHECK(repeated->results[0].status == sync::EventStatus::duplicate);
  CHECK(store()->attendance_count(org.session).value_or(-1) == 1);

  auto changes = client.Get(sync::api::changes(kiosk.device_id) + "?cursor=", bearer(kiosk.device_token));
  REQUIRE(changes);
  INFO(changes->body);
  REQUIRE(changes->status == 200);
  auto page = sync::parse_changes_page(changes->body);
  REQUIRE(page);
  CHECK(page->full_resync);
  CHECK(page->site.id == org.site);
  bool has_session = false;
  for (const auto& s : page->sessions) has_session = has_session || s.id == org.session;
  CHECK(has_session);
  CHECK(page->public_keys.size() == 1);

  sync::FeedbackBatch feedback;
  feedback.items.push_back({42, Feedback{org.session, 4}, format_utc(now_utc()).substr(0, 10)});
  auto fed = client.Post(sync::api::feedback_batch(kiosk.device_id), bearer(kiosk.device_token), sync::to_json(feedback),
                         "application/json");
  REQUIRE(fed);
  INFO(fed->body);
  REQUIRE(fed->status == 200);
  auto stored = sync::parse_feedback_result(fed->body);
  REQUIRE(stored);
  CHECK(stored->stored == 1);
  auto refed = client.Post(sync::api::feedback_batch(kiosk.device_id), bearer(kiosk.device_token),
                           sync::to_json(feedback), "application/json");
  REQUIRE(refed);
  CHECK(sync::parse_feedback_result(refed->body).value_or(sync::FeedbackResult{-1, {}}).stored == 0);

  // A rolled token takes over at its first use; until then the old one works.
  auto rolled = client.Post(sync::api::token_roll(kiosk.device_id), bearer(kiosk.device_token), "", "application/json");
  REQUIRE(rolled);
  INFO(rolled->body);
  REQUIRE(rolled->status == 200);
  auto roll = sync::parse_token_roll(rolled->body);
  REQUIRE(roll);
  CHECK(roll->device_token != kiosk.device_token);
  auto with_old = client.Get(sync::api::changes(kiosk.device_id), bearer(kiosk.device_token));
  REQUIRE(with_old);
  CHECK(with_old->status == 200);
  CHECK(sync::parse_changes_page(with_old->body).value().token_roll_due == false);
  auto with_new = client.Get(sync::api::changes(kiosk.device_id), bearer(roll->device_token));
  REQUIRE(with_new);
  CHECK(with_new->status == 200);
  error_body(client.Get(sync::api::changes(kiosk.device_id), bearer(kiosk.device_token)), 401);

  // The coordinator sees the kiosk, its contact and its clock offset.
  auto devices = cli({"device", "list"});
  REQUIRE(devices.status == 0);
  std::istringstream rows(devices.out);
  std::string header, row;
  std::getline(rows, header);
  CHECK(header ==
        "id\tsite\tname\tlast_seen\tlag_seconds\tclock_offset_ms\trevoked\treplaced_by\ttoken_since\troll_requested");
  REQUIRE(std::getline(rows, row));
  CHECK(row.starts_with(kiosk.device_id + "\t" + org.site + "\tfront-door\t20"));
  std::vector<std::string> cells;
  for (std::istringstream fields(row); std::getline(fields, cells.emplace_back(), '\t');) {}
  cells.pop_back();
  REQUIRE(cells.size() == 10);
  CHECK(cells[6] == "-");  // not revoked
  CHECK(cells[7] == "-");  // nor replaced
  CHECK(cells[8].starts_with("20"));  // its token's time
  CHECK(cells[9] == "-");  // no new token asked for

  // A coordinator asks for a new token: the kiosk's next changes say so.
  REQUIRE(cli({"device", "roll", kiosk.device_id}).status == 0);
  auto asked = client.Get(sync::api::changes(kiosk.device_id), bearer(roll->device_token));
  REQUIRE(asked);
  CHECK(sync::parse_changes_page(asked->body).value().token_roll_due);
  CHECK(cli({"device", "roll", "no-such-device"}).status == 1);

  auto metrics = client.Get("/metrics");
  REQUIRE(metrics);
  REQUIRE(metrics->status == 200);
  auto samples = parse_metrics(metrics->body);
  CHECK(samples["checkin_events_ingested_total{status=\"accepted\"}"] == 1);
  CHECK(samples["checkin_events_ingested_total{status=\"duplicate\"}"] == 1);
  CHECK(samples["checkin_events_ingested_total{status=\"rejected\"}"] == 0);
  CHECK(samples["checkin_http_requests_total{route=\"/api/v1/devices/{id}/events:batch\",status=\"200\"}"] == 2);
  CHECK(samples["checkin_http_requests_total{route=\"/api/v1/enrol\",status=\"200\"}"] == 1);
  CHECK(samples["checkin_http_requests_total{route=\"/api/v1/devices/{id}/changes\",status=\"401\"}"] == 1);
  REQUIRE(samples.count("checkin_sync_lag_seconds{device=\"" + kiosk.device_id + "\"}") == 1);
  auto lag = samples["checkin_sync_lag_seconds{device=\"" + kiosk.device_id + "\"}"];
  CHECK(lag >= 0);
  CHECK(lag < 60);
  CHECK(samples["checkin_devices{state=\"active\"}"] == 1);

  // The request log names route patterns, never raw paths, tokens or bodies.
  auto log = server.log();
  CHECK(log.find("POST /api/v1/devices/{id}/events:batch 200") != std::string::npos);
  CHECK(log.find(kiosk.device_token) == std::string::npos);
  CHECK(log.find(roll->device_token) == std::string::npos);
  CHECK(log.find(org.pass_id) == std::string::npos);
  CHECK(log.find("Sam") == std::string::npos);
  CHECK(server.stop() == 0);
  CHECK(server.log().find("stopped") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "api: only the device's own, current token opens its routes, and enrolment tokens are single-use and expire") {
  auto org = organisation();
  ServerProcess server(db(), dir.path());
  auto a = enrol(server, org.site, "kiosk-a");
  auto b = enrol(server, org.site, "kiosk-b");
  auto client = server.client();
  auto body = sync::to_json(sync::EventBatch{a.device_id, {checkin_event(a.device_id, 1, org)}});
  auto path = sync::api::events_batch(a.device_id);

  CHECK(error_body(client.Post(path, body, "application/json"), 401).code == "unauthorized");
  error_body(client.Post(path, bearer("not-a-token"), body, "application/json"), 401);
  error_body(client.Post(path, {{"Authorization", "Basic " + a.device_token}}, body, "application/json"), 401);
  error_body(client.Post(path, {{"Authorization", "Bearer "}}, body, "application/json"), 401);
  error_body(client.Post(path, bearer(b.device_token), body, "application/json"), 401);  // another device's token
  error_body(client.Get(sync::api::changes(a.device_id), bearer(b.device_token)), 401);
  error_body(client.Post(sync::api::token_roll(a.device_id), bearer(b.device_token), "", "application/json"), 401);
  error_body(client.Get(sync::api::changes("no-such-device"), bearer(a.device_token)), 401);
  CHECK(store()->event_count().value_or(-1) == 0);

  // The device's own token works, until the coordinator revokes the device.
  auto own = client.Post(path, bearer(a.device_token), body, "application/json");
  REQUIRE(own);
  CHECK(own->status == 200);
  auto revoked = cli({"device", "revoke", a.device_id});
  INFO(revoked.err);
  REQUIRE(revoked.status == 0);
  CHECK(first_line(revoked.out) == a.device_id);
  error_body(client.Post(path, bearer(a.device_token), body, "application/json"), 401);
  error_body(client.Get(sync::api::changes(a.device_id), bearer(a.device_token)), 401);
  auto still = client.Get(sync::api::changes(b.device_id), bearer(b.device_token));
  REQUIRE(still);
  CHECK(still->status == 200);

  auto enrol_with = [&](const std::string& token) {
    return client.Post(std::string(sync::api::kEnrol), sync::to_json(sync::EnrolRequest{token, "k", "0.1.0"}),
                       "application/json");
  };
  // A used token: exchange it once, then again.
  auto code = sync::parse_enrolment_code(made(cli({"enrol-token", "create", "--site", org.site, "--url", server.url()})));
  REQUIRE(code);
  auto once = enrol_with(code->token);
  REQUIRE(once);
  CHECK(once->status == 200);
  CHECK(error_body(enrol_with(code->token), 401).code == "unauthorized");
  // An expired token: made 16 minutes ago on the same database.
  auto old = store()->create_enrolment_token(org.site, now_utc() - std::chrono::minutes(16));
  REQUIRE(old);
  error_body(enrol_with(old->token), 401);
  // One made 14 minutes ago is still good: the refusal above was the expiry.
  auto recent = store()->create_enrolment_token(org.site, now_utc() - std::chrono::minutes(14));
  REQUIRE(recent);
  auto fresh = enrol_with(recent->token);
  REQUIRE(fresh);
  CHECK(fresh->status == 200);
  error_body(enrol_with("made-up-token"), 401);

  auto samples = parse_metrics(client.Get("/metrics")->body);
  CHECK(samples["checkin_devices{state=\"revoked\"}"] == 1);
  CHECK(samples["checkin_devices{state=\"active\"}"] == 3);
  CHECK(samples.count("checkin_sync_lag_seconds{device=\"" + a.device_id + "\"}") == 0);
  auto log = server.log();
  for (const auto& secret : {a.device_token, b.device_token, code->token, old->token})
    CHECK(log.find(secret) == std::string::npos);
  CHECK(server.stop() == 0);
}

TEST_CASE_METHOD(Fixture, "api: malformed, mistyped, oversized and misdirected requests are refused and change nothing") {
  auto org = organisation();
  ServerProcess server(db(), dir.path());
  auto kiosk = enrol(server, org.site);
  auto client = server.client();
  auto path = sync::api::events_batch(kiosk.device_id);
  auto auth = bearer(kiosk.device_token);
  auto good = json::parse(sync::to_json(sync::EventBatch{kiosk.device_id, {checkin_event(kiosk.device_id, 1, org)}}));

  CHECK(error_body(client.Post(path, auth, "{\"protocol\":1,", "application/json"), 400).code == "bad_request");
  CHECK(error_body(client.Post(path, auth, "[1,2,3]", "application/json"), 400).message.find("object") != std::string::npos);

  auto mistyped = [&](auto change, const std::string& field) {
    auto body = good;
    change(body);
    auto error = error_body(client.Post(path, auth, body.dump(), "application/json"), 400);
    INFO(error.message);
    CHECK(error.message.find(field) != std::string::npos);
  };
  mistyped([](json& b) { b["events"][0]["seq"] = "one"; }, "events[0].seq");
  mistyped([](json& b) { b["events"][0]["event_id"] = 7; }, "events[0].event_id");
  mistyped([](json& b) { b["events"][0]["kind"] = "teleport"; }, "events[0].kind");
  mistyped([](json& b) { b["events"][0]["wall_time"] = "yesterday"; }, "events[0].wall_time");
  mistyped([](json& b) { b["events"] = "all of them"; }, "events");
  mistyped([](json& b) { b.erase("protocol"); }, "protocol");
  mistyped([](json& b) { b["device_id"] = "someone-else"; }, "device_id");
  // Unknown fields are ignored (a newer kiosk may send some)...
  {
    auto body = good;
    body["from_the_future"] = {{"x", 1}};
    body["events"][0]["mood"] = "sunny";
    auto res = client.Post(path, auth, body.dump(), "application/json");
    REQUIRE(res);
    CHECK(res->status == 200);
  }
  auto count = store()->event_count();
  REQUIRE(count);
  CHECK(*count == 1);

  // ...but a body over the limit is refused before anyone parses it.
  auto huge = good;
  huge["padding"] = std::string(sync::kMaxBodyBytes + 1024, 'x');
  huge["events"][0]["event_id"] = make_uuid_v7(now_utc());
  CHECK(error_body(client.Post(path, auth, huge.dump(), "application/json"), 413).code == "too_large");
  // More events than a batch may hold.
  {
    json many = good;
    many["events"] = json::array();
    for (std::size_t i = 0; i <= sync::kMaxEventsPerBatch; ++i) {
      auto e = good["events"][0];
      e["event_id"] = make_uuid_v7(now_utc());
      e["seq"] = i + 2;
      many["events"].push_back(e);
    }
    error_body(client.Post(path, auth, many.dump(), "application/json"), 413);
  }
  CHECK(error_body(client.Post(path, auth, good.dump(), "text/plain"), 415).code == "unsupported_media_type");
  CHECK(error_body(client.Get("/api/v1/nothing-here"), 404).code == "not_found");
  // Bytes no device id holds: a NUL is refused before any route (databases refuse it in
  // text), bytes that are not UTF-8 are an unknown device; never a database's message.
  CHECK(error_body(client.Get("/api/v1/devices/" + kiosk.device_id + "%00x/changes", auth), 400).message ==
        "the path holds a control character");
  CHECK(error_body(client.Get("/api/v1/devices/%C3%28%FF/changes", auth), 401).code == "unauthorized");
  CHECK(error_body(client.Get(sync::api::changes(kiosk.device_id) + "?cursor=%00", auth), 400).code == "bad_request");
  auto wrong_method = client.Get(path, auth);
  CHECK(error_body(wrong_method, 405).code == "method_not_allowed");
  CHECK(wrong_method->get_header_value("Allow") == "POST");
  error_body(client.Delete(sync::api::changes(kiosk.device_id), auth), 405);
  error_body(client.Post(std::string(sync::api::kEnrol), "{\"protocol\":1,\"token\":5}", "application/json"), 400);

  // Nothing changed, and the server still works.
  CHECK(store()->event_count().value_or(-1) == *count);
  auto health = client.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(server.stop() == 0);
}

TEST_CASE_METHOD(Fixture, "api: text with SQL metacharacters is stored as text, everywhere") {
  const std::string evil = "Robert'); DROP TABLE people; -- \"quoted\" \\ back % _ $1 ? ; /* */ \xc3\xa9";
  auto org = organisation(evil, evil, evil, /*walk_ins=*/true);
  ServerProcess server(db(), dir.path());
  auto kiosk = enrol(server, org.site, evil);
  CHECK(kiosk.site.name == evil);

  auto walk_in = checkin_event(kiosk.device_id, 1, org);
  walk_in.kind = EventKind::walk_in;
  walk_in.pass_id.clear();
  walk_in.person_id.clear();
  walk_in.walk_in_name = evil;
  walk_in.boot_id = evil;
  auto client = server.client();
  auto res = client.Post(sync::api::events_batch(kiosk.device_id), bearer(kiosk.device_token),
                         sync::to_json(sync::EventBatch{kiosk.device_id, {walk_in}}), "application/json");
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  CHECK(sync::parse_batch_result(res->body).value().results.at(0).status == sync::EventStatus::accepted);
  auto cursor_res = client.Get(sync::api::changes(kiosk.device_id) + "?cursor=" + percent_encode(evil),
                               bearer(kiosk.device_token));
  REQUIRE(cursor_res);
  CHECK(cursor_res->status == 200);  // an unknown cursor is a full resync, not an error
  CHECK(sync::parse_changes_page(cursor_res->body).value().full_resync);

  auto s = store();
  auto sites = s->sites();
  REQUIRE(sites);
  REQUIRE(sites->size() == 1);
  CHECK(sites->at(0).name == evil);
  auto programs = s->programs();
  REQUIRE(programs);
  REQUIRE(programs->size() == 1);
  CHECK(programs->at(0).name == evil);
  auto people = s->people();
  REQUIRE(people);
  REQUIRE(people->size() == 1);
  CHECK(people->at(0).preferred_name == evil);
  auto devices = s->devices();
  REQUIRE(devices);
  REQUIRE(devices->size() == 1);
  CHECK(devices->at(0).name == evil.substr(0, sync::kMaxDeviceNameLength));  // a proposal is shortened, not refused
  auto events = s->events_of_device(kiosk.device_id);
  REQUIRE(events);
  REQUIRE(events->size() == 1);
  CHECK(events->at(0).event.walk_in_name == evil);
  CHECK(events->at(0).event.boot_id == evil);
  auto listed = cli({"site", "list"});
  CHECK(listed.out.find(org.site + "\t" + evil + "\n") != std::string::npos);
  CHECK(server.stop() == 0);
}

TEST_CASE_METHOD(Fixture, "api: /healthz answers anyone, /metrics only this machine unless a token is set") {
  ServerProcess server(db(), dir.path());
  auto client = server.client();
  // Through the reverse proxy on this machine (X-Forwarded-For names the client): refused.
  auto relayed = client.Get("/metrics", httplib::Headers{{"X-Forwarded-For", "203.0.113.9"}});
  CHECK(error_body(relayed, 403).message.find("server.metrics_token") != std::string::npos);
  auto health = client.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(health->body == "ok\n");
  auto metrics = client.Get("/metrics");
  REQUIRE(metrics);
  REQUIRE(metrics->status == 200);
  CHECK(metrics->get_header_value("Content-Type").starts_with("text/plain; version=0.0.4"));
  auto samples = parse_metrics(metrics->body);
  CHECK(samples["checkin_http_requests_total{route=\"/healthz\",status=\"200\"}"] == 1);
  CHECK(samples["checkin_devices{state=\"active\"}"] == 0);
  CHECK(samples["checkin_http_connections"] >= 1);  // this scrape's own
  CHECK(samples.contains("checkin_http_parked_requests"));
  for (const auto* family : {"# TYPE checkin_http_requests_total counter", "# TYPE checkin_events_ingested_total counter",
                             "# TYPE checkin_sync_lag_seconds gauge", "# TYPE checkin_devices gauge",
                             "# TYPE checkin_http_connections gauge", "# TYPE checkin_http_parked_requests gauge"})
    CHECK(metrics->body.find(family) != std::string::npos);
  CHECK(server.stop() == 0);

  // With a token: required from everywhere, and enough from anywhere.
  const std::string token = "a-long-enough-scrape-token";
  ServerProcess guarded(db(), dir.path(), {"--set", "server.metrics_token=" + token});
  auto http = guarded.client();
  auto without = http.Get("/metrics");
  CHECK(error_body(without, 401).code == "unauthorized");
  CHECK(without->get_header_value("WWW-Authenticate") == "Bearer");
  error_body(http.Get("/metrics", httplib::Headers{{"Authorization", "Bearer not-the-token-at-all!"}}), 401);
  auto with = http.Get("/metrics", httplib::Headers{{"Authorization", "Bearer " + token}, {"X-Forwarded-For", "203.0.113.9"}});
  REQUIRE(with);
  CHECK(with->status == 200);
  CHECK(with->body.find("checkin_devices") != std::string::npos);
  CHECK(guarded.stop() == 0);
}

TEST_CASE_METHOD(Fixture, "api: HTTPS with a self-signed certificate: the logged and enrolled pin is openssl's") {
  auto cert = dir.file("cert.pem"), key = dir.file("key.pem");
  auto made_cert = testing::run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                                 "-days", "2", "-subj", "/CN=localhost", "-addext",
                                 "subjectAltName=IP:127.0.0.1,DNS:localhost"},
                                dir.path());
  INFO(made_cert.err);
  REQUIRE(made_cert.status == 0);
  auto hashed = testing::run({"bash", "-c",
                              "set -o pipefail; openssl x509 -in \"$1\" -pubkey -noout | openssl pkey -pubin -outform der "
                              "| sha256sum | cut -d' ' -f1",
                              "hash", cert},
                             dir.path());
  REQUIRE(hashed.status == 0);
  auto expected = first_line(hashed.out);
  REQUIRE(expected.size() == 64);

  ServerProcess server(db(), dir.path(), {"--tls-cert", cert, "--tls-key", key});
  CHECK(server.log().find("certificate public key sha256 " + expected) != std::string::npos);
  CHECK(server.log().find("listening on https://127.0.0.1:" + std::to_string(server.port())) != std::string::npos);

  httplib::SSLClient tls("127.0.0.1", server.port());
  tls.set_ca_cert_path(cert.c_str());
  tls.enable_server_certificate_verification(true);
  auto health = tls.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  // Plain HTTP to the TLS port gets no answer.
  auto plain = server.client().Get("/healthz");
  CHECK((!plain || plain->status != 200));

  auto site = made(cli({"site", "add", "Library"}));
  auto created = cli({"enrol-token", "create", "--site", site, "--url", "https://127.0.0.1:" + std::to_string(server.port()),
                      "--tls-cert", cert, "--tls-key", key, "--png", dir.file("enrol.png")});
  auto code = sync::parse_enrolment_code(made(created));
  REQUIRE(code);
  CHECK(code->cert_sha256 == expected);
  CHECK(created.out.find("sha256 " + expected) != std::string::npos);
  CHECK(std::filesystem::file_size(dir / "enrol.png") > 100);
  auto enrolled = tls.Post(std::string(sync::api::kEnrol), sync::to_json(sync::EnrolRequest{code->token, "tls", "0.1.0"}),
                           "application/json");
  REQUIRE(enrolled);
  CHECK(enrolled->status == 200);
  CHECK(server.stop() == 0);
}

TEST_CASE_METHOD(Fixture, "api: plain HTTP is refused off loopback unless allowed, and a missing certificate is refused") {
  auto refused = testing::server_cli(db(), {"serve", "--listen", "0.0.0.0:0"}, dir.path());
  CHECK(refused.status == 2);
  CHECK(refused.err.find("plain HTTP") != std::string::npos);
  auto no_cert = testing::server_cli(
      db(), {"serve", "--listen", "127.0.0.1:0", "--tls-cert", dir.file("missing.pem"), "--tls-key", dir.file("missing.key")},
      dir.path());
  CHECK(no_cert.status == 2);
  CHECK(no_cert.err.find("missing.pem") != std::string::npos);
}

TEST_CASE_METHOD(Fixture, "api: a database that cannot take the upload answers 503 with Retry-After, and the server recovers") {
  if (db().starts_with("postgres")) return;  // SQLite's write lock is the way to make the database wait
  auto org = organisation();
  ServerProcess server(db(), dir.path(), {"--set", "server.retry_after_seconds=7"});
  auto kiosk = enrol(server, org.site);
  auto client = server.client();
  auto body = sync::to_json(sync::EventBatch{kiosk.device_id, {checkin_event(kiosk.device_id, 1, org)}});
  {
    // Another writer holds the database (a wedged process, a long migration).
    auto blocker = sql::connect(db());
    REQUIRE(blocker);
    REQUIRE((*blocker)->begin(true));
    auto res = client.Post(sync::api::events_batch(kiosk.device_id), bearer(kiosk.device_token), body, "application/json");
    auto error = error_body(res, 503);
    CHECK(error.code == "unavailable");
    CHECK(res->get_header_value("Retry-After") == "7");
    CHECK(client.Get("/healthz")->status == 200);  // readers still get through
    (*blocker)->rollback();
  }
  auto res = client.Post(sync::api::events_batch(kiosk.device_id), bearer(kiosk.device_token), body, "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(store()->event_count().value_or(-1) == 1);
  CHECK(server.stop() == 0);
}

TEST_CASE_METHOD(Fixture, "api: SIGTERM lets the upload in flight finish and commit") {
  if (db().starts_with("postgres")) return;  // SQLite's write lock holds the upload in flight
  auto org = organisation();
  ServerProcess server(db(), dir.path());
  auto kiosk = enrol(server, org.site);
  auto body = sync::to_json(sync::EventBatch{kiosk.device_id, {checkin_event(kiosk.device_id, 1, org)}});
  auto blocker = sql::connect(db());
  REQUIRE(blocker);
  REQUIRE((*blocker)->begin(true));
  int status = 0;
  std::string answer;
  std::thread upload([&] {
    auto client = server.client();
    auto res = client.Post(sync::api::events_batch(kiosk.device_id), bearer(kiosk.device_token), body, "application/json");
    status = res ? res->status : -1;
    answer = res ? res->body : "";
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // the upload now waits for the database
  server.terminate();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  (*blocker)->rollback();
  upload.join();
  INFO(answer);
  CHECK(status == 200);
  CHECK(server.wait() == 0);
  CHECK(server.log().find("stopping after the requests in flight") != std::string::npos);
  CHECK(store()->event_count().value_or(-1) == 1);
}

TEST_CASE_METHOD(Fixture, "api: the site feed's long poll answers as soon as another door checks someone in") {
  auto org = organisation();
  ServerProcess server(db(), dir.path());
  auto front = enrol(server, org.site, "front door");
  auto back = enrol(server, org.site, "back door");
  auto client = server.client();
  const auto feed = sync::api::site_feed(back.device_id);
  auto first = client.Get(feed + "?wait=0", bearer(back.device_token));
  REQUIRE(first);
  REQUIRE(first->status == 200);
  const auto cursor = sync::parse_site_feed_page(first->body).value().next_cursor;

  // The back door waits for news; the front door checks Sam in.
  using Clock = std::chrono::steady_clock;
  auto waiting = std::async(std::launch::async, [&] {
    auto http = server.client();
    auto answer = http.Get(feed + "?cursor=" + percent_encode(cursor) + "&wait=25", bearer(back.device_token));
    return std::make_pair(Clock::now(), answer ? std::optional<std::string>(answer->body) : std::nullopt);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto uploaded = Clock::now();
  auto upload = client.Post(sync::api::events_batch(front.device_id), bearer(front.device_token),
                            sync::to_json(sync::EventBatch{front.device_id, {checkin_event(front.device_id, 1, org)}}),
                            "application/json");
  REQUIRE(upload);
  REQUIRE(upload->status == 200);
  REQUIRE(waiting.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  auto [answered, body] = waiting.get();
  REQUIRE(body);
  auto page = sync::parse_site_feed_page(*body);
  REQUIRE(page);
  REQUIRE(page->events.size() == 1);
  CHECK(page->events[0].device_id == front.device_id);
  CHECK(answered - uploaded < std::chrono::seconds(5));  // woken, not the 25 s deadline

  // Nothing new: the answer comes at the end of the wait, empty.
  const auto started = Clock::now();
  auto quiet = client.Get(feed + "?cursor=" + percent_encode(page->next_cursor) + "&wait=1", bearer(back.device_token));
  REQUIRE(quiet);
  CHECK(quiet->status == 200);
  CHECK(sync::parse_site_feed_page(quiet->body).value().events.empty());
  CHECK(Clock::now() - started >= std::chrono::milliseconds(900));
  CHECK(Clock::now() - started < std::chrono::seconds(5));
  error_body(client.Get(feed + "?wait=soon", bearer(back.device_token)), 400);

  // Stopping answers a waiting poll at once, and the server exits cleanly.
  auto held = std::async(std::launch::async, [&] {
    auto http = server.client();
    auto answer = http.Get(feed + "?cursor=" + percent_encode(page->next_cursor) + "&wait=25", bearer(back.device_token));
    return answer ? answer->status : -1;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto stopping = Clock::now();
  CHECK(server.stop() == 0);
  REQUIRE(held.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(held.get() == 200);
  CHECK(Clock::now() - stopping < std::chrono::seconds(5));
}

TEST_CASE_METHOD(Fixture, "api: a kiosk's token writes only its own site's facts, in range, and each refusal says why") {
  auto hall = organisation();
  auto annex = organisation("Art club", "Annex", "Kim");
  ServerProcess server(db(), dir.path());
  auto kiosk = enrol(server, hall.site, "front door");
  const auto desk = store()->create_shift(Shift{"", hall.site, "desk", now_utc() - std::chrono::hours(1),
                                                now_utc() + std::chrono::hours(2), {hall.person}});
  REQUIRE(desk);
  auto client = server.client();
  const auto path = sync::api::events_batch(kiosk.device_id);
  std::int64_t seq = 0;
  auto event = [&] { return checkin_event(kiosk.device_id, ++seq, hall); };
  auto shift_end = [&](Millis worked) {
    auto e = event();
    e.kind = EventKind::shift_end;
    e.session_id.clear();
    e.shift_id = desk->id;
    e.shift_duration = worked;
    return e;
  };

  // What a kiosk's token could write before: another site's session, a session that does
  // not exist, shifts of minus ten hours and of 2.5 million million hours, another
  // kiosk's local id, a time in the year 9999.
  std::vector<std::pair<AttendanceEvent, std::string>> attempts;
  auto other_site = event();
  other_site.session_id = annex.session;
  attempts.emplace_back(other_site, "its session is at another site than this kiosk's");
  auto nowhere = event();
  nowhere.session_id = "no-such-session";
  attempts.emplace_back(nowhere, "the server has no such session");
  attempts.emplace_back(shift_end(Millis{-36'000'000}), "a shift counts from 0 to 24 hours");
  attempts.emplace_back(shift_end(Millis{std::numeric_limits<std::int64_t>::max()}), "a shift counts from 0 to 24 hours");
  auto stranger = event();
  stranger.device_id = "local-anything";
  attempts.emplace_back(stranger, "it carries another kiosk's id");
  auto future = event();
  future.wall_time = std::chrono::sys_days{std::chrono::year{9999} / 12 / 31};
  attempts.emplace_back(future, "the kiosk's clock said 9999-12-31 00:00 UTC");
  sync::EventBatch batch{kiosk.device_id, {}};
  for (const auto& [e, _] : attempts) batch.events.push_back(e);
  const auto good = event();
  batch.events.push_back(good);

  auto res = client.Post(path, bearer(kiosk.device_token), sync::to_json(batch), "application/json");
  REQUIRE(res);
  INFO(res->body);
  REQUIRE(res->status == 200);
  auto result = sync::parse_batch_result(res->body);
  REQUIRE(result);
  REQUIRE(result->results.size() == attempts.size() + 1);
  for (std::size_t i = 0; i < attempts.size(); ++i) {
    INFO("attempt " << i);
    CHECK(result->results[i].event_id == attempts[i].first.event_id);
    CHECK(result->results[i].status == sync::EventStatus::rejected);
    CHECK_THAT(result->results[i].reason, Catch::Matchers::StartsWith("The server did not count this "));
    CHECK_THAT(result->results[i].reason, Catch::Matchers::ContainsSubstring(attempts[i].second));
  }
  CHECK(result->results.back().status == sync::EventStatus::accepted);
  CHECK(store()->event_count().value_or(-1) == 1);

  // An integer beyond int64 is refused, not wrapped to -1: the whole batch, in JSON.
  auto wrapped = json::parse(sync::to_json(sync::EventBatch{kiosk.device_id, {event()}}));
  wrapped["events"][0]["monotonic_ms"] = std::numeric_limits<std::uint64_t>::max();
  auto refused = error_body(client.Post(path, bearer(kiosk.device_token), wrapped.dump(), "application/json"), 400);
  CHECK_THAT(refused.message, Catch::Matchers::ContainsSubstring("monotonic_ms"));
  // An unknown field holding 100,000 nested arrays: refused before it is parsed.
  const std::string nested = fmt::format(R"({{"protocol":1,"device_id":"{}","events":[],"x":{}{}}})", kiosk.device_id,
                                         std::string(100'000, '['), std::string(100'000, ']'));
  auto deep = error_body(client.Post(path, bearer(kiosk.device_token), nested, "application/json"), 400);
  CHECK_THAT(deep.message, Catch::Matchers::ContainsSubstring("deeper than 32 levels"));
  CHECK(store()->event_count().value_or(-1) == 1);
  CHECK(server.stop() == 0);
}

TEST_CASE_METHOD(Fixture, "api: a waiting site feed answers when a pass is revoked, with the change count moved on") {
  auto org = organisation();
  ServerProcess server(db(), dir.path());
  auto door = enrol(server, org.site, "front door");
  const auto feed = sync::api::site_feed(door.device_id);
  auto client = server.client();
  auto first = client.Get(feed + "?wait=0", bearer(door.device_token));
  REQUIRE(first);
  REQUIRE(first->status == 200);
  const auto before = sync::parse_site_feed_page(first->body).value();

  using Clock = std::chrono::steady_clock;
  auto waiting = std::async(std::launch::async, [&] {
    auto http = server.client();
    http.set_read_timeout(40, 0);
    auto answer = http.Get(feed + "?cursor=" + percent_encode(before.next_cursor) + "&wait=25", bearer(door.device_token));
    return std::make_pair(Clock::now(), answer ? std::optional<std::string>(answer->body) : std::nullopt);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto revoked = Clock::now();
  REQUIRE(cli({"pass", "revoke", org.pass_id}).status == 0);
  REQUIRE(waiting.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
  auto [answered, body] = waiting.get();
  REQUIRE(body);
  auto page = sync::parse_site_feed_page(*body);
  REQUIRE(page);
  CHECK(page->events.empty());
  CHECK(page->changes > before.changes);
  CHECK(answered - revoked < std::chrono::seconds(5));  // not at the end of the 25 s wait
}
