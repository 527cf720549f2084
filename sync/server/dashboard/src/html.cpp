// SPDX-License-Identifier: AGPL-3.0-or-later
#include "html.hpp"

#include <fmt/format.h>

#include <cctype>

#include "assets.hpp"
#include "checkin/server/html_text.hpp"

namespace checkin::server::dashboard {

std::string escape(std::string_view text) { return html_escape(text); }

std::string url_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string url_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

// The menu, in one place. Later pages add their entry here.
struct NavEntry {
  const char* path;
  const char* label;
  bool admin_only;
};
constexpr NavEntry kNav[] = {
    {"/", "Today", false},
    {"/board", "Live board", false},
    {"/sessions", "Sessions", false},
    {"/shifts", "Shifts", false},
    {"/people", "People", false},
    {"/passes", "Passes", false},
    {"/kiosks", "Kiosks", false},
    {"/reports", "Reports", false},
    {"/review", "Review", false},
    {"/programs", "Programs", false},
    {"/sites", "Sites", false},
    {"/retention", "Retention", false},
    {"/accounts", "Accounts", true},
    {"/audit", "Audit", true},
};

bool is_current(std::string_view entry, std::string_view current) {
  if (entry == "/") return current == "/";
  return current == entry || (current.starts_with(entry) && current.size() > entry.size() && current[entry.size()] == '/');
}

std::string hint_markup(std::string_view id, std::string_view hint) {
  if (hint.empty()) return {};
  return fmt::format(R"(<p class="hint" id="{}-hint">{}</p>)", escape(id), escape(hint));
}

std::string described_by(std::string_view id, std::string_view hint) {
  return hint.empty() ? std::string{} : fmt::format(R"( aria-describedby="{}-hint")", escape(id));
}

// An id for an option of a group: the group's name and the option's position.
std::string option_id(std::string_view name, std::size_t index) { return fmt::format("{}-{}", name, index); }

std::string choice_group(std::string_view type, std::string_view name, std::string_view legend,
                         const std::vector<Option>& options, std::string_view hint) {
  std::string id = std::string(name) + "-group";
  std::string out = fmt::format(R"(<fieldset class="choices"{}><legend>{}</legend>)", described_by(id, hint), escape(legend));
  out += hint_markup(id, hint);
  if (options.empty()) out += R"(<p class="hint">None yet.</p>)";
  for (std::size_t i = 0; i < options.size(); ++i) {
    const auto& o = options[i];
    auto oid = option_id(name, i);
    out += fmt::format(R"(<div class="choice"><input type="{}" id="{}" name="{}" value="{}"{}{}><label for="{}">{}</label>)",
                       type, escape(oid), escape(name), escape(o.value), o.selected ? " checked" : "",
                       o.hint.empty() ? "" : fmt::format(R"( aria-describedby="{}-hint")", escape(oid)), escape(oid),
                       escape(o.label));
    if (!o.hint.empty()) out += fmt::format(R"(<p class="hint" id="{}-hint">{}</p>)", escape(oid), escape(o.hint));
    out += "</div>";
  }
  out += "</fieldset>";
  return out;
}

}  // namespace

std::string layout(const Chrome& chrome, std::string_view title, std::string_view body) {
  std::string out;
  out += R"(<!doctype html><html lang="en"><head><meta charset="utf-8">)";
  out += R"(<meta name="viewport" content="width=device-width, initial-scale=1">)";
  out += fmt::format("<title>{} – {}</title>", escape(title), escape(chrome.organisation));
  out += fmt::format(R"(<link rel="stylesheet" href="{}">)", stylesheet_url());
  out += R"(<link rel="icon" href="data:,">)";  // no favicon request on every page
  out += "</head><body>";
  out += R"(<a class="skip" href="#main">Skip to content</a>)";
  out += R"(<header class="top"><div class="brand">)";
  out += fmt::format(R"(<a href="/">{}</a>)", escape(chrome.organisation));
  out += "</div>";
  if (!chrome.account_name.empty()) {
    out += R"(<div class="account"><span class="who">Signed in as )" + escape(chrome.account_name) + "</span>";
    out += R"(<a href="/account/password">Change password</a>)";
    out += button_form("/sign-out", chrome.csrf_token, "Sign out", "link-button");
    out += "</div>";
  }
  out += "</header>";
  if (!chrome.account_name.empty()) {
    out += R"(<nav aria-label="Main"><ul>)";
    for (const auto& entry : kNav) {
      if (entry.admin_only && !chrome.admin) continue;
      bool current = is_current(entry.path, chrome.current_path);
      out += fmt::format(R"(<li><a href="{}"{}>{}</a></li>)", entry.path, current ? R"( aria-current="page")" : "",
                         entry.label);
    }
    out += "</ul></nav>";
  }
  out += R"(<main id="main" tabindex="-1">)";
  out += fmt::format("<h1>{}</h1>", escape(title));
  if (!chrome.flash.empty()) out += fmt::format(R"(<p class="flash" role="status">{}</p>)", escape(chrome.flash));
  out += body;
  out += "</main></body></html>";
  return out;
}

