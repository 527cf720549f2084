// SPDX-License-Identifier: AGPL-3.0-or-later
// What the HTTP front reads itself (sync/server/http): request targets, url-encoded and
// multipart form bodies, Accept-Encoding. The first byte picks the reader. Never a crash;
// no NUL gets into a path, a query or a form's text fields.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checkin/server/http_message.hpp"
#include "front_checks.hpp"

using namespace checkin::server;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto no_nul = [](const Fields& fields) {
    for (const auto& [name, value] : fields)
      if (name.find('\0') != std::string::npos || value.find('\0') != std::string::npos) __builtin_trap();
  };
  switch (data[0] % 4) {
    case 0: {
      std::string problem;
      auto target = front::read_target(data[0] & 4 ? "OPTIONS" : "GET", text, problem);
      if (target) {
        for (char c : target->path)
          if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) __builtin_trap();
        no_nul(target->query);
      }
      break;
    }
    case 1: {
      auto fields = parse_urlencoded(text);
      if (fields) no_nul(*fields);
      break;
    }
    case 2: {
      auto form = parse_multipart(text, "----checkinboundary");
      if (form) no_nul(form->fields);
      break;
    }
    default: (void)accepts_gzip(text); break;
  }
  return 0;
}
