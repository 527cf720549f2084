// SPDX-License-Identifier: AGPL-3.0-or-later
// `account`: the dashboard's accounts from the command line. This is how the first admin
// is made. Passwords come from standard input or a file, never from the command line.
#include <fmt/format.h>

#include "checkin/server/accounts.hpp"
#include "checkin/server/store.hpp"
#include "cli_input.hpp"
#include "command_support.hpp"

namespace checkin::server {

void add_account_commands(CLI::App& app, const GlobalOptions& options, Action& action) {
  Printer out{options};
  auto* account = app.add_subcommand("account", "Dashboard accounts: admins (everything) and coordinators (their sites)");
  account->require_subcommand(1);

  auto* create = account->add_subcommand(
      "create", "Create an account; the password is read from standard input (one line) or --password-file; prints its id");
  struct CreateArgs {
    std::string username, name, role;
    std::vector<std::string> sites;
    std::filesystem::path password_file;
  };
  auto c = std::make_shared<CreateArgs>();
  create->add_option("USERNAME", c->username, "Sign-in name (no spaces; case does not matter at sign-in)")->required();
  create->add_option("--name", c->name, "Name shown in the dashboard")->required();
  create->add_option("--role", c->role, "admin or coordinator")->required()->check(CLI::IsMember({"admin", "coordinator"}));
  create->add_option("--site", c->sites, "A coordinator's site id (repeatable)");
  create->add_option("--password-file", c->password_file, "Read the password from this file's first line")
      ->check(CLI::ExistingFile);
  create->callback([&action, out, c] {
    action = [out, c](const ServerConfig& config) -> int {
      Role role = *role_from_string(c->role);
      if (role == Role::admin && !c->sites.empty())
        return report(Error{Errc::invalid_input, "admins see every site: --site is for coordinators"}, "account create");
      // The password first: a script piping it in fails before anything is stored.
      auto password = read_password(c->password_file);
      if (!password) return report(password.error(), "account create");
      return with_store("account create", CliAudit{"account.create", "account"}, [&](ServerStore& store, const ServerConfig&) {
        auto made = store.create_account(c->username, c->name, *password, role, c->sites, now_utc());
        if (!made) return report(made.error(), "account create");
        out.id(made->id);
        out.detail("username {}", made->username);
        out.detail("role {}", to_string(made->role));
        if (made->role == Role::coordinator) out.detail("sites {}", joined(made->site_ids));
        return kExitOk;
      })(config);
    };
  });

  account->add_subcommand("list", "List accounts: id, username, name, role, sites, created, disabled")
      ->callback([&action] {
        action = with_store("account list", [](ServerStore& store, const ServerConfig&) {
          auto all = store.accounts();
          if (!all) return report(all.error(), "account list");
          fmt::print("id\tusername\tname\trole\tsites\tcreated\tdisabled\n");
          for (const auto& a : *all)
            fmt::print("{}\t{}\t{}\t{}\t{}\t{}\t{}\n", a.id, cell(a.username), cell(a.display_name), to_string(a.role),
                       a.role == Role::admin ? "all" : joined(a.site_ids), format_utc(a.created_at),
                       a.disabled_at ? format_utc(*a.disabled_at) : "-");
          return kExitOk;
        });
      });

  auto* disable = account->add_subcommand("disable", "Disable an account: it cannot sign in, its browsers are signed out");
  auto disable_id = std::make_shared<std::string>();
  disable->add_option("ID", *disable_id, "Account id")->required();
  disable->callback([&action, out, disable_id] {
    action = with_store("account disable", CliAudit{"account.disable", "account"}, [out, disable_id](ServerStore& store, const ServerConfig&) {
      if (auto ok = store.disable_account(*disable_id, now_utc()); !ok) return report(ok.error(), "account disable");
      out.id(*disable_id);
      return kExitOk;
    });
  });

  auto* password = account->add_subcommand(
      "password", "Set an account's password from standard input (one line) or --password-file; signs its browsers out");
  struct PasswordArgs {
    std::string id;
    std::filesystem::path password_file;
  };
  auto p = std::make_shared<PasswordArgs>();
  password->add_option("ID", p->id, "Account id")->required();
  password->add_option("--password-file", p->password_file, "Read the password from this file's first line")
      ->check(CLI::ExistingFile);
  password->callback([&action, out, p] {
    action = [out, p](const ServerConfig& config) -> int {
      auto text = read_password(p->password_file);
      if (!text) return report(text.error(), "account password");
      return with_store("account password", CliAudit{"account.password", "account"}, [&](ServerStore& store, const ServerConfig&) {
        if (auto ok = store.set_password(p->id, *text); !ok) return report(ok.error(), "account password");
        out.id(p->id);
        return kExitOk;
      })(config);
    };
  });

  auto* sites = account->add_subcommand("sites", "Set the sites a coordinator works with (replaces the earlier ones)");
  struct SitesArgs {
    std::string id;
    std::vector<std::string> sites;
  };
  auto s = std::make_shared<SitesArgs>();
  sites->add_option("ID", s->id, "Account id")->required();
  sites->add_option("--site", s->sites, "Site id (repeatable)")->required();
  sites->callback([&action, out, s] {
    action = with_store("account sites", CliAudit{"account.update", "account", "", "", "sites"}, [out, s](ServerStore& store, const ServerConfig&) {
      auto found = store.account(s->id);
      if (!found) return report(found.error(), "account sites");
      if (!*found) return report(Error{Errc::not_found, fmt::format("no account {}", s->id)}, "account sites");
      const Account& a = **found;
      if (a.role == Role::admin)
        return report(Error{Errc::invalid_input, "admins see every site: sites are for coordinators"}, "account sites");
      if (auto ok = store.update_account(a.id, a.display_name, a.role, s->sites); !ok) return report(ok.error(), "account sites");
      out.id(a.id);
      out.detail("sites {}", joined(s->sites));
      return kExitOk;
    });
  });
}

}  // namespace checkin::server
