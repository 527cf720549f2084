// SPDX-License-Identifier: AGPL-3.0-or-later
#include "router.hpp"

#include <algorithm>

namespace checkin::server::dashboard {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  std::size_t at = 0;
  while (at < path.size()) {
    auto slash = path.find('/', at);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > at) segments.emplace_back(path.substr(at, slash - at));
    at = slash + 1;
  }
  return segments;
}

namespace {

bool is_placeholder(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool matches(const Route& route, const std::vector<std::string>& segments, std::map<std::string, std::string>& params) {
  if (route.segments.size() != segments.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& want = route.segments[i];
    if (is_placeholder(want)) {
      found[want.substr(1, want.size() - 2)] = segments[i];
    } else if (want != segments[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

Audited audited(std::string action, std::string object_type, std::string object_param) {
  return Audited{Audited::By::dispatcher, std::move(action), std::move(object_type), std::move(object_param)};
}
Audited audited_inside(std::string action) { return Audited{Audited::By::handler, std::move(action), {}, {}}; }
Audited not_recorded() { return Audited{}; }

void Router::add(std::string method, std::string_view pattern, Gate gate, Handler handler, Audited audit) {
  routes_.push_back(Route{std::move(method), split_path(pattern), gate, std::move(handler), std::move(audit)});
}

void Router::get(std::string_view pattern, Gate gate, Handler handler, Audited audit) {
  add("GET", pattern, gate, std::move(handler), std::move(audit));
}
void Router::post(std::string_view pattern, Gate gate, Handler handler, Audited audit) {
  add("POST", pattern, gate, std::move(handler), std::move(audit));
}

Match Router::match(std::string_view method, std::string_view path) const {
  Match result;
  auto segments = split_path(path);
  // A literal segment beats a placeholder ("/people/new" before "/people/{id}"): routes
  // are tried in the order they were added, literal ones first within the same shape.
  const Route* best = nullptr;
  std::map<std::string, std::string> best_params;
  int best_literals = -1;
  for (const auto& route : routes_) {
    std::map<std::string, std::string> params;
    if (!matches(route, segments, params)) continue;
    bool same = route.method == method || (method == "HEAD" && route.method == "GET");
    if (!same) {
      if (std::ranges::find(result.allowed, route.method) == result.allowed.end()) result.allowed.push_back(route.method);
      continue;
    }
    int literals = static_cast<int>(route.segments.size() - params.size());
    if (literals > best_literals) {
      best = &route;
      best_params = std::move(params);
      best_literals = literals;
    }
  }
  if (best) {
    result.route = best;
    result.params = std::move(best_params);
    result.allowed.clear();
  }
  return result;
}

}  // namespace checkin::server::dashboard
