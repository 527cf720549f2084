// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// What differs between the libpqxx versions the server is built with, 6.4 (Debian 12) and
// 7.10 (Debian 13), in one place: the name of the write policy type and how a prepared
// statement is run with parameters (7.x deprecates 6.4's way; -Werror makes that fatal).
#include <string>
#include <vector>

#include <pqxx/pqxx>
#include <pqxx/version>

namespace checkin::sql::detail::pq {

#if PQXX_VERSION_MAJOR >= 7
using write_policy = pqxx::write_policy;
#else
using write_policy = pqxx::readwrite_policy;
#endif

template <pqxx::isolation_level isolation, write_policy policy>
using transaction = pqxx::transaction<isolation, policy>;

// Runs the prepared statement `name` with its parameters as text; nullptr is SQL NULL.
// The texts must outlive the call.
inline pqxx::result exec_prepared(pqxx::transaction_base& transaction, const std::string& name,
                                  const std::vector<const char*>& arguments) {
#if PQXX_VERSION_MAJOR >= 7
  pqxx::params params;
  params.reserve(arguments.size());
  for (const char* argument : arguments) {
    if (argument) params.append(pqxx::zview(argument));
    else params.append();
  }
  return transaction.exec(pqxx::prepped{name}, params);
#else
  return transaction.exec_prepared(name, pqxx::prepare::make_dynamic_params(arguments));
#endif
}

}  // namespace checkin::sql::detail::pq