std::string form_open(std::string_view action, std::string_view csrf_token, bool multipart, std::string_view css_class) {
  return fmt::format(R"(<form method="post" action="{}"{}{}>)", escape(action),
                     multipart ? R"( enctype="multipart/form-data")" : "",
                     css_class.empty() ? "" : fmt::format(R"( class="{}")", escape(css_class))) +
         hidden("csrf", csrf_token);
}

std::string form_close() { return "</form>"; }

std::string hidden(std::string_view name, std::string_view value) {
  return fmt::format(R"(<input type="hidden" name="{}" value="{}">)", escape(name), escape(value));
}

std::string input_field(const Field& f) {
  std::string id = f.id.empty() ? f.name : f.id;
  std::string out = R"(<div class="field">)";
  out += fmt::format(R"(<label for="{}">{}{}</label>)", escape(id), escape(f.label),
                     f.required ? "" : R"( <span class="optional">(optional)</span>)");
  out += hint_markup(id, f.hint);
  out += fmt::format(R"(<input type="{}" id="{}" name="{}")", escape(f.type), escape(id), escape(f.name));
  if (f.type != "file" && f.type != "password") out += fmt::format(R"( value="{}")", escape(f.value));
  if (f.required) out += " required";
  if (!f.autocomplete.empty()) out += fmt::format(R"( autocomplete="{}")", escape(f.autocomplete));
  out += described_by(id, f.hint);
  if (!f.attributes.empty()) out += " " + f.attributes;
  out += "></div>";
  return out;
}

std::string select_field(std::string_view name, std::string_view label, const std::vector<Option>& options,
                         bool required, std::string_view hint, std::string_view id_override) {
  std::string id(id_override.empty() ? name : id_override);
  std::string out = R"(<div class="field">)";
  out += fmt::format(R"(<label for="{}">{}</label>)", escape(id), escape(label));
  out += hint_markup(id, hint);
  out += fmt::format(R"(<select id="{}" name="{}"{}{}>)", escape(id), escape(name), required ? " required" : "",
                     described_by(id, hint));
  for (const auto& o : options)
    out += fmt::format(R"(<option value="{}"{}>{}</option>)", escape(o.value), o.selected ? " selected" : "",
                       escape(o.label));
  out += "</select></div>";
  return out;
}

std::string checkbox_group(std::string_view name, std::string_view legend, const std::vector<Option>& options,
                           std::string_view hint) {
  return choice_group("checkbox", name, legend, options, hint);
}

std::string radio_group(std::string_view name, std::string_view legend, const std::vector<Option>& options,
                        std::string_view hint) {
  return choice_group("radio", name, legend, options, hint);
}

std::string checkbox_field(std::string_view name, std::string_view label, bool checked, std::string_view hint) {
  std::string out = R"(<div class="field choice">)";
  out += fmt::format(R"(<input type="checkbox" id="{}" name="{}" value="1"{}{}><label for="{}">{}</label>)", escape(name),
                     escape(name), checked ? " checked" : "", described_by(name, hint), escape(name), escape(label));
  out += hint_markup(name, hint);
  out += "</div>";
  return out;
}

std::string submit_button(std::string_view label, std::string_view css_class) {
  return fmt::format(R"(<button type="submit" class="{}">{}</button>)", escape(css_class), escape(label));
}

std::string button_form(std::string_view action, std::string_view csrf_token, std::string_view label,
                        std::string_view css_class) {
  return form_open(action, csrf_token, false, "inline") + submit_button(label, css_class) + form_close();
}

std::string link_button(std::string_view href, std::string_view label, std::string_view css_class) {
  return fmt::format(R"(<a class="{}" href="{}">{}</a>)", escape(css_class), escape(href), escape(label));
}

std::string confirm_actions(std::string_view action, std::string_view csrf_token, std::string_view confirm_label,
                            std::string_view keep_href, std::string_view keep_label) {
  return R"(<div class="actions">)" + button_form(action, csrf_token, confirm_label, "button warning") +
         link_button(keep_href, keep_label) + "</div>";
}

std::string error_summary(const std::vector<std::string>& problems) {
  if (problems.empty()) return {};
  std::string out = R"(<div class="problems" role="alert"><h2>Please check the form</h2><ul>)";
  for (const auto& p : problems) out += "<li>" + escape(p) + "</li>";
  out += "</ul></div>";
  return out;
}

std::string notice(std::string_view text_html, std::string_view kind) {
  return fmt::format(R"(<div class="notice {}">{}</div>)", escape(kind), text_html);
}

}  // namespace checkin::server::dashboard
