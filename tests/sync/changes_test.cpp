// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"
#include <nlohmann/json.hpp>

#include <functional>

#include "checkin/sync/changes.hpp"
#include "checkin/sync/events.hpp"

using namespace checkin;
using namespace checkin::sync;
using namespace std::chrono;
using nlohmann::json;

namespace {

WallTime at(int day, hours h, minutes m = 0min) { return sys_days{2026y / November / day} + h + m + 250ms; }

Session session(std::string id, std::optional<int> capacity) {
  Session s{std::move(id), "prog-peer", "site-1", "Room 2", at(26, 18h), at(26, 20h), at(26, 17h, 30min),
            at(26, 20h), capacity};
  return s;
}

// Every field set to something other than its default, so a field the mapping forgets
// shows up as a difference.
ChangesPage full_page() {
  ChangesPage page;
  page.full_resync = true;
  page.site = {"site-1", "St Mary's \"Hall\" ünd Café"};
  page.programs = {{"prog-peer", "Tuesday peer support", true, true, false, Registration::roster, true, true},
                   {"prog-lunch", "Community lunch", false, false, true, Registration::open, false, false}};
  page.removed_programs = {"prog-old"};
  page.sessions = {session("s0", 12), session("s1", 0), session("s2", std::nullopt), session("s3", 40)};
  page.removed_sessions = {"s-cancelled", "s-moved"};
  page.shifts = {{"shift-1", "site-1", "door", at(26, 17h), at(26, 21h), {"person-1", "person-2"}},
                 {"shift-2", "site-1", "kitchen", at(27, 9h), at(27, 12h), {}}};
  page.removed_shifts = {"shift-old"};
  page.roster_replaced = true;
  page.roster = {{{"person-1", "Sam", "es", {"prog-peer"}},
                  {"00112233445566778899aabbccddeeff", "ffeeddccbbaa99887766554433221100"}},
                 {{"person-2", "", "", {}}, {}}};
  page.revocations = {{"0123456789abcdef0123456789abcdef", at(25, 9h)}};
  page.public_keys = {{"a1b2c3d4", std::string(64, 'e')}, {"0badcafe", std::string(64, '1')}};
  page.settings = {{"result_seconds", "4"}, {"language", "es"}};
  page.server_time = at(26, 18h, 5min);
  page.next_cursor = "opaque/cursor==";
  page.has_more = true;
  return page;
}

void check_same(const ChangesPage& a, const ChangesPage& b) {
  CHECK(a.full_resync == b.full_resync);
  CHECK(a.site.id == b.site.id);
  CHECK(a.site.name == b.site.name);
  REQUIRE(a.programs.size() == b.programs.size());
  for (std::size_t i = 0; i < a.programs.size(); ++i) {
    const auto &x = a.programs[i], &y = b.programs[i];
    CHECK(x.id == y.id);
    CHECK(x.name == y.name);
    CHECK(x.discreet == y.discreet);
    CHECK(x.anonymous_allowed == y.anonymous_allowed);
    CHECK(x.walk_ins_allowed == y.walk_ins_allowed);
    CHECK(x.registration == y.registration);
    CHECK(x.tracks_checkout == y.tracks_checkout);
    CHECK(x.feedback_enabled == y.feedback_enabled);
  }
  CHECK(a.removed_programs == b.removed_programs);
  REQUIRE(a.sessions.size() == b.sessions.size());
  for (std::size_t i = 0; i < a.sessions.size(); ++i) {
    const auto &x = a.sessions[i], &y = b.sessions[i];
    CHECK(x.id == y.id);
    CHECK(x.program_id == y.program_id);
    CHECK(x.site_id == y.site_id);
    CHECK(x.room == y.room);
    CHECK(x.start == y.start);
    CHECK(x.end == y.end);
    CHECK(x.window_opens == y.window_opens);
    CHECK(x.window_closes == y.window_closes);
    CHECK(x.capacity == y.capacity);
  }
  CHECK(a.removed_sessions == b.removed_sessions);
  REQUIRE(a.shifts.size() == b.shifts.size());
  for (std::size_t i = 0; i < a.shifts.size(); ++i) {
    const auto &x = a.shifts[i], &y = b.shifts[i];
    CHECK(x.id == y.id);
    CHECK(x.site_id == y.site_id);
    CHECK(x.role == y.role);
    CHECK(x.start == y.start);
    CHECK(x.end == y.end);
    CHECK(x.assigned_people == y.assigned_people);
  }
  CHECK(a.removed_shifts == b.removed_shifts);
  CHECK(a.roster_replaced == b.roster_replaced);
  REQUIRE(a.roster.size() == b.roster.size());
  for (std::size_t i = 0; i < a.roster.size(); ++i) {
    const auto &x = a.roster[i], &y = b.roster[i];
    CHECK(x.person.id == y.person.id);
    CHECK(x.person.preferred_name == y.person.preferred_name);
    CHECK(x.person.language == y.person.language);
    CHECK(x.person.registered_programs == y.person.registered_programs);
    CHECK(x.pass_ids == y.pass_ids);
  }
  REQUIRE(a.revocations.size() == b.revocations.size());
  for (std::size_t i = 0; i < a.revocations.size(); ++i) {
    CHECK(a.revocations[i].pass_id == b.revocations[i].pass_id);
    CHECK(a.revocations[i].revoked_at == b.revocations[i].revoked_at);
  }
  REQUIRE(a.public_keys.size() == b.public_keys.size());
  for (std::size_t i = 0; i < a.public_keys.size(); ++i) {
    CHECK(a.public_keys[i].key_id == b.public_keys[i].key_id);
    CHECK(a.public_keys[i].public_key == b.public_keys[i].public_key);
  }
  CHECK(a.settings == b.settings);
  CHECK(a.server_time == b.server_time);
  CHECK(a.next_cursor == b.next_cursor);
  CHECK(a.has_more == b.has_more);
  CHECK(a.token_roll_due == b.token_roll_due);
}

json page_json() { return json::parse(to_json(full_page())); }

std::string error_after(const std::function<void(json&)>& change) {
  json j = page_json();
  change(j);
  auto parsed = parse_changes_page(j.dump());
  if (parsed) return "(parsed)";
  return parsed.error().message;
}

void set(json& j, const char* pointer, json value) { j[json::json_pointer(pointer)] = std::move(value); }
void erase(json& j, const char* pointer) {
  json::json_pointer p(pointer);
  j[p.parent_pointer()].erase(p.back());
}

}  // namespace

