// SPDX-License-Identifier: AGPL-3.0-or-later
// Durable check-ins per second through Store::append, against raw SQLite inserts of the
// same rows with the same pragmas (WAL, synchronous=FULL, one transaction each), measured
// in the same run on the same disk. Prints figures and ratios; asserts nothing.
//
//   store_bench [check-ins per variant, default 2000] [directory, default $TMPDIR]
#include <sqlite3.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <algorithm>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "checkin/store/store.hpp"

using namespace checkin;
using Stopwatch = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "store_bench: %s\n", message.c_str());
  std::exit(1);
}

AttendanceEvent make_event(int i) {
  AttendanceEvent event;
  event.event_id = "0190a0b1-" + std::to_string(1'000'000 + i) + "-7000-8000-000000000000";
  event.device_id = "bench-kiosk";
  event.kind = EventKind::checkin;
  event.session_id = "session-" + std::to_string(i % 8);
  event.pass_id = "00112233445566778899aabbccddeeff";
  event.person_id = "person-" + std::to_string(i % 300);
  event.wall_time = WallTime{Millis{1'790'000'000'000 + i * 1000LL}};
  event.monotonic = Millis{i * 1000LL};
  event.boot_id = "bench-boot";
  return event;
}

// A plain SQLite connection with the store's durability settings.
class RawConnection {
 public:
  explicit RawConnection(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
      die("cannot open " + path);
    exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON");
  }
  ~RawConnection() {
    for (auto* stmt : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) die(std::string(sqlite3_errmsg(db_)));
  }
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
      die(std::string(sqlite3_errmsg(db_)));
    statements_.push_back(stmt);
    return stmt;
  }
  void run(sqlite3_stmt* stmt) {
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) die(std::string(sqlite3_errmsg(db_)));
    sqlite3_reset(stmt);
  }

 private:
  sqlite3* db_ = nullptr;
  std::vector<sqlite3_stmt*> statements_;
};

