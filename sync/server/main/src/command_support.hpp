// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// What the coordinator commands and `demo` share: the store wrapper, output conventions,
// files and QR codes, enrolment codes.
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/core/clock.hpp"
#include "checkin/core/error.hpp"
#include "checkin/server/store.hpp"
#include "checkin/sync/enrolment.hpp"
#include "commands.hpp"

namespace checkin::server {

WallTime now_utc();
// A UTC time as a cell, "-" for none.
std::string time_cell(const std::optional<WallTime>& t);

// A cell of a tab-separated row: tabs and line breaks in free text would split it.
std::string cell(std::string_view text);
// Ids as one cell: comma-separated, "-" for none.
std::string joined(const std::vector<Id>& ids);

// Prints "checkin-server COMMAND: message" and answers the exit status for it.
int report(const Error& error, std::string_view command);

std::unique_ptr<ServerStore> open_store(const ServerConfig& config, std::string_view command, int& status);

Result<void> write_file(const std::filesystem::path& path, const std::string& content);
// Writes the QR code of `text` to whichever of the two paths is not empty.
Result<void> write_qr(const std::string& text, const std::filesystem::path& png, const std::filesystem::path& svg);

// A new single-use enrolment token for the site, as the code a kiosk scans: `url` (empty:
// server.public_url), the public-key pin of enrolment_pin (the server's or its proxy's
// certificate) if any, and the kiosk's name if one is given.
struct NewEnrolment {
  sync::EnrolmentCode code;
  EnrolmentToken token;
};
Result<NewEnrolment> new_enrolment(ServerStore& store, const ServerConfig& config, const Id& site_id,
                                   const std::string& url, WallTime now, std::string_view kiosk_name = {});

// What a command that changes data, or shows identified attendance, records in the audit
// trail (audit.hpp) when it succeeds, as the command line: the action, and the object it
// names or, when it makes one, the id it printed first (Printer::id). Ids only, never names.
struct CliAudit {
  std::string action{};  // empty: the command records nothing (a list, a read of counts)
  std::string object_type{};
  std::string object_id{};  // empty: the id the command printed
  Id site_id{};
  std::string detail{};
};

// Writes the entry after a command succeeded; a failure to write it is reported and the
// command's status becomes kExitFailed (the change is made, the trail must say so).
int note_in_audit_trail(ServerStore& store, const CliAudit& audit, std::string_view command);
// The id a command printed as the first line of its output (what it made).
void note_printed_id(std::string_view id);

// Runs `body` with an open store; the wrapper every command shares. With `audit`, a
// successful run is recorded in the audit trail.
template <class Body>
Action with_store(std::string command, CliAudit audit, Body body) {
  return [command = std::move(command), body, audit = std::move(audit)](const ServerConfig& config) -> int {
    int status = kExitOk;
    auto store = open_store(config, command, status);
    if (!store) return status;
    status = body(*store, config);
    if (status != kExitOk || audit.action.empty()) return status;
    return note_in_audit_trail(*store, audit, command);
  };
}
template <class Body>
Action with_store(std::string command, Body body) {
  return with_store(std::move(command), CliAudit{}, std::move(body));
}

struct Printer {
  const GlobalOptions& options;
  void id(std::string_view id) const {
    note_printed_id(id);
    fmt::print("{}\n", id);
  }
  template <class... Args>
  void detail(fmt::format_string<Args...> format, Args&&... args) const {
    if (!options.quiet) fmt::print("{}\n", fmt::format(format, std::forward<Args>(args)...));
  }
};

}  // namespace checkin::server
