// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The coordinators' web dashboard: plain HTML pages rendered on the server, mounted on the
// API server for every path outside /api/ (ApiServer::mount).
//
// How it is put together (src/):
//   dashboard.cpp  one request: security headers, route match, sign-in check, the
//                  admin-only check, the CSRF check on every POST, then the page's handler.
//   router.*       the route table: method + path pattern ("/sessions/{id}") + who may
//                  use it (Gate::open, Gate::signed_in, Gate::admin) -> handler.
//   context.*      what a handler gets: the request, the signed-in account and its Access,
//                  the CSRF token, form/query readers, and answers (page, redirect, 403/404).
//   guard.*        the ONE place that decides what a coordinator may see: visible_sites(),
//                  visible_session(), visible_shift(), visible_person(), require_site().
//                  Something at another site is answered exactly like an unknown id: 404.
//   html.*         escape() EVERYTHING from data; layout(); the nav table; form helpers that
//                  always emit <label for>, required and the hidden CSRF field.
//   assets.cpp     the stylesheet (and later the live board's script), served at /static/.
//   pages_*.cpp    one file per area; each has an add_*_routes(Router&) listed in pages.hpp.
//
// Adding a page:
//   1. Write pages_<area>.cpp with `void add_<area>_routes(Router& router)` registering
//      e.g. router.get("/kiosks", Gate::signed_in, kiosks_page) and
//      router.post("/kiosks/{id}/revoke", Gate::admin, revoke_kiosk); declare it in
//      pages.hpp, call it in dashboard.cpp's make_router(), add the file to CMakeLists.txt.
//   2. Handlers are `void handler(Context& ctx)`. Read ctx.path_param("id"), ctx.query(),
//      ctx.form(); load site data only through guard.hpp (`auto s = visible_session(ctx,
//      id); if (!s) return;` has already answered 404 or 500); answer with
//      ctx.page(title, body_html) or ctx.redirect(path, flash).
//   3. Build HTML with escape() around every value from the database or the request,
//      and forms with form_open()/input_field()/... (html.hpp). POST handlers need no CSRF
//      code: the router checked it before calling them.
//   4. Add a nav entry in html.cpp's kNav if the page belongs in the menu.
#include <string>

#include "checkin/core/clock.hpp"
#include "checkin/server/accounts.hpp"
#include "checkin/server/http.hpp"
#include "checkin/server/store.hpp"

namespace checkin::server {

struct DashboardOptions {
  std::string public_url;         // what kiosks use to reach this server (enrolment codes)
  std::string public_key_sha256;  // the TLS key pin enrolment codes carry; empty for plain HTTP
  bool secure_cookies = false;    // cookies only over HTTPS
  WebSessionPolicy sessions;
  SignInThrottle throttle;
  std::string organisation_name = "Community check-in";
};

class Dashboard final : public WebRoutes {
 public:
  Dashboard(ServerStore& store, const Clock& clock, DashboardOptions options);
  ~Dashboard() override;
  Dashboard(const Dashboard&) = delete;
  Dashboard& operator=(const Dashboard&) = delete;

  void handle(const Request& request, Response& response) override;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace checkin::server
