// SPDX-License-Identifier: AGPL-3.0-or-later
// The changes feed: rounds, paging, cursors, tombstones and the roster slice.
#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <map>

#include "store_test_support.hpp"

using namespace checkin;
using namespace checkin::testing;
using checkin::server::Device;

namespace {

// Every page of one round, and what they hold together.
struct Round {
  std::vector<sync::ChangesPage> pages;
  std::string cursor;  // the last page's next_cursor: where the next round starts
  std::vector<Id> programs, sessions, removed_sessions, shifts, removed_shifts, revocations, roster;
  std::map<Id, sync::RosterEntry> roster_entries;
  bool roster_replaced = false;

  bool full_resync() const { return pages.front().full_resync; }
  std::size_t items() const {
    return programs.size() + sessions.size() + removed_sessions.size() + shifts.size() + removed_shifts.size() +
           revocations.size() + roster.size();
  }
};

template <class Items, class Key>
void collect(std::vector<Id>& into, const Items& items, Key key) {
  for (const auto& item : items) into.push_back(key(item));
}

Round read_round(server::ServerStore& store, const Device& device, std::string cursor, WallTime now,
                 std::size_t max_items = sync::kMaxItemsPerPage) {
  Round round;
  for (int guard = 0; guard < 1000; ++guard) {
    auto page = must(store.changes(device, cursor, now, max_items));
    std::size_t items = page.programs.size() + page.sessions.size() + page.removed_sessions.size() +
                        page.shifts.size() + page.removed_shifts.size() + page.revocations.size() + page.roster.size();
    CHECK(items <= max_items);
    CHECK(page.site.id == device.site_id);
    CHECK(page.server_time == now);
    if (!round.pages.empty()) {
      CHECK_FALSE(page.full_resync);
      CHECK(page.public_keys.empty());  // the first page of a round carries the keys
    }
    collect(round.programs, page.programs, [](const Program& p) { return p.id; });
    collect(round.sessions, page.sessions, [](const Session& s) { return s.id; });
    collect(round.removed_sessions, page.removed_sessions, [](const Id& id) { return id; });
    collect(round.shifts, page.shifts, [](const Shift& s) { return s.id; });
    collect(round.removed_shifts, page.removed_shifts, [](const Id& id) { return id; });
    collect(round.revocations, page.revocations, [](const sync::RevocationEntry& r) { return r.pass_id; });
    collect(round.roster, page.roster, [](const sync::RosterEntry& r) { return r.person.id; });
    for (const auto& entry : page.roster) round.roster_entries[entry.person.id] = entry;
    round.roster_replaced = round.roster_replaced || page.roster_replaced;
    if (!page.roster.empty()) CHECK(page.roster_replaced);
    cursor = page.next_cursor;
    CHECK_FALSE(cursor.empty());
    bool more = page.has_more;
    round.pages.push_back(std::move(page));
    if (!more) {
      round.cursor = cursor;
      return round;
    }
  }
  FAIL("a round that never ends");
  return round;
}

bool contains(const std::vector<Id>& ids, const Id& id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); }

bool each_once(std::vector<Id> ids) {
  std::sort(ids.begin(), ids.end());
  return std::adjacent_find(ids.begin(), ids.end()) == ids.end();
}

std::string base64url(std::string_view text) {
  constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(text.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()), text.size(), variant);
  out.resize(out.size() - 1);
  return out;
}

struct Feed {
  StoreDatabase db;
  std::unique_ptr<server::ServerStore> store = db.open();
  Organisation org{*store};
  Device kiosk = org.enrol_kiosk();
  server::SigningKeyInfo key = must(store->create_signing_key(kNoon));

  // A person registered to the program, with a pass.
  std::pair<server::PersonRecord, std::string> participant(std::string name, std::vector<Id> programs) {
    auto person = org.add_person(std::move(name), std::move(programs));
    auto pass = must(store->issue_pass(person.id, kNoon + 24h * 90, kNoon));
    return {person, pass.record.pass_id};
  }
};

}  // namespace

