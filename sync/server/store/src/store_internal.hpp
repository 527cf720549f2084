// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// What the store's source files share: the pool, a transaction runner, value conversions
// and the change counter. Not installed; only src/ includes it.
#include <chrono>
#include <condition_variable>
#include <initializer_list>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>

#include "checkin/server/audit.hpp"
#include "checkin/server/sql.hpp"
#include "checkin/server/store.hpp"

namespace checkin::server {

namespace detail {
// Set by next_change_seq; transact() announces the change after its commit. Per thread:
// a transaction runs on the thread that called transact().
inline thread_local bool changes_in_transaction = false;
}  // namespace detail

// On SQLite another process (the command line, a second server on the same file) cannot
// announce what it committed: once a second the counters every such write advances are
// read, and a move wakes every site's feed. (PostgreSQL tells through LISTEN instead.)
class CounterWatch {
 public:
  CounterWatch(sql::Pool& pool, std::function<void()> moved);
  ~CounterWatch();
  CounterWatch(const CounterWatch&) = delete;
  CounterWatch& operator=(const CounterWatch&) = delete;

 private:
  void run();
  sql::Pool& pool_;
  std::function<void()> moved_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

struct ServerStore::Impl {
  std::unique_ptr<sql::Pool> pool;
  std::string url;
  std::string database_id;  // never changes once created: read once at open

  // Who hears that a site's attendance changed (the site feed's long polls), in this
  // process and, through PostgreSQL's LISTEN, from the others on the same database.
  std::mutex listener_mutex;
  std::function<void(const Id& site_id)> attendance_listener;  // guarded by listener_mutex
  std::unique_ptr<sql::Listener> other_processes;  // PostgreSQL
  std::unique_ptr<CounterWatch> other_writers;     // SQLite; stopped before the pool goes

  // After a commit that added attendance at these sites.
  void announce_attendance(const std::set<Id>& site_ids) {
    std::function<void(const Id&)> listener;
    {
      std::lock_guard lock(listener_mutex);
      listener = attendance_listener;
    }
    if (listener)
      for (const auto& site : site_ids) listener(site);
  }

