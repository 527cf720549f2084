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
//   checkin-enrol:v1?url=<percent-encoded server URL>&token=<token>&sha256=<certificate hash>
// sha256 is the SHA-256 of the server certificate's public key (SubjectPublicKeyInfo,
// DER: what libcurl's CURLOPT_PINNEDPUBLICKEY compares), 64 hex digits, pinned on first
// contact, so a renewed certificate with the same key keeps working; empty for a plain-HTTP server (a test, or behind a reverse proxy whose
// certificate a public CA signs).
struct EnrolmentCode {
  std::string server_url;   // "https://checkin.example.org:8443"
  std::string token;
  std::string cert_sha256;  // public-key hash, lower-case hex, or empty
};

std::string to_text(const EnrolmentCode& code);
// Hostile input (it comes from a camera): capped, every part checked.
Result<EnrolmentCode> parse_enrolment_code(std::string_view text);
inline bool looks_like_enrolment_code(std::string_view text) { return text.starts_with(kEnrolmentPrefix); }

// POST /api/v1/enrol (no Authorization header: the token in the body is the credential).
struct EnrolRequest {
  std::string token;
  std::string device_name;  // shown to coordinators, e.g. the kiosk's hostname
  std::string app_version;
};

struct EnrolResponse {
  std::string device_id;
  std::string device_token;
  Site site;
  std::vector<KeyEntry> public_keys;
  WallTime server_time{};
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

}  // namespace checkin::sync
