// SPDX-License-Identifier: AGPL-3.0-or-later
// Helper of the crash test: records check-ins through Store::append in an endless loop
// and reports each event id on stdout only after append returned success. The test
// kills it with SIGKILL at random moments; every id it reported must survive.
//
//   store_crash_writer <database> <run>
//
// Exits 0 never; 2 when the store cannot be opened, 3 when a write fails.
#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "checkin/store/store.hpp"

using namespace checkin;

namespace {

// One write(2) per batch: a pipe write below PIPE_BUF bytes is atomic, so the reader
// never sees half a line, and nothing sits in a stdio buffer when the kill comes.
bool report(const std::string& lines) {
  std::size_t written = 0;
  while (written < lines.size()) {
    ssize_t n = ::write(STDOUT_FILENO, lines.data() + written, lines.size() - written);
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <database> <run>\n", argv[0]);
    return 1;
  }
  const std::string path = argv[1];
  const std::string run = argv[2];

  auto store = store::Store::open(path);
  if (!store) {
    std::fprintf(stderr, "crash writer: %s\n", store.error().message.c_str());
    return 2;
  }
  if (auto saved = store->set_device_id("crash-kiosk"); !saved) {
    std::fprintf(stderr, "crash writer: %s\n", saved.error().message.c_str());
    return 3;
  }

  std::mt19937 random(static_cast<unsigned>(std::stoul(run)));
  std::vector<std::string> recorded;
  for (long i = 0;; ++i) {
    std::vector<AttendanceEvent> batch(1 + random() % 3);
    std::string lines;
    for (std::size_t k = 0; k < batch.size(); ++k) {
      AttendanceEvent& event = batch[k];
      event.event_id = "run" + run + "-" + std::to_string(i) + "-" + std::to_string(k);
      event.device_id = "crash-kiosk";
      event.kind = EventKind::checkin;
      event.session_id = "session-" + std::to_string(i % 4);
      event.pass_id = "00112233445566778899aabbccddeeff";
      event.wall_time = WallTime{Millis{1'790'000'000'000 + i}};
      event.monotonic = Millis{i};
      event.boot_id = "boot-" + run;
      lines += event.event_id + "\n";
    }
    auto committed = store->append(batch);
    if (!committed) {
      std::fprintf(stderr, "crash writer: %s\n", committed.error().message.c_str());
      return 3;
    }
    if (!report(lines)) return 4;
    for (const auto& event : *committed) recorded.push_back(event.event_id);

    // Other write transactions, so kills also land in those.
    if (i % 5 == 4) {
      std::vector<std::string> uploaded(recorded.end() - 2, recorded.end());
      if (auto marked = store->mark_uploaded(uploaded); !marked) {
        std::fprintf(stderr, "crash writer: %s\n", marked.error().message.c_str());
        return 3;
      }
    }
    if (i % 7 == 6) {
      if (auto saved = store->set_setting("last_run", run); !saved) {
        std::fprintf(stderr, "crash writer: %s\n", saved.error().message.c_str());
        return 3;
      }
    }
  }
}
