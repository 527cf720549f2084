// SPDX-License-Identifier: AGPL-3.0-or-later
// Pass-signing keys, passes, enrolment and device authentication.
#include <algorithm>
#include <atomic>
#include <thread>

#include "checkin/core/pass.hpp"
#include "store_test_support.hpp"

using namespace checkin;
using namespace checkin::testing;
using checkin::server::ServerStore;

TEST_CASE("signing keys: up to three active, the newest signs, retired keys stop", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  auto first = must(store->create_signing_key(kNoon));
  auto second = must(store->create_signing_key(kNoon + 1s));
  auto third = must(store->create_signing_key(kNoon + 2s));
  auto fourth = store->create_signing_key(kNoon + 3s);
  REQUIRE_FALSE(fourth);
  CHECK(fourth.error().code == Errc::limit_exceeded);

  auto keys = must(store->signing_keys());
  REQUIRE(keys.size() == 3);
  CHECK(keys[0].key_id == third.key_id);  // newest first
  CHECK(keys[2].key_id == first.key_id);
  CHECK(keys[0].public_key.size() == 64);

  must(store->retire_signing_key(first.key_id, kNoon + 4s));
  must(store->retire_signing_key(first.key_id, kNoon + 5s));  // again: unchanged
  CHECK(store->retire_signing_key("00000000", kNoon).error().code == Errc::not_found);
  auto fresh = must(store->create_signing_key(kNoon + 6s));
  keys = must(store->signing_keys());
  REQUIRE(keys.size() == 4);
  CHECK(keys[0].key_id == fresh.key_id);
  CHECK(keys[3].key_id == first.key_id);  // retired ones last
  REQUIRE(keys[3].retired_at);
  CHECK(*keys[3].retired_at == kNoon + 4s);
  (void)second;

  // The newest active key signs, and the pass verifies with its public key.
  Organisation org(*store);
  auto ana = org.add_person("Ana");
  auto issued = must(store->issue_pass(ana.id, kNoon + 24h * 365, kNoon));
  CHECK(issued.record.key_id == fresh.key_id);
  KeyRing ring;
  REQUIRE(ring.add(must(PublicKey::from_hex(fresh.public_key))));
  PassVerifier verifier(ring, {});
  auto claims = verifier.verify(issued.text, kNoon);
  REQUIRE(claims);
  CHECK(claims->pass_id == issued.record.pass_id);
  CHECK(claims->expires == issued.record.expires);
}

TEST_CASE("passes: reissuing revokes the earlier pass, and revoking is idempotent", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  Organisation org(*store);
  auto ana = org.add_person("Ana");
  CHECK(store->issue_pass(ana.id, kNoon + 24h, kNoon).error().code == Errc::not_found);  // no key yet
  must(store->create_signing_key(kNoon));
  CHECK(store->issue_pass("nobody", kNoon + 24h, kNoon).error().code == Errc::not_found);
  CHECK(store->issue_pass(ana.id, kNoon - 1s, kNoon).error().code == Errc::invalid_input);

  auto first = must(store->issue_pass(ana.id, kNoon + 24h, kNoon));
  auto second = must(store->issue_pass(ana.id, kNoon + 48h, kNoon + 1min));
  CHECK(first.record.pass_id != second.record.pass_id);
  auto passes = must(store->passes_of(ana.id));
  REQUIRE(passes.size() == 2);
  CHECK(passes[0].pass_id == second.record.pass_id);
  CHECK_FALSE(passes[0].revoked_at);
  CHECK(passes[1].pass_id == first.record.pass_id);
  REQUIRE(passes[1].revoked_at);
  CHECK(*passes[1].revoked_at == kNoon + 1min);

  must(store->revoke_pass(second.record.pass_id, kNoon + 2min));
  must(store->revoke_pass(second.record.pass_id, kNoon + 3min));
  passes = must(store->passes_of(ana.id));
  REQUIRE(passes[0].revoked_at);
  CHECK(*passes[0].revoked_at == kNoon + 2min);  // the first revocation stands
  CHECK(store->revoke_pass("0123456789abcdef0123456789abcdef", kNoon).error().code == Errc::not_found);
}

