// SPDX-License-Identifier: AGPL-3.0-or-later
// Accounts (admins only): list, add, change role and sites, set a new password, disable.
#include <fmt/format.h>

#include <algorithm>

#include "checkin/core/log.hpp"
#include "checkin/server/local_time.hpp"
#include "common.hpp"
#include "context.hpp"
#include "guard.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {

std::string password_hint() {
  return fmt::format("At least {} characters. A few unrelated words make a good one. Tell it to the person "
                     "in person or by phone, not by email.",
                     kMinPasswordLength);
}

std::string password_attributes() {
  return fmt::format(R"(minlength="{}" maxlength="{}")", kMinPasswordLength, kMaxPasswordLength);
}

std::vector<Option> role_options(Role selected) {
  return {
      {"coordinator", "Coordinator", selected == Role::coordinator,
       "Works with the sites ticked below: their sessions, shifts, people, passes, kiosks and reports."},
      {"admin", "Administrator", selected == Role::admin,
       "Everything, at every site, including accounts, sites, programs and how long data is kept."},
  };
}

std::vector<Option> site_options(const std::vector<Site>& sites, const std::vector<Id>& chosen) {
  std::vector<Option> options;
  for (const auto& site : sites)
    options.push_back({site.id, site.name, std::ranges::find(chosen, site.id) != chosen.end(), ""});
  return options;
}

// The sites ticked on a form, each one a site that exists.
std::vector<Id> chosen_sites(Context& ctx, const std::vector<Site>& sites, std::vector<std::string>& problems) {
  std::vector<Id> chosen;
  for (const auto& id : ctx.form_all("sites")) {
    if (std::ranges::none_of(sites, [&](const Site& s) { return s.id == id; })) {
      problems.push_back("One of the sites ticked no longer exists; please tick them again.");
      continue;
    }
    if (std::ranges::find(chosen, id) == chosen.end()) chosen.push_back(id);
  }
  return chosen;
}

std::string sites_text(const Account& account, const std::vector<Site>& sites) {
  if (account.role == Role::admin) return "All sites";
  if (account.site_ids.empty()) return "None yet";
  std::string out;
  for (const auto& id : account.site_ids) out += (out.empty() ? "" : ", ") + site_name(sites, id);
  return out;
}

void accounts_page(Context& ctx) {
  auto accounts = ctx.store.accounts();
  if (!accounts) return ctx.store_failed(accounts.error(), "accounts");
  auto sites = visible_sites(ctx);
  if (!sites) return;
  std::ranges::sort(*accounts, {}, &Account::username);
  std::string body = R"(<div class="actions">)" + link_button("/accounts/new", "Add an account", "button") + "</div>";
  body += table_open("Accounts that can sign in to this dashboard", {"Username", "Name", "Role", "Sites", "Status"});
  for (const auto& a : *accounts) {
    body += fmt::format(R"(<tr{}><th scope="row"><a href="/accounts/{}">{}</a></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>)",
                        a.disabled_at ? R"( class="muted")" : "", escape(a.id), escape(a.username), escape(a.display_name),
                        a.role == Role::admin ? "Administrator" : "Coordinator", escape(sites_text(a, *sites)),
                        a.disabled_at ? "Disabled " + escape(format_local_date(*a.disabled_at)) : "Active");
  }
  body += table_close();
  ctx.page("Accounts", body);
}

struct AccountForm {
  std::string username, display_name;
  Role role = Role::coordinator;
  std::vector<Id> sites;
};

void render_new(Context& ctx, const AccountForm& form, const std::vector<std::string>& problems, int status) {
  auto sites = visible_sites(ctx);
  if (!sites) return;
  std::string body = error_summary(problems);
  body += form_open("/accounts", ctx.csrf_token(), false, "card");
  body += input_field({.name = "username", .label = "Username", .value = form.username,
                       .hint = "What they type to sign in: one word, no spaces (case does not matter).",
                       .autocomplete = "off", .attributes = R"(autocapitalize="none" spellcheck="false")"});
  body += input_field({.name = "display_name", .label = "Name", .value = form.display_name,
                       .hint = "Shown at the top of their pages.", .autocomplete = "off"});
  body += input_field({.name = "password", .label = "First password", .type = "password", .hint = password_hint(),
                       .autocomplete = "new-password", .attributes = password_attributes()});
  body += radio_group("role", "Role", role_options(form.role));
  body += checkbox_group("sites", "Sites (for coordinators)", site_options(*sites, form.sites),
                         "Coordinators see and change only these sites' data.");
  body += R"(<div class="actions">)" + submit_button("Add account") + link_button("/accounts", "Cancel") + "</div>";
  body += form_close();
  ctx.page("Add an account", body, status);
}

