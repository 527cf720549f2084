// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/server/dashboard.hpp"

#include <sodium.h>

#include <fmt/format.h>

#include "checkin/core/log.hpp"
#include "context.hpp"
#include "html.hpp"
#include "pages.hpp"
#include "router.hpp"

namespace checkin::server {

using namespace dashboard;

namespace {

Router make_router() {
  Router router;
  add_auth_routes(router);
  add_home_routes(router);
  add_account_routes(router);
  add_site_routes(router);
  add_program_routes(router);
  add_session_routes(router);
  add_shift_routes(router);
  add_people_routes(router);
  add_import_routes(router);
  add_person_pass_routes(router);
  add_privacy_notice_routes(router);
  add_person_data_routes(router);
  add_pass_routes(router);
  add_kiosk_routes(router);
  add_board_routes(router);
  add_report_routes(router);
  add_review_routes(router);
  add_retention_routes(router);
  add_attendance_routes(router);
  add_audit_routes(router);
  return router;
}

// On every answer, pages and files alike.
void set_security_headers(Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; "
                 "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
}

// Where to come back to after signing in: this page, for a GET.
std::string sign_in_location(const Request& req) {
  if (req.method != "GET" && req.method != "HEAD") return "/sign-in";
  std::string target = req.path;
  if (!req.query.empty()) {
    std::string query;
    for (const auto& [name, value] : req.query) query += (query.empty() ? "?" : "&") + url_encode(name) + "=" + url_encode(value);
    target += query;
  }
  if (target == "/" || !is_local_path(target)) return "/sign-in";
  return "/sign-in?next=" + url_encode(target);
}

}  // namespace

struct Dashboard::Impl {
  ServerStore& store;
  const Clock& clock;
  DashboardOptions options;
  Router router = make_router();

  Impl(ServerStore& s, const Clock& c, DashboardOptions o) : store(s), clock(c), options(std::move(o)) {}

  void handle(const Request& req, Response& res) {
    set_security_headers(res);
    res.set_header("Cache-Control", "no-store");  // static files replace it
    Context ctx{req, res, store, options, clock.now().wall, {}, std::nullopt, Access{}, AuditNote{}};

    auto match = router.match(req.method, req.path);
    if (!match.route) {
      if (!match.allowed.empty()) {
        std::string allow;
        for (const auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
        res.set_header("Allow", allow);
        return ctx.page("Not possible here", "<p>That request does not work on this page.</p>", 405);
      }
      // Signed-in visitors keep their menu on the 404 page.
      load_session(ctx);
      return ctx.not_found();
    }
    ctx.params = match.params;
    const Route& route = *match.route;

    if (route.gate != Gate::open) {
      auto cookie = ctx.cookie(kSessionCookie);
      if (cookie.empty()) return ctx.redirect(sign_in_location(req));
      auto session = store.web_session(cookie, ctx.now, options.sessions);
      if (!session) {
        if (session.error().code != Errc::unauthorized) return ctx.store_failed(session.error(), "web session");
        ctx.clear_cookie(kSessionCookie);
        return ctx.redirect(sign_in_location(req), "Your session has expired. Please sign in again.");
      }
      ctx.session = std::move(*session);
      ctx.access = Access::of(ctx.session->account);
      // Every POST carries the session's CSRF token: a form from another site cannot.
      if (req.method == "POST" && !same_secret(ctx.form("csrf"), ctx.session->csrf_token)) {
        log_info(kLog, "account {}: POST {} refused: CSRF token missing or wrong", ctx.session->account.id,
                 route_name(route));
        return ctx.form_expired();
      }
      if (route.gate == Gate::admin && !ctx.access.is_admin()) {
        log_info(kLog, "account {}: {} {} refused: admins only", ctx.session->account.id, req.method, route_name(route));
        return ctx.forbidden();
      }
    }
    try {
      route.handler(ctx);
      note_in_audit_trail(ctx, route);
    } catch (const std::exception& e) {
      log_error(kLog, "{} {} failed: {}", req.method, route_name(route), e.what());
      res.headers.erase("Location");
      ctx.page("Something went wrong",
               "<p>Something went wrong on the server. Please try again; if it keeps happening, tell whoever "
               "looks after this server.</p>",
               500);
    }
  }

  // The route's audit entry (router.hpp's Audited), once the handler has succeeded.
  void note_in_audit_trail(Context& ctx, const Route& route) {
    const Audited& audit = route.audit;
    if (audit.by != Audited::By::dispatcher || !ctx.session || ctx.audit.unchanged || ctx.response.status >= 400) return;
    std::string object = ctx.audit.object_id;
    if (object.empty() && !audit.object_param.empty()) object = ctx.path_param(audit.object_param);
    auto noted = store.record_audit(ctx.actor(), audit.action, audit.object_type, object, ctx.audit.site_id,
                                    ctx.audit.detail, ctx.now);
    // The change is made; a trail that cannot be written is an operator's problem to see.
    if (!noted) log_error(kLog, "{} {}: audit entry not written: {}", ctx.request.method, route_name(route), noted.error().message);
  }

  // The pattern, for logs: ids and queries stay out of them.
  static std::string route_name(const Route& route) {
    std::string name;
    for (const auto& segment : route.segments) name += "/" + segment;
    return name.empty() ? "/" : name;
  }
};

Dashboard::Dashboard(ServerStore& store, const Clock& clock, DashboardOptions options)
    : impl_(std::make_unique<Impl>(store, clock, std::move(options))) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium cannot start");
}

Dashboard::~Dashboard() = default;

void Dashboard::handle(const Request& request, Response& response) { impl_->handle(request, response); }

}  // namespace checkin::server
