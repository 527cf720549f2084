// SPDX-License-Identifier: AGPL-3.0-or-later
// One sync pass: upload the outbox, then feedback, purge, then download a round of changes
// and apply it in one store transaction. Also enrolment and the device token roll.
#include "checkin/sync/client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>
#include <span>
#include <unordered_set>

#include "checkin/core/log.hpp"
#include "checkin/sync/api.hpp"
#include "checkin/sync/changes.hpp"
#include "checkin/sync/events.hpp"
#include "checkin/sync/feedback.hpp"
#include "checkin/sync/site_feed.hpp"
#include "http.hpp"
#include "settings.hpp"

#ifndef CHECKIN_VERSION
#define CHECKIN_VERSION "unknown"
#endif

namespace checkin::sync {

namespace {

constexpr std::string_view kLog = "sync";
// A round of more pages than this is a server bug (a cursor that never ends), not data.
constexpr std::int64_t kMaxPagesPerRound = 10'000;
// Sessions and shifts that ended longer ago than this are of no use at the door.
constexpr Millis kKeepEnded{std::chrono::hours{24}};

using detail::HttpResponse;

std::unexpected<SyncFailure> failure(Errc code, std::string message, std::optional<Millis> retry_after = {}) {
  return std::unexpected(SyncFailure{Error{code, std::move(message)}, retry_after});
}
std::unexpected<SyncFailure> failure(Error error) { return std::unexpected(SyncFailure{std::move(error), {}}); }

enum class Verdict { ok, unauthorized, retry, refused };

// The protocol's error classes: 2xx done; 401/403 re-enrol; 408, 429, 5xx (and anything
// unexpected, like a redirect) try again later; other 4xx mean this request will never work.
Verdict classify(long status) {
  if (status >= 200 && status < 300) return Verdict::ok;
  if (status == 401 || status == 403) return Verdict::unauthorized;
  if (status == 408 || status == 429) return Verdict::retry;
  if (status >= 400 && status < 500) return Verdict::refused;
  return Verdict::retry;
}

// What the server said, for logs, dead letters and the admin screen.
std::string server_says(const HttpResponse& response) {
  if (auto error = parse_protocol_error(response.body))
    return fmt::format("HTTP {} {}: {}", response.status, error->code, error->message);
  std::string excerpt = response.body.substr(0, 200);
  std::replace_if(excerpt.begin(), excerpt.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return excerpt.empty() ? fmt::format("HTTP {}", response.status) : fmt::format("HTTP {}: {}", response.status, excerpt);
}

SyncFailure failure_for(const HttpResponse& response, std::string_view doing) {
  const std::string message = fmt::format("{}: {}", doing, server_says(response));
  switch (classify(response.status)) {
    case Verdict::unauthorized:
      return SyncFailure{Error{Errc::unauthorized, message + " (re-enrol this kiosk)"}, std::nullopt};
    case Verdict::refused: return SyncFailure{Error{Errc::invalid_input, message}, std::nullopt};
    default: return SyncFailure{Error{Errc::unavailable, message}, response.retry_after};
  }
}

Millis offset_of(const HttpResponse& response, WallTime server_time) {
  const WallTime midpoint = response.sent + (response.received - response.sent) / 2;
  return std::chrono::duration_cast<Millis>(midpoint - server_time);
}

Result<std::unique_ptr<detail::Http>> http_for(const std::string& url, const std::string& cert_sha256,
                                               const ClientOptions& options, const Clock& clock) {
  detail::HttpOptions http;
  http.base_url = url;
  http.cert_sha256 = cert_sha256;
  http.ca_file = options.ca_file;
  http.timeout = options.request_timeout;
  http.cancel = options.cancel;
  return detail::make_http(std::move(http), clock);
}

std::string protocol_body() { return fmt::format(R"({{"protocol":{}}})", kProtocolVersion); }

// --- merging a round of changes into the kiosk's schedule ---

template <class T>
void upsert(std::vector<T>& items, const std::vector<T>& changed) {
  for (const T& item : changed) {
    auto it = std::find_if(items.begin(), items.end(), [&](const T& existing) { return existing.id == item.id; });
    if (it != items.end()) *it = item;
    else items.push_back(item);
  }
}

template <class T>
void remove_ids(std::vector<T>& items, const std::vector<Id>& removed) {
  if (removed.empty()) return;
  const std::unordered_set<Id> gone(removed.begin(), removed.end());
  std::erase_if(items, [&](const T& item) { return gone.contains(item.id); });
}

void merge_page(Schedule& schedule, const ChangesPage& page) {
  // Removals first: a page that removes and re-adds an id means it exists.
  remove_ids(schedule.programs, page.removed_programs);
  remove_ids(schedule.sessions, page.removed_sessions);
  remove_ids(schedule.shifts, page.removed_shifts);
  upsert(schedule.programs, page.programs);
  upsert(schedule.sessions, page.sessions);
  upsert(schedule.shifts, page.shifts);
}

// Drops what ended long ago, and sessions whose program the kiosk does not know (the
// store would refuse them, and with them the whole round, again and again).
void prune(Schedule& schedule, WallTime now) {
  const WallTime cutoff = now - kKeepEnded;
  std::erase_if(schedule.sessions, [&](const Session& s) { return s.end < cutoff; });
  std::erase_if(schedule.shifts, [&](const Shift& s) { return s.end < cutoff; });
  std::erase_if(schedule.sessions, [&](const Session& s) {
    if (schedule.program(s.program_id)) return false;
    log_warn(kLog, "session {} refers to program {} which the server did not send: not kept", s.id, s.program_id);
    return true;
  });
}

}  // namespace

// --- credentials ---

Result<std::optional<Credentials>> Credentials::load(store::Store& store) {
  auto url = store.get_setting(settings::kServerUrl);
  if (!url) return std::unexpected(url.error());
  auto token = store.get_setting(settings::kDeviceToken);
  if (!token) return std::unexpected(token.error());
  auto pin = store.get_setting(settings::kCertSha256);
  if (!pin) return std::unexpected(pin.error());
  auto device = store.device_id();
  if (!device) return std::unexpected(device.error());
  if (!*url || !*token || !*device || (*url)->empty() || (*token)->empty()) return std::nullopt;
  return Credentials{**url, **device, **token, pin->value_or("")};
}

Result<void> Credentials::save(store::Store& store) const {
  if (server_url.empty() || device_id.empty() || device_token.empty())
    return fail(Errc::invalid_input, "saving sync credentials failed: the server URL, device id and token are needed");
  for (auto [key, value] : {std::pair{settings::kServerUrl, std::string_view(server_url)},
                            std::pair{settings::kCertSha256, std::string_view(cert_sha256)},
                            std::pair{settings::kDeviceToken, std::string_view(device_token)}})
    if (auto saved = store.set_setting(key, value); !saved) return saved;
  return store.set_device_id(device_id);
}

// --- enrolment ---

namespace {

// Before a new enrolment replaces them: the outbox up with the old credentials, while
// they still work. What does not go up is vouched for by the enrol request instead.
void flush_with_old_credentials(store::Store& store, const Credentials& old, const Clock& clock,
                                const ClientOptions& options) {
  auto counts = store.outbox_counts();
  if (!counts || counts->pending == 0) return;
  SyncClient client(store, old, clock, options);
  if (auto flushed = client.sync_once(); flushed)
    log_info(kLog, "before enrolling again: {} events sent as device {}", flushed->uploaded, old.device_id);
  else
    log_warn(kLog, "before enrolling again: the outbox could not go up as device {} ({}); the new enrolment vouches for it",
             old.device_id, flushed.error().error.message);
}

}  // namespace

Result<Credentials> enrol(const EnrolmentCode& code, std::string_view device_name, store::Store& store,
                          const Clock& clock, const ClientOptions& options) {
  auto http = http_for(code.server_url, code.cert_sha256, options, clock);
  if (!http) return std::unexpected(http.error());

  auto previous = Credentials::load(store);
  if (!previous) return std::unexpected(previous.error());
  if (*previous) flush_with_old_credentials(store, **previous, clock, options);
  auto local_id = store.get_setting(store::kLocalDeviceIdSetting);
  if (!local_id) return std::unexpected(local_id.error());

  EnrolRequest request{code.token, std::string(device_name), CHECKIN_VERSION};
  request.local_device_id = local_id->value_or("");
  if (*previous) {
    request.previous_device_id = (*previous)->device_id;
    request.previous_device_token = (*previous)->device_token;
  }
  auto response = (*http)->send(detail::HttpRequest{"POST", std::string(api::kEnrol), to_json(request), ""});
  if (!response) return std::unexpected(response.error());
  switch (classify(response->status)) {
    case Verdict::ok: break;
    case Verdict::unauthorized:
      return fail(Errc::unauthorized, fmt::format("enrolment refused ({}): the code is used, expired or revoked; "
                                                  "ask for a new one",
                                                  server_says(*response)));
    case Verdict::refused:
      return fail(Errc::invalid_input, fmt::format("enrolment refused: {}", server_says(*response)));
    case Verdict::retry:
      return fail(Errc::unavailable, fmt::format("enrolment failed, try again: {}", server_says(*response)));
  }
  auto enrolled = parse_enrol_response(response->body);
  if (!enrolled)
    return fail(Errc::unavailable, fmt::format("enrolment: the server's answer is malformed: {}",
                                               enrolled.error().message));

  std::vector<store::PublicKeyRecord> keys;
  for (const auto& key : enrolled->public_keys) keys.push_back({key.key_id, key.public_key});
  if (auto saved = store.save_public_keys(keys); !saved) return std::unexpected(saved.error());
  // A new device starts its feeds from scratch: the old cursors belonged to the old id.
  for (auto [key, value] : {std::pair{store::kSiteNameSetting, std::string_view(enrolled->site.name)},
                            std::pair{store::kDeviceNameSetting, std::string_view(enrolled->device_name)},
                            std::pair{store::kDeviceNamePendingSetting, std::string_view()},
                            std::pair{store::kSyncCursorSetting, std::string_view()},
                            std::pair{store::kSiteFeedCursorSetting, std::string_view()}})
    if (auto saved = store.set_setting(key, value); !saved) return std::unexpected(saved.error());

  Credentials credentials{code.server_url, enrolled->device_id, enrolled->device_token, code.cert_sha256};
  if (auto saved = credentials.save(store); !saved) return std::unexpected(saved.error());
  const Millis offset = offset_of(*response, enrolled->server_time);
  if (auto saved = store.set_setting(settings::kClockOffset, std::to_string(offset.count())); !saved)
    return std::unexpected(saved.error());
  log_info(kLog, "enrolled as device {} at site {} ({} pass keys, clock offset {} ms){}", credentials.device_id,
           enrolled->site.id, keys.size(), offset.count(),
           *previous ? fmt::format(", replacing device {}", (*previous)->device_id) : std::string());
  return credentials;
}

// --- the client ---

struct SyncClient::Impl {
  store::Store& store;
  Credentials credentials;
  const Clock& clock;
  ClientOptions options;
  Result<std::unique_ptr<detail::Http>> http;
  SyncReport report;
  std::optional<Millis> offset;
  std::int64_t feed_changes = 0;  // the server's change count on the last feed page
  bool roll_due = false;          // this pass's changes pages asked for a new device token

