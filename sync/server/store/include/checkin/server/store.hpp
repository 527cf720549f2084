// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The organisation's data on the server: sites, programs, sessions, shifts, people and
// their registrations, pass-signing keys, passes and revocations, kiosks (devices), and
// the attendance they upload. Written once over sql::Connection, so it runs the same on
// SQLite and PostgreSQL, with numbered migrations for both.
//
// Stateless apart from the database: every method leases a connection and does its work
// in one transaction, so several server processes can share one PostgreSQL. Time is a
// parameter (`now`), never read from a clock here: tests move it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/core/domain.hpp"
#include "checkin/core/error.hpp"
#include "checkin/core/pass.hpp"
#include "checkin/server/accounts.hpp"
#include "checkin/server/audit.hpp"
#include "checkin/server/reports.hpp"
#include "checkin/server/sql.hpp"
#include "checkin/sync/changes.hpp"
#include "checkin/sync/enrolment.hpp"
#include "checkin/sync/events.hpp"
#include "checkin/sync/feedback.hpp"
#include "checkin/sync/site_feed.hpp"

namespace checkin::server {

struct PersonErasure;  // person_data.hpp
struct PersonExport;

inline constexpr Millis kEnrolmentTokenLife = std::chrono::minutes{15};
inline constexpr Millis kRosterHorizon = std::chrono::hours{48};

// A person as the organisation knows them. Still minimal: no surname is needed.
struct PersonRecord {
  Id id;
  std::string preferred_name;
  std::string language;
  std::vector<Id> registered_programs;
  Id site_id;  // where they take part: coordinators of that site see them; empty = admins only
};

// What a Session (the kiosks' view) does not say but the dashboard shows.
struct SessionState {
  bool cancelled = false;
  Id series_id;  // shared by the sessions of a weekly series; empty for a single session
};

// create_sessions takes at most this many at once: two years of weekly sessions.
inline constexpr std::size_t kMaxSessionsPerCall = 104;

struct SigningKeyInfo {
  std::string key_id;
  std::string public_key;  // hex
  WallTime created_at{};
  std::optional<WallTime> retired_at;  // retired keys no longer sign nor verify
};

struct PassRecord {
  std::string pass_id;  // hex
  Id person_id;
  std::string key_id;
  WallTime issued_at{};
  WallTime expires{};
  std::optional<WallTime> revoked_at;
};

// A pass just issued: its text is what the QR code holds. Only the issuer sees it.
struct IssuedPass {
  PassRecord record;
  std::string text;  // "CK1:..."
};

struct EnrolmentToken {
  std::string token;  // shown once; only its hash is stored
  Id site_id;
  WallTime expires{};
  std::string device_name{};  // the name the kiosk will have, or empty: its own proposal
};

struct Device {
  Id id;
  Id site_id;
  std::string name;
  WallTime enrolled_at{};
  std::optional<WallTime> last_seen;      // last authenticated request
  std::optional<WallTime> last_upload;    // last events:batch that committed
  std::optional<Millis> clock_offset;     // device wall clock minus server clock, at last contact
  std::int64_t last_seq = 0;              // highest device sequence number received
  std::optional<WallTime> revoked_at;
  std::string local_id;                   // the "local-..." id of its events from before enrolment
  Id replaces;                            // the earlier enrolment of the same kiosk, if any
  Id replaced_by;                         // set when the kiosk enrolled again: this one no longer works
  WallTime token_since{};                 // the token in use works since then
  std::optional<WallTime> roll_requested; // a coordinator asked for a new token
  bool new_token_waiting = false;         // a rolled token was handed out and not used yet
};

// A kiosk's token is rolled after this long, at the kiosk's first sync past it: by the
// server's clock, so a kiosk whose own clock is wrong rolls on time all the same.
constexpr Millis kDeviceTokenLifetime = std::chrono::days{30};
// Whether the kiosk should roll its token now (its changes pages say so).
bool token_roll_due(const Device& device, WallTime now);

// Who was checked in by hand: a person on the organisation's list, or a walk-in by name.
struct ManualAttendee {
  Id person_id;
  std::string walk_in_name;
};

// An event as the server keeps it: the kiosk's fact plus what the server made of it.
struct StoredEvent {
  AttendanceEvent event;
  Id resolved_person_id;           // the person whose pass it was, when the server knows
  bool counted = true;             // false: another kiosk had already checked this person in
  WallTime received_at{};
};

class ServerStore {
 public:
  // Opens `url` ("postgresql://..." or a SQLite file path) with `connections` pooled
  // connections and runs the migrations this build knows. A database written by a newer
  // version is refused (Errc::storage_io, with the versions in the message).
  static Result<std::unique_ptr<ServerStore>> open(const std::string& url, std::size_t connections = 4);
  static int schema_version();
  sql::Backend backend() const;

