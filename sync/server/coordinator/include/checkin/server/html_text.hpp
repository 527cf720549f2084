// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Text written into HTML, for the dashboard's pages and the documents coordinators hand out
// (a person's data summary): the one escaping rule.
#include <string>
#include <string_view>

namespace checkin::server {

// & < > " ' as entities, NUL as U+FFFD: safe in element text and quoted attributes.
std::string html_escape(std::string_view text);

}  // namespace checkin::server
