// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Enrolment: how a kiosk joins an organisation.
//
// A coordinator creates a single-use enrolment token (valid 15 minutes) for a site and
// shows it as a QR code. The kiosk's admin screen scans it and POSTs the token to
// /api/v1/enrol; the server answers with the kiosk's device id and device token (which
// it stores only as a hash) and the pass keys, so the kiosk verifies passes at once.
// Every later request carries "Authorization: Bearer <device token>".
#include <string>
#include <string_view>
#include <vector>

#include "checkin/core/domain.hpp"
#include "checkin/core/error.hpp"
#include "checkin/sync/changes.hpp"

namespace checkin::sync {

inline constexpr std::string_view kEnrolmentPrefix = "checkin-enrol:";
inline constexpr std::size_t kMaxEnrolmentCodeLength = 1024;

// What the enrolment QR holds:
//   checkin-enrol:v1?url=<percent-encoded server URL>&token=<token>&sha256=<certificate hash>[&name=<kiosk name>]
// sha256 is the SHA-256 of the server certificate's public key (SubjectPublicKeyInfo,
// DER: what libcurl's CURLOPT_PINNEDPUBLICKEY compares), 64 hex digits, pinned on first
// contact, so a renewed certificate with the same key keeps working; empty for a plain-HTTP server (a test, or behind a reverse proxy whose
// certificate a public CA signs).
struct EnrolmentCode {
  std::string server_url;   // "https://checkin.example.org:8443"
  std::string token;
  std::string cert_sha256;  // public-key hash, lower-case hex, or empty
  std::string name{};       // the kiosk's name for people ("Front door"), or empty: the kiosk proposes one
};

inline constexpr std::size_t kMaxDeviceNameLength = 60;
// A kiosk's name: printable, no control characters, at most kMaxDeviceNameLength bytes.
Result<void> check_device_name(std::string_view name);

std::string to_text(const EnrolmentCode& code);
// Hostile input (it comes from a camera): capped, every part checked.
Result<EnrolmentCode> parse_enrolment_code(std::string_view text);
inline bool looks_like_enrolment_code(std::string_view text) { return text.starts_with(kEnrolmentPrefix); }

// POST /api/v1/enrol (no Authorization header: the token in the body is the credential).
//
// A kiosk enrolled before (re-enrolment with a new code) proves it is the same kiosk with
// its previous device id and token: the server then accepts the events it recorded under
// that id (still in its outbox) and shows the old device as replaced. Events recorded
// before the first enrolment carry the kiosk's local id, which it names too.
struct EnrolRequest {
  std::string token;
  std::string device_name;  // the kiosk's proposal, used when the code names none
  std::string app_version;
  std::string local_device_id{};        // "local-..." as the kiosk's first events carry it
  std::string previous_device_id{};     // empty on a first enrolment
  std::string previous_device_token{};  // the proof: the previous enrolment's token
};

struct EnrolResponse {
  std::string device_id;
  std::string device_token;
  Site site;
  std::vector<KeyEntry> public_keys;
  WallTime server_time{};
  std::string device_name{};  // as the server keeps it: the code's name, else the kiosk's proposal
};

// POST /api/v1/devices/{id}/token:roll: a new device token; the old one stops working.
struct TokenRoll {
  std::string device_token;
};

std::string to_json(const EnrolRequest& request);
Result<EnrolRequest> parse_enrol_request(std::string_view body);
std::string to_json(const EnrolResponse& response);
Result<EnrolResponse> parse_enrol_response(std::string_view body);
std::string to_json(const TokenRoll& roll);
Result<TokenRoll> parse_token_roll(std::string_view body);

// POST /api/v1/devices/{id}/name: staff renamed the kiosk on its admin screen.
struct DeviceName {
  std::string name;
};
std::string to_json(const DeviceName& name);
Result<DeviceName> parse_device_name(std::string_view body);

}  // namespace checkin::sync