  // --- organisation; an empty id is assigned (UUIDv7). Every change is stamped with the
  // change counter that the kiosks' cursors follow. ---
  Result<Site> create_site(Site site);
  Result<void> rename_site(const Id& site_id, std::string_view name);
  Result<std::vector<Site>> sites();
  Result<Program> create_program(Program program);
  Result<void> update_program(const Program& program);
  Result<std::vector<Program>> programs();
  Result<Session> create_session(Session session);  // not_found for an unknown program or site
  // All or none, in one transaction: a weekly series (the caller computes the dates in
  // local time) shares a series id. Returns them with their ids.
  Result<std::vector<Session>> create_sessions(std::vector<Session> sessions, bool as_series);
  // Cancelled ones too: `state`, when given, says whether it was and which series it is of.
  Result<std::optional<Session>> session(const Id& session_id, SessionState* state = nullptr);
  Result<void> update_session(const Session& session);
  Result<void> cancel_session(const Id& session_id);  // kiosks remove it
  Result<std::vector<Session>> sessions(const Id& site_id, WallTime from, WallTime to);
  Result<Shift> create_shift(Shift shift);  // with its assignments
  Result<void> update_shift(const Shift& shift);
  Result<void> delete_shift(const Id& shift_id);
  Result<std::vector<Shift>> shifts(const Id& site_id, WallTime from, WallTime to);
  Result<std::optional<Shift>> shift(const Id& shift_id);  // deleted ones are not found
  Result<PersonRecord> create_person(PersonRecord person);
  Result<void> update_person(const PersonRecord& person);  // registrations replaced too
  Result<std::optional<PersonRecord>> person(const Id& person_id);
  Result<std::vector<PersonRecord>> people();
  // The people registered for a program, by name (with that program only in their list).
  Result<std::vector<PersonRecord>> people_registered(const Id& program_id);
  // All or nothing, in one transaction (a coordinator's CSV import): any failure, e.g. an
  // unknown program id, stores none of them. Returns the people with their new ids.
  Result<std::vector<PersonRecord>> import_people(std::vector<PersonRecord> people);
  // A person's own data (person_data.hpp): everything held about them, the export audited
  // as `actor`'s. not_found for none.
  Result<PersonExport> export_person(const Id& person_id, const Actor& actor, WallTime now);
  // Erases a person in one transaction, with its audit entry: their name, registrations,
  // shift assignments and passes go (the passes revoked for the kiosks), their attendance
  // stays only as anonymous counts, and kiosks drop them from their roster at the next
  // sync. not_found for no such person. On SQLite the log (WAL) is then emptied into the
  // file, where secure_delete has overwritten what was deleted.
  Result<PersonErasure> erase_person(const Id& person_id, const Actor& actor, WallTime now);

  // --- kiosk settings ("result_seconds", ...): an empty site id sets the value for every
  // site; a site's own value overrides it. Kiosks receive them on every round's first page.
  Result<void> set_kiosk_setting(const Id& site_id, std::string_view name, std::string_view value);
  Result<void> clear_kiosk_setting(const Id& site_id, std::string_view name);
  Result<std::map<std::string, std::string>> kiosk_settings(const Id& site_id);  // as a kiosk there sees them

