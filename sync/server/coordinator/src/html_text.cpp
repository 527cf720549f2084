// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/server/html_text.hpp"

namespace checkin::server {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\0': out += "\xEF\xBF\xBD"; break;  // U+FFFD: a NUL has no place in a page
      default: out += c;
    }
  }
  return out;
}

}  // namespace checkin::server
