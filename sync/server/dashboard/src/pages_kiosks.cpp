// SPDX-License-Identifier: AGPL-3.0-or-later
// Kiosks: enrol one at a site (a single-use enrolment code shown as a QR code and as
// text, valid 15 minutes), see how each kiosk keeps up (last sync, lag, clock), give one a
// new token, revoke one.
// The enrolment token is a credential: it is shown once and never logged.
#include <fmt/format.h>

#include <algorithm>

#include "checkin/core/log.hpp"
#include "checkin/qr/encode.hpp"
#include "checkin/server/local_time.hpp"
#include "checkin/sync/enrolment.hpp"
#include "common.hpp"
#include "downloads.hpp"
#include "guard.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {

constexpr Millis kLagWarning = std::chrono::hours{1};

std::string last_sync_cells(const Device& d, WallTime now) {
  if (!d.last_seen) return R"(<td>Never</td><td>–</td>)";
  auto lag = now - *d.last_seen;
  if (lag < Millis{0}) lag = Millis{0};
  std::string lag_cell = lag > kLagWarning
                             ? fmt::format(R"(<td class="lag-warning"><span aria-hidden="true">⚠ </span>{}<span class="visually-hidden"> (over an hour: check the kiosk and its network)</span></td>)",
                                           escape(ago_text(lag)))
                             : fmt::format("<td>{}</td>", escape(ago_text(lag)));
  return fmt::format("<td>{}</td>", escape(format_local_datetime(*d.last_seen))) + lag_cell;
}

// Where the kiosk's token stands (kiosks roll theirs every 30 days on their own).
std::string token_text(const Device& d) {
  if (d.roll_requested)
    return fmt::format("New token asked for {}: the kiosk takes it at its next sync",
                       escape(format_local_datetime(*d.roll_requested)));
  if (d.new_token_waiting) return "New token sent: the kiosk switches to it at its next contact";
  return fmt::format("Token since {}", escape(format_local_date(d.token_since)));
}

void kiosks_page(Context& ctx) {
  auto scope = site_scope(ctx, ctx.query("site"));
  if (!scope) return;
  auto devices = ctx.store.devices();
  if (!devices) return ctx.store_failed(devices.error(), "devices");
  std::vector<Device> shown;
  for (auto& d : *devices) {
    if (!ctx.access.can_see_site(d.site_id)) continue;
    if (!scope->chosen.empty() && d.site_id != scope->chosen) continue;
    shown.push_back(d);  // a copy: the list is read again for the names of replaced kiosks
  }
  std::ranges::sort(shown, [](const Device& a, const Device& b) {
    return std::tie(a.site_id, a.name, a.id) < std::tie(b.site_id, b.name, b.id);
  });

  std::string body;
  if (scope->sites.empty()) {
    body += "<p>You have no sites, so no kiosks to look after.</p>";
    return ctx.page("Kiosks", body);
  }
  body += "<h2>Enrol a kiosk</h2>";
  body += form_open("/kiosks/enrol", ctx.csrf_token(), false, "card");
  std::vector<Option> site_choice;
  for (const auto& s : scope->sites)
    site_choice.push_back({s.id, s.name, s.id == scope->chosen || scope->sites.size() == 1, ""});
  body += select_field("site_id", "Site of the new kiosk", site_choice, true,
                       "The kiosk will check people in to this site's sessions.");
  body += input_field({.name = "name", .label = "Its name (optional)", .value = "",
                       .hint = "How people know it, like “Front door”. Empty: the kiosk suggests one, and you can "
                               "rename it here later.",
                       .required = false, .autocomplete = "off",
                       .attributes = fmt::format(R"(maxlength="{}")", sync::kMaxDeviceNameLength)});
  body += submit_button("Create an enrolment code") + form_close();

  body += "<h2>Enrolled kiosks</h2>";
  if (shown.empty()) {
    body += "<p>No kiosks enrolled yet.</p>";
  } else {
    body += table_open("Kiosks", {"Name", "Site", "Enrolled", "Last sync", "Since then", "Clock", "Status"});
    auto name_of = [&](const Id& id) {
      auto found = std::ranges::find(*devices, id, &Device::id);
      return found == devices->end() || found->name.empty() ? id : found->name;
    };
    for (const auto& d : shown) {
      std::string status;
      if (!d.replaced_by.empty())
        status = fmt::format("Replaced {} by its new enrolment", escape(d.revoked_at ? format_local_date(*d.revoked_at) : ""));
      else if (d.revoked_at)
        status = fmt::format("Revoked {}", escape(format_local_date(*d.revoked_at)));
      else
        status = fmt::format(
            R"(Active · <a href="/kiosks/{0}/rename">Rename<span class="visually-hidden"> {1}</span></a> · )"
            R"(<a href="/kiosks/{0}/roll">New token<span class="visually-hidden"> for {1}</span></a> · )"
            R"(<a href="/kiosks/{0}/revoke">Revoke<span class="visually-hidden"> {1}</span></a>)"
            "<br>{2}",
            escape(d.id), escape(d.name), token_text(d));
      if (!d.replaces.empty()) status += fmt::format("<br>Enrolled again: replaces {}", escape(name_of(d.replaces)));
      body += fmt::format(R"(<tr{}><th scope="row">{}</th><td>{}</td><td>{}</td>{}<td>{}</td><td>{}</td></tr>)",
                          d.revoked_at ? R"( class="muted")" : "", escape(d.name.empty() ? "(no name)" : d.name),
                          escape(site_name(scope->sites, d.site_id)), escape(format_local_date(d.enrolled_at)),
                          last_sync_cells(d, ctx.now), escape(d.clock_offset ? clock_offset_text(*d.clock_offset) : "–"),
                          status);
    }
    body += table_close();
    body += "<p>A kiosk syncs about every minute while it has a network. One that has not synced for over an "
            "hour is marked ⚠: it may be switched off or offline. It keeps checking people in and sends "
            "everything once it is back.</p>";
  }
  ctx.page("Kiosks", body);
}