  // --- pass-signing keys: rotation keeps up to three active; the newest signs ---
  Result<SigningKeyInfo> create_signing_key(WallTime now);  // limit_exceeded with three active
  Result<void> retire_signing_key(std::string_view key_id, WallTime now);
  Result<std::vector<SigningKeyInfo>> signing_keys();  // active ones first, newest first

  // --- passes ---
  // Issues a pass for the person with the newest active key. Reissuing is issuing again:
  // the person's earlier passes are revoked in the same transaction.
  Result<IssuedPass> issue_pass(const Id& person_id, WallTime expires, WallTime now);
  Result<void> revoke_pass(std::string_view pass_id, WallTime now);
  Result<std::vector<PassRecord>> passes_of(const Id& person_id);
  Result<std::optional<PassRecord>> pass(std::string_view pass_id);
  // The QR text of a pass issued earlier, signed again (Ed25519 signatures are
  // deterministic: the same text as at issue). conflict for a revoked or expired pass or
  // one whose key was retired.
  Result<std::string> pass_text(std::string_view pass_id, WallTime now);

  // --- dashboard accounts (accounts.hpp) ---
  // conflict for a username taken (whatever its case); invalid_input for a username that
  // is empty or has spaces, a password shorter than kMinPasswordLength, an unknown site.
  Result<Account> create_account(std::string_view username, std::string_view display_name, std::string_view password,
                                 Role role, std::vector<Id> site_ids, WallTime now);
  Result<std::vector<Account>> accounts();
  Result<std::optional<Account>> account(const Id& account_id);
  Result<void> update_account(const Id& account_id, std::string_view display_name, Role role,
                              std::vector<Id> site_ids);
  // Both end the account's signed-in sessions.
  Result<void> set_password(const Id& account_id, std::string_view password);
  Result<void> disable_account(const Id& account_id, WallTime now);
  // Checks the throttle first (SignInThrottle): limit_exceeded (its message says how long
  // to wait) without checking the password while the attempt must wait, or while two
  // passwords are being checked already. unauthorized for an unknown username, a wrong
  // password or a disabled account, with the same message and about the same time for each.
  Result<WebSession> sign_in(const SignInAttempt& attempt, WallTime now, const WebSessionPolicy& policy = {},
                             const SignInThrottle& throttle = {});
  // The same, from no known address or browser.
  Result<WebSession> sign_in(std::string_view username, std::string_view password, WallTime now,
                             const WebSessionPolicy& policy = {}, const SignInThrottle& throttle = {});
  // A key for signing what the server hands out and reads back (the sign-in form's
  // cookie): 32 bytes, the same for every server process on this database, one per purpose.
  Result<std::string> signing_key(std::string_view purpose);
  // The session behind a cookie's token, its idle expiry moved on: unauthorized when
  // unknown, expired or the account was disabled since.
  Result<WebSession> web_session(std::string_view token, WallTime now, const WebSessionPolicy& policy = {});
  Result<void> sign_out(std::string_view token);  // idempotent

