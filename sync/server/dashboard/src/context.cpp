// SPDX-License-Identifier: AGPL-3.0-or-later
#include "context.hpp"

#include <sodium.h>

#include <fmt/format.h>

#include "checkin/core/ids.hpp"
#include "checkin/core/log.hpp"
#include "html.hpp"

namespace checkin::server::dashboard {

const std::string& Context::path() const { return request.path; }

std::string Context::path_param(const std::string& name) const {
  auto found = params.find(name);
  return found == params.end() ? std::string{} : found->second;
}

std::string Context::query(const std::string& name) const { return request.query.get(name); }

// Only the body: a CSRF token (or anything a form must carry) in the URL does not count.
std::string Context::form(const std::string& name) const { return request.form().fields.get(name); }

bool Context::has_form(const std::string& name) const {
  const auto& form = request.form();
  return form.fields.has(name) || form.file(name) != nullptr;
}

std::vector<std::string> Context::form_all(const std::string& name) const { return request.form().fields.all(name); }

std::string Context::upload(const std::string& name) const {
  const auto* file = request.form().file(name);
  return file ? file->content : std::string{};
}

std::string Context::cookie(std::string_view name) const {
  for (const auto& [field, value] : request.headers) {
    if (!same_header_name(field, "Cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      auto semicolon = rest.find(';');
      auto item = rest.substr(0, semicolon);
      rest = semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      auto equals = item.find('=');
      if (equals == std::string_view::npos) continue;
      if (item.substr(0, equals) == name) return std::string(item.substr(equals + 1));
    }
  }
  return {};
}

const std::string& Context::csrf_token() const {
  static const std::string none;
  return session ? session->csrf_token : none;
}

const std::string& Context::account_name() const {
  static const std::string none;
  if (!session) return none;
  return session->account.display_name.empty() ? session->account.username : session->account.display_name;
}

Actor Context::actor() const {
  if (!session) return Actor{};
  return Actor{session->account.id, session->account.username};
}

void Context::page(std::string_view title, std::string_view body, int status) {
  Chrome chrome;
  chrome.organisation = options.organisation_name;
  chrome.account_name = account_name();
  chrome.admin = session && access.is_admin();
  chrome.csrf_token = csrf_token();
  chrome.current_path = request.path;
  auto flash = cookie(kFlashCookie);
  if (!flash.empty()) {
    chrome.flash = url_decode(flash);
    clear_cookie(kFlashCookie);
  }
  response.status = status;
  response.set_content(layout(chrome, title, body), "text/html; charset=utf-8");
}

void Context::redirect(std::string_view location, std::string_view flash) {
  if (!flash.empty()) set_cookie(kFlashCookie, url_encode(flash), "Max-Age=120");
  response.status = 303;
  response.set_header("Location", is_local_path(location) ? std::string(location) : std::string("/"));
}

void Context::not_found() {
  page("Not found",
       "<p>There is nothing here, or it is not at one of your sites. Check the address, or start again from "
       R"(<a href="/">today's page</a>.</p>)",
       404);
}

void Context::forbidden(std::string_view message) {
  page("Not allowed", fmt::format(R"(<p>{}</p><p><a href="/">Back to today's page</a></p>)", escape(message)), 403);
}

void Context::form_expired() {
  page("This form has expired",
       "<p>This form has expired; go back and try again. (For your safety, forms only work for a while "
       "after the page was opened, and only from this dashboard.)</p>"
       R"(<p><a href="/">Back to today's page</a></p>)",
       403);
}

void Context::bad_request(std::string_view message) {
  page("Something is missing", fmt::format("<p>{}</p><p>Go back and try again.</p>", escape(message)), 400);
}

void Context::store_failed(const Error& error, std::string_view what) {
  if (error.code == Errc::not_found) return not_found();
  if (error.code == Errc::unavailable) {
    response.set_header("Retry-After", "5");
    return page("Please try again",
                "<p>The database is busy or unreachable just now. Wait a moment and try again.</p>", 503);
  }
  // Store messages carry ids, never names.
  log_error(kLog, "{}: {} ({})", what, error.message, checkin::to_string(error.code));
  page("Something went wrong",
       "<p>Something went wrong on the server and nothing was changed. Please try again; if it keeps "
       "happening, tell whoever looks after this server (the time is in its log).</p>",
       500);
}

void Context::set_cookie(std::string_view name, std::string_view value, std::string_view attributes) {
  std::string header = fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict", name, value);
  if (options.secure_cookies) header += "; Secure";
  if (!attributes.empty()) header += fmt::format("; {}", attributes);
  response.add_header("Set-Cookie", header);
}

void Context::clear_cookie(std::string_view name) { set_cookie(name, "", "Max-Age=0"); }

bool load_session(Context& ctx) {
  auto token = ctx.cookie(kSessionCookie);
  if (token.empty()) return false;
  auto session = ctx.store.web_session(token, ctx.now, ctx.options.sessions);
  if (!session) return false;
  ctx.session = std::move(*session);
  ctx.access = Access::of(ctx.session->account);
  return true;
}

bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_token() {
  std::array<std::uint8_t, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return to_hex(bytes);
}

std::string hmac_hex(std::string_view key, std::string_view message) {
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  return to_hex(mac);
}

bool is_local_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.size() > 1 && (path[1] == '/' || path[1] == '\\')) return false;
  for (unsigned char c : path)
    if (c < 0x20 || c == 0x7f || c == '\\') return false;
  return path.size() <= 2000;
}

}  // namespace checkin::server::dashboard