TEST_CASE("changes: a full resync, then a round with nothing new", "[server][store][changes]") {
  Feed f;
  auto [ana, ana_pass] = f.participant("Ana", {f.org.program.id});
  auto [old_person, old_pass] = f.participant("Old", {});
  must(f.store->revoke_pass(old_pass, kNoon));
  Session long_ago = f.org.add_session(f.org.program.id, kNoon - 72h, kNoon - 70h);
  Session cancelled = f.org.add_session(f.org.program.id, kNoon + 2h, kNoon + 3h);
  must(f.store->cancel_session(cancelled.id));
  Shift shift = must(f.store->create_shift(Shift{"", f.org.site.id, "Desk", kNoon, kNoon + 2h, {ana.id}}));
  must(f.store->set_kiosk_setting("", "result_seconds", "5"));

  Round full = read_round(*f.store, f.kiosk, "", kNoon);
  CHECK(full.full_resync());
  REQUIRE(full.pages.size() == 1);
  const auto& first = full.pages.front();
  CHECK(first.site.name == f.org.site.name);
  REQUIRE(first.public_keys.size() == 1);
  CHECK(first.public_keys[0].key_id == f.key.key_id);
  CHECK(first.public_keys[0].public_key == f.key.public_key);
  CHECK(first.settings == std::map<std::string, std::string>{{"result_seconds", "5"}, {"retention_discreet_days", "90"},
                                                          {"retention_other_days", "730"}});
  CHECK(full.programs == std::vector<Id>{f.org.program.id});
  CHECK(full.sessions == std::vector<Id>{f.org.session.id});  // not the old one, not the cancelled one
  CHECK(full.removed_sessions.empty());
  CHECK(full.shifts == std::vector<Id>{shift.id});
  CHECK(first.shifts[0].assigned_people == std::vector<Id>{ana.id});
  CHECK(contains(full.revocations, old_pass));
  CHECK(full.roster_replaced);
  CHECK(full.roster == std::vector<Id>{ana.id});
  CHECK(full.roster_entries.at(ana.id).person.preferred_name == "Ana");
  CHECK(full.roster_entries.at(ana.id).pass_ids == std::vector<std::string>{ana_pass});
  CHECK(full.roster_entries.at(ana.id).person.registered_programs == std::vector<Id>{f.org.program.id});
  (void)long_ago;

  Round quiet = read_round(*f.store, f.kiosk, full.cursor, kNoon + 1min);
  CHECK_FALSE(quiet.full_resync());
  REQUIRE(quiet.pages.size() == 1);
  CHECK(quiet.items() == 0);
  CHECK_FALSE(quiet.roster_replaced);
  CHECK(quiet.pages.front().public_keys.size() == 1);  // every round's first page
  CHECK(quiet.pages.front().settings.size() == 3);
}

TEST_CASE("changes: an incremental round sends only what changed", "[server][store][changes]") {
  Feed f;
  auto [ana, ana_pass] = f.participant("Ana", {f.org.program.id});
  Round full = read_round(*f.store, f.kiosk, "", kNoon);

  Session added = f.org.add_session(f.org.program.id, kNoon + 4h, kNoon + 5h);
  Program renamed = f.org.program;
  renamed.name = "Tuesday peer support (new room)";
  must(f.store->update_program(renamed));
  must(f.store->cancel_session(f.org.session.id));
  must(f.store->revoke_pass(ana_pass, kNoon + 1min));
  Shift shift = must(f.store->create_shift(Shift{"", f.org.site.id, "Desk", kNoon, kNoon + 2h, {}}));

  Round next = read_round(*f.store, f.kiosk, full.cursor, kNoon + 2min);
  CHECK_FALSE(next.full_resync());
  CHECK(next.programs == std::vector<Id>{f.org.program.id});
  CHECK(next.pages.front().programs.front().name == renamed.name);
  CHECK(next.sessions == std::vector<Id>{added.id});
  CHECK(next.removed_sessions == std::vector<Id>{f.org.session.id});
  CHECK(next.shifts == std::vector<Id>{shift.id});
  CHECK(next.revocations == std::vector<Id>{ana_pass});
  // Ana's only pass is revoked: she leaves the roster, which is sent again (now empty).
  CHECK(next.roster_replaced);
  CHECK(next.roster.empty());

  must(f.store->delete_shift(shift.id));
  Round after_delete = read_round(*f.store, f.kiosk, next.cursor, kNoon + 3min);
  CHECK(after_delete.removed_shifts == std::vector<Id>{shift.id});
  CHECK(after_delete.items() == 1);
  CHECK_FALSE(after_delete.roster_replaced);

  // A full resync does not carry tombstones: the kiosk replaces its caches anyway.
  Round again = read_round(*f.store, f.kiosk, "", kNoon + 4min);
  CHECK(again.removed_sessions.empty());
  CHECK(again.removed_shifts.empty());
  CHECK(again.sessions == std::vector<Id>{added.id});
}