  // --- reports (reports.hpp); the filter's sites limit every one of them ---
  Result<std::vector<SessionAttendance>> attendance_by_session(const ReportFilter& filter);
  // Identified attendance, a row per stay; discreet programs' sessions are left out
  // whatever the filter. Stays still open once a session is over (plus the grace) count as
  // closed at its end at `now` (forgotten check-outs, flagged).
  Result<std::vector<AttendanceRecord>> attendance_records(const ReportFilter& filter, WallTime now);
  // Passes accepted again while their holder was in, in the filter's sessions, in time
  // order (the "passes seen twice" report); names never for discreet programs.
  Result<std::vector<SeenTwice>> passes_seen_twice(const ReportFilter& filter, WallTime now);
  // Check-out ratings of the sessions in the filter that have any, in start order.
  Result<std::vector<SessionFeedback>> feedback_by_session(const ReportFilter& filter);
  // One session's attendance in detail: every stay with its name (none in discreet
  // programs), the kiosk that recorded it, what was seen twice. not_found for no session.
  Result<SessionDetail> session_attendance(const Id& session_id, WallTime now);
  // Volunteers' shifts ended in the range (by shift start), every status.
  Result<std::vector<WorkedShift>> worked_shifts(const ReportFilter& filter);
  // One volunteer's ended shifts, every status, oldest first.
  Result<std::vector<WorkedShift>> worked_shifts_of(const Id& person_id);
  // Auto-closed shift ends nobody decided on yet, oldest first.
  Result<std::vector<WorkedShift>> review_queue(const std::vector<Id>& site_ids);
  Result<std::optional<WorkedShift>> worked_shift(std::string_view end_event_id);
  // edit needs `worked` (0 .. 24 h); conflict when it was decided already, not_found for
  // an event that is no auto-closed shift end.
  Result<void> review_shift(std::string_view end_event_id, ReviewDecision decision, std::optional<Millis> worked,
                            const Id& account_id, WallTime now);
  // Sessions at these sites (empty: all) whose check-in window is open at `now`.
  Result<std::vector<BoardSession>> live_board(const std::vector<Id>& site_ids, WallTime now);
  // Volunteers on shift at `now` at these sites (empty: all), whichever door they started at.
  Result<std::vector<OnShift>> on_shift_now(const std::vector<Id>& site_ids, WallTime now);

  // --- retention of discreet programs' identified attendance ---
  Result<RetentionStatus> retention_status();
  Result<void> set_discreet_retention_days(int days);  // 1 .. 3650
  Result<void> set_audit_retention_days(int days);     // kMinAuditRetentionDays .. kMaxAuditRetentionDays
  Result<void> set_other_retention_days(int days);     // every other program: 1 .. 3650
  Result<void> set_inactive_people_days(int days);     // 1 .. 3650
  // A program's own period (1 .. 3650), or back to the default of its kind (nullopt).
  Result<void> set_program_retention_days(const Id& program_id, std::optional<int> days);
  // People with no activity (check-in, shift, pass issued, being added) for the inactive
  // days before `now`, longest inactive first: for review, and erasure if they are gone.
  Result<std::vector<InactivePerson>> inactive_people(WallTime now);
  // Reduces every discreet session that ended more than the retention days before `now`
  // to counts (attendance_summaries) and strips person, pass and name from its events.
  // Idempotent; a late upload for a reduced session is reduced on the next run.
  Result<RetentionRun> apply_retention(WallTime now);

  // --- devices (kiosks) ---
  // `device_name` ("Front door") is given to the kiosk that enrols with the token; empty
  // lets the kiosk propose its own (its host name, or what staff typed on its admin screen).
  Result<EnrolmentToken> create_enrolment_token(const Id& site_id, WallTime now, std::string_view device_name = {});
  // Exchanges a token (single use, 15 minutes) for a device id and token: unauthorized
  // for an unknown, used or expired token. A request proving a previous enrolment (its
  // device id and token) makes the new device that one's successor: it uploads the old
  // one's events, the old one is marked replaced (and stops working), its name carries over.
  Result<sync::EnrolResponse> enrol(const sync::EnrolRequest& request, WallTime now);
  // unauthorized for a wrong token, a revoked or replaced device or an unknown id. The
  // first use of a rolled token makes it the kiosk's token and retires the one before.
  Result<Device> authenticate(std::string_view device_id, std::string_view bearer_token, WallTime now);
  // A new token for the kiosk (only its hash is kept). Its current token keeps working
  // until the new one is first used; a later roll replaces a new token never used.
  Result<std::string> roll_device_token(const Id& device_id, WallTime now);
  // A coordinator's request: the kiosk rolls its token at its next sync.
  Result<void> request_token_roll(const Id& device_id, WallTime now);
  Result<void> revoke_device(const Id& device_id, WallTime now);
  Result<void> rename_device(const Id& device_id, std::string_view name);
  Result<std::vector<Device>> devices();  // kiosks, not the sites' coordinator desks
  // Every authenticated request: last seen, and the clock offset when the device said
  // what its clock read.
  Result<void> note_contact(const Id& device_id, WallTime now, std::optional<WallTime> device_time);