void new_account_page(Context& ctx) { render_new(ctx, {}, {}, 200); }

void create_account(Context& ctx) {
  auto sites = visible_sites(ctx);
  if (!sites) return;
  std::vector<std::string> problems;
  AccountForm form;
  form.username = text_input(ctx.form("username"), "a username", problems, false, 100);
  form.display_name = text_input(ctx.form("display_name"), "their name", problems);
  auto role = role_from_string(ctx.form("role"));
  if (!role) problems.push_back("Please choose a role.");
  form.role = role.value_or(Role::coordinator);
  form.sites = chosen_sites(ctx, *sites, problems);
  auto password = ctx.form("password");
  if (password.size() < kMinPasswordLength)
    problems.push_back(fmt::format("The password needs at least {} characters.", kMinPasswordLength));
  if (password.size() > kMaxPasswordLength)
    problems.push_back(fmt::format("The password can have at most {} characters.", kMaxPasswordLength));
  if (!problems.empty()) return render_new(ctx, form, problems, 400);
  auto account = ctx.store.create_account(form.username, form.display_name, password, form.role, form.sites, ctx.now);
  if (!account) {
    if (account.error().code == Errc::conflict)
      return render_new(ctx, form, {"That username is taken; please choose another."}, 409);
    if (account.error().code == Errc::invalid_input) return render_new(ctx, form, {account.error().message}, 400);
    return ctx.store_failed(account.error(), "create account");
  }
  log_info(kLog, "account {} added account {} ({})", ctx.access.account_id, account->id, to_string(account->role));
  ctx.audit.object_id = account->id;
  ctx.audit.detail = fmt::format("role={}", to_string(account->role));
  ctx.redirect("/accounts", fmt::format("Account “{}” added.", account->username));
}

std::optional<Account> find_account(Context& ctx) {
  auto account = ctx.store.account(ctx.path_param("id"));
  if (!account) {
    ctx.store_failed(account.error(), "account");
    return std::nullopt;
  }
  if (!*account) {
    ctx.not_found();
    return std::nullopt;
  }
  return std::move(**account);
}

void render_edit(Context& ctx, const Account& account, const AccountForm& form, const std::vector<std::string>& problems,
                 int status) {
  auto sites = visible_sites(ctx);
  if (!sites) return;
  bool self = account.id == ctx.access.account_id;
  std::string base = "/accounts/" + account.id;
  std::string body = error_summary(problems);
  body += "<dl class=\"facts\"><dt>Username</dt><dd>" + escape(account.username) + "</dd>";
  body += "<dt>Added</dt><dd>" + escape(format_local_datetime(account.created_at)) + "</dd>";
  body += "<dt>Status</dt><dd>" +
          (account.disabled_at ? "Disabled on " + escape(format_local_datetime(*account.disabled_at)) : std::string("Active")) +
          "</dd></dl>";
  body += "<h2>Name, role and sites</h2>";
  body += form_open(base, ctx.csrf_token(), false, "card");
  body += input_field({.name = "display_name", .label = "Name", .value = form.display_name, .autocomplete = "off"});
  if (self) {
    body += hidden("role", to_string(form.role));
    body += "<p>You are an administrator. (You cannot take that away from yourself: ask another administrator.)</p>";
  } else {
    body += radio_group("role", "Role", role_options(form.role));
  }
  body += checkbox_group("sites", "Sites (for coordinators)", site_options(*sites, form.sites),
                         "Coordinators see and change only these sites' data.");
  body += submit_button("Save changes") + form_close();

  if (!account.disabled_at) {
    body += "<h2>Set a new password</h2>";
    body += form_open(base + "/password", ctx.csrf_token(), false, "card");
    body += "<p>They will be signed out everywhere and sign in with the new password.</p>";
    body += input_field({.name = "password", .label = "New password", .type = "password", .hint = password_hint(),
                         .autocomplete = "new-password", .attributes = password_attributes()});
    body += submit_button("Set password", "button secondary") + form_close();
    if (!self) {
      body += "<h2>Disable this account</h2>";
      body += "<p>A disabled account cannot sign in any more; what it did stays recorded.</p>";
      body += link_button(base + "/disable", "Disable account…", "button warning");
    }
  }
  ctx.page(fmt::format("Account {}", account.username), body, status);
}