  Impl(store::Store& s, Credentials c, const Clock& k, ClientOptions o)
      : store(s),
        credentials(std::move(c)),
        clock(k),
        options(std::move(o)),
        http(http_for(credentials.server_url, credentials.cert_sha256, options, clock)) {}

  bool cancelled() const { return options.cancel && options.cancel->load(); }

  std::expected<HttpResponse, SyncFailure> call(std::string_view method, std::string path, std::string body) {
    if (!http) return failure(http.error());
    if (cancelled()) return failure(Errc::unavailable, "sync is stopping");
    auto response = (*http)->send(detail::HttpRequest{method, std::move(path), std::move(body), credentials.device_token});
    if (!response) return failure(response.error());
    report.bytes_down += static_cast<std::int64_t>(response->body.size());
    report.wire_bytes_down += response->wire_bytes;
    return std::move(*response);
  }

  void note_offset(const HttpResponse& response, WallTime server_time) {
    if (server_time != WallTime{}) offset = offset_of(response, server_time);
  }

  // --- upload ---

  std::expected<void, SyncFailure> note_failure(std::span<const AttendanceEvent> events, const SyncFailure& why) {
    std::vector<std::string> ids;
    for (const auto& event : events) ids.push_back(event.event_id);
    if (auto noted = store.note_upload_failure(ids, why.error.message); !noted) return failure(noted.error());
    return std::unexpected(why);
  }

