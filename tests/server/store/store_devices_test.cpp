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
    auto device = must(store->authenticate(response.device_id, response.device_token, kNoon));
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

  CHECK(store->authenticate(first.device_id, first.device_token, kNoon));
  CHECK(store->authenticate(first.device_id, "wrong", kNoon).error().code == Errc::unauthorized);
  CHECK(store->authenticate(first.device_id, second.device_token, kNoon).error().code == Errc::unauthorized);
  CHECK(store->authenticate("no-such-device", first.device_token, kNoon).error().code == Errc::unauthorized);
  CHECK(store->authenticate(first.device_id, "", kNoon).error().code == Errc::unauthorized);
  CHECK(store->authenticate(first.device_id, first_token.token, kNoon).error().code == Errc::unauthorized);

  SECTION("a rolled token takes over at its first use; the old one works until then") {
    auto lost = must(store->roll_device_token(first.device_id, kNoon + 1h));
    CHECK(lost != first.device_token);
    // The kiosk never heard the answer: it goes on with its token, and rolls again.
    CHECK(store->authenticate(first.device_id, first.device_token, kNoon + 1h));
    auto rolled = must(store->roll_device_token(first.device_id, kNoon + 2h));
    CHECK(store->authenticate(first.device_id, lost, kNoon + 2h).error().code == Errc::unauthorized);
    CHECK(must(store->authenticate(first.device_id, first.device_token, kNoon + 2h)).new_token_waiting);
    auto device = must(store->authenticate(first.device_id, rolled, kNoon + 3h));
    CHECK(device.token_since == kNoon + 3h);
    CHECK_FALSE(device.new_token_waiting);
    CHECK(store->authenticate(first.device_id, first.device_token, kNoon + 3h).error().code == Errc::unauthorized);
    CHECK(store->authenticate(first.device_id, rolled, kNoon + 4h));
    CHECK(store->authenticate(second.device_id, rolled, kNoon + 4h).error().code == Errc::unauthorized);
  }

  SECTION("a revoked device is refused; the other still works") {
    must(store->revoke_device(first.device_id, kNoon + 1h));
    must(store->revoke_device(first.device_id, kNoon + 2h));
    CHECK(store->authenticate(first.device_id, first.device_token, kNoon).error().code == Errc::unauthorized);
    CHECK(store->authenticate(second.device_id, second.device_token, kNoon));
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
    auto device = must(store->authenticate(first.device_id, first.device_token, kNoon));
    REQUIRE(device.last_seen);
    CHECK(*device.last_seen == kNoon + 1h);
    REQUIRE(device.clock_offset);
    CHECK(device.clock_offset->count() == 2500);
    must(store->note_contact(first.device_id, kNoon + 2h, std::nullopt));
    device = must(store->authenticate(first.device_id, first.device_token, kNoon));
    CHECK(*device.last_seen == kNoon + 2h);
    CHECK(device.clock_offset->count() == 2500);  // unknown this time: the last one stays
  }
}

TEST_CASE("token roll: due 30 days after the token's first use by the server's clock, or when a coordinator asks",
          "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  Organisation org(*store);
  auto token = must(store->create_enrolment_token(org.site.id, kNoon));
  auto enrolled = must(store->enrol(sync::EnrolRequest{token.token, "kiosk-1", "1.0"}, kNoon));
  auto device = must(store->authenticate(enrolled.device_id, enrolled.device_token, kNoon));
  CHECK(device.token_since == kNoon);
  CHECK_FALSE(server::token_roll_due(device, kNoon + std::chrono::days{29}));
  CHECK(server::token_roll_due(device, kNoon + std::chrono::days{30}));
  // The kiosk's changes pages carry it.
  CHECK_FALSE(must(store->changes(device, "", kNoon + std::chrono::days{29})).token_roll_due);
  CHECK(must(store->changes(device, "", kNoon + std::chrono::days{31})).token_roll_due);

  SECTION("a coordinator's request makes it due at once, until the new token is used") {
    must(store->request_token_roll(device.id, kNoon + 1h));
    must(store->request_token_roll(device.id, kNoon + 2h));  // asking twice is one request
    device = must(store->authenticate(device.id, enrolled.device_token, kNoon + 2h));
    REQUIRE(device.roll_requested);
    CHECK(*device.roll_requested == kNoon + 1h);
    CHECK(server::token_roll_due(device, kNoon + 2h));
    CHECK(must(store->changes(device, "", kNoon + 2h)).token_roll_due);
    auto rolled = must(store->roll_device_token(device.id, kNoon + 2h));
    device = must(store->authenticate(device.id, enrolled.device_token, kNoon + 2h));
    CHECK(server::token_roll_due(device, kNoon + 2h));  // handed out, not used yet
    device = must(store->authenticate(device.id, rolled, kNoon + 3h));
    CHECK_FALSE(device.roll_requested);
    CHECK_FALSE(server::token_roll_due(device, kNoon + 3h));
    CHECK(server::token_roll_due(device, kNoon + 3h + std::chrono::days{30}));
  }

  SECTION("a revoked kiosk cannot be asked, nor roll") {
    must(store->revoke_device(device.id, kNoon + 1h));
    CHECK(store->request_token_roll(device.id, kNoon + 2h).error().code == Errc::not_found);
    CHECK(store->request_token_roll("no-such-device", kNoon + 2h).error().code == Errc::not_found);
    CHECK(store->roll_device_token(device.id, kNoon + 2h).error().code == Errc::not_found);
  }

  SECTION("a kiosk enrolled again proves itself with a rolled token it saved and never used") {
    auto rolled = must(store->roll_device_token(device.id, kNoon + 1h));
    auto again = must(store->create_enrolment_token(org.site.id, kNoon + 2h));
    sync::EnrolRequest request{again.token, "kiosk-1", "1.0"};
    request.previous_device_id = device.id;
    request.previous_device_token = rolled;
    auto successor = must(store->enrol(request, kNoon + 2h));
    auto devices = must(store->devices());
    auto old = std::ranges::find(devices, device.id, &server::Device::id);
    REQUIRE(old != devices.end());
    CHECK(old->replaced_by == successor.device_id);
  }
}
