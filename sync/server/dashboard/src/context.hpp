// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// What a page's handler works with: the request, who is signed in, and ways to answer.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/server/dashboard.hpp"

namespace checkin::server::dashboard {

// Cookie names: the signed-in session, the sign-in form's own CSRF value (before there is
// a session), a one-time message shown on the next page, and the known-browser mark that
// lets an account's owner sign in while strangers are paused (accounts.hpp).
inline constexpr std::string_view kSessionCookie = "checkin_session";
inline constexpr std::string_view kSignInCookie = "checkin_signin";
inline constexpr std::string_view kFlashCookie = "checkin_flash";
inline constexpr std::string_view kKnownBrowserCookie = "checkin_browser";

// The dashboard's log channel.
inline constexpr std::string_view kLog = "dashboard";

// What a handler adds to the audit entry its route records (router.hpp's Audited): the
// object when the path does not name it (something new), the site, more ids.
struct AuditNote {
  std::string object_id;
  Id site_id;
  std::string detail;      // ids and numbers only, never a name
  bool unchanged = false;  // the request succeeded without changing anything
};

struct Context {
  const Request& request;
  Response& response;
  ServerStore& store;
  const DashboardOptions& options;
  WallTime now{};
  std::map<std::string, std::string> params;  // the route's {placeholders}
  std::optional<WebSession> session;          // set on every route but Gate::open ones
  Access access;                              // the session's rights
  AuditNote audit;                            // for the route's audit entry

  // ---- reading the request
  const std::string& path() const;
  std::string path_param(const std::string& name) const;
  std::string query(const std::string& name) const;  // the URL's query parameters
  // A field of the submitted form (url-encoded or multipart body; never the URL's query);
  // "" when absent.
  std::string form(const std::string& name) const;
  bool has_form(const std::string& name) const;
  std::vector<std::string> form_all(const std::string& name) const;  // checkbox groups
  // An uploaded file's bytes (multipart), empty when none was chosen.
  std::string upload(const std::string& name) const;
  std::string cookie(std::string_view name) const;
  const std::string& csrf_token() const;  // the session's; "" when not signed in
  const std::string& account_name() const;
  Actor actor() const;  // the signed-in account, for the audit trail

  // ---- answering
  // 200 (or `status`) with the layout around `body` (HTML, escaped where it holds data).
  void page(std::string_view title, std::string_view body, int status = 200);
  // 303 See Other to a local path, with a one-time message for the next page.
  void redirect(std::string_view location, std::string_view flash = "");
  // The standard refusals and failures, each a small page.
  void not_found();
  void forbidden(std::string_view message = "Only an administrator can do this.");
  void form_expired();
  void bad_request(std::string_view message);
  // A store failure: 503 for an unavailable database, 404 for not_found, 500 (logged with
  // `what`) otherwise.
  void store_failed(const Error& error, std::string_view what);
  void set_cookie(std::string_view name, std::string_view value, std::string_view attributes);
  void clear_cookie(std::string_view name);
};

// Fills ctx.session and ctx.access from the request's cookie when it names a valid
// session (for pages open to everybody that look different when signed in).
bool load_session(Context& ctx);

// True when a and b are equal, in time that does not depend on where they differ.
bool same_secret(std::string_view a, std::string_view b);
// 32 random bytes as hex: CSRF values and similar.
std::string random_token();
// HMAC-SHA256 of `message` under `key`, as hex.
std::string hmac_hex(std::string_view key, std::string_view message);
// Only a path on this server ("/sessions?site=..."), never "//host" or "https://...".
bool is_local_path(std::string_view path);

}  // namespace checkin::server::dashboard