  // One batch; a batch the server refuses as a whole is split until the refused event is
  // alone, and only that one becomes a dead letter.
  std::expected<void, SyncFailure> upload(std::span<const AttendanceEvent> events) {
    EventBatch batch{credentials.device_id, {events.begin(), events.end()}};
    auto response = call("POST", api::events_batch(credentials.device_id), to_json(batch));
    if (!response) return note_failure(events, response.error());

    switch (classify(response->status)) {
      case Verdict::ok: break;
      case Verdict::unauthorized: return std::unexpected(failure_for(*response, "uploading events"));
      case Verdict::retry: return note_failure(events, failure_for(*response, "uploading events"));
      case Verdict::refused: {
        if (events.size() == 1) {
          const std::string reason = server_says(*response);
          if (auto set_aside = store.mark_dead_letter(events[0].event_id, reason); !set_aside)
            return failure(set_aside.error());
          ++report.dead_letters;
          log_warn(kLog, "event {} set aside as a dead letter: {}", events[0].event_id, reason);
          return {};
        }
        const std::size_t half = events.size() / 2;
        if (auto first = upload(events.first(half)); !first) return first;
        return upload(events.subspan(half));
      }
    }

    auto result = parse_batch_result(response->body);
    if (!result)
      return note_failure(events, SyncFailure{Error{Errc::unavailable,
                                                    fmt::format("uploading events: the server's answer is malformed: {}",
                                                                result.error().message)},
                                              std::nullopt});
    note_offset(*response, result->server_time);

    std::unordered_set<std::string> sent;
    for (const auto& event : events) sent.insert(event.event_id);
    std::vector<std::string> committed;
    for (const auto& item : result->results) {
      if (!sent.erase(item.event_id)) continue;  // not ours to mark (or answered twice)
      if (item.status == EventStatus::rejected) {
        const std::string reason = item.reason.empty() ? "rejected by the server" : item.reason;
        if (auto set_aside = store.mark_dead_letter(item.event_id, reason); !set_aside)
          return failure(set_aside.error());
        ++report.dead_letters;
        log_warn(kLog, "event {} rejected by the server: {}", item.event_id, reason);
      } else {
        committed.push_back(item.event_id);
      }
    }
    if (auto marked = store.mark_uploaded(committed); !marked) return failure(marked.error());
    report.uploaded += static_cast<std::int64_t>(committed.size());
    if (!sent.empty()) {
      // Unanswered events stay pending; the pass fails so the worker backs off.
      std::vector<AttendanceEvent> unanswered;
      for (const auto& event : events)
        if (sent.contains(event.event_id)) unanswered.push_back(event);
      return note_failure(unanswered, SyncFailure{Error{Errc::unavailable,
                                                        fmt::format("uploading events: the server did not answer for "
                                                                    "{} of {} events",
                                                                    unanswered.size(), events.size())},
                                                  std::nullopt});
    }
    return {};
  }