TEST_CASE("changes: small pages give every item exactly once, and overlap is harmless", "[server][store][changes]") {
  Feed f;
  std::vector<Id> people;
  for (int i = 0; i < 7; ++i) people.push_back(f.participant(fmt::format("P{}", i), {f.org.program.id}).first.id);
  for (int i = 0; i < 9; ++i) f.org.add_session(f.org.program.id, kNoon + std::chrono::hours{i}, kNoon + std::chrono::hours{i} + 1h);
  for (int i = 0; i < 3; ++i) must(f.store->create_program(Program{.id = "", .name = fmt::format("Extra {}", i)}));
  for (int i = 0; i < 4; ++i) must(f.store->create_shift(Shift{"", f.org.site.id, "Desk", kNoon, kNoon + 1h, {}}));

  Round whole = read_round(*f.store, f.kiosk, "", kNoon);
  for (std::size_t max_items : {1u, 2u, 3u, 7u}) {
    DYNAMIC_SECTION("at most " << max_items << " per page") {
      Round paged = read_round(*f.store, f.kiosk, "", kNoon, max_items);
      CHECK(paged.pages.size() >= whole.items() / max_items);
      CHECK(each_once(paged.programs));
      CHECK(each_once(paged.sessions));
      CHECK(each_once(paged.shifts));
      CHECK(each_once(paged.revocations));
      CHECK(each_once(paged.roster));
      auto sorted = [](std::vector<Id> ids) {
        std::sort(ids.begin(), ids.end());
        return ids;
      };
      CHECK(sorted(paged.programs) == sorted(whole.programs));
      CHECK(sorted(paged.sessions) == sorted(whole.sessions));
      CHECK(sorted(paged.shifts) == sorted(whole.shifts));
      CHECK(sorted(paged.roster) == sorted(whole.roster));
      CHECK(paged.roster.size() == 7);
      CHECK(paged.sessions.size() == 10);
      CHECK(paged.cursor == whole.cursor);  // the same complete cursor

      // Asking for a page again (a round cut short and retried) gives the same page.
      if (paged.pages.size() > 2) {
        auto cursor = paged.pages[0].next_cursor;
        auto once = must(f.store->changes(f.kiosk, cursor, kNoon, max_items));
        auto twice = must(f.store->changes(f.kiosk, cursor, kNoon, max_items));
        CHECK(once.next_cursor == twice.next_cursor);
        CHECK(once.sessions.size() == twice.sessions.size());
        CHECK(once.roster.size() == twice.roster.size());
      }
    }
  }
}

std::string unbase64url(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t length = 0;
  REQUIRE(sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                            &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0);
  out.resize(length);
  return out;
}

TEST_CASE("changes: a cursor the server cannot use means a full resync", "[server][store][changes]") {
  Feed f;
  Round full = read_round(*f.store, f.kiosk, "", kNoon);
  // The cursor's fields: c1.<database>.<base>.<target>.<digest>.<flags>.<section>.<after seq>.<after id>
  const std::string text = unbase64url(full.cursor);
  REQUIRE(text.starts_with("c1."));
  const std::string database = text.substr(3, text.find('.', 3) - 3);
  const std::string ahead = fmt::format("c1.{}.1000000.1000000.-.0.6.0.", database);
  for (std::string garbled : std::vector<std::string>{
           "garbage", "%%%%", "c1.0.0.-.0.6.0.", std::string(5000, 'A'), base64url("c1.0.0.-.0.6.0."),
           base64url(fmt::format("c2.{}.1.1.-.0.6.0.", database)),   // another version
           base64url(fmt::format("c1.{}.5.2.-.0.6.0.", database)),   // base after target
           base64url(fmt::format("c1.{}.x.2.-.0.6.0.", database)),   // not a number
           base64url(fmt::format("c1.{}.1.1.-.0.9.0.", database)),   // no such section
           base64url(fmt::format("c1.{}.1.1.zz.0.6.0.", database)),  // not a digest
           base64url(ahead)}) {                                      // ahead of the counter: a restored backup
    auto page = must(f.store->changes(f.kiosk, garbled, kNoon));
    CHECK(page.full_resync);
    CHECK(page.sessions.size() == 1);
  }
  // A well-formed cursor of this database is accepted.
  CHECK_FALSE(must(f.store->changes(f.kiosk, base64url(fmt::format("c1.{}.1.1.-.0.6.0.", database)), kNoon))
                  .full_resync);
  CHECK_FALSE(must(f.store->changes(f.kiosk, full.cursor, kNoon)).full_resync);

  // Another database's cursor (a replaced server) is not, though its counter is behind ours.
  StoreDatabase other_db;
  auto other = other_db.open();
  Organisation elsewhere(*other);
  auto other_kiosk = elsewhere.enrol_kiosk();
  auto foreign = must(other->changes(other_kiosk, "", kNoon)).next_cursor;
  CHECK(must(f.store->changes(f.kiosk, foreign, kNoon)).full_resync);
}

