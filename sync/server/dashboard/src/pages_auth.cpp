// SPDX-License-Identifier: AGPL-3.0-or-later
// Signing in and out, and the static files (open to everybody).
#include <fmt/format.h>

#include <charconv>

#include "assets.hpp"
#include "checkin/core/log.hpp"
#include "context.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {

std::string next_target(const Context& ctx) {
  auto next = ctx.request.method == "POST" ? ctx.form("next") : ctx.query("next");
  if (!is_local_path(next) || next.starts_with("/sign-in") || next.starts_with("/static/")) return "/";
  return next;
}

// The sign-in form is protected like every other form, before there is any session: the
// cookie and the hidden field must hold the same value, and the value must be one this
// server made in the last two hours ("<issued ms>.<nonce>.<HMAC of both>" under a key
// kept in the database). A page elsewhere can send the form but cannot read the cookie,
// and a cookie planted by someone else (a sibling site, plain HTTP) cannot be made up.
constexpr std::string_view kSignInFormPurpose = "sign-in form";
constexpr Millis kSignInFormLife = std::chrono::hours{2};

std::string make_sign_in_token(std::string_view key, WallTime now) {
  const auto payload = fmt::format("{}.{}", now.time_since_epoch().count(), random_token());
  return payload + "." + hmac_hex(key, payload);
}

bool valid_sign_in_token(std::string_view key, std::string_view token, WallTime now) {
  const auto last_dot = token.rfind('.');
  if (token.size() > 200 || last_dot == std::string_view::npos) return false;
  const auto payload = token.substr(0, last_dot);
  if (!same_secret(token.substr(last_dot + 1), hmac_hex(key, payload))) return false;
  std::int64_t issued_ms = 0;
  auto [end, error] = std::from_chars(payload.data(), payload.data() + payload.size(), issued_ms);
  if (error != std::errc{} || end == payload.data() || *end != '.') return false;
  const WallTime issued{Millis{issued_ms}};
  return issued <= now && now - issued < kSignInFormLife;
}

// The form's token: the browser's own while valid, else a new one in a new cookie.
std::optional<std::string> sign_in_token(Context& ctx) {
  auto key = ctx.store.signing_key(kSignInFormPurpose);
  if (!key) {
    ctx.store_failed(key.error(), "sign-in form key");
    return std::nullopt;
  }
  auto value = ctx.cookie(kSignInCookie);
  if (!valid_sign_in_token(*key, value, ctx.now)) {
    value = make_sign_in_token(*key, ctx.now);
    ctx.set_cookie(kSignInCookie, value, "Max-Age=7200");
  }
  return value;
}

void render_sign_in(Context& ctx, std::string_view username, std::string_view problem, int status) {
  auto token = sign_in_token(ctx);
  if (!token) return;
  std::string body;
  if (!problem.empty()) body += fmt::format(R"(<div class="problems" role="alert"><p>{}</p></div>)", escape(problem));
  body += form_open("/sign-in", *token, false, "card");
  body += hidden("next", next_target(ctx));
  body += input_field({.name = "username", .label = "Username", .value = std::string(username),
                       .autocomplete = "username", .attributes = R"(autocapitalize="none" spellcheck="false")"});
  body += input_field({.name = "password", .label = "Password", .type = "password", .autocomplete = "current-password"});
  body += submit_button("Sign in");
  body += form_close();
  body += "<p>Forgotten your password? Ask an administrator of this dashboard to set a new one.</p>";
  ctx.page("Sign in", body, status);
}

void sign_in_page(Context& ctx) {
  if (load_session(ctx)) return ctx.redirect(next_target(ctx));
  render_sign_in(ctx, "", "", 200);
}

void sign_in(Context& ctx) {
  auto key = ctx.store.signing_key(kSignInFormPurpose);
  if (!key) return ctx.store_failed(key.error(), "sign-in form key");
  const auto cookie = ctx.cookie(kSignInCookie);
  if (!same_secret(ctx.form("csrf"), cookie) || !valid_sign_in_token(*key, cookie, ctx.now)) return ctx.form_expired();
  auto username = ctx.form("username");
  auto password = ctx.form("password");
  if (username.empty() || password.empty())
    return render_sign_in(ctx, username, "Please enter both your username and your password.", 400);
  const auto known_browser = ctx.cookie(kKnownBrowserCookie);
  auto session = ctx.store.sign_in(SignInAttempt{username, password, ctx.request.client_address, known_browser}, ctx.now,
                                   ctx.options.sessions, ctx.options.throttle);
  if (!session) {
    const auto& error = session.error();
    if (error.code == Errc::unauthorized)
      return render_sign_in(ctx, username, "That username and password do not match. Please try again.", 401);
    if (error.code == Errc::limit_exceeded) {
      ctx.response.set_header("Retry-After", "5");
      return render_sign_in(ctx, username,
                            fmt::format("Signing in is paused for now ({}). Please wait before trying again.",
                                        error.message),
                            429);
    }
    if (error.code == Errc::invalid_input)
      return render_sign_in(ctx, username, "That username and password do not match. Please try again.", 401);
    return ctx.store_failed(error, "sign in");
  }
  // The store logs the sign-in (and refusals) itself.
  ctx.clear_cookie(kSignInCookie);
  ctx.set_cookie(kSessionCookie, session->token, "");
  // This browser is known to the account from now on (and it stays known after signing out).
  ctx.set_cookie(kKnownBrowserCookie, session->known_browser,
                 fmt::format("Max-Age={}", std::chrono::duration_cast<std::chrono::seconds>(kKnownBrowserLifetime).count()));
  ctx.redirect(next_target(ctx));
}

void sign_out(Context& ctx) {
  if (auto signed_out = ctx.store.sign_out(ctx.session->token); !signed_out)
    return ctx.store_failed(signed_out.error(), "sign out");
  log_info(kLog, "account {} signed out", ctx.session->account.id);
  ctx.clear_cookie(kSessionCookie);
  ctx.redirect("/sign-in", "You have signed out.");
}

void static_file(Context& ctx) {
  const Asset* asset = find_asset(ctx.path_param("name"));
  if (!asset) {
    ctx.response.status = 404;
    ctx.response.set_content("not found\n", "text/plain; charset=utf-8");
    return;
  }
  // The URL carries the content's hash (assets.hpp), so it may be kept for a year.
  ctx.response.headers.erase("Cache-Control");
  ctx.response.set_header("Cache-Control", "public, max-age=31536000, immutable");
  ctx.response.status = 200;
  ctx.response.set_content(std::string(asset->content), std::string(asset->content_type));
}

}  // namespace

void add_auth_routes(Router& router) {
  router.get("/static/{name}", Gate::open, static_file);
  router.get("/sign-in", Gate::open, sign_in_page);
  router.post("/sign-in", Gate::open, sign_in, not_recorded());
  router.post("/sign-out", Gate::signed_in, sign_out, not_recorded());
}

}  // namespace checkin::server::dashboard
