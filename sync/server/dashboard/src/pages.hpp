#pragma once
// Every area of the dashboard registers its routes here; dashboard.cpp calls them all.
#include "router.hpp"

namespace checkin::server::dashboard {

void add_auth_routes(Router& router);      // /sign-in, /sign-out, /static/...
void add_home_routes(Router& router);      // /
void add_account_routes(Router& router);   // /accounts (admin)
void add_site_routes(Router& router);      // /sites
void add_program_routes(Router& router);   // /programs
void add_session_routes(Router& router);   // /sessions
void add_shift_routes(Router& router);     // /shifts
void add_people_routes(Router& router);    // /people
void add_import_routes(Router& router);    // /people/import
void add_person_pass_routes(Router& router);  // /people/{id}/passes/... (pages_people_passes.cpp)

}  // namespace checkin::server::dashboard