  std::expected<void, SyncFailure> upload_outbox() {
    while (true) {
      auto pending = store.pending_uploads(std::clamp<std::size_t>(options.batch_size, 1, kMaxEventsPerBatch));
      if (!pending) return failure(pending.error());
      if (pending->empty()) return {};
      if (auto sent = upload(*pending); !sent) return sent;
    }
  }

  // --- feedback ---

  std::expected<void, SyncFailure> upload_feedback(std::span<const store::StoredFeedback> items) {
    FeedbackBatch batch;
    for (const auto& item : items) batch.items.push_back(FeedbackItem{item.id, item.feedback, item.day});
    auto response = call("POST", api::feedback_batch(credentials.device_id), to_json(batch));
    if (!response) return std::unexpected(response.error());
    std::vector<std::int64_t> ids;
    for (const auto& item : items) ids.push_back(item.id);
    switch (classify(response->status)) {
      case Verdict::ok: break;
      case Verdict::unauthorized:
      case Verdict::retry: return std::unexpected(failure_for(*response, "uploading feedback"));
      case Verdict::refused: {
        if (items.size() == 1) {
          // Feedback is anonymous and has no dead-letter shelf: a rating the server will
          // never take is dropped, loudly, rather than resent forever.
          log_warn(kLog, "feedback {} refused by the server and dropped: {}", items[0].id, server_says(*response));
          if (auto removed = store.remove_feedback(ids); !removed) return failure(removed.error());
          return {};
        }
        const std::size_t half = items.size() / 2;
        if (auto first = upload_feedback(items.first(half)); !first) return first;
        return upload_feedback(items.subspan(half));
      }
    }
    auto result = parse_feedback_result(response->body);
    if (!result)
      return failure(Errc::unavailable,
                     fmt::format("uploading feedback: the server's answer is malformed: {}", result.error().message));
    note_offset(*response, result->server_time);
    if (auto removed = store.remove_feedback(ids); !removed) return failure(removed.error());
    report.feedback += static_cast<std::int64_t>(ids.size());
    return {};
  }

