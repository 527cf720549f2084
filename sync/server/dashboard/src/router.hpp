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

// What the audit trail (checkin/server/audit.hpp) records for a route. Every POST route
// says, so no change goes unrecorded by forgetting: the dispatcher writes one entry when the
// handler succeeds (a status below 400), for the object its placeholder names or the one
// the handler names in ctx.audit (a new person's id). GET routes that show identified
// attendance say so too.
struct Audited {
  enum class By { nobody, dispatcher, handler };
  By by = By::nobody;
  std::string action;        // "person.update"
  std::string object_type;   // "person"
  std::string object_param;  // the placeholder naming the object ("id"); empty: the handler names it
};
// Recorded by the dispatcher when the route succeeds.
Audited audited(std::string action, std::string object_type, std::string object_param = "id");
// Recorded by the handler or the store, inside the change's own transaction (corrections,
// erasure) or only when it applies (views of attendance that show names).
Audited audited_inside(std::string action);
// Changes no data and shows no attendance: signing in and out, a preview.
Audited not_recorded();

struct Route {
  std::string method;  // "GET" or "POST"
  std::vector<std::string> segments;
  Gate gate = Gate::signed_in;
  Handler handler;
  Audited audit;
};

struct Match {
  const Route* route = nullptr;              // null: no route for this method
  std::map<std::string, std::string> params;  // the {name} placeholders
  std::vector<std::string> allowed;           // methods the path has when route is null
};

class Router {
 public:
  void get(std::string_view pattern, Gate gate, Handler handler, Audited audit = not_recorded());
  void post(std::string_view pattern, Gate gate, Handler handler, Audited audit);
  // HEAD matches GET routes.
  Match match(std::string_view method, std::string_view path) const;

 private:
  void add(std::string method, std::string_view pattern, Gate gate, Handler handler, Audited audit);
  std::vector<Route> routes_;
};

std::vector<std::string> split_path(std::string_view path);

}  // namespace checkin::server::dashboard