  // Runs `body(connection)` in one transaction on a leased connection and commits when it
  // succeeded; any failure rolls everything back (the Transaction's destructor).
  template <class Body>
  auto transact(bool write, Body&& body) -> std::invoke_result_t<Body&, sql::Connection&> {
    auto lease = pool->lease();
    auto transaction = sql::Transaction::begin(*lease, write);
    if (!transaction) return std::unexpected(transaction.error());
    detail::changes_in_transaction = false;
    auto result = body(*lease);
    if (!result) return result;
    if (auto committed = transaction->commit(); !committed) return std::unexpected(committed.error());
    // What kiosks download changed: wake every site's feed (an empty site id is every site).
    if (std::exchange(detail::changes_in_transaction, false)) announce_attendance({Id{}});
    return result;
  }
};

namespace detail {

// Limits on text that arrives from outside (kiosks, the dashboard): generous for any real
// value, small enough that nobody stores a novel in a name.
inline constexpr std::size_t kMaxIdLength = 100;
inline constexpr std::size_t kMaxNameLength = 200;
inline constexpr std::size_t kMaxSettingLength = 1000;

// Values for sql::Connection::query. Booleans are 0/1 and times milliseconds since the
// epoch (UTC), the same on both backends.
inline sql::Value text(std::string_view value) { return sql::Value{std::string(value)}; }
inline sql::Value integer(std::int64_t value) { return sql::Value{value}; }
inline sql::Value boolean(bool value) { return sql::Value{std::int64_t{value ? 1 : 0}}; }
inline sql::Value millis(WallTime time) { return sql::Value{std::int64_t{time.time_since_epoch().count()}}; }
inline sql::Value millis(std::optional<WallTime> time) {
  return time ? millis(*time) : sql::Value{nullptr};
}
inline WallTime wall_time(std::int64_t millis_since_epoch) { return WallTime{Millis{millis_since_epoch}}; }
inline std::optional<WallTime> optional_wall_time(const sql::Row& row, std::size_t column) {
  if (row.is_null(column)) return std::nullopt;
  return wall_time(row.integer(column));
}

inline Result<sql::Rows> run(sql::Connection& connection, std::string_view statement,
                             std::initializer_list<sql::Value> params = {}) {
  return connection.query(statement, std::span<const sql::Value>(params.begin(), params.size()));
}

// Every transaction that changes what kiosks download calls this first and stamps the rows
// it changes with the value. The counter's row lock serialises those writers, so commit
// order equals counter order and a kiosk's cursor never skips a row committed late.
Result<std::int64_t> next_change_seq(sql::Connection& connection);

// Ids the server assigns. UUIDv7 wants a time; the system clock serves only for that,
// never for a decision (those take `now` as a parameter).
std::string new_server_id();

// 32 random bytes as URL-safe base64 (no padding): enrolment and device tokens.
std::string random_token();
std::string sha256_hex(std::string_view data);
// Constant-time comparison of two equal-length secrets (hashes).
bool secrets_equal(std::string_view a, std::string_view b);

std::string base64url_encode(std::string_view data);
std::optional<std::string> base64url_decode(std::string_view text);

// The site feed (site_feed.cpp): the stamp for the events a transaction adds, and the
// notice (PostgreSQL NOTIFY, delivered at commit) that the sites' attendance changed.
inline constexpr std::string_view kAttendanceChannel = "checkin_site_attendance";
Result<std::int64_t> next_feed_seq(sql::Connection& connection);
Result<void> announce_sites(sql::Connection& connection, const std::set<Id>& site_ids);

// Inserts an attendance event as an upload does (ingest.cpp): the person resolved from the
// pass, counted once per attendee, stamped for the site feed. false: its id is stored already.
Result<bool> store_event(sql::Connection& connection, const AttendanceEvent& event, const Id& uploaded_by,
                         const Id& site_id, std::int64_t feed_seq, WallTime now);

// The audit trail (audit.cpp): one entry, in the caller's transaction.
Result<void> audit(sql::Connection& connection, const Actor& actor, std::string_view action,
                   std::string_view object_type, std::string_view object_id, std::string_view site_id,
                   std::string_view detail, std::string_view reason, WallTime now);

Result<void> migrate(sql::Connection& connection);
Result<std::string> database_identity(sql::Connection& connection);
int known_schema_version();

bool text_too_long(std::string_view value, std::size_t limit);
Result<void> check_length(std::string_view field, std::string_view value, std::size_t limit);

// Row decoders; each query that feeds one selects exactly these columns in this order.
//   programs: id, name, discreet, anonymous_allowed, walk_ins_allowed, registration,
//             tracks_checkout, feedback_enabled
//   sessions: id, program_id, site_id, room, start_ms, end_ms, window_opens_ms,
//             window_closes_ms, capacity
//   shifts:   id, site_id, role, start_ms, end_ms (assignments are a second query)
Program program_from_row(const sql::Row& row);
Session session_from_row(const sql::Row& row);
Shift shift_from_row(const sql::Row& row);
Result<std::vector<Id>> shift_assignments(sql::Connection& connection, const Id& shift_id);

Result<Site> load_site(sql::Connection& connection, const Id& site_id);
Result<std::vector<sync::KeyEntry>> active_public_keys(sql::Connection& connection);  // newest first
// The settings a kiosk at the site sees: global values overridden by the site's own.
Result<std::map<std::string, std::string>> effective_settings(sql::Connection& connection, const Id& site_id);
// A new person (a new id when it has none), checked, in the caller's transaction (store.cpp).
Result<PersonRecord> add_person(sql::Connection& connection, PersonRecord person);
// What kiosks tell people in their privacy notice about retention (retention.cpp):
// "retention_discreet_days" and "retention_other_days".
Result<std::map<std::string, std::string>> retention_for_kiosks(sql::Connection& connection);

}  // namespace detail

}  // namespace checkin::server

// Unwraps a Result into `name`, or returns its error from the enclosing function.
// Variadic because a braced parameter list holds commas.
#define STORE_TRY(name, ...)                                                    \
  auto name##_result = (__VA_ARGS__);                                           \
  if (!name##_result) return std::unexpected(std::move(name##_result.error())); \
  auto& name = *name##_result
#define STORE_CHECK(...)                                                                            \
  do {                                                                                              \
    if (auto checked_ = (__VA_ARGS__); !checked_) return std::unexpected(std::move(checked_.error())); \
  } while (false)