void enrol(Context& ctx) {
  auto site = visible_site(ctx, ctx.form("site_id"));
  if (!site) return;
  const std::string name = trim(ctx.form("name"));
  if (auto ok = sync::check_device_name(name); !ok) return ctx.bad_request(ok.error().message);
  auto token = ctx.store.create_enrolment_token(site->id, ctx.now, name);
  if (!token) return ctx.store_failed(token.error(), "enrolment token");
  sync::EnrolmentCode code{ctx.options.public_url, token->token, ctx.options.public_key_sha256, token->device_name};
  const auto text = sync::to_text(code);
  auto matrix = qr::encode(text);
  if (!matrix) return ctx.store_failed(matrix.error(), "enrolment QR code");
  log_info(kLog, "account {} created an enrolment code for site {}", ctx.access.account_id, site->id);
  ctx.audit = AuditNote{.object_id = site->id, .site_id = site->id};

  std::string body = fmt::format(
      "<p>This code enrols one kiosk at <strong>{}</strong>{}. It works once, until <strong>{}</strong> (15 minutes "
      "from now). Do not share it: whoever enrols with it can download this site's list of expected people.</p>",
      escape(site->name), name.empty() ? "" : fmt::format(", named <strong>{}</strong>", escape(name)),
      escape(format_local_time(token->expires)));
  body += R"(<div class="enrol-qr" role="img" aria-label="Enrolment QR code">)" + qr::render_svg(*matrix, 6) + "</div>";
  body += "<h2>On the kiosk</h2><ol class=\"steps\">"
          "<li>Tap the small lock at the top right of the kiosk's screen and enter the staff PIN.</li>"
          "<li>Open the <strong>Sync</strong> tab and tap <strong>Enrol this kiosk</strong>.</li>"
          "<li>Show this code to the kiosk's camera (or scanner).</li>"
          "<li>The kiosk says “Enrolled”; it then appears in the list of kiosks here.</li></ol>";
  body += R"(<h2>The code as text</h2><p>For a kiosk set up by script (<code>checkin-kiosk --enrol CODE</code>):</p>)";
  body += fmt::format(R"(<p><code class="enrolment-code" id="enrolment-code">{}</code></p>)", escape(text));
  body += R"(<p><a href="/kiosks">Back to the kiosks</a></p>)";
  ctx.page("Enrol a kiosk", body);
}

std::optional<Device> visible_device(Context& ctx) {
  auto devices = ctx.store.devices();
  if (!devices) {
    ctx.store_failed(devices.error(), "devices");
    return std::nullopt;
  }
  for (auto& d : *devices)
    if (d.id == ctx.path_param("id") && ctx.access.can_see_site(d.site_id)) return std::move(d);
  ctx.not_found();
  return std::nullopt;
}

void rename_page(Context& ctx) {
  auto device = visible_device(ctx);
  if (!device) return;
  std::string body = "<p>A name people know, like “Front door” or “Back door”. The kiosk shows it on its staff screen "
                     "at its next sync.</p>";
  body += form_open(fmt::format("/kiosks/{}/rename", device->id), ctx.csrf_token(), false, "card");
  body += input_field({.name = "name", .label = "Name", .value = device->name, .required = true, .autocomplete = "off",
                       .attributes = fmt::format(R"(maxlength="{}")", sync::kMaxDeviceNameLength)});
  body += R"(<div class="actions">)" + submit_button("Save name") + link_button("/kiosks", "Cancel") + "</div>" + form_close();
  ctx.page("Rename this kiosk", body);
}

