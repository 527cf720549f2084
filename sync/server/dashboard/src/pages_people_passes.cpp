// SPDX-License-Identifier: AGPL-3.0-or-later
// The passes of one person, on their page: issue (or reissue, which revokes the earlier
// pass in the same transaction), revoke after a confirmation, and the current pass's QR
// code as PNG or SVG. A pass carries no name, and neither do the downloaded files' names.
#include <fmt/format.h>

#include <algorithm>

#include "checkin/core/log.hpp"
#include "checkin/qr/encode.hpp"
#include "checkin/server/local_time.hpp"
#include "common.hpp"
#include "downloads.hpp"
#include "guard.hpp"
#include "html.hpp"
#include "pages.hpp"
#include "people_passes.hpp"

namespace checkin::server::dashboard {

namespace {

constexpr int kPngPixelsPerModule = 10;
constexpr int kLongestPassYears = 5;

std::string short_id(std::string_view pass_id) { return std::string(pass_id.substr(0, 8)); }

std::string pass_base(const Id& person_id, const PassRecord& pass) {
  return fmt::format("/people/{}/passes/{}", person_id, pass.pass_id);
}

// "pass-1a2b3c4d-2026-11-26.png": the pass id's start and the day it was issued.
std::string pass_file_name(const PassRecord& pass, std::string_view extension) {
  return fmt::format("pass-{}-{}.{}", short_id(pass.pass_id), format_local_date(pass.issued_at), extension);
}

std::string default_expiry(WallTime now) {
  auto today = format_local_date(now);
  // A year from today: the same day next year (29 Feb becomes 1 Mar, as the date parser sees it).
  int year = std::stoi(today.substr(0, 4)) + 1;
  auto next = fmt::format("{}{}", year, today.substr(4));
  return parse_local_date(next) ? next : fmt::format("{}-03-01", year);
}

std::string issue_form(Context& ctx, const PersonRecord& person, bool has_current, std::string_view expires_text,
                       const std::vector<std::string>& problems) {
  std::string out = error_summary(problems);
  out += form_open(fmt::format("/people/{}/passes", person.id), ctx.csrf_token(), false, "card");
  out += has_current ? "<h3>Reissue the pass</h3><p>For a lost or damaged pass: the new pass replaces the current "
                       "one, which stops working at every kiosk after its next sync.</p>"
                     : "<h3>Issue a pass</h3>";
  out += input_field({.name = "expires", .label = "Valid until", .value = std::string(expires_text), .type = "date",
                      .hint = "The pass works to the end of this day. A year from today unless you change it."});
  out += submit_button(has_current ? "Reissue pass" : "Issue pass") + form_close();
  return out;
}

std::string section(Context& ctx, const PersonRecord& person, std::string_view expires_text,
                    const std::vector<std::string>& problems) {
  std::string body = R"(<section aria-labelledby="passes-heading"><h2 id="passes-heading">Passes</h2>)";
  auto passes = ctx.store.passes_of(person.id);
  if (!passes) {
    body += notice("The passes could not be read just now; reload the page to try again.", "warning");
    return body + "</section>";
  }
  std::ranges::sort(*passes, std::ranges::greater{}, &PassRecord::issued_at);
  auto current = current_pass(*passes, ctx.now);
  if (current) {
    const auto base = pass_base(person.id, *current);
    body += R"(<div class="pass-current card">)";
    body += fmt::format(R"(<img class="pass-qr" src="{}/svg" alt="The QR code of the current pass" width="220" height="220">)",
                        escape(base));
    body += fmt::format("<p>Current pass <code>{}</code>, valid until {}.</p>", escape(short_id(current->pass_id)),
                        escape(format_local_date(current->expires - Millis{1})));
    body += R"(<div class="actions">)";
    body += link_button(base + "/png", "Download PNG", "button") + link_button(base + "/svg", "Download SVG");
    body += link_button(base + "/revoke", "Revoke…", "button warning");
    body += "</div>";
    if (!person.site_id.empty())
      body += fmt::format(R"(<p>To print wallet cards, use <a href="/passes?site={}">Passes</a>.</p>)", escape(person.site_id));
    body += "</div>";
  } else {
    body += "<p>No current pass: this person cannot check in with a pass until one is issued.</p>";
  }
  if (!passes->empty()) {
    body += table_open("Passes of this person, newest first", {"Issued", "Valid until", "Status", "Pass id"});
    for (const auto& p : *passes) {
      std::string status = p.revoked_at ? "Revoked " + format_local_date(*p.revoked_at)
                           : p.expires <= ctx.now ? std::string("Expired")
                                                  : std::string("Valid");
      body += fmt::format(R"(<tr{}><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>)",
                          status == "Valid" ? "" : R"( class="muted")", escape(format_local_datetime(p.issued_at)),
                          escape(format_local_date(p.expires - Millis{1})), escape(status), escape(short_id(p.pass_id)));
    }
    body += table_close();
  }
  body += issue_form(ctx, person, current.has_value(), expires_text.empty() ? default_expiry(ctx.now) : expires_text,
                     problems);
  return body + "</section>";
}

// The person and one of their passes, or answered 404 (another person's pass, another site).
struct PersonPass {
  PersonRecord person;
  PassRecord pass;
};

std::optional<PersonPass> visible_pass(Context& ctx) {
  auto person = visible_person(ctx, ctx.path_param("id"));
  if (!person) return std::nullopt;
  auto pass = ctx.store.pass(ctx.path_param("pass"));
  if (!pass) {
    ctx.store_failed(pass.error(), "pass");
    return std::nullopt;
  }
  if (!*pass || (*pass)->person_id != person->id) {
    ctx.not_found();
    return std::nullopt;
  }
  return PersonPass{std::move(*person), std::move(**pass)};
}

// A new organisation has no pass-signing key until someone makes one (`checkin-server key
// create`); the first pass issued here makes it, so nobody needs the command line for that.
bool ensure_signing_key(Context& ctx) {
  auto keys = ctx.store.signing_keys();
  if (!keys) {
    ctx.store_failed(keys.error(), "signing keys");
    return false;
  }
  if (std::ranges::any_of(*keys, [](const SigningKeyInfo& k) { return !k.retired_at; })) return true;
  auto made = ctx.store.create_signing_key(ctx.now);
  if (!made) {
    ctx.store_failed(made.error(), "create signing key");
    return false;
  }
  log_info(kLog, "account {}: no active pass-signing key, created key {}", ctx.access.account_id, made->key_id);
  return true;
}

void issue(Context& ctx) {
  auto person = visible_person(ctx, ctx.path_param("id"));
  if (!person) return;
  auto expires_text = trim(ctx.form("expires"));
  std::vector<std::string> problems;
  auto day = parse_local_date(expires_text);
  if (!day) {
    problems.push_back("Please give the last day the pass is valid, as a date.");
  } else if (next_local_day(*day) <= ctx.now) {
    problems.push_back("The date the pass is valid until has already passed; please choose a later one.");
  } else if (*day > ctx.now + std::chrono::days{365 * kLongestPassYears + 2}) {
    problems.push_back(fmt::format("A pass can be valid for at most {} years.", kLongestPassYears));
  }
  if (!problems.empty()) {
    // The passes part again, with the problem beside the form.
    auto back = fmt::format(R"(<p><a href="/people/{}">Back to {}</a></p>)", escape(person->id), escape(person_label(*person)));
    return ctx.page(person_label(*person), back + section(ctx, *person, expires_text, problems), 400);
  }
  if (!ensure_signing_key(ctx)) return;
  auto issued = ctx.store.issue_pass(person->id, next_local_day(*day), ctx.now);
  if (!issued) return ctx.store_failed(issued.error(), "issue pass");
  log_info(kLog, "account {} issued pass {} for person {}", ctx.access.account_id, issued->record.pass_id, person->id);
  ctx.audit = AuditNote{.object_id = issued->record.pass_id, .site_id = person->site_id, .detail = "person=" + person->id};
  ctx.redirect("/people/" + person->id + "#passes-heading",
               "Pass issued. Download it below, or print it on a sheet of wallet cards.");
}

void revoke_page(Context& ctx) {
  auto found = visible_pass(ctx);
  if (!found) return;
  const auto& pass = found->pass;
  if (pass.revoked_at) {
    ctx.audit.unchanged = true;
    return ctx.redirect("/people/" + found->person.id, "That pass was revoked already.");
  }
  std::string body = fmt::format(
      "<p>Pass <code>{}</code> of {} stops working at every kiosk of the organisation after the kiosk's next sync "
      "(usually within a minute while it is online). This cannot be undone; you can issue a new pass afterwards.</p>",
      escape(short_id(pass.pass_id)), escape(person_label(found->person)));
  body += form_open(pass_base(found->person.id, pass) + "/revoke", ctx.csrf_token(), false, "card");
  body += R"(<div class="actions">)" + submit_button("Revoke pass", "button warning") +
          link_button("/people/" + found->person.id, "Keep the pass") + "</div>" + form_close();
  ctx.page("Revoke this pass?", body);
}

void revoke(Context& ctx) {
  auto found = visible_pass(ctx);
  if (!found) return;
  if (!found->pass.revoked_at) {
    if (auto done = ctx.store.revoke_pass(found->pass.pass_id, ctx.now); !done)
      return ctx.store_failed(done.error(), "revoke pass");
    log_info(kLog, "account {} revoked pass {} of person {}", ctx.access.account_id, found->pass.pass_id,
             found->person.id);
  }
  ctx.redirect("/people/" + found->person.id, "Pass revoked. Kiosks refuse it after their next sync.");
}

// The QR text of a current pass, or a page saying why there is none.
std::optional<std::string> current_text(Context& ctx, const PassRecord& pass) {
  auto text = ctx.store.pass_text(pass.pass_id, ctx.now);
  if (text) return std::move(*text);
  if (text.error().code == Errc::conflict) {
    ctx.page("This pass cannot be downloaded",
             "<p>This pass was revoked or has expired, so it would not work at a kiosk. Issue a new pass on the "
             "person's page instead.</p>",
             409);
  } else {
    ctx.store_failed(text.error(), "pass text");
  }
  return std::nullopt;
}

void download(Context& ctx, bool png) {
  auto found = visible_pass(ctx);
  if (!found) return;
  auto text = current_text(ctx, found->pass);
  if (!text) return;
  auto matrix = qr::encode(*text);
  if (!matrix) return ctx.store_failed(matrix.error(), "pass QR code");
  if (png) {
    auto bytes = qr::render_png(*matrix, kPngPixelsPerModule);
    if (!bytes) return ctx.store_failed(bytes.error(), "pass PNG");
    return send_download(ctx, std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()), "image/png",
                         pass_file_name(found->pass, "png"));
  }
  send_download(ctx, qr::render_svg(*matrix, kPngPixelsPerModule), "image/svg+xml", pass_file_name(found->pass, "svg"));
}

void download_png(Context& ctx) { download(ctx, true); }
void download_svg(Context& ctx) { download(ctx, false); }

}  // namespace

std::string person_passes_section(Context& ctx, const PersonRecord& person) { return section(ctx, person, "", {}); }

void add_person_pass_routes(Router& router) {
  router.post("/people/{id}/passes", Gate::signed_in, issue, audited("pass.issue", "pass", ""));
  router.get("/people/{id}/passes/{pass}/revoke", Gate::signed_in, revoke_page);
  router.post("/people/{id}/passes/{pass}/revoke", Gate::signed_in, revoke, audited("pass.revoke", "pass", "pass"));
  router.get("/people/{id}/passes/{pass}/png", Gate::signed_in, download_png);
  router.get("/people/{id}/passes/{pass}/svg", Gate::signed_in, download_svg);
}

}  // namespace checkin::server::dashboard
