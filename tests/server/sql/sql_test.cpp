// SPDX-License-Identifier: AGPL-3.0-or-later
// checkin::sql on either backend: every case here runs on SQLite and on PostgreSQL.
#include <atomic>
#include <chrono>
#include <future>
#include <limits>
#include <set>
#include <thread>

#include "sql_test_support.hpp"

using namespace checkin;
using namespace checkin::sql;
using namespace checkin::sql::testing;
using Catch::Matchers::ContainsSubstring;

namespace {

constexpr const char* items_schema =
    "CREATE TABLE items (id BIGINT PRIMARY KEY, number BIGINT, label TEXT);"
    "CREATE TABLE notes (id BIGINT PRIMARY KEY, item_id BIGINT NOT NULL REFERENCES items (id), body TEXT NOT NULL);";

std::unique_ptr<Connection> connect_with_schema(const TestDatabase& database) {
  auto connection = database.connect();
  if (auto created = connection->execute_script(items_schema); !created) FAIL(created.error().message);
  return connection;
}

void insert_item(Connection& connection, std::int64_t id, Value number = nullptr, Value label = nullptr) {
  std::vector<Value> params{id, std::move(number), std::move(label)};
  run(connection, "INSERT INTO items (id, number, label) VALUES ($1, $2, $3)", params);
}

}  // namespace

TEST_CASE("connect opens the backend the URL names", "[sql]") {
  TestDatabase database;
  auto connection = database.connect();
  CHECK(connection->backend() == TestDatabase::backend);
  CHECK(backend_of(database.url()) == TestDatabase::backend);
}

TEST_CASE("NULL, 64-bit integers and any text bind and read back exactly", "[sql]") {
  TestDatabase database;
  auto connection = connect_with_schema(database);
  const std::vector<std::pair<Value, Value>> cases = {
      {std::numeric_limits<std::int64_t>::min(), std::string("O'Brien said \"hi\"")},
      {std::numeric_limits<std::int64_t>::max(), std::string("'; DROP TABLE items; --")},
      {std::int64_t{0}, std::string("Zoë, 日本語, مرحبا, 🙂")},
      {std::int64_t{-1}, std::string("")},
      {nullptr, std::string("$1 and ? and :name and \\ backslash")},
      {std::int64_t{42}, nullptr},
  };
  std::int64_t id = 0;
  for (const auto& [number, label] : cases) insert_item(*connection, ++id, number, label);

  Rows rows = rows_of(*connection, "SELECT id, number, label FROM items ORDER BY id");
  REQUIRE(rows.size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    INFO("row " << i);
    CHECK(rows[i].values.at(0) == Value(static_cast<std::int64_t>(i + 1)));
    CHECK(rows[i].values.at(1) == cases[i].first);
    CHECK(rows[i].values.at(2) == cases[i].second);
  }
  CHECK(rows[4].is_null(1));
  CHECK(rows[4].integer(1) == 0);  // NULL reads as 0 / ""
  CHECK(rows[5].text(2).empty());
  CHECK(count_of(*connection, "items") == 6);  // the DROP TABLE was only text

  std::vector<Value> wanted{std::string("'; DROP TABLE items; --")};
  Rows found = rows_of(*connection, "SELECT id FROM items WHERE label = $1", wanted);
  REQUIRE(found.size() == 1);
  CHECK(found[0].integer(0) == 2);
}

TEST_CASE("placeholders bind by number, in any order, and may repeat", "[sql]") {
  TestDatabase database;
  auto connection = connect_with_schema(database);
  std::vector<Value> params{std::int64_t{7}, std::string("seven")};
  run(*connection, "INSERT INTO items (label, id, number) VALUES ($2, $1, $1)", params);
  Rows rows = rows_of(*connection, "SELECT id, number, label FROM items");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].integer(0) == 7);
  CHECK(rows[0].integer(1) == 7);
  CHECK(rows[0].text(2) == "seven");
}

TEST_CASE("a $1 inside a string literal stays text", "[sql]") {
  TestDatabase database;
  auto connection = connect_with_schema(database);
  insert_item(*connection, 1, nullptr, std::string("tea"));
  std::vector<Value> params{std::int64_t{1}};
  Rows rows = rows_of(*connection, "SELECT 'it''s $2 for ' || label, '\"$1\"' FROM items WHERE id = $1", params);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].text(0) == "it's $2 for tea");
  CHECK(rows[0].text(1) == "\"$1\"");
}

