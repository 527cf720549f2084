// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/app/attendance_csv.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

#include "checkin/core/clock.hpp"
#include "checkin/core/csv.hpp"

namespace checkin::app {

std::string attendance_csv(const std::vector<AttendanceEvent>& events, const Schedule& schedule, const Roster& roster,
                           bool hide_all_names) {
  std::string out(kUtf8Bom);
  out += "recorded_at_utc,event,program,session_start_utc,room,shift,name,person_id,event_id,device_id,device_seq,flags\r\n";
  for (const auto& e : events) {
    const Session* session = schedule.session(e.session_id);
    const Program* program = session ? schedule.program(session->program_id) : nullptr;
    const Shift* shift = schedule.shift(e.shift_id);
    bool discreet = program && program->discreet;
    std::string name;
    if (!hide_all_names && !discreet) {
      if (e.kind == EventKind::walk_in) name = e.walk_in_name;
      else if (auto it = roster.people.find(e.person_id); it != roster.people.end()) name = it->second.preferred_name;
    }
    std::string program_name = program ? (discreet ? "(discreet program)" : program->name) : e.session_id;
    // A discreet program's rows name no one, not even by id, and give neither the session's
    // start nor its room (with the check-in time, they would single the group out).
    std::vector<std::string> cells = {
        format_utc(e.wall_time),
        to_string(e.kind),
        e.session_id.empty() ? "" : program_name,
        session && !discreet ? format_utc(session->start) : "",
        session && !discreet ? session->room : "",
        shift ? shift->role : e.shift_id,
        name,
        discreet ? "" : e.person_id,
        e.event_id,
        e.device_id,
        std::to_string(e.seq),
        flags_to_string(e.flags),
    };
    out += csv_row(cells);
  }
  return out;
}

Result<std::filesystem::path> write_attendance_csv(const std::filesystem::path& dir, const std::string& file_name,
                                                   const std::string& csv) {
  auto path = dir / file_name;
  auto tmp = dir / (file_name + ".partial");
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail(Errc::io, fmt::format("cannot write to {}: {}", dir.string(), std::strerror(errno)));
  std::size_t done = 0;
  while (done < csv.size()) {
    ssize_t n = ::write(fd, csv.data() + done, csv.size() - done);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  int err = done == csv.size() && ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  if (err == 0 && std::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    Errc code = err == ENOSPC ? Errc::storage_full : err == EROFS ? Errc::storage_readonly : Errc::io;
    return fail(code, fmt::format("could not write {}: {}", path.string(), std::strerror(err)));
  }
  return path;
}

}  // namespace checkin::app