TEST_CASE("enrolment: a token works once, for 15 minutes, and never says why it failed", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  Organisation org(*store);
  must(store->create_signing_key(kNoon));
  CHECK(store->create_enrolment_token("no-such-site", kNoon).error().code == Errc::not_found);

  auto token = must(store->create_enrolment_token(org.site.id, kNoon));
  CHECK(token.site_id == org.site.id);
  CHECK(token.expires == kNoon + 15min);
  CHECK(token.token.size() >= 43);  // 32 random bytes

  SECTION("used once") {
    auto response = must(store->enrol(sync::EnrolRequest{token.token, "kiosk-1", "1.0"}, kNoon + 1min));
    CHECK(is_uuid(response.device_id));
    CHECK(response.site.id == org.site.id);
    CHECK(response.site.name == org.site.name);
    CHECK(response.public_keys.size() == 1);
    CHECK(response.server_time == kNoon + 1min);
    auto device = must(store->authenticate(response.device_id, response.device_token));
    CHECK(device.site_id == org.site.id);
    CHECK(device.name == "kiosk-1");
    CHECK(device.enrolled_at == kNoon + 1min);

    auto again = store->enrol(sync::EnrolRequest{token.token, "kiosk-2", "1.0"}, kNoon + 2min);
    REQUIRE_FALSE(again);
    CHECK(again.error().code == Errc::unauthorized);
    auto wrong = store->enrol(sync::EnrolRequest{"not-a-token", "kiosk-2", "1.0"}, kNoon + 2min);
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code == Errc::unauthorized);
    CHECK(again.error().message == wrong.error().message);  // does not reveal which
    CHECK(must(store->devices()).size() == 1);
  }

  SECTION("valid until just before 15 minutes, not at 15 minutes") {
    auto late = store->enrol(sync::EnrolRequest{token.token, "kiosk-1", "1.0"}, kNoon + 15min);
    REQUIRE_FALSE(late);
    CHECK(late.error().code == Errc::unauthorized);
    auto just_in_time = store->enrol(sync::EnrolRequest{token.token, "kiosk-1", "1.0"}, kNoon + 15min - 1ms);
    CHECK(just_in_time);
  }

  SECTION("two kiosks presenting one token at once: exactly one is enrolled") {
    std::atomic<int> enrolled{0}, refused{0};
    std::atomic<bool> go{false};
    auto attempt = [&](std::string name) {
      while (!go) std::this_thread::yield();
      auto result = store->enrol(sync::EnrolRequest{token.token, name, "1.0"}, kNoon + 1min);
      if (result) ++enrolled;
      else if (result.error().code == Errc::unauthorized || result.error().code == Errc::unavailable) ++refused;
    };
    std::thread a(attempt, "kiosk-a"), b(attempt, "kiosk-b");
    go = true;
    a.join();
    b.join();
    CHECK(enrolled == 1);
    CHECK(refused == 1);
    CHECK(must(store->devices()).size() == 1);
  }
}

TEST_CASE("authentication: wrong, other device's, rolled and revoked tokens", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  Organisation org(*store);
  auto first_token = must(store->create_enrolment_token(org.site.id, kNoon));
  auto first = must(store->enrol(sync::EnrolRequest{first_token.token, "kiosk-1", "1.0"}, kNoon));
  auto second_token = must(store->create_enrolment_token(org.site.id, kNoon));
  auto second = must(store->enrol(sync::EnrolRequest{second_token.token, "kiosk-2", "1.0"}, kNoon));

  CHECK(store->authenticate(first.device_id, first.device_token));
  CHECK(store->authenticate(first.device_id, "wrong").error().code == Errc::unauthorized);
  CHECK(store->authenticate(first.device_id, second.device_token).error().code == Errc::unauthorized);
  CHECK(store->authenticate("no-such-device", first.device_token).error().code == Errc::unauthorized);
  CHECK(store->authenticate(first.device_id, "").error().code == Errc::unauthorized);
  CHECK(store->authenticate(first.device_id, first_token.token).error().code == Errc::unauthorized);

  SECTION("a rolled token replaces the old one") {
    auto rolled = must(store->roll_device_token(first.device_id, kNoon + 1h));
    CHECK(rolled != first.device_token);
    CHECK(store->authenticate(first.device_id, first.device_token).error().code == Errc::unauthorized);
    CHECK(store->authenticate(first.device_id, rolled));
  }

  SECTION("a revoked device is refused; the other still works") {
    must(store->revoke_device(first.device_id, kNoon + 1h));
    must(store->revoke_device(first.device_id, kNoon + 2h));
    CHECK(store->authenticate(first.device_id, first.device_token).error().code == Errc::unauthorized);
    CHECK(store->authenticate(second.device_id, second.device_token));
    CHECK(store->roll_device_token(first.device_id, kNoon + 3h).error().code == Errc::not_found);
    auto devices = must(store->devices());
    auto revoked = std::find_if(devices.begin(), devices.end(), [&](const auto& d) { return d.id == first.device_id; });
    REQUIRE(revoked != devices.end());
    REQUIRE(revoked->revoked_at);
    CHECK(*revoked->revoked_at == kNoon + 1h);
    CHECK(store->revoke_device("no-such-device", kNoon).error().code == Errc::not_found);
  }

  SECTION("each contact records last seen and the clock offset") {
    must(store->note_contact(first.device_id, kNoon + 1h, kNoon + 1h + 2500ms));
    auto device = must(store->authenticate(first.device_id, first.device_token));
    REQUIRE(device.last_seen);
    CHECK(*device.last_seen == kNoon + 1h);
    REQUIRE(device.clock_offset);
    CHECK(device.clock_offset->count() == 2500);
    must(store->note_contact(first.device_id, kNoon + 2h, std::nullopt));
    device = must(store->authenticate(first.device_id, first.device_token));
    CHECK(*device.last_seen == kNoon + 2h);
    CHECK(device.clock_offset->count() == 2500);  // unknown this time: the last one stays
  }
}
