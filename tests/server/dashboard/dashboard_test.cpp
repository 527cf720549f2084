// SPDX-License-Identifier: AGPL-3.0-or-later
// The coordinators' dashboard as a browser meets it, against the real checkin-server
// process: cookies, redirects, CSRF tokens, roles and sites, escaping, the people import.
// The organisation is made directly in the same SQLite file through ServerStore.
#include "checkin_catch.hpp"
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <atomic>
#include <regex>
#include <thread>

#include "checkin/server/sql.hpp"
#include "checkin/server/store.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"
#include "web_client.hpp"

using namespace checkin;
using namespace checkin::server;
using checkin::testing::csrf_field;
using checkin::testing::must_ok;
using checkin::testing::ServerProcess;
using checkin::testing::signed_in_client;
using checkin::testing::WebClient;
using namespace std::chrono_literals;

namespace {

WallTime now_utc() { return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()); }

constexpr const char* kAdminPassword = "correct horse battery";
constexpr const char* kCoordinatorPassword = "staple paper clips";

// httplib's client may hand the Location back percent-decoded or not.
std::string decoded(std::string text) {
  for (std::size_t at; (at = text.find("%2F")) != std::string::npos;) text.replace(at, 3, "/");
  return text;
}

std::string hidden_value(const std::string& html, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(html, m, std::regex("name=\"" + name + "\" value=\"([^\"]*)\""))) return {};
  return m[1];
}

// The value of a visible input (e.g. a datetime-local field as the page filled it in).
std::string hidden_input(const std::string& html, const std::string& id) {
  std::smatch m;
  if (!std::regex_search(html, m, std::regex("id=\"" + id + "\" name=\"" + id + "\" value=\"([^\"]*)\""))) return {};
  return m[1];
}

// Two sites, a program, an admin, and a coordinator of the first site only.
struct Fixture {
  checkin::testing::TempDir dir;
  std::string database = dir.file("server.db");
  std::unique_ptr<ServerStore> store;
  Site riverside, hilltop;
  Program lunch;
  Fixture() {
    // Local time is UTC for the server too, so the test can write datetime-local values.
    ::setenv("TZ", "UTC", 1);
    store = must_ok(ServerStore::open(database, 2));
    riverside = must_ok(store->create_site(Site{"", "Riverside"}));
    hilltop = must_ok(store->create_site(Site{"", "Hilltop"}));
    Program program;
    program.name = "Community lunch";
    lunch = must_ok(store->create_program(program));
    must_ok(store->create_account("admin", "Ada Admin", kAdminPassword, Role::admin, {}, now_utc()));
    must_ok(store->create_account("coord", "Cole Coordinator", kCoordinatorPassword, Role::coordinator, {riverside.id},
                                  now_utc()));
  }
  std::unique_ptr<ServerProcess> server = nullptr;
  ServerProcess& start() {
    server = std::make_unique<ServerProcess>(database, dir.path());
    return *server;
  }
  WebClient signed_in(const std::string& user, const std::string& password) {
    return signed_in_client(*server, user, password);
  }
  Session session_at(const Site& site, WallTime start) {
    Session s;
    s.program_id = lunch.id;
    s.site_id = site.id;
    s.room = "Hall";
    s.start = start;
    s.end = start + 90min;
    s.window_opens = start - 30min;
    s.window_closes = s.end;
    return must_ok(store->create_session(s));
  }
  std::size_t people_count() { return must_ok(store->people()).size(); }
};

}  // namespace

