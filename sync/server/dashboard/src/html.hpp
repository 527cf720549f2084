// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// HTML for the dashboard's pages. Every value that comes from data or from a request goes
// through escape() (the form helpers below escape their values themselves); literal markup
// is written in the pages. No inline scripts or styles: the Content-Security-Policy forbids them.
#include <string>
#include <string_view>
#include <vector>

namespace checkin::server::dashboard {

// & < > " ' as entities: safe in element content and in quoted attribute values.
std::string escape(std::string_view text);
// Percent-encoding for a query value or a cookie value.
std::string url_encode(std::string_view text);
std::string url_decode(std::string_view text);

// What the layout needs to know about the viewer.
struct Chrome {
  std::string organisation;
  std::string account_name;  // empty: not signed in (no nav, no sign-out)
  bool admin = false;
  std::string csrf_token;    // for the sign-out form
  std::string current_path;  // marks the nav entry aria-current
  std::string flash;         // a one-time message ("Session saved.")
};

// The whole document: skip link, header with the organisation and the account, nav, main
// with the h1 `title` and `body`. `body` is HTML already (escaped where it holds data).
std::string layout(const Chrome& chrome, std::string_view title, std::string_view body);

// ---- forms: every field has a <label for>, an id derived from its name, and a hint tied
// to it with aria-describedby. `required` is on unless turned off.
std::string form_open(std::string_view action, std::string_view csrf_token, bool multipart = false,
                      std::string_view css_class = "");
std::string form_close();
std::string hidden(std::string_view name, std::string_view value);

struct Field {
  std::string name;
  std::string label;
  std::string value;
  std::string type = "text";  // text, password, number, date, datetime-local, file, search
  std::string hint;
  bool required = true;
  std::string autocomplete;  // "username", "current-password", "new-password", "off"
  std::string attributes;    // extra literal attributes, e.g. R"(min="1" max="52")"
  std::string id;            // defaults to the name
};
std::string input_field(const Field& field);

struct Option {
  std::string value;
  std::string label;
  bool selected = false;
  std::string hint;  // for checkbox and radio groups
};
std::string select_field(std::string_view name, std::string_view label, const std::vector<Option>& options,
                         bool required = true, std::string_view hint = "", std::string_view id = "");
// A group of checkboxes (many values under one name) or radios (one value) in a fieldset.
std::string checkbox_group(std::string_view name, std::string_view legend, const std::vector<Option>& options,
                           std::string_view hint = "");
std::string radio_group(std::string_view name, std::string_view legend, const std::vector<Option>& options,
                        std::string_view hint = "");
// One checkbox sending "1" when ticked, with a plain-language explanation under it.
std::string checkbox_field(std::string_view name, std::string_view label, bool checked, std::string_view hint = "");
std::string submit_button(std::string_view label, std::string_view css_class = "button");
// A POST form with only the CSRF field and one button (delete, sign out, revoke...).
std::string button_form(std::string_view action, std::string_view csrf_token, std::string_view label,
                        std::string_view css_class = "button secondary");
// A link styled as a button.
std::string link_button(std::string_view href, std::string_view label, std::string_view css_class = "button secondary");
// The two choices of a confirmation page (cancel, delete, disable): a warning-styled POST that does it
// and a link back that leaves things as they are.
std::string confirm_actions(std::string_view action, std::string_view csrf_token, std::string_view confirm_label,
                            std::string_view keep_href, std::string_view keep_label = "No, keep it");

// A page-level problem list above a form ("Please correct: ...").
std::string error_summary(const std::vector<std::string>& problems);
// A short note in a coloured box: "info" or "warning".
std::string notice(std::string_view text_html, std::string_view kind = "info");

}  // namespace checkin::server::dashboard
