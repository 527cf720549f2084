// SPDX-License-Identifier: AGPL-3.0-or-later
#include "assets.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdint>

#include "board_script.hpp"

namespace checkin::server::dashboard {

namespace {

// Calm colours with good contrast (text on background at least 7:1, links and buttons
// at least 4.5:1), a visible focus ring, big tap targets; the nav wraps and tables scroll
// on a phone. No web fonts: the system's own.
constexpr std::string_view kStylesheet = R"css(
:root {
  --ink: #1f2a30; --muted: #4a5860; --paper: #fbfaf7; --panel: #ffffff; --line: #cfd6d9;
  --accent: #1d5c63; --accent-ink: #ffffff; --accent-soft: #e3f0f0; --focus: #f2b632;
  --warn-soft: #fff4d6; --warn-line: #b07d00; --problem-soft: #fbe9e4; --problem-line: #a3412a;
}
* { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  font-size: 1.0625rem; line-height: 1.5; color: var(--ink); background: var(--paper); }
a { color: var(--accent); text-underline-offset: 0.15em; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; box-shadow: 0 0 0 5px var(--ink); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip { position: absolute; left: 0.5rem; top: -4rem; background: var(--panel); padding: 0.75rem 1rem; z-index: 10;
  border: 2px solid var(--accent); }
.skip:focus { top: 0.5rem; }
header.top { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem 1rem;
  padding: 0.75rem 1.25rem; background: var(--accent); color: var(--accent-ink); }
header.top a, header.top .link-button { color: var(--accent-ink); }
.brand a { font-weight: 700; font-size: 1.2rem; text-decoration: none; }
.account { display: flex; align-items: center; gap: 0.75rem; flex-wrap: wrap; }
nav { background: var(--accent-soft); border-bottom: 1px solid var(--line); padding: 0 1rem; }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0 0.25rem; }
nav a { display: inline-block; padding: 0.75rem 0.85rem; min-height: 44px; text-decoration: none; font-weight: 600; }
nav a[aria-current="page"] { border-bottom: 4px solid var(--accent); padding-bottom: calc(0.75rem - 4px); }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
main:focus { outline: none; }
h1 { font-size: 1.75rem; margin: 0.75rem 0 1rem; line-height: 1.25; }
h2 { font-size: 1.3rem; margin: 1.75rem 0 0.75rem; }
p { max-width: 46rem; }
.flash { background: var(--accent-soft); border-left: 6px solid var(--accent); padding: 0.75rem 1rem; max-width: none; }
.notice { border-left: 6px solid var(--accent); background: var(--accent-soft); padding: 0.75rem 1rem; margin: 1rem 0; }
.notice.warning { border-color: var(--warn-line); background: var(--warn-soft); }
.problems { border: 2px solid var(--problem-line); background: var(--problem-soft); padding: 0.5rem 1rem; margin: 1rem 0; }
.problems h2 { font-size: 1.1rem; margin: 0.5rem 0; }
.table-wrap { position: relative; overflow-x: auto; margin: 0.5rem 0 1.5rem; border: 1px solid var(--line); background: var(--panel); }
table { border-collapse: collapse; width: 100%; min-width: 36rem; }
table.compact { min-width: 0; }
caption { text-align: left; font-weight: 700; padding: 0.6rem 0.75rem; }
th, td { text-align: left; padding: 0.55rem 0.75rem; border-top: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--accent-soft); border-top: none; }
tr.muted td { color: var(--muted); }
form { margin: 0 0 1rem; }
form.inline { display: inline; margin: 0; }
form.card, .card { background: var(--panel); border: 1px solid var(--line); padding: 1rem 1.25rem; max-width: 40rem; margin-bottom: 1.5rem; }
form.filters { display: flex; flex-wrap: wrap; gap: 0 1rem; align-items: flex-end; max-width: none; }
form.filters .field { min-width: 12rem; }
.field { margin: 0 0 1rem; }
.field > label, legend { display: block; font-weight: 600; margin-bottom: 0.25rem; }
.optional { font-weight: 400; color: var(--muted); }
.hint { color: var(--muted); margin: 0 0 0.35rem; font-size: 0.95rem; }
input, select, textarea { font: inherit; color: inherit; background: var(--panel); border: 2px solid var(--muted);
  border-radius: 4px; padding: 0.5rem 0.6rem; min-height: 44px; width: 100%; max-width: 30rem; }
input[type="checkbox"], input[type="radio"] { width: 1.4rem; height: 1.4rem; min-height: 0; margin: 0.2rem 0.6rem 0 0;
  flex: none; accent-color: var(--accent); }
input[type="file"] { border-style: dashed; }
fieldset.choices { border: 1px solid var(--line); padding: 0.5rem 1rem 0.75rem; margin: 0 0 1rem; }
.choice { display: flex; flex-wrap: wrap; align-items: flex-start; padding: 0.35rem 0; }
.choice label { font-weight: 400; }
.choice .hint { flex-basis: 100%; padding-left: 2rem; margin: 0; }
.button, button { display: inline-flex; align-items: center; justify-content: center; min-height: 44px; padding: 0.5rem 1.1rem;
  font: inherit; font-weight: 600; border-radius: 4px; border: 2px solid var(--accent); background: var(--accent);
  color: var(--accent-ink); cursor: pointer; text-decoration: none; }
.button.secondary { background: var(--panel); color: var(--accent); }
.button.warning { background: var(--panel); color: var(--problem-line); border-color: var(--problem-line); }
.link-button { background: none; border: none; padding: 0.25rem; min-height: 44px; text-decoration: underline; font-weight: 400; }
.actions { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 1rem 0; }
.tag { display: inline-block; padding: 0 0.5rem; border: 1px solid var(--line); border-radius: 1rem; font-size: 0.9rem;
  background: var(--accent-soft); margin: 0 0.25rem 0.25rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.35rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
/* passes, kiosks, live board, reports, review, retention */
.pass-current { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; align-items: center; max-width: 48rem; }
.pass-qr { width: 220px; height: 220px; border: 1px solid var(--line); background: #fff; }
.enrol-qr { background: #fff; border: 1px solid var(--line); padding: 0.75rem; display: inline-block; max-width: 100%; }
.enrol-qr svg { display: block; width: min(360px, 80vw); height: auto; }
.enrolment-code { display: block; word-break: break-all; background: var(--panel); border: 1px solid var(--line);
  padding: 0.5rem 0.75rem; font-size: 0.95rem; }
td.lag-warning { background: var(--warn-soft); border-left: 4px solid var(--warn-line); font-weight: 600; }
.flag { display: inline-block; padding: 0 .4em; border: 1px solid var(--warn-line); border-radius: .3em; background: var(--warn-soft); font-weight: 600; }
.board { display: grid; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); gap: 1rem; margin: 1rem 0; }
.board-session { background: var(--panel); border: 1px solid var(--line); border-top: 6px solid var(--accent); padding: 0.75rem 1rem; }
.board-session h2 { margin: 0 0 0.25rem; font-size: 1.25rem; }
.board-where { color: var(--muted); margin: 0 0 0.5rem; }
.board-counts { display: flex; gap: 1.5rem; margin: 0.5rem 0; }
.board-counts dt { font-size: 0.95rem; color: var(--muted); }
.board-counts dd { margin: 0; font-size: 2rem; font-weight: 700; line-height: 1.2; }
.board-names { columns: 2 9rem; margin: 0.5rem 0 0; padding-left: 1.25rem; }
.board-note { color: var(--muted); font-style: italic; }
.board-problem:empty { display: none; }
.board-problem { border-left: 6px solid var(--warn-line); background: var(--warn-soft); padding: 0.5rem 1rem; }
a.download { margin-right: 0.5rem; }
.review-item { max-width: 48rem; }
.review-item h3 { margin: 0 0 0.5rem; font-size: 1.2rem; }
.review-actions { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: flex-start; }
.review-edit fieldset { border: 1px solid var(--line); padding: 0.25rem 0.75rem 0.5rem; margin: 0; }
.review-edit .field { display: inline-block; width: 6rem; margin: 0 0.5rem 0.5rem 0; vertical-align: bottom; }
.steps li, .plain-list li { margin-bottom: 0.5rem; max-width: 46rem; }
.notice-sheet { max-width: 40rem; border: 1px solid var(--line); padding: 1.5rem 2rem; font-size: 1.2rem; }
.notice-sheet h2 { font-size: 1.8rem; margin: 0 0 1rem; }
.notice-org { font-weight: 700; color: var(--muted); margin: 0 0 0.5rem; }
.notice-sheet li { margin-bottom: 0.75rem; }
@page { size: A4; margin: 18mm; }
@media print {
  header.top, nav, .no-print, a.skip, h1 { display: none; }
  main { padding: 0; }
  .notice-sheet { border: none; max-width: none; font-size: 16pt; padding: 0; }
  .notice-sheet h2 { font-size: 26pt; }
}
@media (max-width: 600px) {
  body { font-size: 1rem; }
  main { padding: 0.75rem; }
  nav { padding: 0 0.25rem; }
  nav a { padding: 0.6rem 0.6rem; }
  h1 { font-size: 1.45rem; }
  form.card, .card { padding: 0.75rem; }
  dl.facts { grid-template-columns: 1fr; }
}
)css";

constexpr std::array kAssets = {
    Asset{"dashboard.css", "text/css; charset=utf-8", kStylesheet},
    Asset{"board.js", "text/javascript; charset=utf-8", kBoardScript},
};

// FNV-1a: enough to tell one build's file from another's.
std::string content_hash(std::string_view content) {
  std::uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : content) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return fmt::format("{:016x}", hash).substr(0, 12);
}

}  // namespace

const Asset* find_asset(std::string_view name) {
  for (const auto& asset : kAssets)
    if (asset.name == name) return &asset;
  return nullptr;
}

std::string asset_url(std::string_view name) {
  const Asset* asset = find_asset(name);
  return fmt::format("/static/{}?v={}", name, asset ? content_hash(asset->content) : "0");
}

std::string stylesheet_url() {
  static const std::string url = asset_url("dashboard.css");
  return url;
}

}  // namespace checkin::server::dashboard