void account_page(Context& ctx) {
  auto account = find_account(ctx);
  if (!account) return;
  render_edit(ctx, *account, {account->username, account->display_name, account->role, account->site_ids}, {}, 200);
}

void update_account(Context& ctx) {
  auto account = find_account(ctx);
  if (!account) return;
  auto sites = visible_sites(ctx);
  if (!sites) return;
  std::vector<std::string> problems;
  AccountForm form{account->username, "", account->role, {}};
  form.display_name = text_input(ctx.form("display_name"), "their name", problems);
  auto role = role_from_string(ctx.form("role"));
  if (!role) problems.push_back("Please choose a role.");
  form.role = role.value_or(account->role);
  if (account->id == ctx.access.account_id && form.role != Role::admin)
    problems.push_back("You cannot take away your own administrator role.");
  form.sites = chosen_sites(ctx, *sites, problems);
  if (!problems.empty()) return render_edit(ctx, *account, form, problems, 400);
  auto updated = ctx.store.update_account(account->id, form.display_name, form.role, form.sites);
  if (!updated) {
    if (updated.error().code == Errc::invalid_input) return render_edit(ctx, *account, form, {updated.error().message}, 400);
    return ctx.store_failed(updated.error(), "update account");
  }
  log_info(kLog, "account {} changed account {} ({})", ctx.access.account_id, account->id, to_string(form.role));
  ctx.redirect("/accounts", fmt::format("Account “{}” saved.", account->username));
}

void set_password(Context& ctx) {
  auto account = find_account(ctx);
  if (!account) return;
  auto password = ctx.form("password");
  AccountForm form{account->username, account->display_name, account->role, account->site_ids};
  if (password.size() < kMinPasswordLength || password.size() > kMaxPasswordLength)
    return render_edit(ctx, *account, form,
                       {fmt::format("The password needs {} to {} characters.", kMinPasswordLength, kMaxPasswordLength)}, 400);
  auto set = ctx.store.set_password(account->id, password);
  if (!set) {
    if (set.error().code == Errc::invalid_input) return render_edit(ctx, *account, form, {set.error().message}, 400);
    return ctx.store_failed(set.error(), "set password");
  }
  log_info(kLog, "account {} set a new password for account {}", ctx.access.account_id, account->id);
  if (account->id == ctx.access.account_id) {
    ctx.clear_cookie(kSessionCookie);
    return ctx.redirect("/sign-in", "Your password was changed. Please sign in with the new one.");
  }
  ctx.redirect("/accounts", fmt::format("New password set for “{}”; they were signed out everywhere.", account->username));
}

void disable_page(Context& ctx) {
  auto account = find_account(ctx);
  if (!account) return;
  if (account->id == ctx.access.account_id) return ctx.forbidden("You cannot disable your own account.");
  std::string body = fmt::format("<p>“{}” will be signed out at once and will not be able to sign in again. "
                                 "This cannot be undone here.</p>",
                                 escape(account->username));
  body += confirm_actions("/accounts/" + account->id + "/disable", ctx.csrf_token(), "Yes, disable this account",
                          "/accounts/" + account->id);
  ctx.page(fmt::format("Disable {}?", account->username), body);
}