TEST_CASE("changes: the roster holds people expected at the site within 48 hours", "[server][store][changes]") {
  Feed f;
  // Next week's program: its session starts 50 hours from noon.
  Program weekly = must(f.store->create_program(Program{.id = "", .name = "Weekly art"}));
  Session later = f.org.add_session(weekly.id, kNoon + 50h, kNoon + 52h);
  auto [ana, ana_pass] = f.participant("Ana", {weekly.id});

  Round now = read_round(*f.store, f.kiosk, "", kNoon);
  CHECK_FALSE(contains(now.roster, ana.id));

  Round soon = read_round(*f.store, f.kiosk, now.cursor, kNoon + 3h);  // the session is 47 h away
  CHECK(soon.roster_replaced);
  REQUIRE(contains(soon.roster, ana.id));
  CHECK(soon.roster_entries.at(ana.id).person.registered_programs == std::vector<Id>{weekly.id});

  Round during = read_round(*f.store, f.kiosk, soon.cursor, kNoon + 51h);
  CHECK_FALSE(during.roster_replaced);  // unchanged: not sent again

  Round after = read_round(*f.store, f.kiosk, during.cursor, kNoon + 52h);
  CHECK(after.roster_replaced);
  CHECK_FALSE(contains(after.roster, ana.id));
  (void)later;
  (void)ana_pass;
}

TEST_CASE("changes: discreet programs hide names, and other sites never appear", "[server][store][changes]") {
  Feed f;
  Program discreet = must(f.store->create_program(Program{.id = "", .name = "Recovery circle", .discreet = true}));
  f.org.add_session(discreet.id, kNoon + 1h, kNoon + 2h);
  auto [quiet, quiet_pass] = f.participant("Quinn", {discreet.id});
  auto [both, both_pass] = f.participant("Bea", {discreet.id, f.org.program.id});
  auto [volunteer, volunteer_pass] = f.participant("Val", {discreet.id});
  must(f.store->create_shift(Shift{"", f.org.site.id, "Tea", kNoon + 1h, kNoon + 3h, {volunteer.id}}));
  auto [unexpected, unexpected_pass] = f.participant("Uma", {});  // expected nowhere

  // Another site with its own people and sessions, of a program people here attend too.
  Site elsewhere = must(f.store->create_site(Site{"", "Library"}));
  Session there;
  there.program_id = discreet.id;
  there.site_id = elsewhere.id;
  there.start = kNoon + 1h;
  there.end = kNoon + 2h;
  Program art = must(f.store->create_program(Program{.id = "", .name = "Art"}));
  there.program_id = art.id;
  there = must(f.store->create_session(there));
  auto [remote, remote_pass] = f.participant("Remy", {art.id});
  must(f.store->create_shift(Shift{"", elsewhere.id, "Desk", kNoon, kNoon + 1h, {remote.id}}));

  Round round = read_round(*f.store, f.kiosk, "", kNoon);
  REQUIRE(round.roster_entries.contains(quiet.id));
  CHECK(round.roster_entries.at(quiet.id).person.preferred_name.empty());
  CHECK(round.roster_entries.at(quiet.id).pass_ids == std::vector<std::string>{quiet_pass});
  CHECK(round.roster_entries.at(both.id).person.preferred_name == "Bea");
  CHECK(round.roster_entries.at(volunteer.id).person.preferred_name == "Val");  // a shift is not discreet
  CHECK_FALSE(round.roster_entries.contains(unexpected.id));
  CHECK_FALSE(round.roster_entries.contains(remote.id));
  CHECK_FALSE(contains(round.sessions, there.id));
  CHECK(round.roster.size() == 3);

  // The other site's kiosk sees only Remy.
  auto token = must(f.store->create_enrolment_token(elsewhere.id, kNoon));
  auto enrolled = must(f.store->enrol(sync::EnrolRequest{token.token, "library", "1"}, kNoon));
  auto library_kiosk = must(f.store->authenticate(enrolled.device_id, enrolled.device_token, kNoon));
  Round library = read_round(*f.store, library_kiosk, "", kNoon);
  CHECK(library.roster == std::vector<Id>{remote.id});
  CHECK(library.sessions == std::vector<Id>{there.id});
  (void)both_pass;
  (void)volunteer_pass;
  (void)unexpected_pass;
}

