// SPDX-License-Identifier: AGPL-3.0-or-later
// Dashboard accounts, signing in and out, and the signed-in browsers (web sessions).
// Passwords are stored as libsodium's Argon2id strings. Hashing takes about 0.1 s and
// 64 MB, so it always runs outside a database transaction, and at most two at a time in
// the process. Nothing here is downloaded by kiosks: no change counter.
#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>

#include "checkin/core/ids.hpp"
#include "checkin/core/log.hpp"
#include "store_internal.hpp"

namespace checkin::server {

using namespace detail;

const char* to_string(Role role) {
  switch (role) {
    case Role::admin: return "admin";
    case Role::coordinator: return "coordinator";
  }
  return "coordinator";
}

std::optional<Role> role_from_string(std::string_view text) {
  if (text == "admin") return Role::admin;
  if (text == "coordinator") return Role::coordinator;
  return std::nullopt;
}

namespace {

constexpr std::size_t kMaxUsernameCharacters = 64;
constexpr std::size_t kMaxTokenLength = 100;  // ours are 43 characters

// Characters, not bytes, in UTF-8 text: continuation bytes do not start one.
std::size_t character_count(std::string_view text) {
  return static_cast<std::size_t>(
      std::ranges::count_if(text, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Sign-in ignores case. Only ASCII letters are folded: other scripts' usernames must be
// typed as created.
std::string username_key(std::string_view username) {
  std::string key(username);
  for (char& c : key)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return key;
}

Result<void> check_username(std::string_view username) {
  if (username.empty()) return fail(Errc::invalid_input, "a username is needed");
  if (character_count(username) > kMaxUsernameCharacters)
    return fail(Errc::invalid_input, fmt::format("a username has at most {} characters", kMaxUsernameCharacters));
  for (char c : username) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F)
      return fail(Errc::invalid_input, "a username has no spaces or control characters");
  }
  return {};
}

Result<void> check_display_name(std::string_view display_name) {
  if (display_name.empty()) return fail(Errc::invalid_input, "an account needs a display name");
  return check_length("display name", display_name, kMaxNameLength);
}

Result<void> check_password(std::string_view password) {
  const std::size_t length = character_count(password);
  if (length < kMinPasswordLength)
    return fail(Errc::invalid_input, fmt::format("a password has at least {} characters", kMinPasswordLength));
  if (length > kMaxPasswordLength || password.size() > 4 * kMaxPasswordLength)
    return fail(Errc::invalid_input, fmt::format("a password has at most {} characters", kMaxPasswordLength));
  return {};
}

// Argon2id with these settings takes 64 MB: a flood of sign-ins must not run hundreds at
// once. Two run; two more may wait a little for their turn; the rest are told to retry.
class HashingTurns {
 public:
  static constexpr int kRunning = 2;
  static constexpr int kWaiting = 2;

  class Turn {
   public:
    explicit Turn(HashingTurns* turns) : turns_(turns) {}
    Turn(Turn&& other) noexcept : turns_(std::exchange(other.turns_, nullptr)) {}
    Turn& operator=(Turn&&) = delete;
    ~Turn() {
      if (!turns_) return;
      {
        std::lock_guard lock(turns_->mutex_);
        --turns_->running_;
      }
      turns_->freed_.notify_one();
    }

   private:
    HashingTurns* turns_;
  };

  static HashingTurns& process() {
    static HashingTurns turns;
    return turns;
  }

  std::optional<Turn> take() {
    std::unique_lock lock(mutex_);
    if (running_ >= kRunning) {
      if (waiting_ >= kWaiting) return std::nullopt;
      ++waiting_;
      const bool got = freed_.wait_for(lock, std::chrono::seconds{3}, [this] { return running_ < kRunning; });
      --waiting_;
      if (!got) return std::nullopt;
    }
    ++running_;
    return Turn(this);
  }

 private:
  std::mutex mutex_;
  std::condition_variable freed_;
  int running_ = 0;
  int waiting_ = 0;
};

Result<std::string> hash_password(std::string_view password) {
  auto turn = HashingTurns::process().take();
  if (!turn) return fail(Errc::unavailable, "too many passwords are being checked at once: try again in a few seconds");
  std::array<char, crypto_pwhash_STRBYTES> hashed{};
  if (crypto_pwhash_str_alg(hashed.data(), password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return fail(Errc::unavailable, "not enough memory to hash the password: try again");
  return std::string(hashed.data());
}

// Called only with a hashing turn held.
bool password_matches(const std::string& hash, std::string_view password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// What an unknown username's password is checked against, so that a sign-in takes as
// long whether the username exists or not. Made once, with the same cost as real ones.
const std::string& dummy_hash() {
  static const std::string hash = [] {
    std::array<char, crypto_pwhash_STRBYTES> hashed{};
    const std::string_view password = "checkin dummy password, never any account's";
    if (crypto_pwhash_str_alg(hashed.data(), password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
      return std::string("$argon2id$v=19$m=65536,t=2,p=1$invalid");
    return std::string(hashed.data());
  }();
  return hash;
}

// Coordinators' sites must exist; admins see every site, so theirs are not kept.
Result<std::vector<Id>> account_sites_to_store(sql::Connection& connection, Role role, std::vector<Id> site_ids) {
  if (role == Role::admin) return std::vector<Id>{};
  std::sort(site_ids.begin(), site_ids.end());
  site_ids.erase(std::unique(site_ids.begin(), site_ids.end()), site_ids.end());
  for (const auto& site_id : site_ids) {
    STORE_TRY(rows, run(connection, "SELECT 1 FROM sites WHERE id = $1", {text(site_id)}));
    if (rows.empty()) return fail(Errc::invalid_input, fmt::format("no site with id {}", site_id));
  }
  return site_ids;
}

Result<void> write_account_sites(sql::Connection& connection, const Id& account_id, const std::vector<Id>& site_ids) {
  STORE_CHECK(run(connection, "DELETE FROM account_sites WHERE account_id = $1", {text(account_id)}));
  for (const auto& site_id : site_ids)
    STORE_CHECK(run(connection, "INSERT INTO account_sites (account_id, site_id) VALUES ($1, $2)",
                    {text(account_id), text(site_id)}));
  return {};
}

// accounts: id, username, display_name, role, created_at_ms, disabled_at_ms
constexpr std::string_view kAccountColumns = "id, username, display_name, role, created_at_ms, disabled_at_ms";

Account account_from_row(const sql::Row& row) {
  Account account;
  account.id = row.text(0);
  account.username = row.text(1);
  account.display_name = row.text(2);
  account.role = role_from_string(row.text(3)).value_or(Role::coordinator);
  account.created_at = wall_time(row.integer(4));
  account.disabled_at = optional_wall_time(row, 5);
  return account;
}

Result<std::optional<Account>> load_account(sql::Connection& connection, const Id& account_id) {
  STORE_TRY(rows, run(connection, fmt::format("SELECT {} FROM accounts WHERE id = $1", kAccountColumns),
                      {text(account_id)}));
  if (rows.empty()) return std::optional<Account>{};
  Account account = account_from_row(rows.front());
  STORE_TRY(sites, run(connection, "SELECT site_id FROM account_sites WHERE account_id = $1 ORDER BY site_id",
                       {text(account_id)}));
  for (const auto& row : sites) account.site_ids.push_back(row.text(0));
  return std::optional<Account>{std::move(account)};
}

// The dashboard must never lose its last way in: the last enabled admin stays one.
Result<void> require_another_admin(sql::Connection& connection, const Id& account_id) {
  STORE_TRY(rows, run(connection,
                      "SELECT COUNT(*) FROM accounts WHERE role = 'admin' AND disabled_at_ms IS NULL AND id <> $1",
                      {text(account_id)}));
  if (rows.front().integer(0) == 0)
    return fail(Errc::conflict, "this is the last admin account: make another admin first");
  return {};
}

Result<void> end_web_sessions(sql::Connection& connection, const Id& account_id) {
  STORE_CHECK(run(connection, "DELETE FROM web_sessions WHERE account_id = $1", {text(account_id)}));
  return {};
}

// LIKE's wildcards (and its escape character) in a username, taken literally.
std::string like_literal(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

Result<void> clear_account_failures(sql::Connection& connection, const std::string& username_key) {
  STORE_CHECK(run(connection,
                  "DELETE FROM sign_in_failures WHERE username_key = $1 OR username_key LIKE $2 ESCAPE '\\'",
                  {text("account:" + username_key), text(like_literal("account-address:" + username_key + "|") + "%")}));
  return {};
}

// The smallest move of a session's idle expiry worth a write.
constexpr Millis kExpirySlideStep = std::chrono::minutes{1};

WallTime session_expiry(WallTime created, WallTime now, const WebSessionPolicy& policy) {
  return std::min(now + policy.idle, created + policy.longest);
}

// How long `failures` failed sign-ins, the last at `last_failure`, make the next attempt
// wait from `now`; zero when it may go ahead. The free failures cost nothing; the first
// failure after them makes the next attempt wait first_wait, each further one twice as long.
Millis throttle_wait(std::int64_t failures, int free_failures, WallTime last_failure, WallTime now,
                     const SignInThrottle& throttle) {
  if (now - last_failure >= throttle.forget_after) return Millis{0};
  const std::int64_t over = failures - free_failures;
  if (over <= 0) return Millis{0};
  Millis wait = throttle.first_wait;
  for (std::int64_t i = 1; i < over && wait < throttle.longest_wait; ++i) wait *= 2;
  wait = std::min(wait, throttle.longest_wait);
  const WallTime allowed_at = last_failure + wait;
  return allowed_at > now ? std::chrono::duration_cast<Millis>(allowed_at - now) : Millis{0};
}

}  // namespace

// --- accounts ---

Result<Account> ServerStore::create_account(std::string_view username, std::string_view display_name,
                                            std::string_view password, Role role, std::vector<Id> site_ids,
                                            WallTime now) {
  STORE_CHECK(check_username(username));
  STORE_CHECK(check_display_name(display_name));
  STORE_CHECK(check_password(password));
  STORE_TRY(password_hash, hash_password(password));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<Account> {
    const std::string key = username_key(username);
    STORE_TRY(taken, run(connection, "SELECT 1 FROM accounts WHERE username_key = $1", {text(key)}));
    if (!taken.empty()) return fail(Errc::conflict, fmt::format("the username {} is taken", username));
    STORE_TRY(sites, account_sites_to_store(connection, role, std::move(site_ids)));
    Account account{new_server_id(), std::string(username), std::string(display_name), role, sites, now,
                    std::nullopt};
    STORE_CHECK(run(connection,
                    "INSERT INTO accounts (id, username, username_key, display_name, password_hash, role, "
                    "created_at_ms, disabled_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)",
                    {text(account.id), text(account.username), text(key), text(account.display_name),
                     text(password_hash), text(to_string(role)), millis(now)}));
    STORE_CHECK(write_account_sites(connection, account.id, account.site_ids));
    log_info("store", "created {} account {}", to_string(role), account.id);
    return account;
  });
}

Result<std::vector<Account>> ServerStore::accounts() {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<Account>> {
    STORE_TRY(rows, run(connection, fmt::format("SELECT {} FROM accounts ORDER BY username_key", kAccountColumns)));
    STORE_TRY(site_rows, run(connection, "SELECT account_id, site_id FROM account_sites ORDER BY account_id, site_id"));
    std::map<Id, std::vector<Id>> sites_by_account;
    for (const auto& row : site_rows) sites_by_account[row.text(0)].push_back(row.text(1));
    std::vector<Account> accounts;
    for (const auto& row : rows) {
      Account account = account_from_row(row);
      if (auto found = sites_by_account.find(account.id); found != sites_by_account.end())
        account.site_ids = std::move(found->second);
      accounts.push_back(std::move(account));
    }
    return accounts;
  });
}

Result<std::optional<Account>> ServerStore::account(const Id& account_id) {
  return impl_->transact(false, [&](sql::Connection& connection) { return load_account(connection, account_id); });
}

Result<void> ServerStore::update_account(const Id& account_id, std::string_view display_name, Role role,
                                         std::vector<Id> site_ids) {
  STORE_CHECK(check_display_name(display_name));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(current, load_account(connection, account_id));
    if (!current) return fail(Errc::not_found, fmt::format("no account with id {}", account_id));
    if (current->role == Role::admin && role != Role::admin) STORE_CHECK(require_another_admin(connection, account_id));
    STORE_TRY(sites, account_sites_to_store(connection, role, std::move(site_ids)));
    STORE_CHECK(run(connection, "UPDATE accounts SET display_name = $1, role = $2 WHERE id = $3",
                    {text(display_name), text(to_string(role)), text(account_id)}));
    STORE_CHECK(write_account_sites(connection, account_id, sites));
    if (current->role != role) log_info("store", "account {} is now {}", account_id, to_string(role));
    return {};
  });
}

Result<void> ServerStore::set_password(const Id& account_id, std::string_view password) {
  STORE_CHECK(check_password(password));
  STORE_TRY(password_hash, hash_password(password));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(rows, run(connection, "UPDATE accounts SET password_hash = $1 WHERE id = $2 RETURNING username_key",
                        {text(password_hash), text(account_id)}));
    if (rows.empty()) return fail(Errc::not_found, fmt::format("no account with id {}", account_id));
    STORE_CHECK(end_web_sessions(connection, account_id));
    // A new password is the way out of a paused account: its failure counts go too.
    STORE_CHECK(clear_account_failures(connection, rows.front().text(0)));
    log_info("store", "password of account {} changed; its sessions ended", account_id);
    return {};
  });
}

Result<void> ServerStore::disable_account(const Id& account_id, WallTime now) {
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(current, load_account(connection, account_id));
    if (!current) return fail(Errc::not_found, fmt::format("no account with id {}", account_id));
    if (!current->disabled_at) {
      if (current->role == Role::admin) STORE_CHECK(require_another_admin(connection, account_id));
      STORE_CHECK(run(connection, "UPDATE accounts SET disabled_at_ms = $1 WHERE id = $2",
                      {millis(now), text(account_id)}));
      log_info("store", "disabled account {}", account_id);
    }
    return end_web_sessions(connection, account_id);
  });
}

