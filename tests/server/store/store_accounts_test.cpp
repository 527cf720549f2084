// SPDX-License-Identifier: AGPL-3.0-or-later
// Dashboard accounts, signing in (with the throttle on guessing) and web sessions.
// Every password hash costs about 0.1 s and 64 MB, so each case hashes only a few.
#include <fmt/format.h>

#include "store_test_support.hpp"

using namespace checkin;
using namespace checkin::testing;
using checkin::server::Account;
using checkin::server::Role;
using checkin::server::SignInAttempt;
using checkin::server::SignInThrottle;
using checkin::server::WebSessionPolicy;

namespace {

constexpr std::string_view kPassword = "correct horse battery";

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("roles: written and read as admin and coordinator", "[server][store]") {
  CHECK(std::string(server::to_string(Role::admin)) == "admin");
  CHECK(std::string(server::to_string(Role::coordinator)) == "coordinator");
  CHECK(server::role_from_string("admin") == Role::admin);
  CHECK(server::role_from_string("coordinator") == Role::coordinator);
  CHECK_FALSE(server::role_from_string("Admin"));
  CHECK_FALSE(server::role_from_string(""));
}

TEST_CASE("accounts: created, listed and changed, bad input refused", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  Organisation org(*store);
  auto north = must(store->create_site(Site{"", "North"}));

  auto admin = must(store->create_account("Alex", "Alex Admin", kPassword, Role::admin, {org.site.id}, kNoon));
  CHECK(admin.username == "Alex");
  CHECK(admin.role == Role::admin);
  CHECK(admin.site_ids.empty());  // admins see every site: none kept
  CHECK(admin.created_at == kNoon);
  auto coordinator = must(store->create_account("sam.k", "Sam K", kPassword, Role::coordinator,
                                                {north.id, org.site.id, north.id}, kNoon + 1s));
  CHECK(coordinator.site_ids.size() == 2);

  // Refusals need no hashing: they are checked first.
  auto refused = [&](std::string_view username, std::string_view display_name, std::string_view password,
                     Role role, std::vector<Id> sites) {
    auto made = store->create_account(username, display_name, password, role, std::move(sites), kNoon);
    REQUIRE_FALSE(made);
    return made.error();
  };
  CHECK(refused("", "X", kPassword, Role::admin, {}).code == Errc::invalid_input);
  CHECK(refused("two words", "X", kPassword, Role::admin, {}).code == Errc::invalid_input);
  CHECK(refused("tab\there", "X", kPassword, Role::admin, {}).code == Errc::invalid_input);
  CHECK(refused(std::string(65, 'a'), "X", kPassword, Role::admin, {}).code == Errc::invalid_input);
  CHECK(refused("nodisplay", "", kPassword, Role::admin, {}).code == Errc::invalid_input);
  CHECK(refused("longdisplay", std::string(201, 'd'), kPassword, Role::admin, {}).code == Errc::invalid_input);
  auto short_password = refused("shorty", "X", "nine char", Role::admin, {});
  CHECK(short_password.code == Errc::invalid_input);
  CHECK(contains(short_password.message, "at least 10"));
  CHECK(refused("longpass", "X", std::string(201, 'p'), Role::admin, {}).code == Errc::invalid_input);
  // Ten characters, not ten bytes: "ééééé" is 10 bytes but only 5 characters.
  CHECK(refused("accents", "X", "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", Role::admin, {}).code ==
        Errc::invalid_input);
  auto unknown_site = refused("lost", "Lost", kPassword, Role::coordinator, {org.site.id, "no-such-site"});
  CHECK(unknown_site.code == Errc::invalid_input);
  CHECK(contains(unknown_site.message, "no-such-site"));
  // Usernames are unique whatever their case.
  auto taken = refused("ALEX", "Another Alex", kPassword, Role::coordinator, {});
  CHECK(taken.code == Errc::conflict);

  auto all = must(store->accounts());
  REQUIRE(all.size() == 2);
  CHECK(all[0].id == admin.id);
  CHECK(all[1].id == coordinator.id);
  CHECK(all[1].site_ids.size() == 2);

  must(store->update_account(coordinator.id, "Sam Kay", Role::coordinator, {north.id}));
  auto sam = must(store->account(coordinator.id));
  REQUIRE(sam);
  CHECK(sam->display_name == "Sam Kay");
  CHECK(sam->site_ids == std::vector<Id>{north.id});
  CHECK(store->update_account(coordinator.id, "Sam Kay", Role::coordinator, {"no-such-site"}).error().code ==
        Errc::invalid_input);
  CHECK(store->update_account(coordinator.id, "", Role::coordinator, {}).error().code == Errc::invalid_input);
  CHECK(store->update_account("no-such-account", "X", Role::admin, {}).error().code == Errc::not_found);
  CHECK(must(store->account(coordinator.id))->site_ids == std::vector<Id>{north.id});  // unchanged by refusals
  CHECK_FALSE(must(store->account("no-such-account")));

  // The last admin stays an admin and enabled; with a second admin, either may go.
  CHECK(store->update_account(admin.id, "Alex", Role::coordinator, {}).error().code == Errc::conflict);
  CHECK(store->disable_account(admin.id, kNoon).error().code == Errc::conflict);
  must(store->update_account(coordinator.id, "Sam Kay", Role::admin, {north.id}));
  CHECK(must(store->account(coordinator.id))->site_ids.empty());
  must(store->update_account(admin.id, "Alex", Role::coordinator, {org.site.id}));
  auto alex = must(store->account(admin.id));
  CHECK(alex->role == Role::coordinator);
  CHECK(alex->site_ids == std::vector<Id>{org.site.id});
}

TEST_CASE("sign-in: right and wrong passwords, any case of the username, sessions", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  Organisation org(*store);
  auto sam = must(store->create_account("Sam", "Sam K", kPassword, Role::coordinator, {org.site.id}, kNoon));

  auto signed_in = must(store->sign_in("sAM", kPassword, kNoon));
  CHECK(signed_in.account.id == sam.id);
  CHECK(signed_in.account.site_ids == std::vector<Id>{org.site.id});
  CHECK(signed_in.token.size() >= 40);
  CHECK(signed_in.csrf_token.size() >= 40);
  CHECK(signed_in.csrf_token != signed_in.token);
  CHECK(signed_in.expires == kNoon + 30min);

  auto wrong = store->sign_in("Sam", "not the password", kNoon);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code == Errc::unauthorized);
  CHECK(wrong.error().message == "wrong username or password");
  auto unknown = store->sign_in("nobody", kPassword, kNoon);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == Errc::unauthorized);
  CHECK(unknown.error().message == wrong.error().message);  // nothing tells which usernames exist
  CHECK(store->sign_in("Sam", std::string(100'000, 'x'), kNoon).error().code == Errc::unauthorized);

  // The cookie's token finds the session; the idle expiry slides on with each request.
  auto found = must(store->web_session(signed_in.token, kNoon + 20min));
  CHECK(found.account.id == sam.id);
  CHECK(found.account.username == "Sam");
  CHECK(found.token == signed_in.token);
  CHECK(found.csrf_token == signed_in.csrf_token);
  CHECK(found.expires == kNoon + 50min);
  CHECK(must(store->web_session(signed_in.token, kNoon + 45min)).expires == kNoon + 75min);

  // Unknown tokens, and signing out (twice: no error).
  CHECK(store->web_session("made-up-token", kNoon).error().code == Errc::unauthorized);
  CHECK(store->web_session("", kNoon).error().code == Errc::unauthorized);
  CHECK(store->web_session(signed_in.csrf_token, kNoon).error().code == Errc::unauthorized);
  must(store->sign_out(signed_in.token));
  must(store->sign_out(signed_in.token));
  must(store->sign_out("never-issued"));
  CHECK(store->web_session(signed_in.token, kNoon + 46min).error().code == Errc::unauthorized);
}

TEST_CASE("web sessions: expire when idle and after the longest life", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  must(store->create_account("alex", "Alex", kPassword, Role::admin, {}, kNoon));
  const WebSessionPolicy policy{.idle = 30min, .longest = 2h};

  auto first = must(store->sign_in("alex", kPassword, kNoon, policy));
  auto second = must(store->sign_in("alex", kPassword, kNoon, policy));
  CHECK(first.token != second.token);  // each browser its own session

  // Idle: valid just before 30 minutes without a request, not at 30 minutes.
  must(store->web_session(first.token, kNoon + 29min, policy));
  auto idle = store->web_session(second.token, kNoon + 30min, policy);
  REQUIRE_FALSE(idle);
  CHECK(idle.error().code == Errc::unauthorized);
  CHECK(idle.error().message == "your session has expired: sign in again");
  // Requests every 25 minutes keep it alive, but only up to the longest life.
  WallTime at = kNoon + 29min;
  while (at + 25min < kNoon + 2h) {
    at += 25min;
    auto kept = must(store->web_session(first.token, at, policy));
    CHECK(kept.expires == std::min(at + 30min, kNoon + 2h));
  }
  auto longest = store->web_session(first.token, kNoon + 2h, policy);
  REQUIRE_FALSE(longest);
  CHECK(longest.error().message == "your session has expired: sign in again");
  // A policy shortened later applies to sessions made before.
  auto third = must(store->sign_in("alex", kPassword, kNoon + 3h, policy));
  CHECK(store->web_session(third.token, kNoon + 3h + 20min, WebSessionPolicy{.idle = 30min, .longest = 15min})
            .error()
            .code == Errc::unauthorized);
}

TEST_CASE("accounts: disabling and a new password end the sessions", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  Organisation org(*store);
  must(store->create_account("alex", "Alex", kPassword, Role::admin, {}, kNoon));
  auto sam = must(store->create_account("sam", "Sam", kPassword, Role::coordinator, {org.site.id}, kNoon));
  auto alex_session = must(store->sign_in("alex", kPassword, kNoon));

  SECTION("disabled") {
    auto sam_session = must(store->sign_in("sam", kPassword, kNoon));
    must(store->disable_account(sam.id, kNoon + 1min));
    must(store->disable_account(sam.id, kNoon + 2min));  // again: unchanged
    CHECK(must(store->account(sam.id))->disabled_at == kNoon + 1min);
    CHECK(store->web_session(sam_session.token, kNoon + 2min).error().code == Errc::unauthorized);
    // The right password does not help, and says nothing more than a wrong one.
    auto refused = store->sign_in("sam", kPassword, kNoon + 3min);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::unauthorized);
    CHECK(refused.error().message == "wrong username or password");
    CHECK(store->disable_account("no-such-account", kNoon).error().code == Errc::not_found);
  }
  SECTION("a new password") {
    auto sam_session = must(store->sign_in("sam", kPassword, kNoon));
    CHECK(store->set_password(sam.id, "too short").error().code == Errc::invalid_input);
    must(store->web_session(sam_session.token, kNoon + 1min));  // a refused change ends nothing
    must(store->set_password(sam.id, "a brand new passphrase"));
    CHECK(store->web_session(sam_session.token, kNoon + 2min).error().code == Errc::unauthorized);
    CHECK(store->sign_in("sam", kPassword, kNoon + 3min).error().code == Errc::unauthorized);
    CHECK(must(store->sign_in("sam", "a brand new passphrase", kNoon + 4min)).account.id == sam.id);
    CHECK(store->set_password("no-such-account", "a brand new passphrase").error().code == Errc::not_found);
  }
  // Another account's sessions are untouched.
  CHECK(must(store->web_session(alex_session.token, kNoon + 5min)).account.username == "alex");
}

TEST_CASE("sign-in throttle: five failures free, then waits that double", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  must(store->create_account("sam", "Sam", kPassword, Role::admin, {}, kNoon));
  const SignInThrottle throttle;  // 5 free, 2 s doubling, up to 15 minutes, forgotten after 24 h
  auto attempt = [&](std::string_view username, std::string_view password, WallTime at) {
    return store->sign_in(username, password, at, {}, throttle);
  };
  auto must_wait = [](const Result<server::WebSession>& result, int seconds) {
    REQUIRE_FALSE(result);
    CHECK(result.error().code == Errc::limit_exceeded);
    CHECK(result.error().message ==
          fmt::format("too many failed sign-ins: try again in {} second{}", seconds, seconds == 1 ? "" : "s"));
  };

  WallTime at = kNoon;
  for (int i = 0; i < 5; ++i) CHECK(attempt("sam", "wrong password", at += 1s).error().code == Errc::unauthorized);
  // The sixth failure is still checked, and makes the next attempt wait 2 s.
  CHECK(attempt("SAM", "wrong password", at += 1s).error().code == Errc::unauthorized);
  const WallTime sixth = at;
  must_wait(attempt("sam", kPassword, sixth), 2);  // the right password is not even checked
  must_wait(attempt("sam", kPassword, sixth + 1500ms), 1);
  // After the wait: checked again; another failure doubles the wait to 4 s.
  CHECK(attempt("sam", "wrong password", sixth + 2s).error().code == Errc::unauthorized);
  must_wait(attempt("sam", kPassword, sixth + 2s + 3s), 1);
  CHECK(must(attempt("sam", kPassword, sixth + 2s + 4s)).account.username == "sam");
  // The success cleared the count: a failure now is one of five free ones again, and the
  // next attempt, at the same instant, is checked at once.
  CHECK(attempt("sam", "wrong password", sixth + 10s).error().code == Errc::unauthorized);
  CHECK(must(attempt("sam", kPassword, sixth + 10s)).account.username == "sam");
}

TEST_CASE("sign-in throttle: made-up usernames count against their address, the wait is capped, old failures forgotten",
          "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  must(store->create_account("sam", "Sam", kPassword, Role::admin, {}, kNoon));
  // No free failures and short waits, so that few (slow) password checks show the rules.
  const SignInThrottle throttle{
      .free_failures = 0, .free_address_failures = 0, .first_wait = 10s, .longest_wait = 30s, .forget_after = 1h};
  auto attempt = [&](std::string_view username, WallTime at) {
    return store->sign_in(SignInAttempt{username, "wrong password", "192.0.2.7", ""}, at, {}, throttle);
  };

  CHECK(attempt("ghost", kNoon).error().code == Errc::unauthorized);
  CHECK(attempt("another-ghost", kNoon + 5s).error().code == Errc::limit_exceeded);  // the address waits, any username
  CHECK(attempt("ghost", kNoon + 10s).error().code == Errc::unauthorized);   // waits 20 s now
  CHECK(attempt("ghost", kNoon + 29s).error().code == Errc::limit_exceeded);
  CHECK(attempt("ghost", kNoon + 30s).error().code == Errc::unauthorized);   // would be 40 s: capped at 30 s
  CHECK(attempt("ghost", kNoon + 59s).error().code == Errc::limit_exceeded);
  CHECK(attempt("ghost", kNoon + 60s).error().code == Errc::unauthorized);
  // Another address is not slowed by this one's failures.
  CHECK(must(store->sign_in(SignInAttempt{"sam", kPassword, "192.0.2.8", ""}, kNoon + 61s, {}, throttle)).account.username ==
        "sam");
  // An hour after the last failure the count starts again: one failure, then a 10 s wait.
  CHECK(attempt("ghost", kNoon + 60s + 1h).error().code == Errc::unauthorized);
  CHECK(attempt("ghost", kNoon + 60s + 1h + 9s).error().code == Errc::limit_exceeded);
}

TEST_CASE("sign-in throttle: a guesser at one address cannot keep the owner out", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  must(store->create_account("sam", "Sam", kPassword, Role::admin, {}, kNoon));
  const SignInThrottle throttle{.free_failures = 2, .first_wait = 1min, .longest_wait = 15min};
  WallTime at = kNoon;
  for (int i = 0; i < 3; ++i)
    CHECK(store->sign_in(SignInAttempt{"sam", "guess", "198.51.100.66", ""}, at += 1s, {}, throttle).error().code ==
          Errc::unauthorized);
  // The guesser waits, even with the right password...
  CHECK(store->sign_in(SignInAttempt{"sam", kPassword, "198.51.100.66", ""}, at += 1s, {}, throttle).error().code ==
        Errc::limit_exceeded);
  // ...and keeps the wait going by trying every quarter of an hour; the owner at home and
  // at the office signs in all the while.
  for (int i = 0; i < 4; ++i) {
    at += 15min;
    (void)store->sign_in(SignInAttempt{"sam", "guess", "198.51.100.66", ""}, at, {}, throttle);
    CHECK(must(store->sign_in(SignInAttempt{"sam", kPassword, i % 2 ? "203.0.113.10" : "203.0.113.11", ""}, at + 1s, {},
                              throttle))
              .account.username == "sam");
  }
}

TEST_CASE("sign-in throttle: guessing from many addresses pauses the account for strangers, not for its owner's browser",
          "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  auto sam = must(store->create_account("sam", "Sam", kPassword, Role::admin, {}, kNoon));
  const SignInThrottle throttle{.free_failures = 2, .free_account_failures = 3, .first_wait = 1min};
  // The owner's browser signed in before: it holds a known-browser cookie.
  auto earlier = must(store->sign_in(SignInAttempt{"sam", kPassword, "203.0.113.10", ""}, kNoon, {}, throttle));
  REQUIRE(!earlier.known_browser.empty());
  CHECK(earlier.known_browser.find("sam") == std::string::npos);  // it names nobody

  WallTime at = kNoon;
  for (int i = 0; i < 4; ++i)
    CHECK(store->sign_in(SignInAttempt{"sam", "guess", fmt::format("198.51.100.{}", i), ""}, at += 1s, {}, throttle)
              .error()
              .code == Errc::unauthorized);
  // A stranger at a new address waits, even with the right password.
  CHECK(store->sign_in(SignInAttempt{"sam", kPassword, "192.0.2.50", ""}, at += 1s, {}, throttle).error().code ==
        Errc::limit_exceeded);
  // The owner's browser, wherever it is now, signs in; its cookie is worth nothing for
  // another account, made-up or altered cookies are strangers.
  auto again = must(store->sign_in(SignInAttempt{"sam", kPassword, "192.0.2.51", earlier.known_browser}, at += 1s, {}, throttle));
  CHECK(again.account.id == sam.id);
  must(store->create_account("kim", "Kim", kPassword, Role::admin, {}, kNoon));
  CHECK(must(store->sign_in(SignInAttempt{"kim", kPassword, "192.0.2.52", earlier.known_browser}, at += 1s, {}, throttle))
            .account.username == "kim");
  std::string altered = earlier.known_browser;
  altered[0] = altered[0] == 'A' ? 'B' : 'A';
  CHECK(store->sign_in(SignInAttempt{"sam", kPassword, "192.0.2.53", altered}, at += 1s, {}, throttle).error().code ==
        Errc::limit_exceeded);
  // A known browser has its own few guesses: a stolen cookie is no master key.
  for (int i = 0; i < 3; ++i)
    (void)store->sign_in(SignInAttempt{"sam", "guess", fmt::format("192.0.2.{}", 60 + i), earlier.known_browser}, at += 1s, {},
                         throttle);
  CHECK(store->sign_in(SignInAttempt{"sam", kPassword, "192.0.2.70", earlier.known_browser}, at += 1s, {}, throttle)
            .error()
            .code == Errc::limit_exceeded);
  // An administrator's new password lifts the pause for everyone.
  must(store->set_password(sam.id, "a brand new passphrase"));
  CHECK(must(store->sign_in(SignInAttempt{"sam", "a brand new passphrase", "192.0.2.50", ""}, at += 1s, {}, throttle))
            .account.id == sam.id);
}

TEST_CASE("sign-in throttle: failure rows stay few whatever the usernames, and are capped", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  auto failure_rows = [&] {
    auto connection = sql::connect(db.url());
    REQUIRE(connection);
    auto rows = (*connection)->query("SELECT COUNT(*) FROM sign_in_failures");
    REQUIRE(rows);
    return rows->front().integer(0);
  };
  const SignInThrottle throttle{.max_failure_rows = 5};
  WallTime at = kNoon;
  // Made-up usernames from one address: one row, the address's.
  for (int i = 0; i < 8; ++i)
    CHECK(store->sign_in(SignInAttempt{fmt::format("user-{}", i), "guess", "198.51.100.7", ""}, at += 1s, {}, throttle)
              .error()
              .code == Errc::unauthorized);
  CHECK(failure_rows() == 1);
  // From ever more addresses: no more rows than the cap.
  for (int i = 0; i < 8; ++i)
    (void)store->sign_in(SignInAttempt{"nobody", "guess", fmt::format("198.51.100.{}", 100 + i), ""}, at += 1s, {}, throttle);
  CHECK(failure_rows() == 5);
}