// SPDX-License-Identifier: AGPL-3.0-or-later
// The sync thread: its own Store and SyncClient, passes on start, on nudge (coalesced),
// every interval when healthy and after a backoff delay when failing.
#include <fmt/format.h>

#include <charconv>
#include <chrono>

#include "checkin/core/log.hpp"
#include "checkin/sync/client.hpp"
#include "settings.hpp"

namespace checkin::sync {

namespace {

constexpr std::string_view kLog = "sync";
using SteadyClock = std::chrono::steady_clock;

bool same(const SyncStatus& a, const SyncStatus& b) {
  return a.state == b.state && a.device_id == b.device_id && a.server_url == b.server_url &&
         a.last_success == b.last_success && a.clock_offset == b.clock_offset && a.last_error == b.last_error &&
         a.pending == b.pending && a.dead_letters == b.dead_letters && a.next_attempt == b.next_attempt &&
         a.caches_version == b.caches_version && a.site_version == b.site_version && a.passes == b.passes;
}

}  // namespace

struct SyncWorker::Impl {
  std::filesystem::path database;
  const Clock& clock;
  WorkerOptions options;
  std::function<void()> on_change;

  std::atomic<bool> cancel{false};
  mutable std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;                      // guarded by mutex
  bool nudged = false;                        // guarded by mutex
  std::optional<EnrolmentCode> enrol_request;  // guarded by mutex
  bool credentials_changed = false;           // guarded by mutex: the feed thread starts over
  // The server's change count when the last pass had downloaded (guarded by mutex): a feed
  // answer with a higher count has news the kiosk lacks, even the feed's first answer.
  std::optional<std::int64_t> changes_downloaded;
  SyncStatus status;                          // guarded by mutex

  // Owned by the worker thread only.
  std::optional<store::Store> store;
  std::unique_ptr<SyncClient> client;
  Backoff backoff;
  bool needs_enrolment = false;
  SteadyClock::time_point due = SteadyClock::now();  // the next pass

  std::thread thread;       // passes: upload, download, catch up with the site feed
  std::thread feed_thread;  // the site feed's long poll; last: both start once everything above exists

  Impl(std::filesystem::path db, const Clock& c, WorkerOptions o, std::function<void()> change)
      : database(std::move(db)), clock(c), options(std::move(o)), on_change(std::move(change)) {
    options.client.cancel = &cancel;
    thread = std::thread([this] { run(); });
    if (options.site_wait.count() > 0) feed_thread = std::thread([this] { follow_site(); });
  }

  ~Impl() {
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    cancel = true;  // aborts the transfers in flight
    wake.notify_all();
    if (thread.joinable()) thread.join();
    if (feed_thread.joinable()) feed_thread.join();
  }

  // Changes the status under the lock; wakes the UI only when something changed.
  template <class Change>
  void publish(Change&& change) {
    bool changed;
    {
      std::lock_guard lock(mutex);
      SyncStatus next = status;
      change(next);
      changed = !same(next, status);
      status = std::move(next);
    }
    if (changed && on_change) on_change();
  }

  // Sleeps until `until` (or for good), waking early to stop, to enrol, or for a nudge.
  void wait(std::optional<SteadyClock::time_point> until) {
    std::unique_lock lock(mutex);
    auto woken = [&] { return stopping || enrol_request.has_value() || nudged; };
    if (until) wake.wait_until(lock, *until, woken);
    else wake.wait(lock, woken);
  }

  void refresh_counts() {
    if (!store) return;
    auto counts = store->outbox_counts();
    if (!counts) {
      log_warn(kLog, "reading the outbox counts failed: {}", counts.error().message);
      return;
    }
    publish([&](SyncStatus& s) {
      s.pending = counts->pending;
      s.dead_letters = counts->dead;
    });
  }

  void use(const Credentials& credentials) {
    client.reset();
    client = std::make_unique<SyncClient>(*store, credentials, clock, options.client);
    publish([&](SyncStatus& s) {
      s.device_id = credentials.device_id;
      s.server_url = credentials.server_url;
    });
    {
      std::lock_guard lock(mutex);
      credentials_changed = true;
    }
    wake.notify_all();
  }

  // --- the site feed's thread ---

  // Sleeps until `until`, waking early to stop or when the credentials changed.
  bool feed_wait(SteadyClock::time_point until) {
    std::unique_lock lock(mutex);
    wake.wait_until(lock, until, [&] { return stopping || credentials_changed; });
    return !stopping;
  }