TEST_CASE("a '$' or '?' that SQLite and PostgreSQL would read differently is refused", "[sql]") {
  TestDatabase database;
  auto connection = database.connect();
  for (const char* sql : {"SELECT $$dollar quoted$$", "SELECT $name", "SELECT $0", "SELECT ?", "SELECT ?1"}) {
    INFO(sql);
    auto rows = connection->query(sql);
    REQUIRE_FALSE(rows);
    CHECK(rows.error().code == Errc::invalid_input);
    CHECK_THAT(rows.error().message, ContainsSubstring("$1, $2"));
  }
  // Inside literals, quoted names and comments they are left alone.
  Rows rows = rows_of(*connection,
                      "SELECT '$x ?' AS \"$col?\" -- $y ?\n"
                      "/* $z ? */");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].text(0) == "$x ?");
}

TEST_CASE("integers, counts, sums and comparisons read as integers", "[sql]") {
  TestDatabase database;
  auto connection = connect_with_schema(database);
  insert_item(*connection, 1, std::int64_t{40});
  insert_item(*connection, 2, std::int64_t{2});
  Rows rows = rows_of(*connection, "SELECT COUNT(*), SUM(number), MAX(number), 1 = 1, 1 = 2 FROM items");
  REQUIRE(rows.size() == 1);
  CHECK(std::holds_alternative<std::int64_t>(rows[0].values.at(0)));
  CHECK(rows[0].integer(0) == 2);
  CHECK(rows[0].integer(1) == 42);  // PostgreSQL: numeric, read as text and parsed
  CHECK(rows[0].values.at(2) == Value(std::int64_t{40}));
  CHECK(rows[0].values.at(3) == Value(std::int64_t{1}));
  CHECK(rows[0].values.at(4) == Value(std::int64_t{0}));
  CHECK(rows[0].text(2) == "40");
}

TEST_CASE("a duplicate key and a missing parent are conflicts", "[sql]") {
  TestDatabase database;
  auto connection = connect_with_schema(database);
  insert_item(*connection, 1);

  std::vector<Value> duplicate{std::int64_t{1}, nullptr, nullptr};
  auto again = connection->query("INSERT INTO items (id, number, label) VALUES ($1, $2, $3)", duplicate);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == Errc::conflict);
  CHECK_THAT(again.error().message, ContainsSubstring("items"));

  std::vector<Value> orphan{std::int64_t{1}, std::int64_t{99}, std::string("note")};
  auto dangling = connection->query("INSERT INTO notes (id, item_id, body) VALUES ($1, $2, $3)", orphan);
  REQUIRE_FALSE(dangling);
  CHECK(dangling.error().code == Errc::conflict);
  CHECK_FALSE(dangling.error().message.empty());

  // Other constraints are not conflicts: the store must not read them as "already there".
  std::vector<Value> missing_body{std::int64_t{2}, std::int64_t{1}, nullptr};
  auto not_null = connection->query("INSERT INTO notes (id, item_id, body) VALUES ($1, $2, $3)", missing_body);
  REQUIRE_FALSE(not_null);
  CHECK(not_null.error().code == Errc::storage_io);

  CHECK(count_of(*connection, "notes") == 0);
  CHECK(count_of(*connection, "items") == 1);
}

TEST_CASE("failures carry the database's message and leave the connection usable", "[sql]") {
  TestDatabase database;
  auto connection = connect_with_schema(database);

  auto missing = connection->query("SELECT * FROM no_such_table");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == Errc::storage_io);
  CHECK_THAT(missing.error().message, ContainsSubstring("no_such_table"));

  auto syntax = connection->query("SELEKT 1");
  REQUIRE_FALSE(syntax);
  CHECK_THAT(syntax.error().message, ContainsSubstring("SELEKT"));
  auto syntax_again = connection->query("SELEKT 1");  // a failed prepare is not cached as good
  REQUIRE_FALSE(syntax_again);

  std::vector<Value> too_many{std::int64_t{1}, std::int64_t{2}};
  auto mismatched = connection->query("SELECT id FROM items WHERE id = $1", too_many);
  REQUIRE_FALSE(mismatched);
  CHECK(mismatched.error().code == Errc::invalid_input);
  CHECK_THAT(mismatched.error().message, ContainsSubstring("takes 1 parameters, 2 given"));

  std::vector<Value> with_nul{std::string("a\0b", 3)};
  auto nul = connection->query("SELECT $1", with_nul);
  REQUIRE_FALSE(nul);
  CHECK(nul.error().code == Errc::invalid_input);

  CHECK(rows_of(*connection, "SELECT COUNT(*) FROM items").at(0).integer(0) == 0);
}

