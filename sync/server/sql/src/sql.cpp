// SPDX-License-Identifier: AGPL-3.0-or-later
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>
#include <utility>

#include "backends.hpp"
#include "checkin/server/sql.hpp"

namespace checkin::sql {

// --- Row ---

std::int64_t Row::integer(std::size_t i) const {
  const Value& value = values.at(i);
  if (const auto* number = std::get_if<std::int64_t>(&value)) return *number;
  if (std::holds_alternative<std::nullptr_t>(value)) return 0;
  // PostgreSQL returns numeric results (SUM of integers) as text: accept integral text.
  const auto& text = std::get<std::string>(value);
  std::int64_t number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc{} || end != text.data() + text.size())
    throw std::logic_error(fmt::format("column {} is not an integer: \"{}\"", i, text));
  return number;
}

std::string Row::text(std::size_t i) const {
  const Value& value = values.at(i);
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* number = std::get_if<std::int64_t>(&value)) return fmt::to_string(*number);
  return {};
}

// --- connect ---

namespace {

bool starts_with_any(std::string_view text, std::initializer_list<std::string_view> prefixes) {
  for (auto prefix : prefixes)
    if (text.starts_with(prefix)) return true;
  return false;
}

}  // namespace

Backend backend_of(const std::string& url) {
  return starts_with_any(url, {"postgresql://", "postgres://"}) ? Backend::postgresql : Backend::sqlite;
}

Result<std::unique_ptr<Connection>> connect(const std::string& url) {
  if (backend_of(url) == Backend::postgresql) return detail::open_postgres(url);
  std::string path = url;
  if (path.starts_with("sqlite://")) path.erase(0, 9);  // sqlite:///var/lib/x.db
  else if (path.starts_with("sqlite:")) path.erase(0, 7);
  if (path.empty()) return fail(Errc::invalid_input, fmt::format("no SQLite file named in database URL \"{}\"", url));
  return detail::open_sqlite(path);
}

namespace detail {

std::string shortened(std::string_view sql) {
  constexpr std::size_t limit = 120;
  if (sql.size() <= limit) return std::string(sql);
  return fmt::format("{}...", sql.substr(0, limit));
}

// The store writes PostgreSQL's $N placeholders; SQLite spells the same numbered
// parameter ?N. Both backends scan the text the same way, so both refuse the same SQL. String literals, quoted identifiers and comments are copied unchanged, so
// a '$1' inside a literal stays text on both backends. Any other '$' (a PostgreSQL
// dollar-quoted string, a SQLite $name parameter) and a bare '?' are refused rather than
// guessed at: they would mean different things on the two backends.
Result<Placeholders> scan_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  std::size_t highest = 0;
  std::size_t i = 0;
  auto copy_until = [&](std::string_view terminator, bool doubled_escapes) {
    // Copies from i (just past the opening) through the terminator, or to the end.
    while (i < sql.size()) {
      if (sql.substr(i).starts_with(terminator)) {
        if (doubled_escapes && sql.substr(i + terminator.size()).starts_with(terminator)) {
          out.append(terminator).append(terminator);
          i += 2 * terminator.size();
          continue;
        }
        out.append(terminator);
        i += terminator.size();
        return;
      }
      out.push_back(sql[i++]);
    }
  };
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      out.push_back(c);
      ++i;
      copy_until(std::string_view(&sql[i - 1], 1), true);
    } else if (sql.substr(i).starts_with("--")) {
      copy_until("\n", false);
    } else if (sql.substr(i).starts_with("/*")) {
      out.append("/*");
      i += 2;
      copy_until("*/", false);
    } else if (c == '$') {
      std::size_t digits = i + 1;
      while (digits < sql.size() && std::isdigit(static_cast<unsigned char>(sql[digits]))) ++digits;
      if (digits == i + 1 || sql[i + 1] == '0')
        return fail(Errc::invalid_input,
                    fmt::format("'$' at offset {} is not a $1, $2, ... placeholder (dollar quoting and named "
                                "parameters are not supported): {}",
                                i, shortened(sql)));
      std::size_t number = 0;
      auto [end, error] = std::from_chars(sql.data() + i + 1, sql.data() + digits, number);
      if (error != std::errc{} || number > 32766)
        return fail(Errc::invalid_input, fmt::format("placeholder at offset {} is out of range: {}", i, shortened(sql)));
      highest = std::max(highest, number);
      out.push_back('?');
      out.append(sql.substr(i + 1, digits - i - 1));
      i = digits;
    } else if (c == '?') {
      return fail(Errc::invalid_input,
                  fmt::format("'?' at offset {}: write placeholders as $1, $2, ...: {}", i, shortened(sql)));
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return Placeholders{std::move(out), highest};
}