TEST_CASE("a changes page survives the wire, field by field") {
  auto page = full_page();
  auto parsed = parse_changes_page(to_json(page));
  REQUIRE(parsed);
  check_same(page, *parsed);
}

TEST_CASE("an empty changes page survives the wire") {
  ChangesPage page;
  page.site = {"site-1", ""};
  auto parsed = parse_changes_page(to_json(page));
  REQUIRE(parsed);
  check_same(page, *parsed);
}

TEST_CASE("a changes page from a newer server: unknown fields are ignored") {
  json j = page_json();
  j["weather"] = {{"rain", true}};
  j["site"]["timezone"] = "Europe/Madrid";
  j["programs"][0]["colour"] = "teal";
  j["sessions"][1]["zoom_link"] = nullptr;
  j["roster"][0]["pronouns"] = "they";
  j["public_keys"][0]["algorithm"] = "ed25519";
  auto parsed = parse_changes_page(j.dump());
  REQUIRE(parsed);
  check_same(full_page(), *parsed);
}

TEST_CASE("a changes page: pass ids and keys are normalised to lower-case hex") {
  json j = page_json();
  j["roster"][0]["pass_ids"][0] = "00112233445566778899AABBCCDDEEFF";
  j["revocations"][0]["pass_id"] = "0123456789ABCDEF0123456789ABCDEF";
  j["public_keys"][0]["key_id"] = "A1B2C3D4";
  auto parsed = parse_changes_page(j.dump());
  REQUIRE(parsed);
  check_same(full_page(), *parsed);
}

TEST_CASE("a session without capacity has no limit, and null is the same as absent") {
  json j = page_json();
  j["sessions"][0]["capacity"] = nullptr;
  j["sessions"][3].erase("capacity");
  auto parsed = parse_changes_page(j.dump());
  REQUIRE(parsed);
  CHECK_FALSE(parsed->sessions[0].capacity);
  CHECK(parsed->sessions[1].capacity == 0);
  CHECK_FALSE(parsed->sessions[3].capacity);
}

TEST_CASE("a changes page says when the kiosk should roll its token, and an earlier server says nothing") {
  auto page = full_page();
  page.token_roll_due = true;
  auto parsed = parse_changes_page(to_json(page));
  REQUIRE(parsed);
  CHECK(parsed->token_roll_due);
  json earlier = page_json();
  earlier.erase("token_roll_due");
  parsed = parse_changes_page(earlier.dump());
  REQUIRE(parsed);
  CHECK_FALSE(parsed->token_roll_due);
  CHECK(error_after([](json& j) { j["token_roll_due"] = "yes"; }) == "token_roll_due: expected true or false");
}

