// SPDX-License-Identifier: AGPL-3.0-or-later
// What an outsider on the network can do to the real checkin-server on 127.0.0.1, and that
// it keeps serving through it (issue 14, findings 1, 2 and 6): slow heads, idle
// connections, many connections from one address, header floods, contradictory framing.
// Several loopback source addresses (127.0.0.2, ...) play several clients.
#include "checkin_catch.hpp"
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "raw_http.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

using namespace std::chrono_literals;
using checkin::testing::raw_request;
using checkin::testing::RawConnection;
using checkin::testing::RawResponse;
using checkin::testing::ServerProcess;
using Clock = std::chrono::steady_clock;

namespace {

struct Fixture {
  checkin::testing::TempDir dir;
  std::string db() const { return dir.file("server.db"); }
  checkin::testing::Command cli(std::vector<std::string> args) {
    return checkin::testing::server_cli(db(), std::move(args), dir.path());
  }
};

const std::string kHealth = "GET /healthz HTTP/1.1\r\nHost: checkin\r\n\r\n";

// libmicrohttpd 1.0 (Debian 13) refuses malformed framing itself (Transfer-Encoding with
// Content-Length, a Content-Length that is not a number, no Host, whitespace before a
// field's colon, folded lines, spaces in the request line) with a short HTML page before
// the front sees the request; 0.9.75 (Debian 12) leaves these to the front, which answers
// an /api/ path in JSON. Either way: 400, and the connection closed.
constexpr bool kLibraryRefusesMalformedFraming = CHECKIN_MICROHTTPD_REFUSES_MALFORMED_FRAMING;

// How long /healthz takes from 127.0.0.1 on a new connection; nullopt when no answer came
// within the timeout.
std::optional<std::chrono::milliseconds> health_time(int port, std::chrono::milliseconds timeout = 3000ms) {
  const auto started = Clock::now();
  auto answer = raw_request(port, kHealth, timeout);
  if (!answer || answer->status != 200) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
}

void check_health_within_a_second(int port, int times, std::chrono::milliseconds spacing) {
  for (int i = 0; i < times; ++i) {
    auto took = health_time(port, 1000ms);
    INFO("health check " << i);
    REQUIRE(took);
    CHECK(*took < 1000ms);
    std::this_thread::sleep_for(spacing);
  }
}

nlohmann::json json_body(const RawResponse& response) {
  INFO(response.head << "\n" << response.body);
  CHECK(response.header("Content-Type").starts_with("application/json"));
  auto parsed = nlohmann::json::parse(response.body, nullptr, false);
  REQUIRE(parsed.is_object());
  REQUIRE(parsed.contains("error"));
  return parsed["error"];
}

}  // namespace

TEST_CASE_METHOD(Fixture, "front: /healthz answers within 1 s while 200 slowloris connections are open, and slow heads are cut") {
  ServerProcess server(db(), dir.path(), {"--set", "server.header_timeout_seconds=6"});
  // 200 clients from four addresses each start a request and then add one header line a
  // second, never finishing it (50 per address: under the default limit of 64).
  std::vector<RawConnection> slow;
  for (int i = 0; i < 200; ++i) {
    slow.emplace_back(server.port(), fmt::format("127.0.0.{}", 2 + i % 4));
    REQUIRE(slow.back().connected());
    slow.back().send("GET /healthz HTTP/1.1\r\nHost: checkin\r\n");
  }
  std::atomic<bool> trickling{true};
  std::thread trickle([&] {
    for (int line = 0; trickling; ++line) {
      for (auto& connection : slow) connection.send(fmt::format("X-Slow-{}: a\r\n", line));
      std::this_thread::sleep_for(1s);
    }
  });
  const auto opened = Clock::now();
  check_health_within_a_second(server.port(), 8, 300ms);

  // A head must be complete within server.header_timeout_seconds however steadily its
  // bytes come: by 10 s every slow connection has been closed by the server.
  std::this_thread::sleep_until(opened + 9s);
  trickling = false;
  trickle.join();
  int cut = 0;
  for (auto& connection : slow) cut += connection.closed_by_peer(1500ms) ? 1 : 0;
  CHECK(cut == 200);
  check_health_within_a_second(server.port(), 2, 0ms);
  CHECK(server.stop() == 0);
}