TEST_CASE("signing in sets an HttpOnly SameSite=Strict cookie, and pages need it", "[dashboard]") {
  Fixture f;
  auto& server = f.start();
  WebClient browser(server);

  auto anonymous = browser.get("/sessions");
  CHECK(anonymous.status == 303);
  CHECK(decoded(anonymous.header("Location")) == "/sign-in?next=/sessions");

  auto page = browser.get("/sign-in");
  REQUIRE(page.status == 200);
  CHECK(page.body.find(R"(<label for="username">)") != std::string::npos);
  CHECK(page.body.find(R"(<label for="password">)") != std::string::npos);
  CHECK(page.header("Content-Security-Policy").find("default-src 'self'") != std::string::npos);
  CHECK(page.header("Content-Security-Policy").find("frame-ancestors 'none'") != std::string::npos);
  CHECK(page.header("X-Content-Type-Options") == "nosniff");
  CHECK(page.header("Referrer-Policy") == "no-referrer");
  CHECK(page.header("Cache-Control") == "no-store");

  auto signed_in = browser.post("/sign-in", {{"csrf", csrf_field(page.body)},
                                             {"username", "ADMIN"},  // sign-in ignores case
                                             {"password", kAdminPassword},
                                             {"next", "/sessions"}});
  INFO(signed_in.body);
  REQUIRE(signed_in.status == 303);
  CHECK(signed_in.header("Location") == "/sessions");
  auto cookie = signed_in.set_cookie("checkin_session");
  REQUIRE(!cookie.empty());
  CHECK(cookie.find("HttpOnly") != std::string::npos);
  CHECK(cookie.find("SameSite=Strict") != std::string::npos);
  CHECK(cookie.find("Path=/") != std::string::npos);
  CHECK(cookie.find("Secure") == std::string::npos);  // plain HTTP on 127.0.0.1

  auto sessions = browser.get("/sessions");
  CHECK(sessions.status == 200);
  CHECK(sessions.body.find("<h1>Sessions</h1>") != std::string::npos);
  CHECK(sessions.body.find("Ada Admin") != std::string::npos);

  // Only local paths after signing in: never another site.
  WebClient other(server);
  auto outside = other.get("/sign-in?next=//evil.example/");
  auto away = other.post("/sign-in", {{"csrf", csrf_field(outside.body)},
                                      {"username", "admin"},
                                      {"password", kAdminPassword},
                                      {"next", "//evil.example/"}});
  REQUIRE(away.status == 303);
  CHECK(away.header("Location") == "/");

  // Signing out is a POST with the token; the cookie stops working at once.
  auto out = browser.post("/sign-out", {{"csrf", csrf_field(sessions.body)}});
  CHECK(out.status == 303);
  CHECK(browser.get("/sessions").status == 303);
}

TEST_CASE("a wrong password is refused, and repeated ones are slowed down", "[dashboard]") {
  Fixture f;
  auto& server = f.start();
  WebClient browser(server);

  auto wrong = browser.try_sign_in("admin", "not the password");
  CHECK(wrong.status == 401);
  CHECK(wrong.set_cookie("checkin_session").empty());
  CHECK(wrong.body.find("do not match") != std::string::npos);
  CHECK(wrong.body.find(R"(value="admin")") != std::string::npos);  // the username stays typed

  auto unknown = browser.try_sign_in("nobody", "not the password");
  CHECK(unknown.status == 401);

  // Five more wrong ones (six in all): then even the right password must wait.
  for (int i = 0; i < 5; ++i) CHECK(browser.try_sign_in("admin", "still not it").status == 401);
  auto right = browser.try_sign_in("admin", kAdminPassword);
  CHECK(right.status == 429);
  CHECK(right.body.find("Please wait") != std::string::npos);
  CHECK(right.set_cookie("checkin_session").empty());
  // Another username is not held up.
  CHECK(browser.try_sign_in("coord", kCoordinatorPassword).status == 303);
}

TEST_CASE("the sign-in form is protected against cross-site posts too", "[dashboard]") {
  Fixture f;
  auto& server = f.start();
  WebClient browser(server);
  auto no_token = browser.post("/sign-in", {{"username", "admin"}, {"password", kAdminPassword}});
  CHECK(no_token.status == 403);
  CHECK(no_token.body.find("This form has expired") != std::string::npos);
  CHECK(no_token.set_cookie("checkin_session").empty());
  browser.get("/sign-in");  // the cookie is set, but the field is wrong
  auto wrong = browser.post("/sign-in", {{"csrf", std::string(64, 'a')}, {"username", "admin"}, {"password", kAdminPassword}});
  CHECK(wrong.status == 403);
  CHECK(wrong.set_cookie("checkin_session").empty());
}

TEST_CASE("the sign-in form's cookie must be one the server made: a planted one is refused", "[dashboard]") {
  Fixture f;
  auto& server = f.start();
  for (const std::string& planted : {std::string(64, 'a'), std::string("1765000000000.") + std::string(64, 'b') + "." +
                                                             std::string(64, 'c')}) {
    WebClient browser(server);
    browser.set_cookie("checkin_signin", planted);
    auto answer = browser.post("/sign-in", {{"csrf", planted}, {"username", "admin"}, {"password", kAdminPassword}});
    CHECK(answer.status == 403);
    CHECK(answer.set_cookie("checkin_session").empty());
  }
  // The server's own cookie works, and is not a bare random value any more.
  WebClient browser(server);
  browser.sign_in("admin", kAdminPassword);
}