// --- signing in ---

namespace {

constexpr std::string_view kRefused = "wrong username or password";
constexpr std::size_t kMaxAddressLength = 64;

// What the failures of one attempt are counted under, and how many of each are free.
struct FailureCount {
  std::string key;  // the sign_in_failures row
  int free_failures = 0;
  bool cleared_by_success = false;  // a success deletes it (else only takes its own count back)
};

std::string address_of(std::string_view client_address) {
  if (client_address.empty()) return "-";
  return std::string(client_address.substr(0, kMaxAddressLength));
}

// The server's own secret, made on first use and kept in server_settings so every server
// process on the database shares it; one key per purpose is derived from it.
Result<std::string> master_secret(sql::Connection& connection) {
  constexpr std::string_view kName = "signing_secret";
  STORE_TRY(rows, run(connection, "SELECT value FROM server_settings WHERE name = $1", {text(kName)}));
  if (rows.empty()) {
    std::array<std::uint8_t, 32> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    STORE_CHECK(run(connection, "INSERT INTO server_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                    {text(kName), text(to_hex(bytes))}));
    STORE_TRY(again, run(connection, "SELECT value FROM server_settings WHERE name = $1", {text(kName)}));
    if (again.empty()) return fail(Errc::storage_io, "the server's signing secret was not stored");
    return again.front().text(0);
  }
  return rows.front().text(0);
}

std::string hmac(std::string_view key, std::string_view message) {
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  return std::string(reinterpret_cast<const char*>(mac.data()), mac.size());
}

Result<std::string> derived_key(sql::Connection& connection, std::string_view purpose) {
  STORE_TRY(secret, master_secret(connection));
  return hmac(secret, purpose);
}

constexpr std::string_view kKnownBrowserPurpose = "known browser";

// "<id>.<issued ms>.<mac>": the mac binds id and time to one account's username, so the
// cookie names nobody and is worth nothing for another account.
std::string known_browser_cookie(std::string_view key, const std::string& username_key, WallTime now) {
  const std::string id = random_token().substr(0, 22);
  const std::string issued = std::to_string(now.time_since_epoch().count());
  return fmt::format("{}.{}.{}", id, issued, base64url_encode(hmac(key, username_key + "|" + id + "|" + issued)));
}

// The cookie's id when it is one this server made for this account and still valid.
std::optional<std::string> known_browser_id(std::string_view key, std::string_view cookie, const std::string& username_key,
                                            WallTime now) {
  if (cookie.empty() || cookie.size() > 200) return std::nullopt;
  const auto first = cookie.find('.');
  const auto second = cookie.find('.', first == std::string_view::npos ? first : first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) return std::nullopt;
  const std::string id(cookie.substr(0, first));
  const std::string issued(cookie.substr(first + 1, second - first - 1));
  const auto mac = base64url_decode(cookie.substr(second + 1));
  if (!mac || !secrets_equal(*mac, hmac(key, username_key + "|" + id + "|" + issued))) return std::nullopt;
  std::int64_t issued_ms = 0;
  auto [end, error] = std::from_chars(issued.data(), issued.data() + issued.size(), issued_ms);
  if (error != std::errc{} || end != issued.data() + issued.size()) return std::nullopt;
  const WallTime issued_at{Millis{issued_ms}};
  if (issued_at > now || now - issued_at > kKnownBrowserLifetime) return std::nullopt;
  return id;
}

// Each count's wait, the longest of them; zero when the attempt may go ahead.
Result<Millis> longest_wait(sql::Connection& connection, const std::vector<FailureCount>& counts, WallTime now,
                            const SignInThrottle& throttle) {
  Millis wait{0};
  for (const auto& count : counts) {
    STORE_TRY(rows, run(connection, "SELECT failures, last_failure_ms FROM sign_in_failures WHERE username_key = $1",
                        {text(count.key)}));
    if (rows.empty()) continue;
    const WallTime last_failure = wall_time(rows.front().integer(1));
    wait = std::max(wait, throttle_wait(rows.front().integer(0), count.free_failures, last_failure, now, throttle));
  }
  return wait;
}

// Counted as failures before the password is checked: parallel guesses cannot all slip
// through before one is recorded. A success takes them back.
Result<void> count_failures(sql::Connection& connection, const std::vector<FailureCount>& counts, WallTime now,
                            const SignInThrottle& throttle) {
  bool new_row = false;
  for (const auto& count : counts) {
    STORE_TRY(rows, run(connection, "SELECT failures, last_failure_ms FROM sign_in_failures WHERE username_key = $1",
                        {text(count.key)}));
    std::int64_t failures = 0;
    if (!rows.empty() && now - wall_time(rows.front().integer(1)) < throttle.forget_after) failures = rows.front().integer(0);
    new_row = new_row || rows.empty();
    STORE_CHECK(run(connection,
                    "INSERT INTO sign_in_failures (username_key, failures, last_failure_ms) VALUES ($1, $2, $3) "
                    "ON CONFLICT (username_key) DO UPDATE SET failures = excluded.failures, "
                    "last_failure_ms = excluded.last_failure_ms",
                    {text(count.key), integer(failures + 1), millis(now)}));
  }
  // Rows of addresses and accounts nobody tries any more.
  STORE_CHECK(run(connection, "DELETE FROM sign_in_failures WHERE last_failure_ms < $1",
                  {millis(now - throttle.forget_after)}));
  if (new_row) {
    // Attempts from ever more addresses: the oldest rows make room.
    STORE_TRY(total, run(connection, "SELECT COUNT(*) FROM sign_in_failures"));
    const std::int64_t over = total.front().integer(0) - throttle.max_failure_rows;
    if (over > 0)
      STORE_CHECK(run(connection,
                      "DELETE FROM sign_in_failures WHERE username_key IN (SELECT username_key FROM sign_in_failures "
                      "ORDER BY last_failure_ms LIMIT $1)",
                      {integer(over)}));
  }
  return {};
}

std::string wait_message(Millis wait) {
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(wait).count();
  if (seconds >= 120) return fmt::format("too many failed sign-ins: try again in {} minutes", (seconds + 59) / 60);
  return fmt::format("too many failed sign-ins: try again in {} second{}", seconds, seconds == 1 ? "" : "s");
}

}  // namespace

Result<std::string> ServerStore::signing_key(std::string_view purpose) {
  return impl_->transact(true, [&](sql::Connection& connection) { return derived_key(connection, purpose); });
}

Result<WebSession> ServerStore::sign_in(std::string_view username, std::string_view password, WallTime now,
                                        const WebSessionPolicy& policy, const SignInThrottle& throttle) {
  return sign_in(SignInAttempt{username, password, "", ""}, now, policy, throttle);
}

Result<WebSession> ServerStore::sign_in(const SignInAttempt& attempt, WallTime now, const WebSessionPolicy& policy,
                                        const SignInThrottle& throttle) {
  const std::string_view username = attempt.username;
  const std::string_view password = attempt.password;
  const std::string address = address_of(attempt.client_address);
  // Longer than any real username or password: cannot match, is not worth hashing, and
  // counts against the address only.
  const bool absurd = username.size() > 4 * kMaxUsernameCharacters || password.size() > 4 * kMaxPasswordLength;
  const std::string key = absurd ? std::string{} : username_key(username);

  struct Candidate {
    Id account_id;
    std::string password_hash;
    bool disabled = false;
  };
  struct Checked {
    std::optional<Candidate> candidate;
    std::vector<FailureCount> counts;
    std::string browser_key;  // the known-browser signing key
  };
  auto checked = impl_->transact(true, [&](sql::Connection& connection) -> Result<Checked> {
    Checked out;
    if (!absurd) {
      STORE_TRY(rows, run(connection, "SELECT id, password_hash, disabled_at_ms FROM accounts WHERE username_key = $1",
                          {text(key)}));
      if (!rows.empty())
        out.candidate = Candidate{rows.front().text(0), rows.front().text(1), !rows.front().is_null(2)};
    }
    out.counts.push_back({"address:" + address, throttle.free_address_failures, false});
    if (out.candidate) {
      STORE_TRY(browser_key, derived_key(connection, kKnownBrowserPurpose));
      out.browser_key = std::move(browser_key);
      out.counts.push_back({"account-address:" + key + "|" + address, throttle.free_failures, true});
      if (auto browser = known_browser_id(out.browser_key, attempt.known_browser, key, now))
        out.counts.push_back({"browser:" + *browser, throttle.free_failures, true});
      else
        out.counts.push_back({"account:" + key, throttle.free_account_failures, false});
    }
    STORE_TRY(wait, longest_wait(connection, out.counts, now, throttle));
    if (wait > Millis{0}) return fail(Errc::limit_exceeded, wait_message(wait));
    STORE_CHECK(count_failures(connection, out.counts, now, throttle));
    return out;
  });
  if (!checked) return std::unexpected(checked.error());

  auto turn = HashingTurns::process().take();
  if (!turn) {
    // Not checked, so not a failure: the counts are given back.
    (void)impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
      for (const auto& count : checked->counts)
        STORE_CHECK(run(connection, "UPDATE sign_in_failures SET failures = failures - 1 WHERE username_key = $1 AND failures > 0",
                        {text(count.key)}));
      return {};
    });
    log_warn("store", "sign-in put off: {} passwords being checked already", HashingTurns::kRunning);
    return fail(Errc::limit_exceeded, "too many sign-ins at once: try again in a few seconds");
  }
  const auto& candidate = checked->candidate;
  // Unknown usernames take as long as known ones.
  const bool matches = password_matches(candidate && !absurd ? candidate->password_hash : dummy_hash(),
                                        password.substr(0, absurd ? kMaxPasswordLength : password.size()));
  turn.reset();
  if (!candidate || absurd || !matches || candidate->disabled) {
    log_info("store", "sign-in refused{}", candidate ? fmt::format(" for account {}", candidate->account_id) : "");
    return fail(Errc::unauthorized, std::string(kRefused));
  }

