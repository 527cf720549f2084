// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The dashboard's route table: method + path pattern + who may use it -> handler.
// Patterns are literal segments and {name} placeholders matching one non-empty segment:
// "/sessions/{id}/cancel".
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace checkin::server::dashboard {

struct Context;
using Handler = std::function<void(Context&)>;

// Who may use a route. Checked by the dispatcher, never by handlers, so no page can forget.
enum class Gate {
  open,       // anyone: sign-in, static files (their handlers do their own checks)
  signed_in,  // any signed-in account; site data still goes through guard.hpp
  admin,      // admins only: coordinators get the 403 page
};

struct Route {
  std::string method;  // "GET" or "POST"
  std::vector<std::string> segments;
  Gate gate = Gate::signed_in;
  Handler handler;
};

struct Match {
  const Route* route = nullptr;              // null: no route for this method
  std::map<std::string, std::string> params;  // the {name} placeholders
  std::vector<std::string> allowed;           // methods the path has when route is null
};

class Router {
 public:
  void get(std::string_view pattern, Gate gate, Handler handler);
  void post(std::string_view pattern, Gate gate, Handler handler);
  // HEAD matches GET routes.
  Match match(std::string_view method, std::string_view path) const;

 private:
  void add(std::string method, std::string_view pattern, Gate gate, Handler handler);
  std::vector<Route> routes_;
};

std::vector<std::string> split_path(std::string_view path);

}  // namespace checkin::server::dashboard
