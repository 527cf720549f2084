// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Files the dashboard hands out (pass images, pass sheets, CSV reports) and small texts
// the passes, kiosks, board, reports, review and retention pages share.
//
// A downloaded file's name holds ids and dates only, never a person's name: file names
// end up in download folders, mail attachments and shared drives.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/server/store.hpp"
#include "context.hpp"

namespace checkin::server::dashboard {

// 200 with the bytes as an attachment named `file_name` (letters, digits, '.', '-', '_'
// only; anything else becomes '-').
void send_download(Context& ctx, std::string_view bytes, std::string_view content_type, std::string_view file_name);

// "just now", "4 minutes ago", "2 hours ago", "3 days ago".
std::string ago_text(Millis elapsed);
// A kiosk's clock against the server's: "in step", "2 minutes ahead", "35 seconds behind".
std::string clock_offset_text(Millis offset);

// The sites a report or list covers for this account: the one asked for (empty when it is
// not visible: answered 404 already), or all the account's. `ok` false when answered.
struct SiteScope {
  std::vector<Site> sites;     // the account's visible sites, by name
  std::vector<Id> site_ids;    // what to ask the store for; never empty for a coordinator's
  Id chosen;                   // the ?site= asked for, or empty
  bool nothing = false;        // a coordinator without sites: show nothing
};
std::optional<SiteScope> site_scope(Context& ctx, const Id& chosen);

// A person whose registered programs are all discreet: no name on paper or boards for them.
bool only_discreet(const PersonRecord& person, const std::vector<Program>& programs);

// The pass a person holds now: the newest that is neither revoked nor expired.
std::optional<PassRecord> current_pass(const std::vector<PassRecord>& passes, WallTime now);

}  // namespace checkin::server::dashboard
