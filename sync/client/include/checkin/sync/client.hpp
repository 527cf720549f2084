// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The kiosk's side of sync, UI-free: enrolment, one sync pass (upload before download),
// and a background worker that runs passes with backoff. It talks to the kiosk's store
// only; the kiosk learns about new schedules and rosters by reloading from the store.
//
//   upload:   the outbox in batches (accepted/duplicate -> uploaded, rejected -> dead
//             letter), then check-out feedback (deleted once stored)
//   download: the changes feed page by page; a round is applied in one store transaction
//             and only then is its cursor kept
//   errors:   network, 5xx and 429 retry with backoff (full jitter, 1 s base, 5 min cap,
//             Retry-After honoured); other 4xx set the events aside as dead letters
//             (a bad batch is split until the bad event is alone); 401/403 stop syncing
//             until the kiosk is enrolled again.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "checkin/core/clock.hpp"
#include "checkin/core/error.hpp"
#include "checkin/store/store.hpp"
#include "checkin/sync/enrolment.hpp"

namespace checkin::sync {

// Where and who: kept in the kiosk's store settings after enrolment ("sync_server_url",
// "sync_device_token", "sync_cert_sha256"; the device id is Store::device_id()).
struct Credentials {
  std::string server_url;
  std::string device_id;
  std::string device_token;
  std::string cert_sha256;  // SHA-256 of the server certificate's public key (hex), pinned; empty: none

  static Result<std::optional<Credentials>> load(store::Store& store);  // nullopt: not enrolled
  Result<void> save(store::Store& store) const;
};

struct ClientOptions {
  Millis request_timeout{std::chrono::seconds{20}};
  std::size_t batch_size = 200;
  // Uploaded events stay on the kiosk this long (so "already checked in" still works
  // after a restart), then are purged: local data does not outlive its use.
  Millis keep_uploaded{std::chrono::hours{36}};
  std::filesystem::path ca_file;  // extra CA bundle for the server certificate; empty: system
  // When set and true, a request in flight is abandoned (as unavailable) and no new one is
  // started: how SyncWorker stops promptly. Must outlive the client.
  const std::atomic<bool>* cancel = nullptr;
};

// Exchanges the code's token for credentials, saves them, the pass keys and the kiosk's
// name in the store, and sets the store's device id; the next download is a full resync.
// `device_name` is the kiosk's proposal, used when the code names none.
//
// Enrolling an enrolled kiosk again replaces its credentials (a new device id), and
// strands nothing: first the outbox goes up with the old credentials while they still
// work; what cannot is vouched for by the request, which names the old device id and
// proves it with the old token, so the server accepts the old id's events from the new
// device. The local id of events from before the first enrolment is named too.
Result<Credentials> enrol(const EnrolmentCode& code, std::string_view device_name, store::Store& store,
                          const Clock& clock, const ClientOptions& options = {});

struct SyncReport {
  std::int64_t uploaded = 0;      // accepted or duplicate
  std::int64_t dead_letters = 0;  // rejected in this pass
  std::int64_t feedback = 0;
  std::int64_t pages = 0;
  bool caches_changed = false;    // schedule, roster, keys, revocations or settings changed
  std::int64_t site_events = 0;   // other doors' events new to this kiosk (site feed)
  bool full_resync = false;
  Millis clock_offset{0};         // kiosk clock minus server clock
  std::int64_t bytes_down = 0;       // downloaded JSON
  std::int64_t wire_bytes_down = 0;  // the same as it crossed the network (gzip)
  bool token_rolled = false;         // the server asked for a new device token, and it is saved
};

// A failed pass: Errc::unavailable (network, 5xx, 429) may carry the server's Retry-After;
// Errc::unauthorized means re-enrol.
struct SyncFailure {
  Error error;
  std::optional<Millis> retry_after;
};

class SyncClient {
 public:
  SyncClient(store::Store& store, Credentials credentials, const Clock& clock, ClientOptions options = {});
  ~SyncClient();
  SyncClient(const SyncClient&) = delete;
  SyncClient& operator=(const SyncClient&) = delete;

  // Upload, then download and apply. Safe to stop at any point (a killed process, a lost
  // response): the next pass repeats only what was not committed on both sides.
  std::expected<SyncReport, SyncFailure> sync_once();
  // A new device token, saved. A pass rolls on its own when the server asks (the token is
  // 30 days old, or a coordinator asked); the token in use works until the new one is used.
  std::expected<void, SyncFailure> roll_token();
  // The site feed from the kept cursor: what the site's other doors recorded, kept in the
  // store. With `wait` and nothing new, the server holds the request until news arrives or
  // `wait` passes (a long poll). Returns how many events were new here; not_found when the
  // server is older than the site feed (a pass then goes on without it).
  std::expected<std::int64_t, SyncFailure> follow_site(std::chrono::seconds wait);
  // The server's change count on the last feed page read (0 before one, or from a server
  // that does not send it): when it grows, there is something to download (site_feed.hpp).
  std::int64_t feed_changes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Exponential backoff with full jitter: a random delay in [0, min(cap, base * 2^failures)].
class Backoff {
 public:
  explicit Backoff(Millis base = std::chrono::seconds{1}, Millis cap = std::chrono::minutes{5},
                   std::uint64_t seed = std::random_device{}());
  Millis next(std::optional<Millis> retry_after = std::nullopt);  // Retry-After wins when given
  void reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  Millis base_, cap_;
  int failures_ = 0;
  std::mt19937_64 random_;
};

enum class SyncState { not_enrolled, syncing, synced, retrying, needs_enrolment };

struct SyncStatus {
  SyncState state = SyncState::not_enrolled;
  std::string device_id;
  std::string server_url;
  std::optional<WallTime> last_success;
  std::optional<Millis> clock_offset;
  std::string last_error;          // for the admin screen and the log
  std::int64_t pending = 0;        // events waiting for upload
  std::int64_t dead_letters = 0;
  std::optional<WallTime> next_attempt;
  std::uint64_t caches_version = 0;  // goes up when a pass changed the caches: reload them
  std::uint64_t site_version = 0;    // goes up when other doors' events arrived: learn them
  std::uint64_t passes = 0;          // passes finished, well or not: "a pass since" for waiting
};

struct WorkerOptions {
  ClientOptions client;
  Millis interval{std::chrono::seconds{60}};  // between passes when all is well
  std::string device_name;                   // sent at enrolment
  // After nudge(), wait this long before the pass. Nothing by default: a check-in reaches
  // the other doors fastest so; events recorded during a pass go up in the next one anyway.
  Millis nudge_delay{0};
  // The site feed's long poll: how long the server may hold it; 0 turns the live feed off
  // (passes still read the feed).
  std::chrono::seconds site_wait{25};
};

// The sync thread. Opens its own Store on the kiosk's database file. Never blocks the
// caller: every method only posts a request or reads the status.
class SyncWorker {
 public:
  // `on_change` runs on the worker thread whenever the status changed (wake the UI).
  SyncWorker(std::filesystem::path database, const Clock& clock, WorkerOptions options,
             std::function<void()> on_change);
  ~SyncWorker();  // stops the thread (an upload in flight is abandoned safely)
  SyncWorker(const SyncWorker&) = delete;
  SyncWorker& operator=(const SyncWorker&) = delete;

  void nudge();                           // events were recorded: sync soon
  void enrol(EnrolmentCode code);         // result shows in status()
  SyncStatus status() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace checkin::sync