TEST_CASE("execute_script runs several statements", "[sql]") {
  TestDatabase database;
  auto connection = database.connect();
  REQUIRE(connection->execute_script(
      "CREATE TABLE a (x BIGINT);\n"
      "CREATE TABLE b (y TEXT);\n"
      "INSERT INTO a (x) VALUES (1), (2);\n"
      "INSERT INTO b (y) VALUES ('semi;colon');\n"));
  CHECK(count_of(*connection, "a") == 2);
  CHECK(rows_of(*connection, "SELECT y FROM b").at(0).text(0) == "semi;colon");

  auto broken = connection->execute_script("CREATE TABLE c (z BIGINT); NOT SQL AT ALL;");
  REQUIRE_FALSE(broken);
  CHECK(broken.error().code == Errc::storage_io);
}

TEST_CASE("a committed transaction is seen by other connections and a rolled back one is not", "[sql]") {
  TestDatabase database;
  auto writer = connect_with_schema(database);
  auto reader = database.connect();

  REQUIRE(writer->begin(true));
  insert_item(*writer, 1);
  REQUIRE(writer->commit());
  CHECK(count_of(*reader, "items") == 1);

  REQUIRE(writer->begin(true));
  insert_item(*writer, 2);
  CHECK(count_of(*writer, "items") == 2);  // its own write, before commit
  REQUIRE(writer->rollback());
  CHECK(count_of(*writer, "items") == 1);
  CHECK(count_of(*reader, "items") == 1);

  CHECK(writer->rollback());  // with nothing open: harmless
}

TEST_CASE("a conflict inside a transaction: roll back and carry on", "[sql]") {
  TestDatabase database;
  auto connection = connect_with_schema(database);
  insert_item(*connection, 1);

  REQUIRE(connection->begin(true));
  insert_item(*connection, 2);
  std::vector<Value> duplicate{std::int64_t{1}, nullptr, nullptr};
  auto clash = connection->query("INSERT INTO items (id, number, label) VALUES ($1, $2, $3)", duplicate);
  REQUIRE_FALSE(clash);
  CHECK(clash.error().code == Errc::conflict);
  REQUIRE(connection->rollback());

  CHECK(count_of(*connection, "items") == 1);
  REQUIRE(connection->begin(true));
  insert_item(*connection, 3);
  REQUIRE(connection->commit());
  CHECK(count_of(*connection, "items") == 2);
}

namespace {

Result<void> insert_then_give_up(Connection& connection, std::int64_t id) {
  auto transaction = Transaction::begin(connection, true);
  if (!transaction) return std::unexpected(transaction.error());
  std::vector<Value> params{id, nullptr, nullptr};
  if (auto inserted = connection.query("INSERT INTO items (id, number, label) VALUES ($1, $2, $3)", params);
      !inserted)
    return std::unexpected(inserted.error());
  return fail(Errc::invalid_input, "changed my mind");  // early return: no commit
}

}  // namespace

TEST_CASE("Transaction commits on commit() and rolls back on an early return", "[sql]") {
  TestDatabase database;
  auto connection = connect_with_schema(database);

  auto gave_up = insert_then_give_up(*connection, 1);
  REQUIRE_FALSE(gave_up);
  CHECK(gave_up.error().message == "changed my mind");
  CHECK(count_of(*connection, "items") == 0);

  {
    auto transaction = Transaction::begin(*connection, true);
    REQUIRE(transaction);
    insert_item(*connection, 2);
    Transaction moved = std::move(*transaction);  // the moved-from guard must do nothing
    REQUIRE(moved.commit());
    auto twice = moved.commit();
    REQUIRE_FALSE(twice);
  }
  CHECK(count_of(*connection, "items") == 1);
}

TEST_CASE("a read transaction sees one snapshot while another connection writes", "[sql]") {
  TestDatabase database;
  auto reader = connect_with_schema(database);
  auto writer = database.connect();
  insert_item(*writer, 1);

  {
    auto snapshot = Transaction::begin(*reader, false);
    REQUIRE(snapshot);
    insert_item(*writer, 2);  // committed after the read transaction began
    CHECK(count_of(*reader, "items") == 1);
    REQUIRE(writer->begin(true));
    insert_item(*writer, 3);
    REQUIRE(writer->commit());
    CHECK(count_of(*reader, "items") == 1);
    REQUIRE(snapshot->commit());
  }
  CHECK(count_of(*reader, "items") == 3);
}

TEST_CASE("a read transaction may not write", "[sql]") {
  TestDatabase database;
  auto connection = connect_with_schema(database);
  REQUIRE(connection->begin(false));
  std::vector<Value> params{std::int64_t{1}, nullptr, nullptr};
  auto write = connection->query("INSERT INTO items (id, number, label) VALUES ($1, $2, $3)", params);
  REQUIRE_FALSE(write);
  CHECK(write.error().code == Errc::storage_readonly);
  REQUIRE(connection->rollback());
  insert_item(*connection, 1);  // outside it, writing works again
  CHECK(count_of(*connection, "items") == 1);
}