void rename(Context& ctx) {
  auto device = visible_device(ctx);
  if (!device) return;
  const std::string name = trim(ctx.form("name"));
  if (name.empty()) return ctx.bad_request("A kiosk needs a name.");
  if (auto done = ctx.store.rename_device(device->id, name); !done) {
    if (done.error().code == Errc::invalid_input) return ctx.bad_request(done.error().message);
    return ctx.store_failed(done.error(), "rename device");
  }
  ctx.audit.site_id = device->site_id;
  log_info(kLog, "account {} renamed device {}", ctx.access.account_id, device->id);
  ctx.redirect("/kiosks", "Kiosk renamed.");
}

void roll_page(Context& ctx) {
  auto device = visible_device(ctx);
  if (!device) return;
  if (device->revoked_at) {
    ctx.audit.unchanged = true;
    return ctx.redirect("/kiosks", "That kiosk was revoked: it has no token to renew.");
  }
  std::string body = fmt::format(
      "<p>The kiosk “{}” gets a new token at its next sync: within about a minute while it is online, or when it is "
      "back online. Its current token keeps working until the kiosk uses the new one, so it loses nothing and nobody "
      "needs to touch it.</p><p>Kiosks renew their token on their own every 30 days; ask for it now if the kiosk's "
      "storage may have been copied (a repair, a kiosk lent out). For a kiosk that is lost or stolen, revoke it "
      "instead.</p>",
      escape(device->name));
  body += form_open(fmt::format("/kiosks/{}/roll", device->id), ctx.csrf_token(), false, "card");
  body += R"(<div class="actions">)" + submit_button("Give it a new token") + link_button("/kiosks", "Cancel") +
          "</div>" + form_close();
  ctx.page("A new token for this kiosk?", body);
}

void roll(Context& ctx) {
  auto device = visible_device(ctx);
  if (!device) return;
  if (device->revoked_at) {
    ctx.audit.unchanged = true;
    return ctx.redirect("/kiosks", "That kiosk was revoked: it has no token to renew.");
  }
  if (auto done = ctx.store.request_token_roll(device->id, ctx.now); !done)
    return ctx.store_failed(done.error(), "request token roll");
  ctx.audit.site_id = device->site_id;
  log_info(kLog, "account {} asked for a new token for device {}", ctx.access.account_id, device->id);
  ctx.redirect("/kiosks", "The kiosk takes a new token at its next sync.");
}

void revoke_page(Context& ctx) {
  auto device = visible_device(ctx);
  if (!device) return;
  if (device->revoked_at) {
    ctx.audit.unchanged = true;
    return ctx.redirect("/kiosks", "That kiosk was revoked already.");
  }
  std::string body = fmt::format(
      "<p>The kiosk “{}” will no longer be able to sync: what it holds that has not reached the server stays on it "
      "until it is enrolled again. Do this for a lost or stolen kiosk, or one taken out of use.</p>",
      escape(device->name));
  body += form_open(fmt::format("/kiosks/{}/revoke", device->id), ctx.csrf_token(), false, "card");
  body += R"(<div class="actions">)" + submit_button("Revoke kiosk", "button warning") +
          link_button("/kiosks", "Keep it") + "</div>" + form_close();
  ctx.page("Revoke this kiosk?", body);
}

void revoke(Context& ctx) {
  auto device = visible_device(ctx);
  if (!device) return;
  if (!device->revoked_at) {
    if (auto done = ctx.store.revoke_device(device->id, ctx.now); !done)
      return ctx.store_failed(done.error(), "revoke device");
    log_info(kLog, "account {} revoked device {}", ctx.access.account_id, device->id);
  }
  ctx.redirect("/kiosks", "Kiosk revoked.");
}

}  // namespace

void add_kiosk_routes(Router& router) {
  router.get("/kiosks", Gate::signed_in, kiosks_page);
  router.post("/kiosks/enrol", Gate::signed_in, enrol, audited("device.enrolment_code", "site", ""));
  router.get("/kiosks/{id}/rename", Gate::signed_in, rename_page);
  router.post("/kiosks/{id}/rename", Gate::signed_in, rename, audited("device.rename", "device"));
  router.get("/kiosks/{id}/roll", Gate::signed_in, roll_page);
  router.post("/kiosks/{id}/roll", Gate::signed_in, roll, audited("device.token_roll_requested", "device"));
  router.get("/kiosks/{id}/revoke", Gate::signed_in, revoke_page);
  router.post("/kiosks/{id}/revoke", Gate::signed_in, revoke, audited("device.revoke", "device"));
}

}  // namespace checkin::server::dashboard