TEST_CASE("a POST's CSRF token counts only in the body, never in the URL", "[dashboard]") {
  Fixture f;
  f.start();
  auto admin = f.signed_in("admin", kAdminPassword);
  auto token = admin.csrf();
  auto in_the_url = admin.post("/sites?csrf=" + token, {{"name", "Lakeside"}});
  CHECK(in_the_url.status == 403);
  CHECK(must_ok(f.store->sites()).size() == 2);
  CHECK(admin.post("/sites", {{"name", "Lakeside"}, {"csrf", token}}).status == 303);
  CHECK(must_ok(f.store->sites()).size() == 3);
}

TEST_CASE("sign-in floods: made-up usernames from one address are paused and leave one failure row", "[dashboard]") {
  Fixture f;
  auto& server = f.start();
  WebClient flood(server);
  flood.set_forwarded_for("203.0.113.7");
  std::vector<int> statuses;
  for (int i = 0; i < 23; ++i) statuses.push_back(flood.try_sign_in(fmt::format("guess-{}", i), "some password").status);
  // 20 free failures; the 21st is still checked and makes the next attempt wait.
  CHECK(std::count(statuses.begin(), statuses.end(), 401) == 21);
  CHECK(statuses.back() == 429);
  auto paused = flood.try_sign_in("admin", kAdminPassword);
  CHECK(paused.status == 429);
  CHECK(paused.body.find("Signing in is paused") != std::string::npos);
  CHECK(paused.header("Retry-After") == "5");
  // One row for the address, none per made-up username.
  auto connection = sql::connect(f.database);
  REQUIRE(connection);
  auto rows = (*connection)->query("SELECT COUNT(*) FROM sign_in_failures");
  REQUIRE(rows);
  CHECK(rows->front().integer(0) == 1);
  // Everyone else signs in as usual.
  WebClient owner(server);
  owner.set_forwarded_for("203.0.113.10");
  owner.sign_in("admin", kAdminPassword);
}

TEST_CASE("sign-in floods: nobody can keep an account locked out", "[dashboard]") {
  Fixture f;
  auto& server = f.start();
  // The owner signed in from this browser before.
  WebClient owner(server);
  owner.set_forwarded_for("203.0.113.10");
  owner.sign_in("admin", kAdminPassword);
  REQUIRE(owner.has_cookie("checkin_browser"));
  CHECK(owner.post_form("/sign-out", {}).status == 303);

  // One guesser: waits after five failures, however long it keeps at it.
  WebClient guesser(server);
  guesser.set_forwarded_for("198.51.100.66");
  for (int i = 0; i < 6; ++i) CHECK(guesser.try_sign_in("admin", "a guess").status == 401);
  CHECK(guesser.try_sign_in("admin", kAdminPassword).status == 429);
  // The owner, from another address (and a new browser there), is not held up.
  WebClient at_work(server);
  at_work.set_forwarded_for("203.0.113.20");
  at_work.sign_in("admin", kAdminPassword);

  // Guessing from many addresses (30 free failures for the account): strangers must wait,
  // the owner's known browser still signs in, wherever it is.
  for (int i = 0; i < 25; ++i) {
    WebClient botnet(server);
    botnet.set_forwarded_for(fmt::format("198.51.100.{}", 100 + i));
    CHECK(botnet.try_sign_in("admin", "a guess").status == 401);
  }
  WebClient stranger(server);
  stranger.set_forwarded_for("192.0.2.44");
  CHECK(stranger.try_sign_in("admin", kAdminPassword).status == 429);
  owner.set_forwarded_for("192.0.2.45");
  owner.sign_in("admin", kAdminPassword);
}

