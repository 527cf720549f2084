// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/demo/demo_data.hpp"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>

#include "checkin/qr/encode.hpp"
#include "checkin/qr/image.hpp"

namespace checkin::demo {

using namespace std::chrono;

const DemoPass& DemoData::pass(std::string_view label) const {
  for (const auto& p : passes)
    if (p.label == label) return p;
  throw std::out_of_range(fmt::format("no demo pass '{}'", label));
}

Schedule DemoData::kiosk_schedule() const {
  Schedule kiosk = schedule;
  for (auto& program : kiosk.programs) program = as_kiosks_see(std::move(program));
  return kiosk;
}

DemoData make_demo_data(WallTime now) {
  DemoData d;
  d.key = SigningKey::generate();
  d.site = Site{"site-riverside", "Riverside Community Centre"};
  auto at = [&](minutes offset) { return floor<minutes>(now) + offset; };

  d.schedule.programs = {
      Program{"prog-lunch", "Community lunch", false, true, true, Registration::open, false, false},
      Program{"prog-peer", "Tuesday peer support", true, true, false, Registration::roster, true, true,
              "Tuesday evening group"},
  };
  auto session = [&](Id id, Id program, std::string room, minutes start, minutes end, std::optional<int> cap) {
    Session s{std::move(id), std::move(program), d.site.id, std::move(room), at(start), at(end), {}, {}, cap};
    return with_default_window(s);
  };
  d.schedule.sessions = {
      session("sess-lunch", "prog-lunch", "Main hall", -15min, 105min, 40),
      session("sess-peer", "prog-peer", "Room 2", 10min, 100min, 12),
      session("sess-lunch-tomorrow", "prog-lunch", "Main hall", 24h - 15min, 24h + 105min, 40),
  };
  d.schedule.shifts = {Shift{"shift-desk", d.site.id, "Welcome desk", at(-20min), at(220min), {"person-vic"}}};

  auto valid_until = now + days{365};
  auto add = [&](std::string label, std::string about, WallTime expires) -> DemoPass& {
    auto id = new_pass_id();
    d.passes.push_back(DemoPass{std::move(label), id, issue_pass(d.key, id, expires).value(), std::move(about)});
    return d.passes.back();
  };
  auto person = [&](std::string label, std::string name, std::vector<Id> programs, std::string about) {
    auto& pass = add(label, std::move(about), valid_until);
    d.roster.add(Person{"person-" + label, std::move(name), "en", std::move(programs)}, {pass.pass_id});
  };
  person("ana", "Ana", {"prog-peer"}, "registered for a discreet support group");
  person("ben", "Ben", {}, "comes to the community lunch");
  person("vic", "Vic", {}, "volunteer on the welcome desk shift");
  person("dee", "", {}, "no preferred name on file");
  add("visitor", "valid pass, not on this kiosk's roster", valid_until);
  add("expired", "a pass that expired yesterday", now - days{1});
  auto& revoked = add("revoked", "a pass reported lost and revoked", valid_until);
  d.revoked.insert(revoked.pass_id);
  return d;
}

namespace {
Result<void> write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return fail(Errc::io, fmt::format("cannot write {}", path.string()));
  return {};
}
}  // namespace

Result<void> write_demo_files(const DemoData& data, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir / "keys", ec);
  std::filesystem::create_directories(dir / "passes", ec);
  if (ec) return fail(Errc::io, fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  if (auto ok = write_file(dir / "keys" / "signing.key", data.key.to_text()); !ok) return ok;
  std::filesystem::permissions(dir / "keys" / "signing.key", std::filesystem::perms::owner_read |
                                                                 std::filesystem::perms::owner_write, ec);
  if (auto ok = write_file(dir / "keys" / "signing.pub", data.key.public_key().to_hex() + "\n"); !ok) return ok;
  for (const auto& pass : data.passes) {
    auto matrix = qr::encode(pass.text);
    if (!matrix) return std::unexpected(matrix.error());
    if (auto ok = qr::render_png(*matrix, dir / "passes" / (pass.label + ".png"), 8); !ok) return ok;
    if (auto ok = write_file(dir / "passes" / (pass.label + ".svg"), qr::render_svg(*matrix, 8)); !ok) return ok;
  }
  return {};
}

Result<int> write_demo_camera_frames(const DemoData& data, const std::vector<std::string>& labels,
                                     const std::filesystem::path& dir, int frames_per_pass, int empty_frames) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return fail(Errc::io, fmt::format("cannot create {}: {}", dir.string(), ec.message()));
  constexpr int kWidth = 640, kHeight = 480;
  int written = 0;
  auto save = [&](const qr::GrayImage& frame) -> Result<void> {
    return qr::save_png(frame.view(), dir / fmt::format("frame-{:03}.png", written++));
  };
  // A softly lit wall: a gentle gradient, so the frame looks like a camera's, not a page.
  auto scene = [] {
    qr::GrayImage frame(kWidth, kHeight);
    for (int y = 0; y < kHeight; ++y)
      for (int x = 0; x < kWidth; ++x) frame.at(x, y) = static_cast<std::uint8_t>(150 + x * 40 / kWidth - y * 30 / kHeight);
    return frame;
  };
  for (std::size_t i = 0; i < labels.size(); ++i) {
    auto matrix = qr::encode(data.pass(labels[i]).text);
    if (!matrix) return std::unexpected(matrix.error());
    auto code = qr::rasterize(*matrix, 5);
    for (int f = 0; f < frames_per_pass; ++f) {
      auto frame = scene();
      // The pass drifts a little while it is held up, as a hand would move it.
      int left = 170 + static_cast<int>(i % 3) * 20 + f * 3, top = (kHeight - code.height()) / 2 + f * 2;
      for (int y = top - 18; y < top + code.height() + 30; ++y)  // phone bezel around the screen
        for (int x = left - 12; x < left + code.width() + 12; ++x)
          if (x >= 0 && y >= 0 && x < kWidth && y < kHeight) frame.at(x, y) = 30;
      for (int y = 0; y < code.height(); ++y)
        for (int x = 0; x < code.width(); ++x)
          if (left + x < kWidth && top + y < kHeight) frame.at(left + x, top + y) = code.at(x, y) ? 235 : 25;
      if (auto ok = save(frame); !ok) return std::unexpected(ok.error());
    }
    for (int f = 0; f < empty_frames; ++f)
      if (auto ok = save(scene()); !ok) return std::unexpected(ok.error());
  }
  return written;
}

}  // namespace checkin::demo
