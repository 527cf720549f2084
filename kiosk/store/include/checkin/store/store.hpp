// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The kiosk's durable local store (SQLite, WAL, synchronous=FULL).
//
// It keeps the append-only attendance log with one outbox row per event, and caches what
// sync downloads: schedule, roster, revocations, public keys, settings. Every method
// returns its failures as values (full disk, read-only, corrupt file, ...); nothing throws.
//
// A Store owns one connection and is not thread-safe: a thread that needs the database
// (the sync worker, say) opens its own Store on the same file. Writers queue on a busy
// timeout, readers never block the writer (WAL).
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checkin/core/domain.hpp"
#include "checkin/core/error.hpp"
#include "checkin/core/ports.hpp"

namespace checkin::store {

struct OpenOptions {
  // Inspect only (admin tools, diagnostics): no migration, every write fails with
  // Errc::storage_readonly.
  bool read_only = false;
  // SQLite VFS to open the file with; empty means the platform default. Tests put a
  // fault-injecting VFS here.
  std::string vfs;
  // How long a writer waits for another connection's write transaction to end.
  std::chrono::milliseconds busy_timeout{5000};

  // Shorthands (GCC warns about designated initializers that leave members out).
  static OpenOptions reading_only() {
    OpenOptions options;
    options.read_only = true;
    return options;
  }
  static OpenOptions using_vfs(std::string vfs_name) {
    OpenOptions options;
    options.vfs = std::move(vfs_name);
    return options;
  }
};

struct OutboxCounts {
  std::int64_t pending = 0;   // waiting for upload
  std::int64_t uploaded = 0;  // accepted by the server, kept until purged
  std::int64_t dead = 0;      // rejected by the server, kept for the admin screen
};

// An event the server refused; never dropped silently, shown on the admin screen.
struct DeadLetter {
  AttendanceEvent event;
  std::string reason;
  std::int64_t attempts = 0;
  std::string last_error;
};

struct Revocation {
  std::string pass_id_hex;  // stored in lower case
  WallTime revoked_at{};
};

// A pass-signing public key received through sync or enrolment.
struct PublicKeyRecord {
  std::string key_id_hex;
  std::string public_key_hex;
};

// Feedback as stored: the day only, no time of day and no link to a person or event.
struct StoredFeedback {
  std::int64_t id = 0;  // random, so the order of rows reveals nothing
  Feedback feedback;
  std::string day;      // "YYYY-MM-DD" (UTC)
};

// Everything one sync download round brings, for apply_download: it lands all together or
// not at all, so a power cut mid-apply leaves the old caches and the old cursor (and the
// round is simply asked again).
struct DownloadedChanges {
  Schedule schedule;                 // the merged schedule: replaces the cached one
  std::optional<Roster> roster;      // replaces the roster when set (an empty one clears it)
  std::vector<Revocation> revocations;
  bool replace_revocations = false;  // full resync: the list replaces the kiosk's instead of adding
  std::optional<std::vector<PublicKeyRecord>> public_keys;  // replaces the keys when set
  // Settings coordinators set centrally; when set they replace every "central.<key>"
  // setting, so they never collide with the kiosk's own settings.
  std::optional<std::map<std::string, std::string>> central_settings;
  std::optional<std::string> site_name;  // setting "site_name"
  std::optional<std::string> device_name;  // setting "device_name": the kiosk's name as coordinators know it
  std::string cursor;                    // setting "sync_cursor"
};

// Other doors' events read back from the store, and how far: the next read starts after it.
struct SiteEvents {
  std::vector<AttendanceEvent> events;
  std::int64_t last_row = 0;
};

inline constexpr std::string_view kCentralSettingPrefix = "central.";
inline constexpr std::string_view kSyncCursorSetting = "sync_cursor";
inline constexpr std::string_view kSiteNameSetting = "site_name";
inline constexpr std::string_view kSiteFeedCursorSetting = "site_feed_cursor";
inline constexpr std::string_view kDeviceNameSetting = "device_name";
// The id a kiosk's events carry before its first enrolment ("local-..."), made once.
inline constexpr std::string_view kLocalDeviceIdSetting = "local_device_id";
// A name staff gave on the admin screen that the server has not heard yet.
inline constexpr std::string_view kDeviceNamePendingSetting = "device_name_pending";

class Store final : public EventStore {
 public:
  // The schema version this build creates and expects (PRAGMA user_version).
  static int schema_version();