  std::expected<void, SyncFailure> upload_all_feedback() {
    auto pending = store.pending_feedback();
    if (!pending) return failure(pending.error());
    std::span<const store::StoredFeedback> all(*pending);
    for (std::size_t at = 0; at < all.size(); at += kMaxEventsPerBatch)
      if (auto sent = upload_feedback(all.subspan(at, std::min(kMaxEventsPerBatch, all.size() - at))); !sent)
        return sent;
    return {};
  }

  // --- download ---

  std::expected<void, SyncFailure> download() {
    auto stored_cursor = store.get_setting(store::kSyncCursorSetting);
    if (!stored_cursor) return failure(stored_cursor.error());
    const std::string start_cursor = stored_cursor->value_or("");
    auto current = store.load_schedule();
    if (!current) return failure(current.error());
    auto known_keys = store.load_public_keys();
    if (!known_keys) return failure(known_keys.error());
    auto known_settings = store.all_settings();
    if (!known_settings) return failure(known_settings.error());

    Schedule schedule = std::move(*current);
    store::DownloadedChanges round;
    bool changed = false, roster_replaced = false, full_resync = false;
    Roster roster;
    std::optional<std::vector<KeyEntry>> keys;
    std::map<std::string, std::string> central;
    std::optional<Site> site;
    std::string device_name;
    std::string cursor = start_cursor;

    for (std::int64_t pages = 0;; ++pages) {
      if (pages >= kMaxPagesPerRound)
        return failure(Errc::unavailable,
                       fmt::format("downloading changes: more than {} pages in one round", kMaxPagesPerRound));
      std::string path = api::changes(credentials.device_id);
      if (!cursor.empty()) path += "?cursor=" + (*http)->escape(cursor);
      auto response = call("GET", std::move(path), "");
      if (!response) return std::unexpected(response.error());
      if (classify(response->status) != Verdict::ok) {
        auto why = failure_for(*response, "downloading changes");
        if (why.error.code == Errc::invalid_input && !start_cursor.empty()) {
          // A cursor the server will never take again: start over with a full resync next time.
          log_warn(kLog, "the server refused the changes cursor ({}): the next round is a full resync",
                   why.error.message);
          if (auto reset = store.set_setting(store::kSyncCursorSetting, ""); !reset) return failure(reset.error());
        }
        return std::unexpected(why);
      }
      auto page = parse_changes_page(response->body);
      if (!page)
        return failure(Errc::unavailable,
                       fmt::format("downloading changes: page {} is malformed: {}", pages + 1, page.error().message));
      ++report.pages;
      note_offset(*response, page->server_time);

      if (page->full_resync) {
        // Whatever was merged so far (this round or before) is replaced by what follows.
        full_resync = true;
        schedule = Schedule{};
        round.revocations.clear();
        changed = true;
      }
      merge_page(schedule, *page);
      changed = changed || !page->programs.empty() || !page->removed_programs.empty() || !page->sessions.empty() ||
                !page->removed_sessions.empty() || !page->shifts.empty() || !page->removed_shifts.empty() ||
                !page->revocations.empty();
      if (page->roster_replaced) {
        roster_replaced = true;
        for (const auto& entry : page->roster) roster.add(entry.person, entry.pass_ids);
      }
      for (const auto& revocation : page->revocations)
        round.revocations.push_back(store::Revocation{revocation.pass_id, revocation.revoked_at});
      // An empty key set is never applied: a kiosk that can verify no pass is worse than
      // one with the last keys (revoked passes are still refused through revocations).
      if (!page->public_keys.empty()) keys = page->public_keys;
      for (const auto& [key, value] : page->settings) central[key] = value;
      if (!page->site.id.empty() || !page->site.name.empty()) site = page->site;
      if (!page->device_name.empty()) device_name = page->device_name;
      roll_due = roll_due || page->token_roll_due;
      cursor = page->next_cursor;
      if (!page->has_more) break;
      if (cancelled()) return failure(Errc::unavailable, "sync is stopping");
    }

    const std::size_t before_prune = schedule.sessions.size() + schedule.shifts.size();
    prune(schedule, clock.now().wall);
    changed = changed || schedule.sessions.size() + schedule.shifts.size() != before_prune;

    round.schedule = std::move(schedule);
    if (roster_replaced) {
      round.roster = std::move(roster);
      changed = true;
    }
    round.replace_revocations = full_resync;
    if (keys) {
      std::vector<store::PublicKeyRecord> records;
      for (const auto& key : *keys) records.push_back({key.key_id, key.public_key});
      std::vector<store::PublicKeyRecord> sorted = records;
      std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.key_id_hex < b.key_id_hex; });
      const bool same = sorted.size() == known_keys->size() &&
                        std::equal(sorted.begin(), sorted.end(), known_keys->begin(), [](const auto& a, const auto& b) {
                          return a.key_id_hex == b.key_id_hex && a.public_key_hex == b.public_key_hex;
                        });
      changed = changed || !same;
      round.public_keys = std::move(records);
    }
    std::map<std::string, std::string> known_central;
    for (const auto& [key, value] : *known_settings)
      if (key.starts_with(store::kCentralSettingPrefix))
        known_central.emplace(key.substr(store::kCentralSettingPrefix.size()), value);
    changed = changed || central != known_central;
    round.central_settings = std::move(central);
    if (site) {
      auto it = known_settings->find(std::string(store::kSiteNameSetting));
      changed = changed || it == known_settings->end() || it->second != site->name;
      round.site_name = site->name;
    }
    if (!device_name.empty()) {
      auto it = known_settings->find(std::string(store::kDeviceNameSetting));
      changed = changed || it == known_settings->end() || it->second != device_name;
      round.device_name = device_name;
    }
    round.cursor = cursor;