void bind_text(sqlite3_stmt* stmt, int index, const std::string& text) {
  sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

// The same three statements the store runs per event, on the store's own schema.
class RawSameSchema {
 public:
  explicit RawSameSchema(const std::string& path) : db_(path) {
    begin_ = db_.prepare("BEGIN IMMEDIATE");
    commit_ = db_.prepare("COMMIT");
    next_seq_ = db_.prepare(
        "INSERT INTO device_sequences (device_id, last_seq) VALUES (?1, 1) "
        "ON CONFLICT (device_id) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq");
    insert_log_ = db_.prepare(
        "INSERT INTO attendance_log (event_id, device_id, seq, kind, session_id, shift_id, pass_id, person_id, "
        "walk_in_name, undoes_event_id, shift_duration_ms, wall_time_ms, monotonic_ms, boot_id, flags) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    insert_outbox_ = db_.prepare("INSERT INTO outbox (event_id) VALUES (?1)");
  }

  void append(std::span<const AttendanceEvent> events) {
    db_.run(begin_);
    for (const auto& e : events) {
      bind_text(next_seq_, 1, e.device_id);
      if (sqlite3_step(next_seq_) != SQLITE_ROW) die("no sequence");
      const sqlite3_int64 seq = sqlite3_column_int64(next_seq_, 0);
      db_.run(next_seq_);

      bind_text(insert_log_, 1, e.event_id);
      bind_text(insert_log_, 2, e.device_id);
      sqlite3_bind_int64(insert_log_, 3, seq);
      bind_text(insert_log_, 4, to_string(e.kind));
      bind_text(insert_log_, 5, e.session_id);
      bind_text(insert_log_, 6, e.shift_id);
      bind_text(insert_log_, 7, e.pass_id);
      bind_text(insert_log_, 8, e.person_id);
      bind_text(insert_log_, 9, e.walk_in_name);
      bind_text(insert_log_, 10, e.undoes_event_id);
      sqlite3_bind_int64(insert_log_, 11, e.shift_duration.count());
      sqlite3_bind_int64(insert_log_, 12, e.wall_time.time_since_epoch().count());
      sqlite3_bind_int64(insert_log_, 13, e.monotonic.count());
      bind_text(insert_log_, 14, e.boot_id);
      sqlite3_bind_int64(insert_log_, 15, e.flags);
      db_.run(insert_log_);

      bind_text(insert_outbox_, 1, e.event_id);
      db_.run(insert_outbox_);
    }
    db_.run(commit_);
  }

 private:
  RawConnection db_;
  sqlite3_stmt *begin_, *commit_, *next_seq_, *insert_log_, *insert_outbox_;
};

// The floor: one row per event into a table with nothing but its key.
class RawMinimal {
 public:
  explicit RawMinimal(const std::string& path) : db_(path) {
    db_.exec("CREATE TABLE events (event_id TEXT PRIMARY KEY, body TEXT NOT NULL)");
    begin_ = db_.prepare("BEGIN IMMEDIATE");
    commit_ = db_.prepare("COMMIT");
    insert_ = db_.prepare("INSERT INTO events (event_id, body) VALUES (?1, ?2)");
  }
  void append(std::span<const AttendanceEvent> events) {
    db_.run(begin_);
    for (const auto& e : events) {
      bind_text(insert_, 1, e.event_id);
      bind_text(insert_, 2, e.session_id + e.pass_id + e.person_id + e.boot_id);
      db_.run(insert_);
    }
    db_.run(commit_);
  }

 private:
  RawConnection db_;
  sqlite3_stmt *begin_, *commit_, *insert_;
};

// Seconds to append `events` in transactions of `batch` events.
double seconds_to_append(std::span<const AttendanceEvent> events, std::size_t batch,
                         const std::function<void(std::span<const AttendanceEvent>)>& append) {
  const auto start = Stopwatch::now();
  for (std::size_t i = 0; i < events.size(); i += batch) append(events.subspan(i, std::min(batch, events.size() - i)));
  return std::chrono::duration<double>(Stopwatch::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

struct Figures {
  double store, raw_same_schema, raw_minimal;  // check-ins per second
};

// The three contenders take turns on slices of the events, so a burst of load from
// elsewhere on the machine hits all of them alike; each figure is the median of its rounds.
Figures run_variant(const std::filesystem::path& dir, const std::string& name,
                    const std::vector<AttendanceEvent>& events, std::size_t batch) {
  const auto store_path = (dir / (name + "-store.db")).string();
  const auto same_path = (dir / (name + "-raw-same.db")).string();
  const auto minimal_path = (dir / (name + "-raw-minimal.db")).string();

  auto store = store::Store::open(store_path);
  if (!store) die(store.error().message);
  // The raw baseline gets the store's schema, created by the store itself.
  if (auto schema = store::Store::open(same_path); !schema) die(schema.error().message);
  RawSameSchema raw_same(same_path);
  RawMinimal raw_minimal(minimal_path);

  constexpr std::size_t rounds = 5;
  const std::size_t slice = std::max<std::size_t>(batch, events.size() / rounds);
  std::vector<double> store_rates, same_rates, minimal_rates;
  for (std::size_t offset = 0; offset + slice <= events.size(); offset += slice) {
    const auto events_now = std::span(events).subspan(offset, slice);
    const auto rate = [&](double seconds) { return static_cast<double>(slice) / seconds; };
    store_rates.push_back(rate(seconds_to_append(events_now, batch, [&](std::span<const AttendanceEvent> chunk) {
      if (auto committed = store->append(chunk); !committed) die(committed.error().message);
    })));
    same_rates.push_back(rate(seconds_to_append(events_now, batch, [&](auto chunk) { raw_same.append(chunk); })));
    minimal_rates.push_back(
        rate(seconds_to_append(events_now, batch, [&](auto chunk) { raw_minimal.append(chunk); })));
  }
  return Figures{median(store_rates), median(same_rates), median(minimal_rates)};
}

void print(const char* title, const Figures& f) {
  std::printf("%s\n", title);
  std::printf("  Store::append                        %10.0f check-ins/s\n", f.store);
  std::printf("  raw SQLite, same schema + statements %10.0f check-ins/s   store/raw = %.2f\n", f.raw_same_schema,
              f.store / f.raw_same_schema);
  std::printf("  raw SQLite, one keyed row per event  %10.0f check-ins/s   store/raw = %.2f\n", f.raw_minimal,
              f.store / f.raw_minimal);
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 2000;
  if (count <= 0) die("the number of check-ins must be positive");
  std::filesystem::path base = argc > 2 ? std::filesystem::path(argv[2]) : std::filesystem::temp_directory_path();
  std::string pattern = (base / "store-bench-XXXXXX").string();
  if (!mkdtemp(pattern.data())) die("cannot create a directory in " + base.string());
  const std::filesystem::path dir = pattern;

  std::vector<AttendanceEvent> events;
  for (int i = 0; i < count; ++i) events.push_back(make_event(i));

  std::printf("store_bench: %d check-ins per variant, WAL + synchronous=FULL, files in %s\n", count,
              dir.string().c_str());
  print("one check-in per transaction (as the kiosk records them):", run_variant(dir, "single", events, 1));
  print("50 check-ins per transaction (batch):", run_variant(dir, "batch", events, 50));

  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return 0;
}