  const Id account_id = candidate->account_id;
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<WebSession> {
    STORE_TRY(account, load_account(connection, account_id));
    // Disabled (or deleted) while the password was being checked.
    if (!account || account->disabled_at) return fail(Errc::unauthorized, std::string(kRefused));
    // The owner's own failures go; the address's and the account's only lose this attempt.
    for (const auto& count : checked->counts) {
      if (count.cleared_by_success) {
        STORE_CHECK(run(connection, "DELETE FROM sign_in_failures WHERE username_key = $1", {text(count.key)}));
      } else {
        STORE_CHECK(run(connection, "UPDATE sign_in_failures SET failures = failures - 1 WHERE username_key = $1",
                        {text(count.key)}));
        STORE_CHECK(run(connection, "DELETE FROM sign_in_failures WHERE username_key = $1 AND failures <= 0",
                        {text(count.key)}));
      }
    }
    // Expired sessions (of anyone) go while we are here.
    STORE_CHECK(run(connection, "DELETE FROM web_sessions WHERE expires_ms <= $1 OR created_at_ms <= $2",
                    {millis(now), millis(now - policy.longest)}));
    WebSession session{random_token(), random_token(), std::move(*account), session_expiry(now, now, policy), {}};
    session.known_browser = known_browser_cookie(checked->browser_key, key, now);
    STORE_CHECK(run(connection,
                    "INSERT INTO web_sessions (token_hash, account_id, csrf_token, created_at_ms, last_used_ms, "
                    "expires_ms) VALUES ($1, $2, $3, $4, $4, $5)",
                    {text(sha256_hex(session.token)), text(account_id), text(session.csrf_token), millis(now),
                     millis(session.expires)}));
    log_info("store", "account {} signed in", account_id);
    return session;
  });
}