  // A long poll after another, each with what the last one left: a check-in at another
  // door lands here about as fast as the network carries it. Its own store connection and
  // client, since a long poll holds its connection while passes go on.
  void follow_site() {
    std::optional<store::Store> feed_store;
    std::unique_ptr<SyncClient> feed;
    Backoff feed_backoff;
    std::optional<std::int64_t> changes_seen;  // the server's change count at the last answer
    while (true) {
      {
        std::lock_guard lock(mutex);
        if (stopping) return;
        if (std::exchange(credentials_changed, false)) feed.reset();
      }
      if (!feed) {
        if (!feed_store) {
          auto opened = store::Store::open(database.string());
          if (opened) feed_store.emplace(std::move(*opened));
        }
        auto credentials = feed_store ? Credentials::load(*feed_store) : Result<std::optional<Credentials>>{};
        if (!feed_store || !credentials || !*credentials) {
          // Not enrolled yet (or the store will not open): wait for an enrolment.
          if (!feed_wait(SteadyClock::now() + std::chrono::seconds{30})) return;
          continue;
        }
        feed = std::make_unique<SyncClient>(*feed_store, **credentials, clock, options.client);
      }
      auto learned = feed->follow_site(options.site_wait);
      if (learned) {
        feed_backoff.reset();
        if (*learned > 0) publish([](SyncStatus& s) { ++s.site_version; });
        // Something to download (a revocation, the roster): a pass now, not at the interval.
        const std::int64_t changes = feed->feed_changes();
        bool news = false;
        {
          std::lock_guard lock(mutex);
          std::optional<std::int64_t> known = changes_seen;
          if (changes_downloaded && (!known || *changes_downloaded > *known)) known = changes_downloaded;
          news = known && changes > *known;
          if (news) nudged = true;
        }
        if (news) wake.notify_all();
        changes_seen = changes;
        continue;
      }
      const SyncFailure& failure = learned.error();
      if (failure.error.code == Errc::unauthorized) {
        feed.reset();  // a new enrolment brings new credentials
        if (!feed_wait(SteadyClock::now() + std::chrono::minutes{5})) return;
        continue;
      }
      const Millis delay = feed_backoff.next(failure.retry_after);
      log_info(kLog, "site feed: {}; again in {} ms", failure.error.message, delay.count());
      if (!feed_wait(SteadyClock::now() + delay)) return;
    }
  }

  // Opens the store and reads what earlier runs left. False: try again later.
  bool open() {
    auto opened = store::Store::open(database.string());
    if (opened) store.emplace(std::move(*opened));
    Result<std::optional<Credentials>> credentials =
        opened ? Credentials::load(*store) : Result<std::optional<Credentials>>(std::unexpected(opened.error()));
    if (!credentials) {
      store.reset();
      const Millis delay = backoff.next();
      log_error(kLog, "cannot open the kiosk database for sync: {}", credentials.error().message);
      publish([&](SyncStatus& s) {
        s.last_error = credentials.error().message;
        s.next_attempt = clock.now().wall + delay;
      });
      due = SteadyClock::now() + delay;
      return false;
    }
    backoff.reset();
    std::optional<WallTime> last_success;
    if (auto text = store->get_setting(settings::kLastSuccess); text && *text) {
      WallTime parsed;
      if (parse_utc(**text, parsed)) last_success = parsed;
    }
    std::optional<Millis> offset;
    if (auto text = store->get_setting(settings::kClockOffset); text && *text) {
      // A damaged value only costs the admin screen one number until the next pass.
      std::int64_t ms = 0;
      const std::string& value = **text;
      if (auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
          ec == std::errc{} && end == value.data() + value.size())
        offset = Millis{ms};
    }
    publish([&](SyncStatus& s) {
      s.last_success = last_success;
      s.clock_offset = offset;
      s.last_error.clear();
      s.next_attempt.reset();
      s.state = *credentials ? SyncState::syncing : SyncState::not_enrolled;
    });
    if (*credentials) use(**credentials);
    refresh_counts();
    due = SteadyClock::now();
    return true;
  }

  void enrol(const EnrolmentCode& code) {
    log_info(kLog, "enrolling with {}", code.server_url);
    auto enrolled = sync::enrol(code, options.device_name, *store, clock, options.client);
    if (!enrolled) {
      log_warn(kLog, "enrolment failed: {}", enrolled.error().message);
      publish([&](SyncStatus& s) { s.last_error = enrolled.error().message; });
      return;
    }
    needs_enrolment = false;
    backoff.reset();
    use(*enrolled);
    // New keys and site name are in the store: the kiosk reloads its caches.
    publish([&](SyncStatus& s) {
      s.state = SyncState::syncing;
      s.last_error.clear();
      ++s.caches_version;
    });
    due = SteadyClock::now();
  }

