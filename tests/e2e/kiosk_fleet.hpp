// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Simulated kiosks for end-to-end tests: each is a real kiosk store (SQLite file) with the
// real sync client, enrolled on a real checkin-server. Events are recorded straight into
// the store, as the kiosk's desk does after its rules decided, so a test can make a week
// of check-ins in a moment.
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "checkin/core/clock.hpp"
#include "checkin/core/domain.hpp"
#include "checkin/server/store.hpp"
#include "checkin/store/store.hpp"
#include "checkin/sync/client.hpp"

namespace checkin::testing {

// A small organisation made through the server's store: one site, an open program with
// sessions around now, people with passes.
struct Organisation {
  Site site;
  Program program;
  std::vector<Session> sessions;
  std::vector<server::PersonRecord> people;
  std::vector<std::string> pass_ids;  // one per person, same order

  static Organisation create(server::ServerStore& store, WallTime now, int people = 20, int sessions = 3);
};

class SimKiosk {
 public:
  SimKiosk(std::filesystem::path database, WallTime now);

  // Enrols through the real /api/v1/enrol with a token made on the server's store.
  void enrol(server::ServerStore& server, const Id& site_id, const std::string& url);

  // Records one event (commits it to the outbox); returns its id.
  std::string check_in(const Id& session_id, const std::string& pass_id);
  std::string anonymous(const Id& session_id);

  // Sync passes until nothing is pending (or `attempts` passes failed); returns the
  // failures seen on the way.
  std::vector<sync::SyncFailure> sync_until_done(int attempts = 50);
  std::expected<sync::SyncReport, sync::SyncFailure> sync_once();
  // Points the client at another address (the server restarted, a proxy in between).
  void set_server_url(const std::string& url);

  store::OutboxCounts outbox();
  sync::SyncClient& client() { return *client_; }
  std::string device_token();  // as saved in its store
  ManualClock& clock() { return clock_; }
  store::Store& store() { return store_; }
  // "local-..." until enrolled (as a real kiosk's), then the id the server gave.
  const std::string& device_id() const { return device_id_; }
  const std::vector<std::string>& recorded() const { return recorded_; }
  const std::filesystem::path& database() const { return database_; }

 private:
  std::string record(AttendanceEvent event);
  std::filesystem::path database_;
  ManualClock clock_;
  store::Store store_;
  std::string device_id_;
  std::unique_ptr<sync::SyncClient> client_;
  std::vector<std::string> recorded_;
};

}  // namespace checkin::testing
