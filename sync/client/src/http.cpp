// SPDX-License-Identifier: AGPL-3.0-or-later
// libcurl behind the Http interface: one easy handle per client, reused so the TLS
// connection stays open between the requests of a pass.
#include "http.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <mutex>

#include "checkin/sync/api.hpp"
#include "checkin/sync/events.hpp"

namespace checkin::sync::detail {

namespace {

// curl_global_init is not thread-safe before 7.84 and must run once; do it on first use.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string base64(const unsigned char* data, std::size_t size) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < size; i += 3) {
    const std::uint32_t chunk = (std::uint32_t{data[i]} << 16) | (i + 1 < size ? std::uint32_t{data[i + 1]} << 8 : 0) |
                                (i + 2 < size ? std::uint32_t{data[i + 2]} : 0);
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += i + 1 < size ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < size ? kAlphabet[chunk & 63] : '=';
  }
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool iequals_prefix(std::string_view line, std::string_view name) {
  if (line.size() < name.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != std::tolower(static_cast<unsigned char>(name[i])))
      return false;
  return true;
}

struct Transfer {
  std::string body;
  bool too_large = false;
  std::optional<std::string> retry_after;
  const std::atomic<bool>* cancel = nullptr;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  // A hostile or broken server cannot make the kiosk buffer without bound.
  if (transfer->body.size() + bytes > kMaxBodyBytes) {
    transfer->too_large = true;
    return 0;
  }
  transfer->body.append(data, bytes);
  return bytes;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::string_view line(data, size * count);
  constexpr std::string_view kRetryAfter = "retry-after:";
  if (iequals_prefix(line, kRetryAfter)) transfer->retry_after = std::string(trim(line.substr(kRetryAfter.size())));
  // A new response (after a 100 Continue) starts over.
  if (line.starts_with("HTTP/")) transfer->retry_after.reset();
  return size * count;
}

// libcurl calls this often while a transfer runs (about once a second when idle): the
// only way to abort a blocking easy transfer from outside.
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<Transfer*>(user);
  return transfer->cancel && transfer->cancel->load() ? 1 : 0;
}

class CurlHttp final : public Http {
 public:
  CurlHttp(HttpOptions options, std::string pin, const Clock& clock)
      : options_(std::move(options)), pin_(std::move(pin)), clock_(clock), curl_(curl_easy_init()) {}
  ~CurlHttp() override {
    if (curl_) curl_easy_cleanup(curl_);
  }
  CurlHttp(const CurlHttp&) = delete;
  CurlHttp& operator=(const CurlHttp&) = delete;

