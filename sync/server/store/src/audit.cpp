// SPDX-License-Identifier: AGPL-3.0-or-later
// The audit trail (audit.hpp). Entries are written inside the transaction of the change
// they record, so a change and its entry land together or not at all.
#include <fmt/format.h>

#include "report_queries.hpp"

namespace checkin::server {

using namespace detail;

namespace detail {

Result<void> audit(sql::Connection& connection, const Actor& actor, std::string_view action,
                   std::string_view object_type, std::string_view object_id, std::string_view site_id,
                   std::string_view detail, std::string_view reason, WallTime now) {
  STORE_CHECK(check_length("reason", reason, kMaxSettingLength));
  STORE_CHECK(run(connection,
                  "INSERT INTO audit_log (id, at_ms, account_id, actor, action, object_type, object_id, site_id, "
                  "detail, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                  {text(new_server_id()), millis(now), text(actor.account_id), text(actor.name), text(action),
                   text(object_type), text(object_id), text(site_id), text(detail), text(reason)}));
  return {};
}

}  // namespace detail

Result<void> ServerStore::record_audit(const Actor& actor, std::string_view action, std::string_view object_type,
                                       std::string_view object_id, const Id& site_id, std::string_view detail,
                                       WallTime now) {
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    return audit(connection, actor, action, object_type, object_id, site_id, detail, "", now);
  });
}

Result<std::vector<AuditEntry>> ServerStore::audit_log(const AuditFilter& filter) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<AuditEntry>> {
    Query query;
    query.sql = "SELECT id, at_ms, account_id, actor, action, object_type, object_id, site_id, detail, reason "
                "FROM audit_log WHERE 1 = 1";
    if (filter.command_line) query.sql += " AND account_id = ''";
    else if (!filter.account_id.empty()) query.sql += " AND account_id = " + query.param(text(filter.account_id));
    if (!filter.action.empty()) {
      if (filter.action.ends_with('.'))
        query.sql += " AND action LIKE " + query.param(text(filter.action + "%"));
      else
        query.sql += " AND action = " + query.param(text(filter.action));
    }
    if (filter.from) query.sql += " AND at_ms >= " + query.param(millis(*filter.from));
    if (filter.to) query.sql += " AND at_ms < " + query.param(millis(*filter.to));
    if (!filter.object_id.empty()) query.sql += " AND object_id = " + query.param(text(filter.object_id));
    query.sql += " ORDER BY at_ms DESC, id DESC LIMIT " +
                 query.param(integer(static_cast<std::int64_t>(std::clamp<std::size_t>(filter.limit, 1, 10000))));
    STORE_TRY(rows, query.run(connection));
    std::vector<AuditEntry> entries;
    entries.reserve(rows.size());
    for (const auto& row : rows)
      entries.push_back(AuditEntry{row.text(0), wall_time(row.integer(1)), row.text(2), row.text(3), row.text(4),
                                   row.text(5), row.text(6), row.text(7), row.text(8), row.text(9)});
    return entries;
  });
}

}  // namespace checkin::server
