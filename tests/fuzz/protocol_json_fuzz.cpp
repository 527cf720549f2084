// SPDX-License-Identifier: AGPL-3.0-or-later
// The protocol's JSON readers (sync/protocol), every body a peer can send: the first byte
// picks the reader, the rest is the body. Never a crash; an event batch that parses
// survives to_json and back (what the server stores is what it was sent).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checkin/sync/changes.hpp"
#include "checkin/sync/enrolment.hpp"
#include "checkin/sync/events.hpp"
#include "checkin/sync/feedback.hpp"

using namespace checkin::sync;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 10) {
    case 0: {
      auto batch = parse_event_batch(body);
      if (batch) {
        auto again = parse_event_batch(to_json(*batch));
        if (!again || again->events.size() != batch->events.size()) __builtin_trap();
      }
      break;
    }
    case 1: (void)parse_batch_result(body); break;
    case 2: (void)parse_protocol_error(body); break;
    case 3: (void)parse_changes_page(body); break;
    case 4: (void)parse_enrol_request(body); break;
    case 5: (void)parse_enrol_response(body); break;
    case 6: (void)parse_token_roll(body); break;
    case 7: (void)parse_feedback_batch(body); break;
    case 8: (void)parse_feedback_result(body); break;
    default: (void)parse_event_batch(body); break;
  }
  return 0;
}
