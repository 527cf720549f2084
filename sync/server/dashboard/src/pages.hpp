// SPDX-License-Identifier: AGPL-3.0-or-later
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
void add_pass_routes(Router& router);       // /passes: pass sheets to print
void add_kiosk_routes(Router& router);      // /kiosks
void add_board_routes(Router& router);      // /board, /board.json
void add_report_routes(Router& router);     // /reports, /reports/*.csv
void add_review_routes(Router& router);     // /review
void add_retention_routes(Router& router);  // /retention
void add_attendance_routes(Router& router);  // /sessions/{id}/attendance: stays and corrections
void add_audit_routes(Router& router);       // /audit (admin)
void add_person_data_routes(Router& router);
void add_privacy_notice_routes(Router& router);  // /privacy-notice: the A4 notice for the door  // /people/{id}/export.*, /people/{id}/erase (admin)

}  // namespace checkin::server::dashboard