void disable_account(Context& ctx) {
  auto account = find_account(ctx);
  if (!account) return;
  if (account->id == ctx.access.account_id) return ctx.forbidden("You cannot disable your own account.");
  if (auto disabled = ctx.store.disable_account(account->id, ctx.now); !disabled)
    return ctx.store_failed(disabled.error(), "disable account");
  log_info(kLog, "account {} disabled account {}", ctx.access.account_id, account->id);
  ctx.redirect("/accounts", fmt::format("Account “{}” disabled.", account->username));
}

// ---- everybody: their own password. The current one is asked again, so a browser left
// signed in cannot be taken over for good.

void render_own_password(Context& ctx, const std::vector<std::string>& problems, int status) {
  std::string body = error_summary(problems);
  body += form_open("/account/password", ctx.csrf_token(), false, "card");
  body += input_field({.name = "current", .label = "Your current password", .type = "password",
                       .autocomplete = "current-password"});
  body += input_field({.name = "password", .label = "New password", .type = "password", .hint = password_hint(),
                       .autocomplete = "new-password", .attributes = password_attributes()});
  body += input_field({.name = "again", .label = "New password again", .type = "password",
                       .autocomplete = "new-password", .attributes = password_attributes()});
  body += "<p>You will be signed out everywhere and sign in again with the new password.</p>";
  body += submit_button("Change password") + form_close();
  ctx.page("Change your password", body, status);
}

void own_password_page(Context& ctx) { render_own_password(ctx, {}, 200); }

void change_own_password(Context& ctx) {
  auto password = ctx.form("password");
  std::vector<std::string> problems;
  if (password.size() < kMinPasswordLength || password.size() > kMaxPasswordLength)
    problems.push_back(fmt::format("The new password needs {} to {} characters.", kMinPasswordLength, kMaxPasswordLength));
  if (password != ctx.form("again")) problems.push_back("The two new passwords are not the same.");
  if (!problems.empty()) return render_own_password(ctx, problems, 400);
  // Checking the current password is signing in with it (throttled like any sign-in);
  // the extra session it makes ends with all the others below.
  const auto current = ctx.form("current");
  const auto known_browser = ctx.cookie(kKnownBrowserCookie);
  auto check = ctx.store.sign_in(
      SignInAttempt{ctx.session->account.username, current, ctx.request.client_address, known_browser}, ctx.now,
      ctx.options.sessions, ctx.options.throttle);
  if (!check) {
    if (check.error().code == Errc::unauthorized || check.error().code == Errc::invalid_input)
      return render_own_password(ctx, {"Your current password is not right."}, 400);
    if (check.error().code == Errc::limit_exceeded)
      return render_own_password(ctx, {"Too many wrong passwords. Please wait before trying again (" + check.error().message + ")."},
                                 429);
    return ctx.store_failed(check.error(), "check password");
  }
  auto set = ctx.store.set_password(ctx.access.account_id, password);
  if (!set) {
    (void)ctx.store.sign_out(check->token);
    if (set.error().code == Errc::invalid_input) return render_own_password(ctx, {set.error().message}, 400);
    return ctx.store_failed(set.error(), "set password");
  }
  log_info(kLog, "account {} changed its password", ctx.access.account_id);
  ctx.audit.object_id = ctx.access.account_id;
  ctx.clear_cookie(kSessionCookie);
  ctx.redirect("/sign-in", "Your password was changed. Please sign in with the new one.");
}

}  // namespace

void add_account_routes(Router& router) {
  router.get("/account/password", Gate::signed_in, own_password_page);
  router.post("/account/password", Gate::signed_in, change_own_password, audited("account.password", "account", ""));
  router.get("/accounts", Gate::admin, accounts_page);
  router.get("/accounts/new", Gate::admin, new_account_page);
  router.post("/accounts", Gate::admin, create_account, audited("account.create", "account", ""));
  router.get("/accounts/{id}", Gate::admin, account_page);
  router.post("/accounts/{id}", Gate::admin, update_account, audited("account.update", "account"));
  router.post("/accounts/{id}/password", Gate::admin, set_password, audited("account.password", "account"));
  router.get("/accounts/{id}/disable", Gate::admin, disable_page);
  router.post("/accounts/{id}/disable", Gate::admin, disable_account, audited("account.disable", "account"));
}

}  // namespace checkin::server::dashboard