TEST_CASE_METHOD(Fixture, "front: idle keep-alive connections starve nothing and are closed after the head deadline") {
  ServerProcess server(db(), dir.path(), {"--set", "server.header_timeout_seconds=3"});
  // 300 clients (50 from each of six addresses) ask once and keep their connection open.
  std::vector<RawConnection> idle;
  for (int i = 0; i < 300; ++i) {
    idle.emplace_back(server.port(), fmt::format("127.0.1.{}", 1 + i % 6));
    REQUIRE(idle.back().connected());
    REQUIRE(idle.back().send(kHealth));
    auto answer = idle.back().read_response(5s);
    REQUIRE(answer);
    REQUIRE(answer->status == 200);
  }
  check_health_within_a_second(server.port(), 10, 50ms);
  int closed = 0;
  for (auto& connection : idle) closed += connection.closed_by_peer(5s) ? 1 : 0;
  CHECK(closed == 300);
  CHECK(server.stop() == 0);
}

TEST_CASE_METHOD(Fixture, "front: one address gets at most server.max_connections_per_address connections, and others are served") {
  ServerProcess server(db(), dir.path(), {"--set", "server.max_connections_per_address=16"});
  std::vector<RawConnection> held;
  for (int i = 0; i < 16; ++i) {
    held.emplace_back(server.port(), "127.0.0.9");
    REQUIRE(held.back().connected());
  }
  // Give the server time to take them all in before the next ones arrive.
  std::this_thread::sleep_for(300ms);
  for (int i = 0; i < 4; ++i) {
    RawConnection extra(server.port(), "127.0.0.9");
    REQUIRE(extra.connected());  // the kernel accepts; the server closes it at once
    extra.send(kHealth);
    CHECK(extra.closed_by_peer(2s));
  }
  for (auto& connection : held) CHECK_FALSE(connection.closed_by_peer(10ms));
  // Another address is not affected, and a place given back can be taken again.
  check_health_within_a_second(server.port(), 3, 0ms);
  held.pop_back();
  std::this_thread::sleep_for(300ms);
  auto again = raw_request(server.port(), kHealth, 2s, "127.0.0.9");
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(server.stop() == 0);
}

TEST_CASE_METHOD(Fixture, "front: a header flood is answered 431 long before it ends, and the memory is given back") {
  ServerProcess server(db(), dir.path());
  for (int i = 0; i < 20; ++i) REQUIRE(health_time(server.port()));
  const long before = server.resident_kib();
  REQUIRE(before > 0);

  // Four floods at once, each meant to send 64 MiB of header lines.
  auto flood = [&](int which) -> std::optional<int> {
    RawConnection connection(server.port(), fmt::format("127.0.2.{}", which + 1), /*send_buffer=*/16 * 1024);
    if (!connection.connected()) return std::nullopt;
    connection.send("GET /api/v1/enrol HTTP/1.1\r\nHost: checkin\r\n");
    const std::string lines = [] {
      std::string text;
      for (int i = 0; text.size() < 60000; ++i) text += fmt::format("X-Flood-{}: {}\r\n", i, std::string(100, 'a'));
      return text;
    }();
    std::string answer;
    std::size_t sent = 0;
    for (; sent < (64u << 20); sent += lines.size()) {
      if (!connection.send(lines)) break;
      answer += connection.read_available(5ms);
      if (!answer.empty()) break;
    }
    answer += connection.read_available(1s);
    INFO("flood " << which << " sent " << sent << " bytes before the answer: " << answer.substr(0, 200));
    // Refused within the first megabyte (the limit is 32 KiB of head).
    CHECK(sent < (1u << 20));
    if (!answer.starts_with("HTTP/1.1 ")) return std::nullopt;
    return std::atoi(answer.c_str() + 9);
  };
  std::vector<std::optional<int>> statuses(4);
  std::vector<std::thread> floods;
  for (int i = 0; i < 4; ++i) floods.emplace_back([&, i] { statuses[i] = flood(i); });
  for (auto& thread : floods) thread.join();
  for (const auto& status : statuses) {
    REQUIRE(status);
    CHECK((*status == 431 || *status == 413));
  }
  std::this_thread::sleep_for(500ms);
  const long after = server.resident_kib();
  INFO("resident memory before " << before << " KiB, after " << after << " KiB");
  CHECK(after <= before + before / 10);
  check_health_within_a_second(server.port(), 2, 0ms);
  CHECK(server.stop() == 0);
}