  void pass() {
    publish([](SyncStatus& s) { s.state = SyncState::syncing; });
    const auto started = SteadyClock::now();
    auto result = client->sync_once();
    const auto ms = std::chrono::duration_cast<Millis>(SteadyClock::now() - started).count();
    refresh_counts();
    const WallTime now = clock.now().wall;

    if (result) {
      backoff.reset();
      due = SteadyClock::now() + options.interval;
      log_info(kLog, "pass: {} uploaded, {} dead letters, {} feedback, {} pages{}{}, {} other doors' events, {} bytes down, "
               "clock offset {} ms, {} ms",
               result->uploaded, result->dead_letters, result->feedback, result->pages,
               result->full_resync ? " (full resync)" : "", result->caches_changed ? " (caches changed)" : "",
               result->site_events, result->bytes_down, result->clock_offset.count(), ms);
      if (result->token_rolled) log_info(kLog, "the device token was rolled, as the server asked");
      publish([&](SyncStatus& s) {
        ++s.passes;
        s.state = SyncState::synced;
        s.last_success = now;
        s.clock_offset = result->clock_offset;
        s.last_error.clear();
        s.next_attempt = now + options.interval;
        if (result->caches_changed) ++s.caches_version;
        if (result->site_events > 0) ++s.site_version;
      });
      if (const std::int64_t changes = client->feed_changes(); changes > 0) {
        std::lock_guard lock(mutex);
        changes_downloaded = changes;
      }
      if (result->token_rolled) {
        // The site feed's client still holds the token before: it reads the new one now.
        {
          std::lock_guard lock(mutex);
          credentials_changed = true;
        }
        wake.notify_all();
      }
      return;
    }

    const SyncFailure& failure = result.error();
    if (failure.error.code == Errc::unauthorized || failure.error.code == Errc::forbidden) {
      // Nothing will work until a coordinator enrols the kiosk again: stop asking.
      needs_enrolment = true;
      log_warn(kLog, "pass refused after {} ms, the kiosk must be enrolled again: {}", ms, failure.error.message);
      publish([&](SyncStatus& s) {
        ++s.passes;
        s.state = SyncState::needs_enrolment;
        s.last_error = failure.error.message;
        s.next_attempt.reset();
      });
      return;
    }
    const Millis delay = backoff.next(failure.retry_after);
    due = SteadyClock::now() + delay;
    log_warn(kLog, "pass failed after {} ms ({} in a row), next in {} ms: {}", ms, backoff.failures(), delay.count(),
             failure.error.message);
    publish([&](SyncStatus& s) {
      ++s.passes;
      s.state = SyncState::retrying;
      s.last_error = failure.error.message;
      s.next_attempt = now + delay;
    });
  }

  void run() {
    log_info(kLog, "sync worker started");
    while (true) {
      std::optional<EnrolmentCode> code;
      bool was_nudged = false;
      {
        std::lock_guard lock(mutex);
        if (stopping) break;
        code = std::exchange(enrol_request, std::nullopt);
        was_nudged = std::exchange(nudged, false);
      }
      if (!store) {
        if (!open()) {
          if (code) {
            std::lock_guard lock(mutex);
            if (!enrol_request) enrol_request = std::move(code);  // kept for when the store opens
          }
          wait(due);
          continue;
        }
      }
      if (code) {
        enrol(*code);
        continue;
      }
      if (was_nudged) {
        refresh_counts();
        // Coalesce: one pass for a burst of check-ins. A backoff wait is not cut short,
        // or a busy kiosk would hammer a server that asked it to wait.
        if (backoff.failures() == 0) due = std::min(due, SteadyClock::now() + options.nudge_delay);
      }
      if (!client || needs_enrolment) {
        wait(std::nullopt);
        continue;
      }
      if (SteadyClock::now() >= due) {
        pass();
        continue;
      }
      wait(due);
    }
    log_info(kLog, "sync worker stopped");
  }
};

SyncWorker::SyncWorker(std::filesystem::path database, const Clock& clock, WorkerOptions options,
                       std::function<void()> on_change)
    : impl_(std::make_unique<Impl>(std::move(database), clock, std::move(options), std::move(on_change))) {}

SyncWorker::~SyncWorker() = default;

void SyncWorker::nudge() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->nudged = true;
  }
  impl_->wake.notify_all();
}

void SyncWorker::enrol(EnrolmentCode code) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->enrol_request = std::move(code);
  }
  impl_->wake.notify_all();
}

SyncStatus SyncWorker::status() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->status;
}

}  // namespace checkin::sync