    if (auto applied = store.apply_download(round); !applied) return failure(applied.error());
    report.caches_changed = changed;
    report.full_resync = full_resync;
    return {};
  }

  // --- the kiosk's name, when staff changed it on the admin screen ---

  std::expected<void, SyncFailure> send_name() {
    auto pending = store.get_setting(store::kDeviceNamePendingSetting);
    if (!pending) return failure(pending.error());
    if (!*pending || (*pending)->empty()) return {};
    auto response = call("POST", api::device_name(credentials.device_id), to_json(DeviceName{**pending}));
    if (!response) return std::unexpected(response.error());
    if (response->status == 404) return {};  // a server from before kiosk names: kept for a newer one
    switch (classify(response->status)) {
      case Verdict::ok: break;
      case Verdict::refused:
        // A name the server will not take is not worth failing every pass for.
        log_warn(kLog, "the kiosk's new name was refused: {}", server_says(*response));
        break;
      default: return std::unexpected(failure_for(*response, "sending the kiosk's name"));
    }
    if (auto cleared = store.set_setting(store::kDeviceNamePendingSetting, ""); !cleared) return failure(cleared.error());
    return {};
  }

  // --- the site feed ---

  std::expected<std::int64_t, SyncFailure> follow_site(std::chrono::seconds wait) {
    std::int64_t learned = 0;
    for (std::int64_t pages = 0;; ++pages) {
      if (pages >= kMaxPagesPerRound)
        return failure(Errc::unavailable, fmt::format("reading the site feed: more than {} pages", kMaxPagesPerRound));
      if (!http) return failure(http.error());
      auto cursor = store.get_setting(store::kSiteFeedCursorSetting);
      if (!cursor) return failure(cursor.error());
      std::string path = api::site_feed(credentials.device_id) + "?wait=" + std::to_string(pages == 0 ? wait.count() : 0);
      if (*cursor && !(*cursor)->empty()) path += "&cursor=" + (*http)->escape(**cursor);
      if (cancelled()) return failure(Errc::unavailable, "sync is stopping");
      detail::HttpRequest request{"GET", std::move(path), "", credentials.device_token,
                                  pages == 0 ? std::chrono::duration_cast<Millis>(wait) : Millis{0}};
      auto response = (*http)->send(request);
      if (!response) return failure(response.error());
      // A server from before the site feed: the kiosk works as a single door with it.
      if (response->status == 404) return failure(Errc::not_found, "the server has no site feed (an older version)");
      if (classify(response->status) != Verdict::ok) return std::unexpected(failure_for(*response, "reading the site feed"));
      auto page = parse_site_feed_page(response->body);
      if (!page)
        return failure(Errc::unavailable, fmt::format("reading the site feed: the answer is malformed: {}",
                                                      page.error().message));
      auto kept = store.learn_site_events(page->events, page->next_cursor);
      if (!kept) return failure(kept.error());
      learned += *kept;
      feed_changes = page->changes;
      if (!page->has_more) return learned;
    }
  }