TEST_CASE("sign-in floods: passwords are checked two at a time, /healthz stays quick, memory stays bounded", "[dashboard]") {
  Fixture f;
  auto& server = f.start();
  for (int i = 0; i < 5; ++i) REQUIRE(server.client().Get("/healthz"));
  const long before = server.resident_kib();
  // 16 clients at 16 addresses, each trying five made-up usernames as fast as it can
  // (within every address's free failures: all of them reach a password check).
  std::atomic<int> refused_at_once{0}, checked{0}, other{0};
  std::atomic<long> peak{before};
  std::atomic<bool> flooding{true};
  std::vector<std::thread> clients;
  for (int c = 0; c < 16; ++c)
    clients.emplace_back([&, c] {
      auto http = server.client();
      const httplib::Headers forwarded{{"X-Forwarded-For", fmt::format("198.51.100.{}", c + 1)}};
      for (int i = 0; i < 5; ++i) {
        auto page = http.Get("/sign-in", forwarded);
        if (!page) continue;
        auto cookie = page->get_header_value("Set-Cookie");
        httplib::Headers headers = forwarded;
        headers.emplace("Cookie", cookie.substr(0, cookie.find(';')));
        auto answer = http.Post("/sign-in", headers,
                                httplib::Params{{"csrf", csrf_field(page->body)},
                                                {"username", fmt::format("guess-{}-{}", c, i)},
                                                {"password", "some password"}});
        if (answer && answer->status == 429 && answer->body.find("at once") != std::string::npos) ++refused_at_once;
        else if (answer && answer->status == 401) ++checked;
        else ++other;
      }
    });
  std::thread watch([&] {
    while (flooding) {
      peak = std::max(peak.load(), server.resident_kib());
      std::this_thread::sleep_for(20ms);
    }
  });
  std::vector<std::chrono::milliseconds> health;
  for (int i = 0; i < 10; ++i) {
    const auto started = std::chrono::steady_clock::now();
    auto answer = server.client().Get("/healthz");
    if (answer && answer->status == 200)
      health.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started));
    std::this_thread::sleep_for(100ms);
  }
  for (auto& client : clients) client.join();
  flooding = false;
  watch.join();
  INFO("checked " << checked << ", refused at once " << refused_at_once << ", other " << other << "; memory " << before
                  << " KiB before, " << peak << " KiB at the peak");
  CHECK(other == 0);
  CHECK(checked + refused_at_once == 80);
  CHECK(refused_at_once > 0);
  CHECK(checked >= 10);
  REQUIRE(health.size() == 10);
  CHECK(*std::max_element(health.begin(), health.end()) < 1000ms);
  // Two checks of 64 MB at a time, and nothing like 16 (a gigabyte).
  CHECK(peak - before < 200 * 1024);
}

TEST_CASE("an expired session is refused and sends the browser to sign in again", "[dashboard]") {
  Fixture f;
  auto& server = f.start();
  // Signed in three hours ago and idle since: the default policy ends it after 30 minutes.
  auto old = must_ok(f.store->sign_in("admin", kAdminPassword, now_utc() - 3h));
  WebClient browser(server);
  browser.set_cookie("checkin_session", old.token);
  auto refused = browser.get("/people");
  CHECK(refused.status == 303);
  CHECK(decoded(refused.header("Location")) == "/sign-in?next=/people");
  CHECK(!browser.has_cookie("checkin_session"));
  auto sign_in = browser.get(refused.header("Location"));
  CHECK(sign_in.status == 200);
  CHECK(sign_in.body.find("Your session has expired") != std::string::npos);

  // A POST with an expired session changes nothing either.
  browser.set_cookie("checkin_session", old.token);
  auto post = browser.post("/sites", {{"csrf", old.csrf_token}, {"name", "Lakeside"}});
  CHECK(post.status == 303);
  CHECK(must_ok(f.store->sites()).size() == 2);

  // The same account's fresh session works (the test above can fail).
  auto fresh = must_ok(f.store->sign_in("admin", kAdminPassword, now_utc()));
  browser.set_cookie("checkin_session", fresh.token);
  CHECK(browser.get("/people").status == 200);
}

TEST_CASE("a POST without the session's CSRF token is refused and changes nothing", "[dashboard]") {
  Fixture f;
  f.start();
  auto admin = f.signed_in("admin", kAdminPassword);

  auto missing = admin.post("/sites", {{"name", "Lakeside"}});
  CHECK(missing.status == 403);
  CHECK(missing.body.find("This form has expired; go back and try again") != std::string::npos);
  auto wrong = admin.post("/sites", {{"name", "Lakeside"}, {"csrf", std::string(64, '0')}});
  CHECK(wrong.status == 403);
  // Another session's token is no good either.
  auto other = must_ok(f.store->sign_in("admin", kAdminPassword, now_utc()));
  CHECK(admin.post("/sites", {{"name", "Lakeside"}, {"csrf", other.csrf_token}}).status == 403);
  CHECK(must_ok(f.store->sites()).size() == 2);

  auto right = admin.submit("/sites", "/sites", {{"name", "Lakeside"}});
  CHECK(right.status == 303);
  CHECK(must_ok(f.store->sites()).size() == 3);
}

