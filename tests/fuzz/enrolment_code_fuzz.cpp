// SPDX-License-Identifier: AGPL-3.0-or-later
// Enrolment codes (sync/protocol enrolment.hpp), as a kiosk's camera reads them: never a
// crash, and a code that parses writes out within its own limit and reads back the same
// (libFuzzer found a code that did not).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checkin/sync/enrolment.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto code = checkin::sync::parse_enrolment_code(text);
  if (!code) return 0;
  const auto again = checkin::sync::to_text(*code);
  if (again.size() > checkin::sync::kMaxEnrolmentCodeLength) __builtin_trap();
  auto reread = checkin::sync::parse_enrolment_code(again);
  if (!reread || reread->server_url != code->server_url || reread->token != code->token ||
      reread->cert_sha256 != code->cert_sha256 || reread->name != code->name)
    __builtin_trap();
  return 0;
}
