// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Dashboard accounts and what each may touch. Admins manage everything; coordinators work
// only with the sites they are given (their sessions, shifts, people, kiosks, reports).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/core/clock.hpp"
#include "checkin/core/domain.hpp"

namespace checkin::server {

enum class Role { admin, coordinator };
const char* to_string(Role role);
std::optional<Role> role_from_string(std::string_view text);

struct Account {
  Id id;
  std::string username;      // as typed at creation; sign-in ignores case
  std::string display_name;  // shown in the dashboard's header
  Role role = Role::coordinator;
  std::vector<Id> site_ids;  // a coordinator's sites; ignored for admins
  WallTime created_at{};
  std::optional<WallTime> disabled_at;  // a disabled account cannot sign in
};

// The rights of the account behind a request. Every page and command that reads or
// changes site data asks this first; an id of a site it cannot see is "not found".
struct Access {
  Id account_id;
  Role role = Role::coordinator;
  std::vector<Id> site_ids;

  bool is_admin() const { return role == Role::admin; }
  // Site-less things (people made before sites were recorded) are the admins'.
  bool can_see_site(const Id& site_id) const {
    return is_admin() || (!site_id.empty() && std::ranges::find(site_ids, site_id) != site_ids.end());
  }
  static Access of(const Account& account) { return Access{account.id, account.role, account.site_ids}; }
};

// Passwords: at least this long, no other rules (NIST SP 800-63B); at most the second
// figure, so nobody makes the server hash megabytes.
inline constexpr std::size_t kMinPasswordLength = 10;
inline constexpr std::size_t kMaxPasswordLength = 200;

struct WebSessionPolicy {
  Millis idle = std::chrono::minutes{30};  // signed out after this long without a request
  Millis longest = std::chrono::hours{12}; // and after this long in any case
};

// Slowing down password guessing (README, "Signing in under attack"). Failed sign-ins are
// counted under several keys; under each the first failures are free, then every further
// one doubles the wait before the next attempt is even checked, from `first_wait` up to
// `longest_wait`, and a failure older than `forget_after` no longer counts:
//   - the client's address, whatever usernames it tries (free_address_failures): a flood
//     of made-up usernames from one address slows to a trickle;
//   - an account, from one address (free_failures): a guesser waits, its owner at another
//     address does not;
//   - an account, from every address together (free_account_failures), for browsers that
//     never signed in to it: guessing from many addresses pauses the account for strangers,
//     while a browser that signed in before (its known-browser cookie) counts on its own
//     (free_failures). An administrator's new password for the account clears its counts.
// Unknown usernames count only against the address, so the failure rows are one per
// address, per account and address, per account, per known browser; at most
// max_failure_rows (the oldest go first). Passwords are checked at most two at a time (each
// takes 64 MB): more at once are answered "try again in a few seconds".
struct SignInThrottle {
  int free_failures = 5;
  int free_address_failures = 20;
  int free_account_failures = 30;
  Millis first_wait = std::chrono::seconds{2};
  Millis longest_wait = std::chrono::minutes{15};
  Millis forget_after = std::chrono::hours{24};  // a failure this old no longer counts
  std::int64_t max_failure_rows = 100'000;
};

// One sign-in: what was typed, and what the request says about where it comes from.
struct SignInAttempt {
  std::string_view username;
  std::string_view password;
  std::string_view client_address;  // "" when unknown
  std::string_view known_browser;   // the browser's known-browser cookie, "" when none
};

// How long a browser stays known to an account after signing in to it.
inline constexpr Millis kKnownBrowserLifetime = std::chrono::days{180};

// A browser signed in. The token goes in the cookie (only its hash is stored); the CSRF
// token goes in every form the session's pages hold.
struct WebSession {
  std::string token;
  std::string csrf_token;
  Account account;
  WallTime expires{};  // the earlier of idle and longest, as of the last request
  // Set by sign_in only: the known-browser cookie to give this browser (signed by the
  // server, naming nobody; it lets the account's owner in while strangers are paused).
  std::string known_browser;
};

}  // namespace checkin::server