TEST_CASE("a coordinator cannot do what only admins do", "[dashboard]") {
  Fixture f;
  f.start();
  auto coordinator = f.signed_in("coord", kCoordinatorPassword);
  auto csrf = coordinator.csrf();
  REQUIRE(!csrf.empty());

  CHECK(coordinator.get("/accounts").status == 403);
  CHECK(coordinator.post("/accounts", {{"csrf", csrf}, {"username", "mallory"}, {"display_name", "M"},
                                       {"password", "long enough password"}, {"role", "admin"}})
            .status == 403);
  CHECK(coordinator.post("/sites", {{"csrf", csrf}, {"name", "Lakeside"}}).status == 403);
  CHECK(coordinator.post("/sites/" + f.riverside.id, {{"csrf", csrf}, {"name", "Renamed"}}).status == 403);
  CHECK(coordinator.post("/programs", {{"csrf", csrf}, {"name", "New"}, {"registration", "open"}}).status == 403);
  CHECK(coordinator.post("/programs/" + f.lunch.id, {{"csrf", csrf}, {"name", "Renamed"}, {"registration", "open"}})
            .status == 403);
  CHECK(must_ok(f.store->accounts()).size() == 2);
  CHECK(must_ok(f.store->sites()).size() == 2);
  auto programs = must_ok(f.store->programs());
  REQUIRE(programs.size() == 1);
  CHECK(programs[0].name == "Community lunch");
  // They still read programs, and see only their own site.
  CHECK(coordinator.get("/programs/" + f.lunch.id).status == 200);
  auto sites = coordinator.get("/sites");
  CHECK(sites.body.find("Riverside") != std::string::npos);
  CHECK(sites.body.find("Hilltop") == std::string::npos);
  // The menu offers no accounts page.
  CHECK(sites.body.find(R"(href="/accounts")") == std::string::npos);
}

TEST_CASE("a coordinator reaching another site's data by changing ids gets 404 and changes nothing", "[dashboard]") {
  Fixture f;
  auto mine = f.session_at(f.riverside, now_utc() + 24h);
  auto theirs = f.session_at(f.hilltop, now_utc() + 24h);
  auto their_shift = must_ok(f.store->create_shift(Shift{"", f.hilltop.id, "Kitchen", now_utc() + 24h, now_utc() + 26h, {}}));
  auto my_person = must_ok(f.store->create_person(PersonRecord{"", "Robin", "en", {}, f.riverside.id}));
  auto their_person = must_ok(f.store->create_person(PersonRecord{"", "Harriet", "en", {}, f.hilltop.id}));
  f.start();
  auto coordinator = f.signed_in("coord", kCoordinatorPassword);
  auto csrf = coordinator.csrf();

  // Their own things open; the other site's answer exactly like an unknown id.
  CHECK(coordinator.get("/sessions/" + mine.id).status == 200);
  CHECK(coordinator.get("/people/" + my_person.id).status == 200);
  auto unknown = coordinator.get("/sessions/0190f0e0-0000-7000-8000-000000000000");
  CHECK(unknown.status == 404);
  auto other = coordinator.get("/sessions/" + theirs.id);
  CHECK(other.status == 404);
  CHECK(other.body == unknown.body);
  CHECK(coordinator.get("/sessions/" + theirs.id + "/cancel").status == 404);
  CHECK(coordinator.get("/shifts/" + their_shift.id).status == 404);
  CHECK(coordinator.get("/people/" + their_person.id).status == 404);
  CHECK(coordinator.get("/sessions?site=" + f.hilltop.id).status == 404);
  CHECK(coordinator.get("/people?site=" + f.hilltop.id).status == 404);

  auto start = theirs.start + 1h;
  std::string start_text = format_utc(start).substr(0, 16);
  std::string end_text = format_utc(start + 1h).substr(0, 16);
  CHECK(coordinator.post("/sessions/" + theirs.id, {{"csrf", csrf}, {"program_id", f.lunch.id}, {"room", "Taken"},
                                                    {"start", start_text}, {"end", end_text}, {"opens_before", "30"}})
            .status == 404);
  CHECK(coordinator.post("/sessions/" + theirs.id + "/cancel", {{"csrf", csrf}}).status == 404);
  CHECK(coordinator.post("/sessions", {{"csrf", csrf}, {"site_id", f.hilltop.id}, {"program_id", f.lunch.id},
                                       {"start", start_text}, {"end", end_text}, {"opens_before", "30"}, {"weeks", "1"}})
            .status == 404);
  CHECK(coordinator.post("/shifts/" + their_shift.id + "/delete", {{"csrf", csrf}}).status == 404);
  CHECK(coordinator.post("/shifts/" + their_shift.id, {{"csrf", csrf}, {"role", "Taken"}, {"start", start_text},
                                                       {"end", end_text}})
            .status == 404);
  CHECK(coordinator.post("/people/" + their_person.id, {{"csrf", csrf}, {"preferred_name", "Taken"},
                                                        {"site_id", f.hilltop.id}})
            .status == 404);
  // Moving their own person to the other site is the same: 404.
  CHECK(coordinator.post("/people/" + my_person.id, {{"csrf", csrf}, {"preferred_name", "Robin"},
                                                     {"site_id", f.hilltop.id}})
            .status == 404);
  // Assigning another site's person to their own shift is refused.
  auto my_shift = must_ok(f.store->create_shift(Shift{"", f.riverside.id, "Desk", now_utc() + 24h, now_utc() + 26h, {}}));
  auto assign = coordinator.post("/shifts/" + my_shift.id, {{"csrf", csrf}, {"role", "Desk"}, {"start", start_text},
                                                            {"end", end_text}, {"people", their_person.id}});
  CHECK(assign.status == 400);

  auto session_now = must_ok(f.store->session(theirs.id));
  REQUIRE(session_now);
  CHECK(session_now->room == "Hall");
  CHECK(session_now->start == theirs.start);
  CHECK(must_ok(f.store->sessions(f.hilltop.id, theirs.start, theirs.end)).size() == 1);  // not cancelled, none added
  auto shift_now = must_ok(f.store->shift(their_shift.id));
  REQUIRE(shift_now);
  CHECK(shift_now->role == "Kitchen");
  CHECK(must_ok(f.store->shift(my_shift.id))->assigned_people.empty());
  CHECK(must_ok(f.store->person(their_person.id))->preferred_name == "Harriet");
  CHECK(must_ok(f.store->person(my_person.id))->site_id == f.riverside.id);
  // And the other site's people are not listed.
  auto people = coordinator.get("/people");
  CHECK(people.body.find("Robin") != std::string::npos);
  CHECK(people.body.find("Harriet") == std::string::npos);
}

