// SPDX-License-Identifier: AGPL-3.0-or-later
// The site feed (sync/site_feed.hpp): the attendance events of a kiosk's site, for the
// sessions and shifts that are current, in the order they were committed.
//
// Order. A transaction that adds attendance takes the next feed_counter value and stamps
// its events (feed_seq). Write transactions are serialised on both backends, so a stamp is
// committed after every lower one: a reader that saw the counter at H has seen every event
// stamped <= H. Pages follow (feed_seq, event_id).
//
// Cursor (opaque to kiosks): base64url of "f1.<database>.<feed_seq>.<event_id>". An event id
// of "~" (after every UUID) means "everything stamped <= feed_seq was read". A cursor from
// another database, an unparseable one or none starts at the beginning of the window.
//
// Window: events of the site's sessions and shifts that end after now - kSiteFeedWindow.
// Walk-in names leave the server only for programs that are not discreet.
#include <fmt/format.h>

#include <charconv>

#include "checkin/core/log.hpp"
#include "report_queries.hpp"

namespace checkin::server {

using namespace detail;

namespace {

constexpr std::string_view kFeedCursorVersion = "f1";
constexpr std::string_view kThroughStamp = "~";
constexpr std::size_t kMaxFeedCursorLength = 512;

struct FeedCursor {
  std::int64_t seq = 0;
  std::string after_id;  // "" from the start of seq, kThroughStamp past all of it
};

std::string encode(std::string_view database, const FeedCursor& cursor) {
  return base64url_encode(fmt::format("{}.{}.{}.{}", kFeedCursorVersion, database, cursor.seq, cursor.after_id));
}

std::optional<FeedCursor> decode(std::string_view text, std::string_view database) {
  if (text.empty() || text.size() > kMaxFeedCursorLength) return std::nullopt;
  auto decoded = base64url_decode(text);
  if (!decoded) return std::nullopt;
  std::string_view rest = *decoded;
  auto field = [&]() -> std::optional<std::string_view> {
    auto dot = rest.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    auto value = rest.substr(0, dot);
    rest.remove_prefix(dot + 1);
    return value;
  };
  auto version = field();
  auto db = field();
  auto seq_text = field();
  if (!version || *version != kFeedCursorVersion || !db || *db != database || !seq_text) return std::nullopt;
  FeedCursor cursor;
  auto [end, error] = std::from_chars(seq_text->data(), seq_text->data() + seq_text->size(), cursor.seq);
  if (error != std::errc{} || end != seq_text->data() + seq_text->size() || cursor.seq < 0) return std::nullopt;
  if (rest.size() > kMaxIdLength) return std::nullopt;
  cursor.after_id = std::string(rest);
  return cursor;
}

}  // namespace

namespace detail {

Result<std::int64_t> next_feed_seq(sql::Connection& connection) {
  STORE_TRY(rows, run(connection, "UPDATE feed_counter SET value = value + 1 WHERE singleton = 1 RETURNING value"));
  if (rows.empty()) return fail(Errc::storage_corrupt, "the feed_counter row is missing");
  return rows.front().integer(0);
}

// Both counters at once: the feed's (attendance) and the changes feed's (what kiosks download).
Result<std::int64_t> run_counters(sql::Connection& connection) {
  STORE_TRY(rows, run(connection, "SELECT (SELECT value FROM feed_counter WHERE singleton = 1) + "
                                  "(SELECT value FROM change_counter WHERE singleton = 1)"));
  if (rows.empty() || rows.front().is_null(0)) return fail(Errc::storage_corrupt, "a counter row is missing");
  return rows.front().integer(0);
}

Result<void> announce_sites(sql::Connection& connection, const std::set<Id>& site_ids) {
  for (const auto& site : site_ids) STORE_CHECK(sql::announce(connection, kAttendanceChannel, site));
  return {};
}

}  // namespace detail

CounterWatch::CounterWatch(sql::Pool& pool, std::function<void()> moved)
    : pool_(pool), moved_(std::move(moved)), thread_([this] { run(); }) {}

CounterWatch::~CounterWatch() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void CounterWatch::run() {
  // The first reading at once: a write between the start and the first second is news.
  std::optional<std::int64_t> last;
  std::unique_lock lock(mutex_);
  do {
    lock.unlock();
    std::optional<std::int64_t> now_at;
    {
      auto lease = pool_.lease();
      if (auto counters = run_counters(*lease)) now_at = *counters;
    }
    if (now_at && last && *now_at != *last) {
      log_debug("store", "the database changed (another process, or this one): waking the site feeds");
      moved_();
    }
    if (now_at) last = now_at;
    lock.lock();
  } while (!wake_.wait_for(lock, std::chrono::seconds{1}, [&] { return stopping_; }));
}

void ServerStore::on_site_attendance(std::function<void(const Id& site_id)> listener) {
  {
    std::lock_guard lock(impl_->listener_mutex);
    impl_->attendance_listener = std::move(listener);
  }
  if (backend() == sql::Backend::sqlite && !impl_->other_writers) {
    Impl* impl = impl_.get();
    impl_->other_writers = std::make_unique<CounterWatch>(*impl_->pool, [impl] { impl->announce_attendance({Id{}}); });
  }
  // Other server processes on the same PostgreSQL database announce theirs; an empty
  // payload (the listening connection was lost for a while) may concern any site.
  if (backend() == sql::Backend::postgresql && !impl_->other_processes) {
    Impl* impl = impl_.get();
    impl_->other_processes = sql::Listener::start(impl_->url, std::string(kAttendanceChannel), [impl](const std::string& site) {
      std::function<void(const Id&)> heard;
      {
        std::lock_guard lock(impl->listener_mutex);
        heard = impl->attendance_listener;
      }
      if (heard) heard(site);
    });
  }
}

Result<sync::SiteFeedPage> ServerStore::site_feed(const Device& device, std::string_view cursor, WallTime now,
                                                  std::size_t max_events) {
  max_events = std::clamp<std::size_t>(max_events, 1, sync::kMaxFeedEventsPerPage);
  const std::optional<FeedCursor> presented = decode(cursor, impl_->database_id);
  if (!cursor.empty() && !presented) log_info("store", "device {}: feed cursor not accepted, reading from the start", device.id);
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<sync::SiteFeedPage> {
    STORE_TRY(head_rows, run(connection, "SELECT value FROM feed_counter WHERE singleton = 1"));
    if (head_rows.empty()) return fail(Errc::storage_corrupt, "the feed_counter row is missing");
    const std::int64_t head = head_rows.front().integer(0);
    const WallTime window_start = now - sync::kSiteFeedWindow;

    // The current sessions and shifts of the site, written into a statement twice.
    auto current = [&](Query& query) {
      const std::string site = query.param(text(device.site_id));
      const std::string since = query.param(millis(window_start));
      return fmt::format(
          "(e.session_id IN (SELECT s.id FROM sessions s WHERE s.site_id = {} AND s.end_ms > {}) OR "
          "e.shift_id IN (SELECT sh.id FROM shifts sh WHERE sh.site_id = {} AND sh.end_ms > {}))",
          site, since, site, since);
    };

    FeedCursor from = presented.value_or(FeedCursor{});
    if (!presented) {
      // A first read starts at the oldest current event rather than at the start of time.
      Query oldest;
      oldest.sql = "SELECT MIN(e.feed_seq) FROM events e WHERE " + current(oldest);
      STORE_TRY(rows, oldest.run(connection));
      if (!rows.empty() && !rows.front().is_null(0)) from = FeedCursor{std::max<std::int64_t>(0, rows.front().integer(0)), ""};
    }

    Query query;
    query.sql = fmt::format(
        "SELECT {}, e.feed_seq, COALESCE(p.discreet, 0) "
        "FROM events e LEFT JOIN sessions s2 ON s2.id = e.session_id LEFT JOIN programs p ON p.id = s2.program_id "
        "WHERE e.site_id = {} AND e.feed_seq <= {} AND (e.feed_seq > {} OR (e.feed_seq = {} AND e.event_id > {})) "
        "AND e.attendee_key <> '{}' AND {} ORDER BY e.feed_seq, e.event_id LIMIT {}",
        kEventColumns, query.param(text(device.site_id)), query.param(integer(head)), query.param(integer(from.seq)),
        query.param(integer(from.seq)), query.param(text(from.after_id)), kReducedKey, current(query),
        query.param(integer(static_cast<std::int64_t>(max_events) + 1)));
    STORE_TRY(rows, query.run(connection));

    STORE_TRY(changes_rows, run(connection, "SELECT value FROM change_counter WHERE singleton = 1"));
    if (changes_rows.empty()) return fail(Errc::storage_corrupt, "the change_counter row is missing");

    sync::SiteFeedPage page;
    page.server_time = now;
    page.changes = changes_rows.front().integer(0);
    page.has_more = rows.size() > max_events;
    const std::size_t taken = std::min(rows.size(), max_events);
    page.events.reserve(taken);
    for (std::size_t i = 0; i < taken; ++i) {
      AttendanceEvent& event = page.events.emplace_back(event_from_row(rows[i]));
      if (rows[i].integer(16) != 0) event.walk_in_name.clear();  // no name of a discreet program's walk-in
    }
    FeedCursor next = page.has_more ? FeedCursor{rows[taken - 1].integer(15), rows[taken - 1].text(0)}
                                    : FeedCursor{std::max(head, from.seq), std::string(kThroughStamp)};
    page.next_cursor = encode(impl_->database_id, next);
    return page;
  });
}

}  // namespace checkin::server
