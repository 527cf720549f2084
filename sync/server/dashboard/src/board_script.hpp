// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The live board's script, served as /static/board.js (assets.cpp). It fetches /board.json
// every 10 seconds and redraws the board with the same markup the server renders
// (pages_board.cpp's session_card: keep the two in step). Data only ever goes through
// textContent, never innerHTML. Without it the page still shows the board as loaded.
#include <string_view>

namespace checkin::server::dashboard {

inline constexpr std::string_view kBoardScript = R"js('use strict';
(function () {
  var board = document.getElementById('board');
  var asOf = document.getElementById('board-updated');
  var problem = document.getElementById('board-problem');
  if (!board || !asOf || !window.fetch) return;
  var every = Number(board.getAttribute('data-refresh-ms')) || 10000;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function count(label, field, value) {
    var wrap = el('div');
    wrap.appendChild(el('dt', '', label));
    var dd = el('dd', '', value);
    dd.setAttribute('data-field', field);
    wrap.appendChild(dd);
    return wrap;
  }

  var overNote = '';
  function card(s, discreetNote) {
    var section = el('section', 'board-session');
    section.setAttribute('data-session', s.id);
    section.appendChild(el('h2', '', s.program));
    section.appendChild(el('p', 'board-where', s.when + ' \u00b7 ' + s.where));
    var counts = el('dl', 'board-counts');
    counts.appendChild(count('Here now', 'present', s.present));
    counts.appendChild(count('Checked in', 'checked_in', s.checked_in));
    section.appendChild(counts);
    if (s.over_capacity) section.appendChild(el('p', 'board-note flag', overNote));
    if (s.discreet) {
      section.appendChild(el('p', 'board-note', discreetNote));
    } else if (!s.names.length) {
      section.appendChild(el('p', 'board-note', 'Nobody here yet.'));
    } else {
      var list = el('ul', 'board-names');
      s.names.forEach(function (name) { list.appendChild(el('li', '', name)); });
      section.appendChild(list);
    }
    return section;
  }

  function draw(data) {
    overNote = data.over_capacity_note;
    var cards = data.sessions.map(function (s) { return card(s, data.discreet_note); });
    if (!cards.length) cards.push(el('p', 'board-empty', 'No session is open for check-in right now.'));
    if (data.on_shift && data.on_shift.length) {
      var shifts = el('section', 'board-session board-shifts');
      shifts.appendChild(el('h2', '', 'On shift now'));
      var names = el('ul', 'board-names');
      data.on_shift.forEach(function (line) { names.appendChild(el('li', '', line)); });
      shifts.appendChild(names);
      cards.push(shifts);
    }
    board.replaceChildren.apply(board, cards);
    asOf.textContent = 'As of ' + data.as_of + '.';
    if (problem) problem.textContent = '';
  }

  function say(text) { if (problem) problem.textContent = text; }

  function refresh() {
    fetch('/board.json', { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } })
      .then(function (response) {
        var type = response.headers.get('Content-Type') || '';
        if (response.ok && type.indexOf('application/json') === 0) return response.json();
        throw new Error(response.redirected ? 'signed-out' : 'status');
      })
      .then(draw)
      .catch(function (error) {
        say(error.message === 'signed-out' ? 'You have been signed out. Reload the page to sign in again.'
                                           : 'The board could not be updated just now; it will try again.');
      });
  }

  setInterval(refresh, every);
})();
)js";

}  // namespace checkin::server::dashboard
