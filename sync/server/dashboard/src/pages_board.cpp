// SPDX-License-Identifier: AGPL-3.0-or-later
// The live board: sessions whose check-in window is open now at the account's sites, with
// how many are present and have checked in, and who, except in discreet programs, which
// show counts only (the store never hands out their names); and the volunteers on shift now. The page is complete without
// JavaScript; board.js fetches /board.json every 10 seconds and redraws it with
// textContent only.
#include <fmt/format.h>
#include <nlohmann/json.hpp>


#include "checkin/server/local_time.hpp"
#include "checkin/server/report_tables.hpp"
#include "assets.hpp"
#include "common.hpp"
#include "downloads.hpp"
#include "guard.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {

constexpr std::string_view kDiscreetNote = "Discreet program: counts only, no names.";
constexpr std::string_view kOverCapacityNote = "Over capacity: doors that were offline let more people in than it holds.";

// The sessions open now and the volunteers on shift now, at the account's sites.
struct Board {
  std::vector<BoardSession> sessions;
  std::vector<OnShift> on_shift;
};

std::optional<Board> board_of(Context& ctx) {
  auto scope = site_scope(ctx, "");
  if (!scope) return std::nullopt;
  if (scope->nothing) return Board{};
  auto sessions = ctx.store.live_board(scope->site_ids, ctx.now);
  if (!sessions) {
    ctx.store_failed(sessions.error(), "live board");
    return std::nullopt;
  }
  auto on_shift = ctx.store.on_shift_now(scope->site_ids, ctx.now);
  if (!on_shift) {
    ctx.store_failed(on_shift.error(), "on shift now");
    return std::nullopt;
  }
  return Board{std::move(*sessions), std::move(*on_shift)};
}

std::string volunteer_line(const OnShift& v) {
  return fmt::format("{} — {}, since {}", v.preferred_name.empty() ? "(no name)" : v.preferred_name, v.shift.role,
                     format_local_time(v.started_at));
}

// Volunteers on shift now, as board.js draws it too.
std::string on_shift_card(const std::vector<OnShift>& on_shift) {
  if (on_shift.empty()) return {};
  std::string out = R"(<section class="board-session board-shifts"><h2>On shift now</h2><ul class="board-names">)";
  for (const auto& v : on_shift) out += "<li>" + escape(volunteer_line(v)) + "</li>";
  return out + "</ul></section>";
}

std::string when(const BoardSession& b) {
  return fmt::format("{}–{}", format_local_time(b.session.start), format_local_time(b.session.end));
}

// The same markup board.js builds from the JSON: keep the two in step.
std::string session_card(const BoardSession& b) {
  std::string out = fmt::format(R"(<section class="board-session" data-session="{}"><h2>{}</h2>)", escape(b.session.id),
                                escape(b.program.name));
  std::string where = b.site_name + (b.session.room.empty() ? "" : ", " + b.session.room);
  out += fmt::format(R"(<p class="board-where">{} · {}</p>)", escape(when(b)), escape(where));
  out += fmt::format(
      R"(<dl class="board-counts"><div><dt>Here now</dt><dd data-field="present">{}</dd></div><div><dt>Checked in</dt><dd data-field="checked_in">{}</dd></div></dl>)",
      escape(count_cell(b.present, b.program.discreet)), escape(count_cell(b.checked_in, b.program.discreet)));
  if (b.over_capacity) out += fmt::format(R"(<p class="board-note flag">{}</p>)", escape(kOverCapacityNote));
  if (b.program.discreet) {
    out += fmt::format(R"(<p class="board-note">{}</p>)", escape(kDiscreetNote));
  } else if (b.names.empty()) {
    out += R"(<p class="board-note">Nobody here yet.</p>)";
  } else {
    out += R"(<ul class="board-names">)";
    for (const auto& name : b.names) out += "<li>" + escape(name) + "</li>";
    out += "</ul>";
  }
  return out + "</section>";
}

void board_page(Context& ctx) {
  auto board = board_of(ctx);
  if (!board) return;
  for (const auto& b : board->sessions) ctx.audit.detail += (ctx.audit.detail.empty() ? "sessions=" : ",") + b.session.id;
  std::string body = R"(<p class="board-status"><span id="board-updated">)";
  body += fmt::format("As of {}.", escape(format_local_time(ctx.now)));
  body += R"(</span> This page updates itself every 10 seconds (reload it if your browser runs no scripts).</p>)";
  body += R"(<p id="board-problem" class="board-problem" role="status"></p>)";
  body += R"(<div id="board" class="board" data-refresh-ms="10000">)";
  if (board->sessions.empty()) body += R"(<p class="board-empty">No session is open for check-in right now.</p>)";
  for (const auto& b : board->sessions) body += session_card(b);
  body += on_shift_card(board->on_shift);
  body += "</div>";
  body += fmt::format(R"(<script src="{}" defer></script>)", escape(asset_url("board.js")));
  ctx.page("Live board", body);
}

void board_json(Context& ctx) {
  auto board = board_of(ctx);
  if (!board) return;
  nlohmann::json sessions = nlohmann::json::array();
  for (const auto& b : board->sessions) {
    nlohmann::json names = nlohmann::json::array();
    if (!b.program.discreet)
      for (const auto& n : b.names) names.push_back(n);
    sessions.push_back({{"id", b.session.id},
                        {"program", b.program.name},
                        {"discreet", b.program.discreet},
                        {"when", when(b)},
                        {"where", b.site_name + (b.session.room.empty() ? "" : ", " + b.session.room)},
                        // A discreet program's 1 to 4 is "fewer than 5" (report_tables.hpp).
                        {"present", count_cell(b.present, b.program.discreet)},
                        {"checked_in", count_cell(b.checked_in, b.program.discreet)},
                        {"over_capacity", b.over_capacity},
                        {"names", std::move(names)}});
  }
  nlohmann::json on_shift = nlohmann::json::array();
  for (const auto& v : board->on_shift) on_shift.push_back(volunteer_line(v));
  nlohmann::json answer{{"as_of", format_local_time(ctx.now)},
                        {"discreet_note", kDiscreetNote},
                        {"over_capacity_note", kOverCapacityNote},
                        {"sessions", sessions},
                        {"on_shift", std::move(on_shift)}};
  ctx.response.status = 200;
  ctx.response.set_content(answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                           "application/json; charset=utf-8");
}

}  // namespace

void add_board_routes(Router& router) {
  // The page load is recorded; its scripted refreshes (board.json) continue the same look.
  router.get("/board", Gate::signed_in, board_page, audited("board.view", "board", ""));
  router.get("/board.json", Gate::signed_in, board_json);
}

}  // namespace checkin::server::dashboard