Result<WebSession> ServerStore::web_session(std::string_view token, WallTime now, const WebSessionPolicy& policy) {
  constexpr auto kNotSignedIn = "you are not signed in";
  if (token.empty() || token.size() > kMaxTokenLength) return fail(Errc::unauthorized, kNotSignedIn);
  const std::string token_hash = sha256_hex(token);
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<WebSession> {
    STORE_TRY(rows, run(connection,
                        "SELECT account_id, csrf_token, created_at_ms, expires_ms FROM web_sessions "
                        "WHERE token_hash = $1",
                        {text(token_hash)}));
    if (rows.empty()) return fail(Errc::unauthorized, kNotSignedIn);
    const Id account_id = rows.front().text(0);
    const WallTime created = wall_time(rows.front().integer(2));
    const WallTime expires = wall_time(rows.front().integer(3));
    STORE_TRY(account, load_account(connection, account_id));
    // The longest life is checked again: the policy may have been shortened since.
    const bool expired = expires <= now || created + policy.longest <= now;
    // (A refusal rolls back, so expired rows stay until the next sign-in clears them.)
    if (!account || account->disabled_at) return fail(Errc::unauthorized, kNotSignedIn);
    if (expired) return fail(Errc::unauthorized, "your session has expired: sign in again");
    WebSession session{std::string(token), rows.front().text(1), std::move(*account), expires, {}};
    // The live board asks every few seconds: a write that would move the expiry by less
    // than kExpirySlideStep is skipped (the session may then end that much sooner).
    const WallTime slid = session_expiry(created, now, policy);
    if (slid < expires || slid - expires >= kExpirySlideStep) {
      session.expires = slid;
      STORE_CHECK(run(connection, "UPDATE web_sessions SET last_used_ms = $1, expires_ms = $2 WHERE token_hash = $3",
                      {millis(now), millis(slid), text(token_hash)}));
    }
    return session;
  });
}

Result<void> ServerStore::sign_out(std::string_view token) {
  if (token.empty() || token.size() > kMaxTokenLength) return {};
  const std::string token_hash = sha256_hex(token);
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_CHECK(run(connection, "DELETE FROM web_sessions WHERE token_hash = $1", {text(token_hash)}));
    return {};
  });
}

}  // namespace checkin::server
