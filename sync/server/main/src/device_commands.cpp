// SPDX-License-Identifier: AGPL-3.0-or-later
// checkin-server enrol-token and device: how kiosks join, and the kiosks a site has.
#include <fmt/format.h>

#include "command_support.hpp"
#include "commands.hpp"

namespace checkin::server {

void add_device_commands(CLI::App& app, const GlobalOptions& options, Action& action) {
  Printer out{options};

  auto* enrol = app.add_subcommand("enrol-token", "Enrolment tokens: how a kiosk joins");
  enrol->require_subcommand(1);
  {
    auto* create = enrol->add_subcommand(
        "create", "Create a single-use token (15 minutes) for a site; prints the enrolment code a kiosk scans");
    struct Args {
      std::string site, url, name;
      std::filesystem::path png, svg;
    };
    auto a = std::make_shared<Args>();
    create->add_option("--site", a->site, "Site id")->required();
    create->add_option("--url", a->url, "The server's URL as kiosks reach it (default: server.public_url)");
    create->add_option("--name", a->name, "The kiosk's name for people, e.g. \"Front door\" (default: the kiosk proposes one)");
    create->add_option("--png", a->png, "Write the enrolment QR code as PNG");
    create->add_option("--svg", a->svg, "Write the enrolment QR code as SVG");
    create->callback([&action, out, a] {
      action = with_store("enrol-token create", CliAudit{"device.enrolment_code", "site", a->site, a->site}, [out, a](ServerStore& store, const ServerConfig& config) {
        auto made = new_enrolment(store, config, a->site, a->url, now_utc(), a->name);
        if (!made) return report(made.error(), "enrol-token create");
        const auto& code = made->code;
        const auto& token = made->token;
        auto text = sync::to_text(code);
        if (auto ok = write_qr(text, a->png, a->svg); !ok) return report(ok.error(), "enrol-token create");
        out.id(text);
        out.detail("site {}", token.site_id);
        out.detail("expires {}", format_utc(token.expires));
        out.detail("sha256 {}", code.cert_sha256.empty() ? "-" : code.cert_sha256);
        if (!code.name.empty()) out.detail("name {}", code.name);
        return kExitOk;
      });
    });
  }

  auto* device = app.add_subcommand("device", "Enrolled kiosks");
  device->require_subcommand(1);
  {
    device
        ->add_subcommand("list",
                         "List kiosks: id, site, name, last seen, lag, clock offset, revoked, replaced by (a kiosk "
                         "enrolled again), since when its token works, when a new token was asked for")
        ->callback([&action] {
          action = with_store("device list", [](ServerStore& store, const ServerConfig&) {
            auto devices = store.devices();
            if (!devices) return report(devices.error(), "device list");
            auto now = now_utc();
            fmt::print("id\tsite\tname\tlast_seen\tlag_seconds\tclock_offset_ms\trevoked\treplaced_by\ttoken_since\t"
                       "roll_requested\n");
            for (const auto& d : *devices) {
              std::string lag =
                  d.last_seen ? std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now - *d.last_seen).count())
                              : "-";
              std::string offset = d.clock_offset ? std::to_string(d.clock_offset->count()) : "-";
              fmt::print("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", d.id, d.site_id, cell(d.name), time_cell(d.last_seen),
                         lag, offset, time_cell(d.revoked_at), d.replaced_by.empty() ? "-" : d.replaced_by,
                         format_utc(d.token_since), time_cell(d.roll_requested));
            }
            return kExitOk;
          });
        });
    auto id = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    auto* rename = device->add_subcommand("rename", "Give a kiosk the name people know it by (\"Back door\")");
    rename->add_option("ID", *id, "Device id")->required();
    rename->add_option("NAME", *name, "The new name")->required();
    rename->callback([&action, out, id, name] {
      action = with_store("device rename", CliAudit{"device.rename", "device", *id}, [out, id, name](ServerStore& store, const ServerConfig&) {
        if (auto ok = store.rename_device(*id, *name); !ok) return report(ok.error(), "device rename");
        out.id(*id);
        return kExitOk;
      });
    });
    auto* roll = device->add_subcommand(
        "roll", "Give a kiosk a new token at its next sync (kiosks do it every 30 days); the old one works until then");
    roll->add_option("ID", *id, "Device id")->required();
    roll->callback([&action, out, id] {
      action = with_store("device roll", CliAudit{"device.token_roll_requested", "device", *id}, [out, id](ServerStore& store, const ServerConfig&) {
        if (auto ok = store.request_token_roll(*id, now_utc()); !ok) return report(ok.error(), "device roll");
        out.id(*id);
        return kExitOk;
      });
    });
    auto* revoke = device->add_subcommand("revoke", "Revoke a kiosk: its token stops working at once");
    revoke->add_option("ID", *id, "Device id")->required();
    revoke->callback([&action, out, id] {
      action = with_store("device revoke", CliAudit{"device.revoke", "device", *id}, [out, id](ServerStore& store, const ServerConfig&) {
        if (auto ok = store.revoke_device(*id, now_utc()); !ok) return report(ok.error(), "device revoke");
        out.id(*id);
        return kExitOk;
      });
    });
  }
}

}  // namespace checkin::server