  Result<HttpResponse> send(const HttpRequest& request) override {
    if (!curl_) return fail(Errc::unavailable, "libcurl could not create a handle");
    if (options_.cancel && options_.cancel->load()) return fail(Errc::unavailable, "sync is stopping");
    CURL* c = curl_;
    curl_easy_reset(c);

    const std::string url = options_.base_url + request.path;
    Transfer transfer;
    transfer.cancel = options_.cancel;
    char error_text[CURL_ERROR_SIZE] = {};

    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>((options_.timeout + request.extra_time).count()));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<Millis>(options_.timeout, std::chrono::seconds{10}).count()));
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_text);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &transfer);
    // gzip only: a roster page shrinks about tenfold over a weak Wi-Fi link, and the
    // server's brotli runs at its slowest, best-ratio setting (a second per page of 2,000).
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");

    if (!pin_.empty()) {
      // The enrolment QR vouched for this key: a self-signed certificate is fine, any
      // other key is refused (the pin is checked whether or not the chain is verified).
      curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, pin_.c_str());
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    } else {
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
      curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
      if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
    }

    const WallTime sent = clock_.now().wall;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, fmt::format("{}: {}", api::kDeviceTimeHeader, device_time_text(sent)).c_str());
    headers = curl_slist_append(headers, fmt::format("Accept: {}", api::kJson).c_str());
    if (!request.bearer.empty())
      headers = curl_slist_append(headers, fmt::format("Authorization: Bearer {}", request.bearer).c_str());
    if (request.method == "POST") {
      headers = curl_slist_append(headers, fmt::format("Content-Type: {}", api::kJson).c_str());
      headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
      curl_easy_setopt(c, CURLOPT_POST, 1L);
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    } else {
      curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

    const CURLcode code = curl_easy_perform(c);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(headers);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, nullptr);

    if (code != CURLE_OK) return fail(Errc::unavailable, describe(code, error_text, transfer, request));

    HttpResponse response;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    response.body = std::move(transfer.body);
    curl_off_t wire = 0;
    if (curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &wire) == CURLE_OK) response.wire_bytes = wire;
    response.sent = sent;
    response.received = clock_.now().wall;
    if (transfer.retry_after) response.retry_after = parse_retry_after(*transfer.retry_after, response.received);
    return response;
  }

  std::string escape(std::string_view text) override {
    if (!curl_) return std::string(text);
    char* escaped = curl_easy_escape(curl_, text.data(), static_cast<int>(text.size()));
    if (!escaped) return std::string(text);
    std::string out(escaped);
    curl_free(escaped);
    return out;
  }

 private:
  // The URL holds no secret (the token travels in a header), so it may be named.
  std::string describe(CURLcode code, const char* error_text, const Transfer& transfer,
                       const HttpRequest& request) const {
    const std::string where = fmt::format("{} {}{}", request.method, options_.base_url, request.path);
    switch (code) {
      case CURLE_ABORTED_BY_CALLBACK: return fmt::format("{}: cancelled, sync is stopping", where);
      case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        return fmt::format(
            "{}: the server's certificate key does not match the key pinned at enrolment "
            "(someone may be intercepting, or the server's key changed: re-enrol the kiosk)",
            where);
      case CURLE_WRITE_ERROR:
        if (transfer.too_large) return fmt::format("{}: the answer is larger than {} bytes", where, kMaxBodyBytes);
        break;
      case CURLE_OPERATION_TIMEDOUT:
        return fmt::format("{}: no answer within {} ms", where, options_.timeout.count());
      default: break;
    }
    const char* detail = error_text[0] ? error_text : curl_easy_strerror(code);
    return fmt::format("{}: {}", where, detail);
  }

  HttpOptions options_;
  std::string pin_;
  const Clock& clock_;
  CURL* curl_;
};

}  // namespace

std::optional<std::string> curl_pin_from_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  std::array<unsigned char, 32> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const int high = hex_value(hex[2 * i]), low = hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return "sha256//" + base64(bytes.data(), bytes.size());
}

std::optional<Millis> parse_retry_after(std::string_view value, WallTime now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    std::int64_t seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc::result_out_of_range) return Millis{std::chrono::hours{1}};
    if (ec != std::errc{} || end != value.data() + value.size()) return std::nullopt;
    // A broken header must not silence a kiosk for days: an hour at most.
    return Millis{std::chrono::seconds{std::min<std::int64_t>(seconds, 3600)}};
  }
  const std::string date(value);
  const time_t when = curl_getdate(date.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  const WallTime at{std::chrono::duration_cast<Millis>(std::chrono::seconds{when})};
  return at > now ? at - now : Millis{0};
}

std::string device_time_text(WallTime t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss time{t - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), time.hours().count(),
                     time.minutes().count(), time.seconds().count(), time.subseconds().count());
}

Result<std::unique_ptr<Http>> make_http(HttpOptions options, const Clock& clock) {
  init_curl_once();
  while (options.base_url.ends_with('/')) options.base_url.pop_back();
  if (!options.base_url.starts_with("https://") && !options.base_url.starts_with("http://"))
    return fail(Errc::invalid_input,
                fmt::format("the server URL '{}' does not start with https:// or http://", options.base_url));
  std::string pin;
  if (!options.cert_sha256.empty()) {
    auto converted = curl_pin_from_hex(options.cert_sha256);
    if (!converted)
      return fail(Errc::invalid_input, "the pinned certificate hash is not 64 hex digits (re-enrol the kiosk)");
    pin = std::move(*converted);
  }
  return std::unique_ptr<Http>(std::make_unique<CurlHttp>(std::move(options), std::move(pin), clock));
}

}  // namespace checkin::sync::detail
