// SPDX-License-Identifier: AGPL-3.0-or-later
#include "command_support.hpp"

#include <fstream>

#include "checkin/qr/encode.hpp"
#include "checkin/server/http.hpp"

namespace checkin::server {

WallTime now_utc() { return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()); }

std::string time_cell(const std::optional<WallTime>& t) { return t ? format_utc(*t) : "-"; }

std::string cell(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return out;
}

std::string joined(const std::vector<Id>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return out.empty() ? "-" : out;
}

int report(const Error& error, std::string_view command) {
  fmt::print(stderr, "checkin-server {}: {}\n", command, error.message);
  return error.code == Errc::invalid_input ? kExitUsage : kExitFailed;
}

namespace {
// One command runs per process: the id it printed first is what it made.
std::string& printed_id() {
  static std::string id;
  return id;
}
}  // namespace

void note_printed_id(std::string_view id) {
  if (printed_id().empty()) printed_id() = id;
}

int note_in_audit_trail(ServerStore& store, const CliAudit& audit, std::string_view command) {
  const std::string object = audit.object_id.empty() ? printed_id() : audit.object_id;
  auto noted = store.record_audit(Actor::command_line(), audit.action, audit.object_type, object, audit.site_id,
                                  audit.detail, now_utc());
  if (noted) return kExitOk;
  fmt::print(stderr, "checkin-server {}: done, but its audit trail entry was not written: {}\n", command,
             noted.error().message);
  return kExitFailed;
}

std::unique_ptr<ServerStore> open_store(const ServerConfig& config, std::string_view command, int& status) {
  auto store = ServerStore::open(config.database, 1);
  if (!store) {
    status = report(store.error(), command);
    return nullptr;
  }
  return std::move(*store);
}

Result<void> write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out.flush()) return fail(Errc::io, fmt::format("cannot write {}", path.string()));
  return {};
}

Result<void> write_qr(const std::string& text, const std::filesystem::path& png, const std::filesystem::path& svg) {
  if (png.empty() && svg.empty()) return {};
  auto matrix = qr::encode(text);
  if (!matrix) return std::unexpected(matrix.error());
  if (!png.empty())
    if (auto ok = qr::render_png(*matrix, png, 8); !ok) return ok;
  if (!svg.empty())
    if (auto ok = write_file(svg, qr::render_svg(*matrix, 8)); !ok) return ok;
  return {};
}

Result<NewEnrolment> new_enrolment(ServerStore& store, const ServerConfig& config, const Id& site_id,
                                   const std::string& url, WallTime now, std::string_view kiosk_name) {
  NewEnrolment made;
  made.code.server_url = url.empty() ? config.public_url : url;
  if (made.code.server_url.empty())
    return fail(Errc::invalid_input, "--url (or server.public_url) is needed: the URL kiosks reach");
  auto pin = enrolment_pin(config);
  if (!pin) return std::unexpected(pin.error());
  made.code.cert_sha256 = *pin;
  auto token = store.create_enrolment_token(site_id, now, kiosk_name);
  if (!token) return std::unexpected(token.error());
  made.token = *token;
  made.code.token = token->token;
  made.code.name = token->device_name;
  return made;
}

}  // namespace checkin::server