std::string redacted(std::string_view url) {
  std::string result(url);
  auto scheme_end = result.find("://");
  if (scheme_end != std::string::npos) {
    auto authority_start = scheme_end + 3;
    auto authority_end = result.find_first_of("/?", authority_start);
    if (authority_end == std::string::npos) authority_end = result.size();
    auto at = result.rfind('@', authority_end);
    if (at != std::string::npos && at >= authority_start) {
      auto colon = result.find(':', authority_start);
      if (colon != std::string::npos && colon < at) result.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // libpq also takes the password as a query parameter.
  for (auto key = result.find("password="); key != std::string::npos; key = result.find("password=", key + 1)) {
    if (key != 0 && result[key - 1] != '?' && result[key - 1] != '&') continue;
    auto value_start = key + 9;
    auto value_end = result.find('&', value_start);
    if (value_end == std::string::npos) value_end = result.size();
    result.replace(value_start, value_end - value_start, "***");
  }
  return result;
}

Result<void> check_parameters(std::span<const Value> params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const auto* text = std::get_if<std::string>(&params[i]);
    if (text && text->find('\0') != std::string::npos)
      return fail(Errc::invalid_input, fmt::format("parameter ${} contains a NUL character", i + 1));
  }
  return {};
}

}  // namespace detail

// --- Transaction ---

Result<Transaction> Transaction::begin(Connection& connection, bool write) {
  if (auto begun = connection.begin(write); !begun) return std::unexpected(begun.error());
  return Transaction(connection);
}

Transaction::Transaction(Transaction&& other) noexcept : connection_(std::exchange(other.connection_, nullptr)) {}

Transaction::~Transaction() {
  if (connection_) (void)connection_->rollback();
}

Result<void> Transaction::commit() {
  if (!connection_) return fail(Errc::storage_io, "commit of a transaction that is already finished");
  // A failed COMMIT leaves connection_ set: the destructor rolls back what may still be open.
  if (auto committed = connection_->commit(); !committed) return committed;
  connection_ = nullptr;
  return {};
}

// --- Pool ---

Result<std::unique_ptr<Pool>> Pool::open(const std::string& url, std::size_t size) {
  if (size == 0) return fail(Errc::invalid_input, "a database pool needs at least one connection");
  auto pool = std::make_unique<Pool>();
  pool->backend_ = backend_of(url);
  pool->idle_.reserve(size);
  for (std::size_t i = 0; i < size; ++i) {
    auto connection = connect(url);
    if (!connection)
      return fail(connection.error().code, fmt::format("opening database connection {} of {} to {}: {}", i + 1, size,
                                                       detail::redacted(url), connection.error().message));
    pool->idle_.push_back(std::move(*connection));
  }
  return pool;
}

Pool::Lease Pool::lease() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [this] { return !idle_.empty(); });
  auto connection = std::move(idle_.back());
  idle_.pop_back();
  return Lease(*this, std::move(connection));
}

void Pool::give_back(std::unique_ptr<Connection> connection) {
  // A request that returned early may have left a transaction open; the next one must not
  // inherit it (or its locks).
  (void)connection->rollback();
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  available_.notify_one();
}

Pool::Lease::~Lease() {
  if (connection_) pool_->give_back(std::move(connection_));
}

}  // namespace checkin::sql
