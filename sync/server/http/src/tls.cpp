// SPDX-License-Identifier: AGPL-3.0-or-later
// Certificate pinning helpers (OpenSSL) and the listen address.
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <charconv>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "checkin/server/http.hpp"
#include "tls_files.hpp"

namespace checkin::server {

Result<ListenAddress> parse_listen_address(std::string_view text) {
  ListenAddress address;
  std::string_view host, port;
  if (text.starts_with('[')) {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return fail(Errc::invalid_input, fmt::format("'{}' is not [IPv6]:PORT", text));
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon)
      return fail(Errc::invalid_input, fmt::format("'{}' is not HOST:PORT (an IPv6 host goes in brackets)", text));
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty()) return fail(Errc::invalid_input, fmt::format("'{}' has no host", text));
  int value = -1;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || ptr != port.data() + port.size() || value < 0 || value > 65535)
    return fail(Errc::invalid_input, fmt::format("'{}': the port must be 0..65535", text));
  address.host = std::string(host);
  address.port = value;
  return address;
}

std::string to_string(const ListenAddress& address) {
  if (address.host.find(':') != std::string::npos) return fmt::format("[{}]:{}", address.host, address.port);
  return fmt::format("{}:{}", address.host, address.port);
}

bool is_loopback(std::string_view host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

Result<std::string> certificate_public_key_sha256(const std::filesystem::path& cert_pem) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(cert_pem.c_str(), "rb"), &std::fclose);
  if (!file) return fail(Errc::io, fmt::format("cannot open the certificate {}", cert_pem.string()));
  std::unique_ptr<X509, void (*)(X509*)> cert(PEM_read_X509(file.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!cert) return fail(Errc::invalid_input, fmt::format("{} is not a PEM certificate", cert_pem.string()));
  // i2d of the X509_PUBKEY gives the SubjectPublicKeyInfo exactly as it sits in the certificate.
  X509_PUBKEY* spki = X509_get_X509_PUBKEY(cert.get());
  unsigned char* der = nullptr;
  int length = spki ? i2d_X509_PUBKEY(spki, &der) : -1;
  if (length <= 0) return fail(Errc::invalid_input, fmt::format("{}: no public key", cert_pem.string()));
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(der, static_cast<std::size_t>(length), digest);
  OPENSSL_free(der);
  std::string hex;
  for (unsigned char byte : digest) hex += fmt::format("{:02x}", byte);
  return hex;
}

Result<std::string> curl_pin_from_hex(std::string_view sha256_hex) {
  if (sha256_hex.size() != 64) return fail(Errc::invalid_input, "a SHA-256 is 64 hex digits");
  std::vector<unsigned char> bytes;
  for (std::size_t i = 0; i < 64; i += 2) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(sha256_hex.data() + i, sha256_hex.data() + i + 2, value, 16);
    if (ec != std::errc{} || ptr != sha256_hex.data() + i + 2) return fail(Errc::invalid_input, "not hex");
    bytes.push_back(static_cast<unsigned char>(value));
  }
  std::string base64(44, '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(base64.data()), bytes.data(), static_cast<int>(bytes.size()));
  return "sha256//" + base64;
}

namespace {

std::optional<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

}  // namespace

Result<TlsPem> read_certificate_and_key(const std::filesystem::path& certificate, const std::filesystem::path& key) {
  auto unusable = fail(Errc::invalid_input,
                       fmt::format("cannot use the certificate {} with the key {} (unreadable, or they do not match)",
                                   certificate.string(), key.string()));
  TlsPem pem;
  auto cert_text = read_text(certificate);
  auto key_text = read_text(key);
  if (!cert_text || !key_text) return unusable;
  std::unique_ptr<BIO, int (*)(BIO*)> cert_bio(BIO_new_mem_buf(cert_text->data(), static_cast<int>(cert_text->size())), &BIO_free);
  std::unique_ptr<BIO, int (*)(BIO*)> key_bio(BIO_new_mem_buf(key_text->data(), static_cast<int>(key_text->size())), &BIO_free);
  std::unique_ptr<X509, void (*)(X509*)> cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr), &X509_free);
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> private_key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr), &EVP_PKEY_free);
  if (!cert || !private_key || X509_check_private_key(cert.get(), private_key.get()) != 1) return unusable;
  pem.certificate = std::move(*cert_text);
  pem.key = std::move(*key_text);
  return pem;
}

Instant SystemClock::now() const {
  Instant instant;
  instant.wall = std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
  instant.monotonic = std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now().time_since_epoch());
  instant.boot_id = "server";
  instant.wall_synced = true;
  return instant;
}

UploadGate::Slot UploadGate::try_enter() {
  int current = in_use_.load();
  while (current < capacity_)
    if (in_use_.compare_exchange_weak(current, current + 1)) return Slot(this);
  return Slot(nullptr);
}

}  // namespace checkin::server
