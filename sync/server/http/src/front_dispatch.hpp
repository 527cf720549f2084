// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The front's two queues: complete requests waiting for a worker thread, and parked
// requests waiting for a topic's notify or their deadline. Neither knows libmicrohttpd.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "checkin/server/http_message.hpp"

namespace checkin::server::front {

struct Exchange;  // one request on its way through the front (front.cpp)
using ExchangePtr = std::shared_ptr<Exchange>;

// A request's turn on a worker: its first run (no wake) or a resume after parking.
struct Job {
  ExchangePtr exchange;
  std::optional<Wake> wake;
};

class WorkerPool {
 public:
  using Run = std::function<void(Job&)>;
  WorkerPool(int threads, Run run);
  ~WorkerPool();

  // A new request: false when `limit` jobs already wait (the caller answers 503).
  // `urgent` ones (health checks) go to the front of the queue.
  bool try_submit(Job job, std::size_t limit, bool urgent);
  // A parked request's resume: always taken, it already held a place.
  void submit(Job job);
  std::size_t queued() const;
  // Runs what is queued, then joins the threads.
  void stop();

 private:
  void work();

  Run run_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// Parked requests by topic and deadline, and when each topic was last notified, so a
// request that looked before a notify and parks after it is woken at once.
class ParkingLot {
 public:
  using Clock = std::chrono::steady_clock;

  // A stamp to take before a handler runs; park() compares notifies against it.
  std::uint64_t stamp();
  enum class Parked { yes, notified_meanwhile, closed };
  // Parks, unless one of the topics was notified after `since` or the lot is closed.
  Parked park(const ExchangePtr& exchange, const std::vector<std::string>& topics, Clock::time_point deadline,
              std::uint64_t since);
  // Takes out every request parked on `topic`.
  std::vector<ExchangePtr> notify(const std::string& topic);
  // Takes out every request whose deadline is at or before `now`.
  std::vector<ExchangePtr> expired(Clock::time_point now);
  // Takes out everything and parks nothing more (the server is stopping).
  std::vector<ExchangePtr> close();
  std::optional<Clock::time_point> next_deadline() const;
  std::size_t size() const;

 private:
  void remove(Exchange* exchange);

  struct Spot {
    ExchangePtr exchange;
    std::vector<std::string> topics;
    Clock::time_point deadline;
  };
  struct Notified {
    std::uint64_t stamp;
    Clock::time_point at;
  };
  mutable std::mutex mutex_;
  std::uint64_t sequence_ = 0;
  bool closed_ = false;
  std::unordered_map<std::string, Notified> notified_;
  std::unordered_map<Exchange*, Spot> spots_;
  std::unordered_multimap<std::string, Exchange*> by_topic_;
  std::multimap<Clock::time_point, Exchange*> by_deadline_;
};

}  // namespace checkin::server::front