TEST_CASE_METHOD(Fixture, "front: framing two parties could read differently is refused with 400 and the connection closed") {
  const auto site = checkin::testing::first_line(cli({"site", "add", "Hall"}).out);
  REQUIRE(!site.empty());
  ServerProcess server(db(), dir.path());
  auto code = checkin::testing::first_line(cli({"enrol-token", "create", "--site", site, "--url", server.url()}).out);
  auto token = code.substr(code.find("token=") + 6);
  token = token.substr(0, token.find('&'));
  const std::string body = fmt::format(R"({{"protocol":1,"token":"{}","device_name":"k","app_version":"1"}})", token);

  auto refused_and_closed = [&](const std::string& request, int status) {
    INFO(request.substr(0, 200));
    RawConnection connection(server.port());
    REQUIRE(connection.send(request));
    auto answer = connection.read_response(5s);
    REQUIRE(answer);
    CHECK(answer->status == status);
    // Nothing that followed is answered: the connection ends with the refusal.
    CHECK(connection.closed_by_peer(2s));
    return *answer;
  };
  // Transfer-Encoding with Content-Length (an enrolment completed this way before).
  auto both = refused_and_closed(fmt::format("POST /api/v1/enrol HTTP/1.1\r\nHost: checkin\r\nContent-Type: application/json\r\n"
                                             "Transfer-Encoding: chunked\r\nContent-Length: {}\r\n\r\n{:x}\r\n{}\r\n0\r\n\r\n",
                                             body.size(), body.size(), body),
                                 400);
  if (!kLibraryRefusesMalformedFraming)
    CHECK(json_body(both)["message"].get<std::string>().find("Transfer-Encoding and Content-Length") != std::string::npos);
  // Two different Content-Lengths, the second hiding a request in the first's body.
  auto two = refused_and_closed("POST /api/v1/enrol HTTP/1.1\r\nHost: checkin\r\nContent-Length: 0\r\nContent-Length: 41\r\n\r\n"
                                "GET /api/v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n",
                                400);
  CHECK(json_body(two)["message"] == "two different Content-Length values");
  // A Content-Length that is not a number (libmicrohttpd refuses it itself).
  refused_and_closed("POST /api/v1/enrol HTTP/1.1\r\nHost: checkin\r\nContent-Length: abc\r\n\r\nabc", 400);
  refused_and_closed("POST /api/v1/enrol HTTP/1.1\r\nHost: checkin\r\nContent-Length: -1\r\n\r\n", 400);
  // Transfer-Encoding in HTTP/1.0, and chunked bodies at all (send a Content-Length).
  refused_and_closed("POST /api/v1/enrol HTTP/1.0\r\nHost: checkin\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
  auto chunked = refused_and_closed("POST /api/v1/enrol HTTP/1.1\r\nHost: checkin\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411);
  CHECK(json_body(chunked)["code"] == "length_required");
  // Two Hosts, and a field name with a space before its colon.
  refused_and_closed("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
  refused_and_closed("GET /api/v1/enrol HTTP/1.1\r\nHost: checkin\r\nX-Bad : y\r\n\r\n", 400);

  // None of the above enrolled anything: the code still works, once.
  auto enrolled = raw_request(server.port(), fmt::format("POST /api/v1/enrol HTTP/1.1\r\nHost: checkin\r\nContent-Type: application/json\r\n"
                                                         "Content-Length: {}\r\n\r\n{}",
                                                         body.size(), body));
  REQUIRE(enrolled);
  INFO(enrolled->body);
  CHECK(enrolled->status == 200);
  CHECK(server.stop() == 0);
}

TEST_CASE_METHOD(Fixture, "front: refusals of /api/ requests are JSON, whatever was wrong with them") {
  ServerProcess server(db(), dir.path());
  auto json_refusal = [&](const std::string& request, int status) {
    INFO(request.substr(0, 120));
    auto answer = raw_request(server.port(), request);
    REQUIRE(answer);
    CHECK(answer->status == status);
    return json_body(*answer);
  };
  // An unknown method, on a route and off one.
  auto brew = raw_request(server.port(), "BREW /api/v1/enrol HTTP/1.1\r\nHost: checkin\r\n\r\n");
  REQUIRE(brew);
  CHECK(brew->status == 405);
  CHECK(brew->header("Allow") == "POST");
  CHECK(json_body(*brew)["code"] == "method_not_allowed");
  CHECK(json_refusal("BREW /api/v1/coffee HTTP/1.1\r\nHost: checkin\r\n\r\n", 404)["code"] == "not_found");
  // An over-long URI, a head over the limit, a broken %-escape, a NUL.
  CHECK(json_refusal("GET /api/v1/enrol?" + std::string(10000, 'a') + " HTTP/1.1\r\nHost: checkin\r\n\r\n", 414)["code"] ==
        "uri_too_long");
  CHECK(json_refusal("GET /api/v1/enrol HTTP/1.1\r\nHost: checkin\r\nX-Big: " + std::string(40000, 'a') + "\r\n\r\n", 431)["code"] ==
        "headers_too_large");
  CHECK(json_refusal("GET /api/v1/%zz HTTP/1.1\r\nHost: checkin\r\n\r\n", 400)["message"] == "the path has a broken %-escape");
  CHECK(json_refusal("GET /api/v1/devices/a%00b/changes HTTP/1.1\r\nHost: checkin\r\nAuthorization: Bearer x\r\n\r\n", 400)["message"] ==
        "the path holds a control character");
  // No Host, a space or a control byte in the target (libmicrohttpd 0.9.75's strict mode
  // would answer the first in HTML with its status line twice, and close on the second
  // without a word: the front checks them; 1.0 refuses the first two itself).
  for (const auto& [request, message] :
       {std::pair<std::string, std::string>{"GET /api/v1/enrol HTTP/1.1\r\n\r\n", "a request needs exactly one Host header field"},
        {"GET /api/v1/en rol HTTP/1.1\r\nHost: checkin\r\n\r\n", "the request target holds a space or a control character"}}) {
    if (kLibraryRefusesMalformedFraming) {
      auto answer = raw_request(server.port(), request);
      REQUIRE(answer);
      CHECK(answer->status == 400);
    } else {
      CHECK(json_refusal(request, 400)["message"] == message);
    }
  }
  CHECK(json_refusal("GET /api/v1/enrol?\x01 HTTP/1.1\r\nHost: checkin\r\n\r\n", 400)["message"] ==
        "the request target holds a space or a control character");
  // A body over the limit, announced.
  CHECK(json_refusal("POST /api/v1/enrol HTTP/1.1\r\nHost: checkin\r\nContent-Length: 104857600\r\n\r\n", 413)["code"] == "too_large");
  // The dashboard answers people with a page instead.
  auto page = raw_request(server.port(), "GET /sign-in?" + std::string(10000, 'a') + " HTTP/1.1\r\nHost: checkin\r\n\r\n");
  REQUIRE(page);
  CHECK(page->status == 414);
  CHECK(page->header("Content-Type").starts_with("text/html"));
  CHECK(server.stop() == 0);
}