  // Opens (creating if needed) and migrates the database at `path`. Fails with
  // storage_readonly when the file or its file system cannot be written, storage_corrupt
  // for a file that is not a database, storage_io for a missing directory or a database
  // written by a newer version of this software.
  static Result<Store> open(const std::string& path, const OpenOptions& options = {});

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  ~Store() override;

  // --- attendance log (the EventStore port) ---

  // Commits the events, each with a pending outbox row, in one transaction, assigning
  // each device's next sequence numbers; returns the events as committed. On any error
  // nothing is recorded. An event_id already in the log is invalid_input.
  Result<std::vector<AttendanceEvent>> append(std::span<const AttendanceEvent> events) override;

  // Events with wall_time >= since, in commit order: rebuilds the kiosk's ledger on start.
  Result<std::vector<AttendanceEvent>> events_since(WallTime since);
  // Events of these sessions (or shifts), plus the undo events that refer to them, in
  // commit order.
  Result<std::vector<AttendanceEvent>> events_for_sessions(std::span<const Id> session_ids);
  Result<std::vector<AttendanceEvent>> events_for_shifts(std::span<const Id> shift_ids);

  // --- outbox ---

  // Up to `limit` pending events, oldest first (device sequence order).
  Result<std::vector<AttendanceEvent>> pending_uploads(std::size_t limit);
  // The server committed these (accepted or duplicate). Unknown ids are ignored.
  // Returns how many outbox rows changed.
  Result<std::int64_t> mark_uploaded(std::span<const std::string> event_ids);
  // A retryable upload failure (network, 5xx): counts the attempt, keeps them pending.
  Result<void> note_upload_failure(std::span<const std::string> event_ids, std::string_view error);
  // The server rejected the event for good: set it aside with the reason.
  Result<void> mark_dead_letter(std::string_view event_id, std::string_view reason);
  // An administrator asked to try a dead letter again.
  Result<void> requeue_dead_letter(std::string_view event_id);
  Result<std::vector<DeadLetter>> dead_letters();
  Result<OutboxCounts> outbox_counts();

  // Privacy: deletes uploaded events recorded before `cutoff`, and other doors' events of
  // the same age. Pending events and dead letters are never removed. Returns how many of
  // this kiosk's events were deleted.
  Result<std::int64_t> purge_uploaded_before(WallTime cutoff);

  // --- the site's other doors (sync's site feed) ---

  // Keeps the events that are new here (neither this kiosk's own nor relayed before) and
  // the feed's cursor, in one transaction. Returns how many were new.
  Result<std::int64_t> learn_site_events(std::span<const AttendanceEvent> events, std::string_view cursor);
  // Other doors' events after `after_row` (0: all) and recorded at or after `since`, in
  // arrival order.
  Result<SiteEvents> site_events(std::int64_t after_row, WallTime since);

  // --- caches filled by sync; each replace is one transaction ---

  Result<void> replace_schedule(const Schedule& schedule);
  Result<Schedule> load_schedule();

  Result<void> replace_roster(const Roster& roster);
  Result<Roster> load_roster();

  Result<void> add_revocations(std::span<const Revocation> revocations);
  Result<void> replace_revocations(std::span<const Revocation> revocations);  // full resync
  Result<std::vector<Revocation>> revocations();
  Result<bool> is_revoked(std::string_view pass_id_hex);

  // Replaces the set of known keys (sync always sends the whole active set).
  Result<void> save_public_keys(std::span<const PublicKeyRecord> keys);
  Result<std::vector<PublicKeyRecord>> load_public_keys();

  // One download round, in one transaction (see DownloadedChanges).
  Result<void> apply_download(const DownloadedChanges& changes);

  Result<std::optional<std::string>> get_setting(std::string_view key);
  Result<void> set_setting(std::string_view key, std::string_view value);
  Result<std::map<std::string, std::string>> all_settings();

  // Set at enrolment.
  Result<std::optional<std::string>> device_id();
  Result<void> set_device_id(std::string_view device_id);

  // --- feedback (anonymous by construction) ---

  // Stores the rating with the day of `when` only. A rating outside 1..5 is invalid_input.
  Result<void> record_feedback(const Feedback& feedback, WallTime when);
  Result<std::vector<StoredFeedback>> pending_feedback();
  // After upload: feedback is not kept on the kiosk.
  Result<void> remove_feedback(std::span<const std::int64_t> ids);

  // --- health ---

  // PRAGMA integrity_check and foreign_key_check; storage_corrupt with the findings.
  Result<void> integrity_check();

  const std::string& path() const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace checkin::store
