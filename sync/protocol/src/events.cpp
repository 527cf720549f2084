// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/sync/events.hpp"

#include <fmt/format.h>

#include "domain_json.hpp"
#include "json.hpp"

namespace checkin::sync {

using nlohmann::json;

const char* to_string(EventStatus status) {
  switch (status) {
    case EventStatus::accepted: return "accepted";
    case EventStatus::duplicate: return "duplicate";
    case EventStatus::rejected: return "rejected";
  }
  return "rejected";
}

namespace wire {

json to_json(const AttendanceEvent& e) {
  json j = {
      {"event_id", e.event_id},   {"device_id", e.device_id},          {"seq", e.seq},
      {"kind", to_string(e.kind)}, {"wall_time", wire::format_time(e.wall_time)},
      {"monotonic_ms", e.monotonic.count()}, {"boot_id", e.boot_id}, {"flags", flag_names(e.flags)},
  };
  // Only the fields the kind uses: smaller bodies, and nothing that looks meaningful isn't.
  auto optional = [&](const char* name, const std::string& value) {
    if (!value.empty()) j[name] = value;
  };
  optional("session_id", e.session_id);
  optional("shift_id", e.shift_id);
  optional("pass_id", e.pass_id);
  optional("person_id", e.person_id);
  optional("walk_in_name", e.walk_in_name);
  optional("undoes_event_id", e.undoes_event_id);
  if (e.kind == EventKind::shift_end) j["shift_duration_ms"] = e.shift_duration.count();
  return j;
}

Result<AttendanceEvent> parse_event(const json& j, const std::string& path) {
  if (!j.is_object()) return fail(Errc::invalid_input, path + ": expected an object");
  AttendanceEvent e;
  auto take = [&](const char* name, std::string& field, bool required) -> Result<void> {
    auto v = wire::text(j, name, path, required);
    if (!v) return std::unexpected(v.error());
    field = std::move(*v);
    return {};
  };
  for (auto ok : {take("event_id", e.event_id, true), take("device_id", e.device_id, true),
                  take("session_id", e.session_id, false), take("shift_id", e.shift_id, false),
                  take("pass_id", e.pass_id, false), take("person_id", e.person_id, false),
                  take("walk_in_name", e.walk_in_name, false), take("undoes_event_id", e.undoes_event_id, false),
                  take("boot_id", e.boot_id, false)})
    if (!ok) return std::unexpected(ok.error());
  std::string kind;
  if (auto ok = take("kind", kind, true); !ok) return std::unexpected(ok.error());
  auto k = event_kind_from_string(kind);
  if (!k) return fail(Errc::invalid_input, fmt::format("{}.kind: '{}' is not an event kind", path, kind));
  e.kind = *k;
  auto seq = wire::integer(j, "seq", path);
  auto mono = wire::integer(j, "monotonic_ms", path, false);
  auto duration = wire::integer(j, "shift_duration_ms", path, false);
  auto wall = wire::time(j, "wall_time", path);
  for (const auto* r : {&seq, &mono, &duration})
    if (!*r) return std::unexpected(r->error());
  if (!wall) return std::unexpected(wall.error());
  if (*seq < 1) return fail(Errc::invalid_input, path + ".seq: must be 1 or more");
  e.seq = *seq;
  e.monotonic = Millis{*mono};
  e.shift_duration = Millis{*duration};
  e.wall_time = *wall;
  if (auto flags = wire::member(j, "flags", path, false); !flags) {
    return std::unexpected(flags.error());
  } else if (*flags) {
    if (!(*flags)->is_array()) return fail(Errc::invalid_input, path + ".flags: expected an array");
    for (const auto& f : **flags) {
      if (!f.is_string()) return fail(Errc::invalid_input, path + ".flags: expected strings");
      if (auto flag = event_flag_from_string(f.get<std::string>())) e.flags |= *flag;  // unknown flags: newer kiosks
    }
  }
  return e;
}

}  // namespace wire

std::string to_json(const EventBatch& batch) {
  json events = json::array();
  for (const auto& e : batch.events) events.push_back(wire::to_json(e));
  return json{{"protocol", kProtocolVersion}, {"device_id", batch.device_id}, {"events", std::move(events)}}.dump();
}

Result<EventBatch> parse_event_batch(std::string_view body) {
  auto j = wire::parse_body(body, kMaxBodyBytes);
  if (!j) return std::unexpected(j.error());
  if (auto ok = wire::check_protocol(*j); !ok) return std::unexpected(ok.error());
  EventBatch batch;
  auto device = wire::text(*j, "device_id", "");
  if (!device) return std::unexpected(device.error());
  batch.device_id = std::move(*device);
  auto events = wire::array(*j, "events", "");
  if (!events) return std::unexpected(events.error());
  if ((*events)->size() > kMaxEventsPerBatch)
    return fail(Errc::limit_exceeded, fmt::format("events: {} in one batch, at most {}", (*events)->size(), kMaxEventsPerBatch));
  for (std::size_t i = 0; i < (*events)->size(); ++i) {
    auto e = wire::parse_event((**events)[i], fmt::format("events[{}]", i));
    if (!e) return std::unexpected(e.error());
    batch.events.push_back(std::move(*e));
  }
  return batch;
}

std::string to_json(const BatchResult& result) {
  json results = json::array();
  for (const auto& r : result.results) {
    json item = {{"event_id", r.event_id}, {"status", to_string(r.status)}};
    if (!r.reason.empty()) item["reason"] = r.reason;
    results.push_back(std::move(item));
  }
  return json{{"protocol", kProtocolVersion}, {"server_time", wire::format_time(result.server_time)},
              {"results", std::move(results)}}
      .dump();
}

Result<BatchResult> parse_batch_result(std::string_view body) {
  auto j = wire::parse_body(body, kMaxBodyBytes);
  if (!j) return std::unexpected(j.error());
  if (auto ok = wire::check_protocol(*j); !ok) return std::unexpected(ok.error());
  BatchResult out;
  auto server_time = wire::time(*j, "server_time", "");
  if (!server_time) return std::unexpected(server_time.error());
  out.server_time = *server_time;
  auto results = wire::array(*j, "results", "");
  if (!results) return std::unexpected(results.error());
  for (std::size_t i = 0; i < (*results)->size(); ++i) {
    const auto& item = (**results)[i];
    std::string path = fmt::format("results[{}]", i);
    if (!item.is_object()) return fail(Errc::invalid_input, path + ": expected an object");
    auto id = wire::text(item, "event_id", path);
    auto status = wire::text(item, "status", path);
    auto reason = wire::text(item, "reason", path, false);
    for (const auto* r : {&id, &status, &reason})
      if (!*r) return std::unexpected(r->error());
    EventResult r{*id, EventStatus::accepted, *reason};
    if (*status == "duplicate") r.status = EventStatus::duplicate;
    else if (*status == "rejected") r.status = EventStatus::rejected;
    else if (*status != "accepted")
      return fail(Errc::invalid_input, fmt::format("{}.status: '{}' is not accepted, duplicate or rejected", path, *status));
    out.results.push_back(std::move(r));
  }
  return out;
}

std::string to_json(const ProtocolError& error) {
  return json{{"protocol", kProtocolVersion}, {"error", {{"code", error.code}, {"message", error.message}}}}.dump();
}

Result<ProtocolError> parse_protocol_error(std::string_view body) {
  auto j = wire::parse_body(body, kMaxBodyBytes);
  if (!j) return std::unexpected(j.error());
  auto error = wire::member(*j, "error", "");
  if (!error) return std::unexpected(error.error());
  if (!(*error)->is_object()) return fail(Errc::invalid_input, "error: expected an object");
  auto code = wire::text(**error, "code", "error");
  auto message = wire::text(**error, "message", "error", false);
  if (!code) return std::unexpected(code.error());
  if (!message) return std::unexpected(message.error());
  return ProtocolError{*code, *message};
}

}  // namespace checkin::sync