  std::expected<void, SyncFailure> roll() {
    auto response = call("POST", api::token_roll(credentials.device_id), protocol_body());
    if (!response) return std::unexpected(response.error());
    if (classify(response->status) != Verdict::ok) return std::unexpected(failure_for(*response, "rolling the token"));
    auto rolled_token = parse_token_roll(response->body);
    if (!rolled_token)
      return failure(Errc::unavailable,
                     fmt::format("rolling the token: the server's answer is malformed: {}", rolled_token.error().message));
    // Saved before any request uses it. Should it be lost before then, the token in use
    // still works: the server retires it only when the new one is first used.
    Credentials rolled = credentials;
    rolled.device_token = rolled_token->device_token;
    if (auto saved = rolled.save(store); !saved) return failure(saved.error());
    credentials = std::move(rolled);
    log_info(kLog, "device {}: token rolled", credentials.device_id);
    return {};
  }

  std::expected<SyncReport, SyncFailure> pass() {
    report = SyncReport{};
    offset.reset();
    roll_due = false;
    if (!http) return failure(http.error());

    if (auto uploaded = upload_outbox(); !uploaded) return std::unexpected(uploaded.error());
    if (auto sent = upload_all_feedback(); !sent) return std::unexpected(sent.error());
    const WallTime now = clock.now().wall;
    if (auto purged = store.purge_uploaded_before(now - options.keep_uploaded); !purged)
      return failure(purged.error());
    if (auto renamed = send_name(); !renamed) return std::unexpected(renamed.error());
    if (auto downloaded = download(); !downloaded) return std::unexpected(downloaded.error());
    auto learned = follow_site(std::chrono::seconds{0});
    if (!learned && learned.error().error.code != Errc::not_found) return std::unexpected(learned.error());
    report.site_events = learned.value_or(0);
    // Everything is up and down: now the new token the server asked for. A failed roll
    // costs nothing (the token in use keeps working) and is tried again at the next pass.
    if (roll_due) {
      if (auto rolled = roll(); rolled)
        report.token_rolled = true;
      else
        log_warn(kLog, "the server asked for a new device token; rolling failed, tried again at the next sync: {}",
                 rolled.error().error.message);
    }

    if (offset) {
      report.clock_offset = *offset;
      if (auto saved = store.set_setting(settings::kClockOffset, std::to_string(offset->count())); !saved)
        return failure(saved.error());
    }
    if (auto saved = store.set_setting(settings::kLastSuccess, detail::device_time_text(clock.now().wall)); !saved)
      return failure(saved.error());
    return report;
  }
};

SyncClient::SyncClient(store::Store& store, Credentials credentials, const Clock& clock, ClientOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(credentials), clock, std::move(options))) {}

SyncClient::~SyncClient() = default;

std::expected<SyncReport, SyncFailure> SyncClient::sync_once() { return impl_->pass(); }

std::int64_t SyncClient::feed_changes() const { return impl_->feed_changes; }

std::expected<std::int64_t, SyncFailure> SyncClient::follow_site(std::chrono::seconds wait) {
  if (!impl_->http) return failure(impl_->http.error());
  return impl_->follow_site(wait);
}

std::expected<void, SyncFailure> SyncClient::roll_token() { return impl_->roll(); }

}  // namespace checkin::sync