TEST_CASE("names from the database are escaped on every page", "[dashboard]") {
  Fixture f;
  auto person = must_ok(f.store->create_person(PersonRecord{"", "<script>alert(1)</script>", "en", {}, f.riverside.id}));
  f.start();
  auto admin = f.signed_in("admin", kAdminPassword);
  auto list = admin.get("/people");
  REQUIRE(list.status == 200);
  CHECK(list.body.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(list.body.find("<script>alert(1)") == std::string::npos);
  auto page = admin.get("/people/" + person.id);
  REQUIRE(page.status == 200);
  CHECK(page.body.find("<script>") == std::string::npos);
  auto search = admin.get("/people?q=%3Cscript%3E");
  CHECK(search.body.find("&lt;script&gt;") != std::string::npos);
  CHECK(search.body.find("<script>") == std::string::npos);
}

TEST_CASE("a weekly series of sessions is added in local time", "[dashboard]") {
  Fixture f;
  f.start();
  auto admin = f.signed_in("admin", kAdminPassword);
  auto added = admin.submit("/sessions/new", "/sessions",
                            {{"site_id", f.riverside.id}, {"program_id", f.lunch.id}, {"room", "Hall"},
                             {"start", "2027-01-05T19:00"}, {"end", "2027-01-05T20:30"}, {"capacity", "20"},
                             {"opens_before", "15"}, {"weeks", "3"}});
  INFO(added.body);
  REQUIRE(added.status == 303);
  WallTime from;
  REQUIRE(parse_utc("2027-01-01T00:00:00Z", from));
  auto sessions = must_ok(f.store->sessions(f.riverside.id, from, from + 24h * 40));
  REQUIRE(sessions.size() == 3);
  std::ranges::sort(sessions, {}, &Session::start);
  CHECK(format_utc(sessions[0].start) == "2027-01-05T19:00:00Z");
  CHECK(format_utc(sessions[2].start) == "2027-01-19T19:00:00Z");
  CHECK(sessions[1].end - sessions[1].start == 90min);
  CHECK(sessions[1].start - sessions[1].window_opens == 15min);
  CHECK(sessions[0].capacity == 20);

  // A session that ends before it starts is explained, not stored.
  auto bad = admin.submit("/sessions/new", "/sessions",
                          {{"site_id", f.riverside.id}, {"program_id", f.lunch.id}, {"start", "2027-01-05T19:00"},
                           {"end", "2027-01-05T18:00"}, {"opens_before", "30"}, {"weeks", "1"}});
  CHECK(bad.status == 400);
  CHECK(bad.body.find("must end after it starts") != std::string::npos);
  CHECK(must_ok(f.store->sessions(f.riverside.id, from, from + 24h * 40)).size() == 3);
}

TEST_CASE("a people CSV with bad rows is previewed with its line numbers and imports nothing", "[dashboard]") {
  Fixture f;
  f.start();
  auto coordinator = f.signed_in("coord", kCoordinatorPassword);
  auto csrf = coordinator.csrf();
  std::string csv = "preferred_name,language,programs\r\nAna,es,Community lunch\r\n=cmd|' /C calc'!A0,en,\r\nBen,en,No such program\r\nCleo,fr,\r\n";
  auto preview = coordinator.post_multipart(
      "/people/import/preview",
      {{"csrf", csrf, "", ""}, {"site_id", f.riverside.id, "", ""}, {"file", csv, "people.csv", "text/csv"}});
  INFO(preview.body);
  REQUIRE(preview.status == 200);
  CHECK(preview.body.find("line 3") != std::string::npos);
  CHECK(preview.body.find("line 4") != std::string::npos);
  CHECK(preview.body.find("Nothing can be imported yet") != std::string::npos);
  CHECK(preview.body.find("Import 2 people") == std::string::npos);
  CHECK(f.people_count() == 0);

  // Sent straight to the import, the same file still imports nothing.
  std::string encoded = hidden_value(preview.body, "file");
  CHECK(encoded.empty());  // no import form was offered
  auto forced = coordinator.post_multipart("/people/import", {{"csrf", csrf, "", ""},
                                                              {"site_id", f.riverside.id, "", ""},
                                                              {"expected", "2", "", ""},
                                                              {"file", "cHJlZmVycmVkX25hbWUKPWNtZA==", "", ""}});
  CHECK(forced.status != 303);
  CHECK(f.people_count() == 0);

  // Another site's import is 404 for this coordinator.
  auto elsewhere = coordinator.post_multipart(
      "/people/import/preview",
      {{"csrf", csrf, "", ""}, {"site_id", f.hilltop.id, "", ""}, {"file", "name\r\nAna\r\n", "people.csv", "text/csv"}});
  CHECK(elsewhere.status == 404);

  // A file in another encoding is refused as a whole, with advice.
  auto latin1 = coordinator.post_multipart(
      "/people/import/preview",
      {{"csrf", csrf, "", ""}, {"site_id", f.riverside.id, "", ""}, {"file", "name\r\nJos\xe9\r\n", "people.csv", "text/csv"}});
  CHECK(latin1.status == 400);
  CHECK(latin1.body.find("UTF-8") != std::string::npos);
  CHECK(f.people_count() == 0);
}

TEST_CASE("a good people CSV is imported whole after its preview", "[dashboard]") {
  Fixture f;
  f.start();
  auto coordinator = f.signed_in("coord", kCoordinatorPassword);
  auto csrf = coordinator.csrf();
  std::string csv = "name;language;programs\nAna;es;community lunch\nBen;en;\nCleo & <Co>;fr;\n";
  auto preview = coordinator.post_multipart(
      "/people/import/preview",
      {{"csrf", csrf, "", ""}, {"site_id", f.riverside.id, "", ""}, {"file", csv, "people.csv", "text/csv"}});
  INFO(preview.body);
  REQUIRE(preview.status == 200);
  CHECK(preview.body.find("Import 3 people") != std::string::npos);
  CHECK(preview.body.find("Cleo &amp; &lt;Co&gt;") != std::string::npos);
  CHECK(f.people_count() == 0);  // a preview stores nothing

  auto imported = coordinator.post_multipart("/people/import", {{"csrf", csrf, "", ""},
                                                                {"site_id", hidden_value(preview.body, "site_id"), "", ""},
                                                                {"expected", hidden_value(preview.body, "expected"), "", ""},
                                                                {"file", hidden_value(preview.body, "file"), "", ""}});
  INFO(imported.body);
  REQUIRE(imported.status == 303);
  auto people = must_ok(f.store->people());
  REQUIRE(people.size() == 3);
  std::ranges::sort(people, {}, &PersonRecord::preferred_name);
  CHECK(people[0].preferred_name == "Ana");
  CHECK(people[0].language == "es");
  CHECK(people[0].registered_programs == std::vector<Id>{f.lunch.id});
  CHECK(people[2].preferred_name == "Cleo & <Co>");
  for (const auto& p : people) CHECK(p.site_id == f.riverside.id);
  auto list = coordinator.get(imported.header("Location"));
  CHECK(list.body.find("3 people imported") != std::string::npos);
}

TEST_CASE("an admin adds a coordinator for one site, and disabling the account signs it out", "[dashboard]") {
  Fixture f;
  f.start();
  auto admin = f.signed_in("admin", kAdminPassword);
  auto added = admin.submit("/accounts/new", "/accounts",
                            {{"username", "dana"}, {"display_name", "Dana"}, {"password", "a long enough password"},
                             {"role", "coordinator"}, {"sites", f.hilltop.id}});
  INFO(added.body);
  REQUIRE(added.status == 303);
  // A taken username is explained, whatever its case.
  auto taken = admin.submit("/accounts/new", "/accounts",
                            {{"username", "DANA"}, {"display_name", "Other"}, {"password", "a long enough password"},
                             {"role", "coordinator"}});
  CHECK(taken.status == 409);
  CHECK(taken.body.find("That username is taken") != std::string::npos);
  auto accounts = must_ok(f.store->accounts());
  REQUIRE(accounts.size() == 3);
  auto dana = *std::ranges::find(accounts, std::string("dana"), &Account::username);
  CHECK(dana.role == Role::coordinator);
  CHECK(dana.site_ids == std::vector<Id>{f.hilltop.id});

  auto coordinator = f.signed_in("dana", "a long enough password");
  auto sites = coordinator.get("/sites");
  CHECK(sites.body.find("Hilltop") != std::string::npos);
  CHECK(sites.body.find("Riverside") == std::string::npos);

  // An admin cannot lock themselves out; disabling Dana ends her session at once.
  auto self = *std::ranges::find(accounts, std::string("admin"), &Account::username);
  CHECK(admin.submit("/accounts", "/accounts/" + self.id + "/disable", {}).status == 403);
  CHECK(!must_ok(f.store->account(self.id))->disabled_at);
  auto disabled = admin.submit("/accounts/" + dana.id, "/accounts/" + dana.id + "/disable", {});
  CHECK(disabled.status == 303);
  CHECK(coordinator.get("/sites").status == 303);
  CHECK(WebClient(*f.server).try_sign_in("dana", "a long enough password").status == 401);
}

TEST_CASE("a coordinator assigns people of their site to a shift", "[dashboard]") {
  Fixture f;
  auto ana = must_ok(f.store->create_person(PersonRecord{"", "Ana", "es", {}, f.riverside.id}));
  auto shift = must_ok(f.store->create_shift(Shift{"", f.riverside.id, "Desk", now_utc() + 24h, now_utc() + 26h, {}}));
  f.start();
  auto coordinator = f.signed_in("coord", kCoordinatorPassword);
  auto page = coordinator.get("/shifts/" + shift.id);
  REQUIRE(page.status == 200);
  CHECK(page.body.find("Ana") != std::string::npos);
  auto saved = coordinator.post("/shifts/" + shift.id, {{"csrf", csrf_field(page.body)},
                                                        {"role", "Front desk"},
                                                        {"start", hidden_input(page.body, "start")},
                                                        {"end", hidden_input(page.body, "end")},
                                                        {"people", ana.id}});
  INFO(saved.body);
  CHECK(saved.status == 303);
  auto now = must_ok(f.store->shift(shift.id));
  REQUIRE(now);
  CHECK(now->role == "Front desk");
  CHECK(now->assigned_people == std::vector<Id>{ana.id});
  CHECK(now->start == shift.start - shift.start.time_since_epoch() % std::chrono::minutes(1));
}

TEST_CASE("anyone changes their own password after giving the current one", "[dashboard]") {
  Fixture f;
  f.start();
  auto coordinator = f.signed_in("coord", kCoordinatorPassword);
  auto wrong = coordinator.submit("/account/password", "/account/password",
                                  {{"current", "not my password"}, {"password", "a brand new password"},
                                   {"again", "a brand new password"}});
  CHECK(wrong.status == 400);
  CHECK(wrong.body.find("current password is not right") != std::string::npos);
  auto mismatch = coordinator.submit("/account/password", "/account/password",
                                     {{"current", kCoordinatorPassword}, {"password", "a brand new password"},
                                      {"again", "another new password"}});
  CHECK(mismatch.status == 400);
  CHECK(WebClient(*f.server).try_sign_in("coord", kCoordinatorPassword).status == 303);  // unchanged so far

  auto changed = coordinator.submit("/account/password", "/account/password",
                                    {{"current", kCoordinatorPassword}, {"password", "a brand new password"},
                                     {"again", "a brand new password"}});
  CHECK(changed.status == 303);
  CHECK(coordinator.get("/").status == 303);  // signed out everywhere
  CHECK(WebClient(*f.server).try_sign_in("coord", kCoordinatorPassword).status == 401);
  CHECK(WebClient(*f.server).try_sign_in("coord", "a brand new password").status == 303);
}
