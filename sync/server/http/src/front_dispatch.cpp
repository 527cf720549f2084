// SPDX-License-Identifier: AGPL-3.0-or-later
#include "front_dispatch.hpp"

#include <algorithm>

namespace checkin::server::front {

WorkerPool::WorkerPool(int threads, Run run) : run_(std::move(run)) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::try_submit(Job job, std::size_t limit, bool urgent) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || jobs_.size() >= limit) return false;
    if (urgent) jobs_.push_front(std::move(job));
    else jobs_.push_back(std::move(job));
  }
  ready_.notify_one();
  return true;
}

void WorkerPool::submit(Job job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  ready_.notify_one();
}

std::size_t WorkerPool::queued() const {
  std::lock_guard lock(mutex_);
  return jobs_.size();
}

void WorkerPool::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& thread : threads_)
    if (thread.joinable()) thread.join();
  threads_.clear();
}

void WorkerPool::work() {
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing left
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    run_(job);
  }
}

std::uint64_t ParkingLot::stamp() {
  std::lock_guard lock(mutex_);
  return sequence_;
}

ParkingLot::Parked ParkingLot::park(const ExchangePtr& exchange, const std::vector<std::string>& topics,
                                    Clock::time_point deadline, std::uint64_t since) {
  std::lock_guard lock(mutex_);
  if (closed_) return Parked::closed;
  for (const auto& topic : topics) {
    auto found = notified_.find(topic);
    if (found != notified_.end() && found->second.stamp > since) return Parked::notified_meanwhile;
  }
  Exchange* key = exchange.get();
  spots_[key] = Spot{exchange, topics, deadline};
  for (const auto& topic : topics) by_topic_.emplace(topic, key);
  by_deadline_.emplace(deadline, key);
  return Parked::yes;
}

void ParkingLot::remove(Exchange* key) {
  auto spot = spots_.find(key);
  if (spot == spots_.end()) return;
  for (const auto& topic : spot->second.topics) {
    auto [begin, end] = by_topic_.equal_range(topic);
    for (auto it = begin; it != end; ++it)
      if (it->second == key) {
        by_topic_.erase(it);
        break;
      }
  }
  auto [begin, end] = by_deadline_.equal_range(spot->second.deadline);
  for (auto it = begin; it != end; ++it)
    if (it->second == key) {
      by_deadline_.erase(it);
      break;
    }
  spots_.erase(spot);
}

std::vector<ExchangePtr> ParkingLot::notify(const std::string& topic) {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  notified_[topic] = Notified{++sequence_, now};
  // Topics are few (sites, devices); forget the ones nobody can still be racing with.
  if (notified_.size() > 4096)
    std::erase_if(notified_, [&](const auto& entry) { return now - entry.second.at > std::chrono::minutes{10}; });
  std::vector<Exchange*> keys;
  auto [begin, end] = by_topic_.equal_range(topic);
  for (auto it = begin; it != end; ++it) keys.push_back(it->second);
  std::vector<ExchangePtr> woken;
  for (auto* key : keys) {
    woken.push_back(spots_.at(key).exchange);
    remove(key);
  }
  return woken;
}

std::vector<ExchangePtr> ParkingLot::expired(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::vector<ExchangePtr> woken;
  while (!by_deadline_.empty() && by_deadline_.begin()->first <= now) {
    Exchange* key = by_deadline_.begin()->second;
    woken.push_back(spots_.at(key).exchange);
    remove(key);
  }
  return woken;
}

std::vector<ExchangePtr> ParkingLot::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  std::vector<ExchangePtr> all;
  for (auto& [key, spot] : spots_) all.push_back(spot.exchange);
  spots_.clear();
  by_topic_.clear();
  by_deadline_.clear();
  return all;
}

std::optional<ParkingLot::Clock::time_point> ParkingLot::next_deadline() const {
  std::lock_guard lock(mutex_);
  if (by_deadline_.empty()) return std::nullopt;
  return by_deadline_.begin()->first;
}

std::size_t ParkingLot::size() const {
  std::lock_guard lock(mutex_);
  return spots_.size();
}

}  // namespace checkin::server::front
