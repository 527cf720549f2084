// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The server's own HTTP request and answer, what every route (API and dashboard) works
// with. The front (http_front.hpp) fills a Request only after the head passed its checks:
// by then the method is a token, the path is percent-decoded and holds no control
// character, and the body is complete and within the limit.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace checkin::server {

// Header fields in arrival order; names compare without regard to case (RFC 9110 5.1).
class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  // Adds a field, keeping earlier ones of the same name (Set-Cookie comes several times).
  void add(std::string name, std::string value);
  // Replaces every field of that name with this one.
  void set(std::string name, std::string value);
  void erase(std::string_view name);

  // The first value of `name`, "" when there is none.
  std::string get(std::string_view name) const;
  const std::string* find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }
  std::size_t count(std::string_view name) const;

  std::vector<Field>::const_iterator begin() const { return fields_.begin(); }
  std::vector<Field>::const_iterator end() const { return fields_.end(); }
  std::size_t size() const { return fields_.size(); }

 private:
  std::vector<Field> fields_;
};

bool same_header_name(std::string_view a, std::string_view b);

// Named text values in order, repeats kept: a URL's query or a form's fields.
class Fields {
 public:
  using Field = std::pair<std::string, std::string>;

  void add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }
  // The first value of `name`, "" when there is none.
  std::string get(std::string_view name) const;
  bool has(std::string_view name) const;
  std::vector<std::string> all(std::string_view name) const;

  std::vector<Field>::const_iterator begin() const { return fields_.begin(); }
  std::vector<Field>::const_iterator end() const { return fields_.end(); }
  bool empty() const { return fields_.empty(); }
  std::size_t size() const { return fields_.size(); }

 private:
  std::vector<Field> fields_;
};

// A file chosen in a multipart form.
struct UploadedFile {
  std::string name;          // the form field's name
  std::string filename;      // as the browser sent it: never a path to trust
  std::string content_type;
  std::string content;
};

// A submitted form: text fields and files. Only a POST body makes one, never the URL, so
// a link cannot carry what a form must (a CSRF token).
struct Form {
  Fields fields;
  std::vector<UploadedFile> files;
  bool malformed = false;  // a body that claimed to be a form but was not one: no fields

  const UploadedFile* file(std::string_view name) const;
};

// Why a parked request runs again (see Response::park).
enum class Wake {
  notified,  // a topic it waits on was notified
  deadline,  // its deadline came first
  stopping,  // the server is stopping: answer now
};
const char* to_string(Wake wake);

struct Request;
struct Response;
// What runs when a parked request wakes: on a worker thread, with the same request.
using Resume = std::function<void(const Request&, Response&, Wake)>;

struct Request {
  std::string method;      // "GET", "POST", ... as sent (a token)
  std::string path;        // percent-decoded, without the query
  std::string target;      // the request target as sent, for nothing but diagnostics
  Fields query;            // the URL's query, decoded
  Headers headers;
  std::string body;
  std::string client_address;  // the peer, or the client a trusted proxy named
  bool secure = false;         // arrived over TLS
  std::chrono::steady_clock::time_point arrived{};  // when its head was complete

  std::string header(std::string_view name) const { return headers.get(name); }
  bool has_header(std::string_view name) const { return headers.has(name); }
  // The media type of the body, lower case, without parameters ("application/json").
  std::string media_type() const;
  // The body as a form (application/x-www-form-urlencoded or multipart/form-data), read
  // on first use; empty for any other body.
  const Form& form() const;

 private:
  mutable std::optional<Form> form_;
};

// What a route answers. A route that has nothing to say yet may park instead (below).
struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // Gzip the body when the client accepts it (the API's JSON); dashboard pages never are
  // (a CSRF token next to reflected text in a compressed page leaks: BREACH).
  bool compress_if_accepted = false;

  void set_content(std::string content, std::string_view content_type);
  // Adds a header field; for Set-Cookie several may be added.
  void add_header(std::string name, std::string value) { headers.add(std::move(name), std::move(value)); }
  // Replaces any field of that name.
  void set_header(std::string name, std::string value) { headers.set(std::move(name), std::move(value)); }

  // Long polling: instead of answering, wait without holding a worker thread until one of
  // `topics` is notified (HttpFront::notify) or `deadline` passes, then run `resume` on a
  // worker with this request and a fresh Response. A notify of a topic made after this
  // handler (or resume) began running wakes it at once, so "look, then park" loses
  // nothing. While parked the request does not count against its address's connection
  // limit. The front caps the deadline at kLongestPark.
  void park(std::vector<std::string> topics, std::chrono::steady_clock::time_point deadline, Resume resume);
  bool parked() const { return parking_.has_value(); }

  struct Parking {
    std::vector<std::string> topics;
    std::chrono::steady_clock::time_point deadline;
    Resume resume;
  };
  // For the front: takes the parking request made by park().
  std::optional<Parking> take_parking() { return std::exchange(parking_, std::nullopt); }

 private:
  std::optional<Parking> parking_;
};

inline constexpr std::chrono::seconds kLongestPark{120};

// ---- text helpers the front and routes share

// %XX decoded; `plus_is_space` for form bodies and queries. nullopt for a broken escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);
std::string percent_encode(std::string_view text);
// "a=1&b=two" into fields; nullopt for a broken escape.
std::optional<Fields> parse_urlencoded(std::string_view text);
// multipart/form-data (RFC 7578) with the boundary from the Content-Type.
std::optional<Form> parse_multipart(std::string_view body, std::string_view boundary);
// The value of a Content-Type parameter ("boundary"), unquoted; "" when absent.
std::string media_type_parameter(std::string_view content_type, std::string_view name);
// Whether an Accept-Encoding value allows gzip (a q of 0 refuses it).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace checkin::server