TEST_CASE("changes: a reissued pass replaces the revoked one in the roster", "[server][store][changes]") {
  Feed f;
  auto [ana, first_pass] = f.participant("Ana", {f.org.program.id});
  Round before = read_round(*f.store, f.kiosk, "", kNoon);
  CHECK(before.roster_entries.at(ana.id).pass_ids == std::vector<std::string>{first_pass});

  auto reissued = must(f.store->issue_pass(ana.id, kNoon + 24h * 90, kNoon + 1min));
  Round after = read_round(*f.store, f.kiosk, before.cursor, kNoon + 2min);
  CHECK(after.roster_replaced);
  CHECK(after.roster_entries.at(ana.id).pass_ids == std::vector<std::string>{reissued.record.pass_id});
  CHECK(after.revocations == std::vector<Id>{first_pass});
}

TEST_CASE("changes: a write committed during a round is picked up by the next round", "[server][store][changes]") {
  Feed f;
  Round first = read_round(*f.store, f.kiosk, "", kNoon);
  Session a = f.org.add_session(f.org.program.id, kNoon + 20h, kNoon + 21h);
  Session b = f.org.add_session(f.org.program.id, kNoon + 22h, kNoon + 23h);

  // A round in progress, one item per page...
  auto opening = must(f.store->changes(f.kiosk, first.cursor, kNoon, 1));
  REQUIRE(opening.has_more);
  std::vector<Id> seen;
  for (const auto& s : opening.sessions) seen.push_back(s.id);
  // ...while a coordinator adds a session and changes one the kiosk already has.
  Session late = f.org.add_session(f.org.program.id, kNoon + 30h, kNoon + 31h);
  Session changed = f.org.session;
  changed.room = "Moved to room 3";
  must(f.store->update_session(changed));
  std::string cursor = opening.next_cursor;
  for (int guard = 0; guard < 100; ++guard) {
    auto rest = must(f.store->changes(f.kiosk, cursor, kNoon, 1));
    for (const auto& s : rest.sessions) seen.push_back(s.id);
    cursor = rest.next_cursor;
    if (!rest.has_more) break;
  }
  CHECK(contains(seen, a.id));
  CHECK(contains(seen, b.id));
  CHECK_FALSE(contains(seen, late.id));  // stamped after this round's target: the next round's

  Round following = read_round(*f.store, f.kiosk, cursor, kNoon + 1min);
  CHECK(following.sessions.size() == 2);
  CHECK(contains(following.sessions, late.id));
  REQUIRE(contains(following.sessions, changed.id));
  for (const auto& page : following.pages)
    for (const auto& s : page.sessions)
      if (s.id == changed.id) CHECK(s.room == "Moved to room 3");
}

TEST_CASE("changes: kiosks receive a discreet program's public alias, never its real name", "[server][store][changes]") {
  Feed f;
  auto group = must(f.store->create_program(Program{.id = "", .name = "Grief support circle", .discreet = true,
                                                    .public_alias = "Evening group"}));
  auto plain = must(f.store->create_program(Program{.id = "", .name = "Quiet circle", .discreet = true}));
  auto open_one = must(f.store->create_program(Program{.id = "", .name = "Art class", .public_alias = "ignored"}));

  Round full = read_round(*f.store, f.kiosk, "", kNoon);
  std::map<Id, Program> sent;
  for (const auto& page : full.pages)
    for (const auto& p : page.programs) sent[p.id] = p;
  CHECK(sent.at(group.id).name == "Evening group");
  CHECK(sent.at(plain.id).name.empty());  // the kiosk says "A group session"
  CHECK(sent.at(open_one.id).name == "Art class");
  for (const auto& [id, p] : sent) CHECK(p.public_alias.empty());
  CHECK(sent.at(group.id).name.find("Grief") == std::string::npos);
  // The server keeps both.
  auto stored = must(f.store->programs());
  auto found = std::ranges::find(stored, group.id, &Program::id);
  REQUIRE(found != stored.end());
  CHECK(found->name == "Grief support circle");
  CHECK(found->public_alias == "Evening group");

  // A new alias reaches the kiosk in the next round.
  group.public_alias = "Thursday group, Room 4";
  must(f.store->update_program(group));
  Round next = read_round(*f.store, f.kiosk, full.cursor, kNoon + 1min);
  REQUIRE(next.programs == std::vector<Id>{group.id});
  CHECK(next.pages.front().programs.front().name == "Thursday group, Room 4");
}