TEST_CASE("write transactions from several threads queue instead of failing", "[sql]") {
  TestDatabase database;
  {
    auto setup = database.connect();
    REQUIRE(setup->execute_script("CREATE TABLE counter (n BIGINT NOT NULL); INSERT INTO counter (n) VALUES (0);"));
  }
  constexpr int threads = 4;
  constexpr int increments = 15;
  std::vector<std::unique_ptr<Connection>> connections;
  for (int i = 0; i < threads; ++i) connections.push_back(database.connect());

  // Read, then write what was read plus one: only correct if writers never interleave.
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      Connection& connection = *connections[static_cast<std::size_t>(t)];
      auto note = [&](const std::string& what) {
        std::lock_guard lock(failures_mutex);
        failures.push_back(what);
      };
      for (int i = 0; i < increments; ++i) {
        auto transaction = Transaction::begin(connection, true);
        if (!transaction) return note(transaction.error().message);
        auto current = connection.query("SELECT n FROM counter");
        if (!current) return note(current.error().message);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));  // invite an interleaving
        std::vector<Value> next{current->at(0).integer(0) + 1};
        if (auto updated = connection.query("UPDATE counter SET n = $1", next); !updated)
          return note(updated.error().message);
        if (auto committed = transaction->commit(); !committed) return note(committed.error().message);
      }
    });
  }
  for (auto& worker : workers) worker.join();
  CHECK(failures == std::vector<std::string>{});
  CHECK(rows_of(*connections[0], "SELECT n FROM counter").at(0).integer(0) == threads * increments);
}

TEST_CASE("Pool: more threads than connections, every lease comes back", "[sql]") {
  TestDatabase database;
  { (void)connect_with_schema(database); }
  auto opened = Pool::open(database.url(), 2);
  REQUIRE(opened);
  Pool& pool = **opened;
  CHECK(pool.backend() == TestDatabase::backend);

  constexpr int threads = 8;
  constexpr int requests = 10;
  std::atomic<int> failures{0};
  std::atomic<int> concurrent{0};
  std::atomic<int> most_concurrent{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < requests; ++i) {
        auto lease = pool.lease();
        int now = ++concurrent;
        int seen = most_concurrent.load();
        while (now > seen && !most_concurrent.compare_exchange_weak(seen, now)) {
        }
        auto transaction = Transaction::begin(*lease, true);
        std::vector<Value> params{std::int64_t{t * 1000 + i}, std::int64_t{t}, std::string("request")};
        bool ok = transaction &&
                  lease->query("INSERT INTO items (id, number, label) VALUES ($1, $2, $3)", params).has_value() &&
                  transaction->commit().has_value();
        if (!ok) ++failures;
        --concurrent;
      }
    });
  }
  for (auto& worker : workers) worker.join();
  CHECK(failures == 0);
  CHECK(most_concurrent <= 2);

  // Both connections are idle again: two leases at once must not wait.
  auto both = std::async(std::launch::async, [&pool] {
    auto first = pool.lease();
    auto second = pool.lease();
    return count_of(*first, "items") + count_of(*second, "items");
  });
  REQUIRE(both.wait_for(std::chrono::seconds(20)) == std::future_status::ready);
  CHECK(both.get() == 2 * threads * requests);
}

TEST_CASE("Pool: a lease returned mid-transaction is rolled back and a moved lease returns once", "[sql]") {
  TestDatabase database;
  { (void)connect_with_schema(database); }
  auto opened = Pool::open(database.url(), 1);
  REQUIRE(opened);
  Pool& pool = **opened;
  {
    auto lease = pool.lease();
    REQUIRE(lease->begin(true));
    insert_item(*lease, 1);
  }  // a request that returned without committing
  {
    auto lease = pool.lease();
    CHECK(count_of(*lease, "items") == 0);
    REQUIRE(lease->begin(true));  // no transaction left open on it
    REQUIRE(lease->commit());
    Pool::Lease moved = std::move(lease);
    insert_item(*moved, 2);
  }
  auto lease = pool.lease();
  CHECK(count_of(*lease, "items") == 1);
}

TEST_CASE("Pool::open refuses zero connections", "[sql]") {
  TestDatabase database;
  auto opened = Pool::open(database.url(), 0);
  REQUIRE_FALSE(opened);
  CHECK(opened.error().code == Errc::invalid_input);
}