TEST_CASE("a malformed changes page is an error naming the field's path") {
  struct Case {
    std::function<void(json&)> change;
    std::string message;
  };
  // clang-format off
  const std::vector<Case> cases = {
      {[](json& j) { set(j, "/sessions/3/capacity", "ten"); }, "sessions[3].capacity: expected a whole number"},
      {[](json& j) { set(j, "/sessions/3/capacity", 2.5); }, "sessions[3].capacity: expected a whole number"},
      {[](json& j) { set(j, "/sessions/3/capacity", -1); }, "sessions[3].capacity: -1 is not a number of places"},
      {[](json& j) { set(j, "/sessions/3/capacity", 1LL << 40); }, "sessions[3].capacity: 1099511627776 is not a number of places"},
      {[](json& j) { set(j, "/sessions/2/start", 1700000000); }, "sessions[2].start: expected a string"},
      {[](json& j) { set(j, "/sessions/2/window_opens", "half past five"); }, "sessions[2].window_opens: expected a UTC time"},
      {[](json& j) { erase(j, "/sessions/1/window_closes"); }, "sessions[1].window_closes: missing"},
      {[](json& j) { set(j, "/sessions/1/end", "2026-11-26T17:00:00Z"); }, "sessions[1].end: is before start"},
      {[](json& j) { set(j, "/sessions/1/id", ""); }, "sessions[1].id: must not be empty"},
      {[](json& j) { set(j, "/sessions/0", "s0"); }, "sessions[0]: expected an object"},
      {[](json& j) { set(j, "/programs/1/discreet", "no"); }, "programs[1].discreet: expected true or false"},
      {[](json& j) { erase(j, "/programs/0/discreet"); }, "programs[0].discreet: missing"},
      {[](json& j) { set(j, "/programs/0/registration", "invite_only"); }, "programs[0].registration: 'invite_only' is not open or roster"},
      {[](json& j) { set(j, "/programs/0/registration", 1); }, "programs[0].registration: expected a string"},
      {[](json& j) { set(j, "/shifts/0/assigned_people/1", 7); }, "shifts[0].assigned_people[1]: expected a string"},
      {[](json& j) { set(j, "/shifts/1/assigned_people", "person-1"); }, "shifts[1].assigned_people: expected an array"},
      {[](json& j) { set(j, "/shifts/1/end", "2026-11-27T08:00:00Z"); }, "shifts[1].end: is before start"},
      {[](json& j) { set(j, "/roster/0/pass_ids/1", "not-hex"); }, "roster[0].pass_ids[1]: expected hex digits"},
      {[](json& j) { set(j, "/roster/0/pass_ids/1", ""); }, "roster[0].pass_ids[1]: expected hex digits"},
      {[](json& j) { set(j, "/roster/1/registered_programs", json::object()); }, "roster[1].registered_programs: expected an array"},
      {[](json& j) { erase(j, "/roster/1/id"); }, "roster[1].id: missing"},
      {[](json& j) { set(j, "/revocations/0/revoked_at", "soon"); }, "revocations[0].revoked_at: expected a UTC time"},
      {[](json& j) { set(j, "/revocations/0/pass_id", "0x12"); }, "revocations[0].pass_id: expected hex digits"},
      {[](json& j) { set(j, "/public_keys/1/public_key", 5); }, "public_keys[1].public_key: expected a string"},
      {[](json& j) { j["public_keys"].push_back(j["public_keys"][0]); j["public_keys"].push_back(j["public_keys"][0]); },
       "public_keys: 4 keys, a kiosk trusts at most 3 at once"},
      {[](json& j) { set(j, "/settings/result_seconds", 4); }, "settings.result_seconds: expected a string"},
      {[](json& j) { set(j, "/settings", json::array()); }, "settings: expected an object"},
      {[](json& j) { set(j, "/site", "site-1"); }, "site: expected an object"},
      {[](json& j) { erase(j, "/site/id"); }, "site.id: missing"},
      {[](json& j) { set(j, "/has_more", 1); }, "has_more: expected true or false"},
      {[](json& j) { erase(j, "/roster_replaced"); }, "roster_replaced: missing"},
      {[](json& j) { set(j, "/removed_sessions", "s1"); }, "removed_sessions: expected an array"},
      {[](json& j) { set(j, "/removed_shifts/0", nullptr); }, "removed_shifts[0]: expected a string"},
      {[](json& j) { erase(j, "/server_time"); }, "server_time: missing"},
      {[](json& j) { set(j, "/next_cursor", ""); }, "next_cursor: must not be empty when has_more is true"},
      {[](json& j) { set(j, "/protocol", 2); }, "protocol 2 is not spoken here"},
      {[](json& j) { erase(j, "/protocol"); }, "protocol: missing"},
  };
  // clang-format on
  for (const auto& c : cases) {
    INFO(c.message);
    CHECK_THAT(error_after(c.change), Catch::Matchers::StartsWith(c.message));
  }
}

TEST_CASE("a changes page over the limits is refused") {
  ChangesPage page = full_page();
  page.removed_sessions.assign(kMaxItemsPerPage, "s");
  auto crowded = parse_changes_page(to_json(page));
  REQUIRE_FALSE(crowded);
  CHECK(crowded.error().code == Errc::limit_exceeded);

  // Exactly at the limit is fine.
  page = ChangesPage{};
  page.site = {"site-1", "Hall"};
  page.removed_sessions.assign(kMaxItemsPerPage, "s");
  CHECK(parse_changes_page(to_json(page)));

  std::string huge = to_json(full_page());
  huge.insert(1, R"("padding":")" + std::string(kMaxBodyBytes, 'x') + R"(",)");
  auto oversized = parse_changes_page(huge);
  REQUIRE_FALSE(oversized);
  CHECK(oversized.error().code == Errc::limit_exceeded);

  CHECK_FALSE(parse_changes_page(""));
  CHECK_FALSE(parse_changes_page("[]"));
  CHECK_FALSE(parse_changes_page(std::string("{\"protocol\":1\0}", 15)));
}
