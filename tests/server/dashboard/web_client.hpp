// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A browser as far as the dashboard tests need one, against the real checkin-server:
// cookies kept, redirects not followed, forms posted with the page's CSRF token.
#include "checkin_catch.hpp"

#include <map>
#include <regex>
#include <string>
#include <vector>

#include "checkin/core/error.hpp"
#include "server_process.hpp"

namespace checkin::testing {

template <class T>
T must_ok(Result<T> result) {
  if (!result) FAIL(to_string(result.error().code) << ": " << result.error().message);
  return std::move(*result);
}
inline void must_ok(Result<void> result) {
  if (!result) FAIL(to_string(result.error().code) << ": " << result.error().message);
}

struct WebAnswer {
  int status = 0;
  std::string body;
  httplib::Headers headers;
  std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string{} : found->second;
  }
  std::vector<std::string> set_cookies() const {
    std::vector<std::string> all;
    auto [begin, end] = headers.equal_range("Set-Cookie");
    for (auto it = begin; it != end; ++it) all.push_back(it->second);
    return all;
  }
  // The whole Set-Cookie header for one cookie, or empty.
  std::string set_cookie(const std::string& name) const {
    for (const auto& c : set_cookies())
      if (c.starts_with(name + "=")) return c;
    return {};
  }
};

// The CSRF field of the first form on a page.
inline std::string csrf_field(const std::string& html) {
  std::smatch m;
  if (!std::regex_search(html, m, std::regex(R"re(name="csrf" value="([^"]+)")re"))) return {};
  return m[1];
}

// &amp; &lt; &gt; &quot; &#39; back to text.
inline std::string html_unescape(std::string text) {
  const std::pair<std::string, std::string> entities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [entity, plain] : entities)
    for (std::size_t at = 0; (at = text.find(entity, at)) != std::string::npos; at += plain.size())
      text.replace(at, entity.size(), plain);
  return text;
}

class WebClient {
 public:
  explicit WebClient(const ServerProcess& server) : client_(server.client()) {}

  WebAnswer get(const std::string& path) { return answer(client_.Get(path, cookie_header())); }
  WebAnswer post(const std::string& path, const httplib::Params& form) {
    return answer(client_.Post(path, cookie_header(), form));
  }
  WebAnswer post_multipart(const std::string& path, const httplib::MultipartFormDataItems& items) {
    return answer(client_.Post(path, cookie_header(), items));
  }
  // A POST carrying this session's CSRF token, as the dashboard's own forms do.
  WebAnswer post_form(const std::string& path, httplib::Params form) {
    form.emplace("csrf", csrf());
    return post(path, form);
  }
  // A form as a page gave it: its CSRF field added.
  WebAnswer submit(const std::string& page, const std::string& action, httplib::Params form) {
    auto shown = get(page);
    REQUIRE(shown.status == 200);
    form.emplace("csrf", csrf_field(shown.body));
    return post(action, form);
  }
  // The sign-in form filled in and sent, whatever the answer.
  WebAnswer try_sign_in(const std::string& username, const std::string& password) {
    auto page = get("/sign-in");
    REQUIRE(page.status == 200);
    return post("/sign-in", {{"csrf", csrf_field(page.body)}, {"username", username}, {"password", password}});
  }
  // Signs in; REQUIREs that it worked.
  void sign_in(const std::string& username, const std::string& password) {
    auto signed_in = try_sign_in(username, password);
    INFO(signed_in.body);
    REQUIRE(signed_in.status == 303);
  }
  // The session's CSRF token (the sign-out form is on every page).
  std::string csrf() {
    if (csrf_.empty()) {
      auto page = get("/");
      REQUIRE(page.status == 200);
      csrf_ = csrf_field(page.body);
      REQUIRE(!csrf_.empty());
    }
    return csrf_;
  }
  void set_cookie(const std::string& name, const std::string& value) {
    cookies_[name] = value;
    csrf_.clear();
  }
  bool has_cookie(const std::string& name) const { return cookies_.contains(name); }
  std::string cookie(const std::string& name) const {
    auto found = cookies_.find(name);
    return found == cookies_.end() ? std::string{} : found->second;
  }
  // A browser behind the reverse proxy on 127.0.0.1 (a trusted proxy by default), which
  // names the browser's address in X-Forwarded-For.
  void set_forwarded_for(const std::string& address) { forwarded_for_ = address; }

 private:
  httplib::Headers cookie_header() const {
    httplib::Headers headers;
    if (!forwarded_for_.empty()) headers.emplace("X-Forwarded-For", forwarded_for_);
    std::string value;
    for (const auto& [name, v] : cookies_) value += (value.empty() ? "" : "; ") + name + "=" + v;
    if (!value.empty()) headers.emplace("Cookie", value);
    return headers;
  }
  WebAnswer answer(const httplib::Result& result) {
    REQUIRE(result);
    WebAnswer a{result->status, result->body, result->headers};
    for (const auto& c : a.set_cookies()) {
      csrf_.clear();  // a new or ended session has another token
      auto equals = c.find('=');
      auto semicolon = c.find(';');
      auto name = c.substr(0, equals);
      if (c.find("Max-Age=0") != std::string::npos) cookies_.erase(name);
      else cookies_[name] = c.substr(equals + 1, semicolon == std::string::npos ? std::string::npos : semicolon - equals - 1);
    }
    return a;
  }

  httplib::Client client_;
  std::map<std::string, std::string> cookies_;
  std::string csrf_;
  std::string forwarded_for_;
};

// A client already signed in; REQUIREs that it worked.
inline WebClient signed_in_client(const ServerProcess& server, const std::string& username, const std::string& password) {
  WebClient client(server);
  client.sign_in(username, password);
  return client;
}

}  // namespace checkin::testing
