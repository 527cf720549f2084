// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The dashboard's static files, built into the program: one stylesheet (and, later, the
// live board's script). Served at /static/<name> with a long cache; pages link them with a
// ?v=<content hash> so a new build's file is fetched at once.
#include <string>
#include <string_view>

namespace checkin::server::dashboard {

struct Asset {
  std::string_view name;          // "dashboard.css"
  std::string_view content_type;  // "text/css; charset=utf-8"
  std::string_view content;
};

const Asset* find_asset(std::string_view name);
// "/static/<name>?v=<hash>" for linking from pages.
std::string asset_url(std::string_view name);
std::string stylesheet_url();

}  // namespace checkin::server::dashboard