  // --- sync ---
  // Commits the batch in one transaction, then answers per event: accepted, duplicate
  // (the event id is already stored, from any device, forever) or rejected with a reason
  // (an event that cannot be a fact: a check-in without a session, another enrolled
  // device's id, ...). Events keep the device id they were recorded with: a kiosk's events
  // from before its enrolment carry its "local-..." id and are accepted from it.
  // A second device's check-in of a person already checked in to the session is accepted,
  // kept and flagged (counted = false).
  Result<std::vector<sync::EventResult>> ingest(const Device& device, std::span<const AttendanceEvent> events,
                                                 WallTime now);
  Result<sync::FeedbackResult> ingest_feedback(const Device& device, std::span<const sync::FeedbackItem> items,
                                               WallTime now);
  // One page of the changes feed for this device (see sync/changes.hpp).
  Result<sync::ChangesPage> changes(const Device& device, std::string_view cursor, WallTime now,
                                    std::size_t max_items = sync::kMaxItemsPerPage);
  // One page of the site feed for this device (see sync/site_feed.hpp); waiting for news
  // is the caller's (on_site_attendance tells when to look again).
  Result<sync::SiteFeedPage> site_feed(const Device& device, std::string_view cursor, WallTime now,
                                       std::size_t max_events = sync::kMaxFeedEventsPerPage);
  // `listener` is told the site whenever attendance there changed: after a commit in this
  // process, and from other processes on the same PostgreSQL database (LISTEN/NOTIFY),
  // where an empty site id means "any site" (the listening connection was lost a while).
  // It runs on the committing thread or the listening thread: keep it short. Set it once.
  void on_site_attendance(std::function<void(const Id& site_id)> listener);

  // --- corrections by coordinators (dashboard, command line): events of the site's desk,
  // reaching its kiosks through the site feed, each with its audit entry ---
  // not_found for an unknown event or session, conflict for one already undone or a
  // cancelled session, invalid_input for a move to another site or an event that is no
  // check-in.
  Result<std::vector<AttendanceEvent>> undo_attendance(const std::string& event_id, const Actor& actor,
                                                       std::string_view reason, WallTime now);
  Result<std::vector<AttendanceEvent>> move_attendance(const std::string& event_id, const Id& to_session,
                                                       const Actor& actor, std::string_view reason, WallTime now);
  Result<AttendanceEvent> add_attendance(const Id& session_id, const ManualAttendee& who, const Actor& actor,
                                         std::string_view reason, WallTime now);
  // A walk-in becomes a person (`person`: name, language, programs; the site defaults to
  // the walk-in's): the new person is added and the walk-in's event, kept as it was, is
  // theirs from now on. invalid_input for an event that is no walk-in or one in a discreet
  // program (it stays anonymous); conflict when it is someone's already or undone.
  Result<PersonRecord> person_from_walk_in(const std::string& event_id, PersonRecord person, const Actor& actor,
                                           WallTime now);

  // --- the audit trail (audit.hpp) ---
  Result<void> record_audit(const Actor& actor, std::string_view action, std::string_view object_type,
                            std::string_view object_id, const Id& site_id, std::string_view detail, WallTime now);
  Result<std::vector<AuditEntry>> audit_log(const AuditFilter& filter);

  // --- attendance as stored (reports build on these) ---
  // People in the session: check-ins, walk-ins and anonymous check-ins that were not
  // undone, each person counted once whichever kiosks saw them.
  Result<std::int64_t> attendance_count(const Id& session_id);
  Result<std::vector<StoredEvent>> events_of_device(const Id& device_id);
  Result<std::int64_t> event_count();

  ServerStore(const ServerStore&) = delete;
  ServerStore& operator=(const ServerStore&) = delete;
  ~ServerStore();

 private:
  struct Impl;
  explicit ServerStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace checkin::server
