// SPDX-License-Identifier: AGPL-3.0-or-later
// Request and Response helpers, and the text formats the web brings: percent-encoding,
// url-encoded and multipart forms, media type parameters, Accept-Encoding.
#include <algorithm>
#include <cctype>

#include "checkin/server/http_message.hpp"

namespace checkin::server {

namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = lower(c);
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A quoted-string's content (RFC 9110 5.6.4) at the start of `text` (after the opening
// quote was seen), with `used` set to what it took including the closing quote.
std::optional<std::string> quoted(std::string_view text, std::size_t& used) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      out += text[++i];
    } else if (text[i] == '"') {
      used = i + 1;
      return out;
    } else {
      out += text[i];
    }
  }
  return std::nullopt;
}

// Parameters after a value: `; name=value; other="quoted"`. Names lower-cased.
std::vector<std::pair<std::string, std::string>> parameters(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  auto semicolon = text.find(';');
  if (semicolon == std::string_view::npos) return out;
  text.remove_prefix(semicolon + 1);
  while (!text.empty()) {
    text = trim(text);
    auto equals = text.find('=');
    auto next = text.find(';');
    if (equals == std::string_view::npos || (next != std::string_view::npos && next < equals)) {
      if (next == std::string_view::npos) break;
      text.remove_prefix(next + 1);
      continue;
    }
    std::string name = lowercase(trim(text.substr(0, equals)));
    text.remove_prefix(equals + 1);
    text = trim(text);
    std::string value;
    if (!text.empty() && text.front() == '"') {
      std::size_t used = 0;
      auto content = quoted(text.substr(1), used);
      if (!content) break;
      value = std::move(*content);
      text.remove_prefix(1 + used);
      auto rest = text.find(';');
      text = rest == std::string_view::npos ? std::string_view{} : text.substr(rest + 1);
    } else {
      auto end = text.find(';');
      value = std::string(trim(text.substr(0, end)));
      text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    }
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

std::optional<UploadedFile> multipart_part(std::string_view part) {
  // Headers, an empty line, the content.
  auto blank = part.find("\r\n\r\n");
  std::string_view head;
  std::string_view content;
  if (part.starts_with("\r\n")) {
    content = part.substr(2);
  } else {
    if (blank == std::string_view::npos) return std::nullopt;
    head = part.substr(0, blank);
    content = part.substr(blank + 4);
  }
  // A NUL in a field's name or file name is in no form a browser sends (found by libFuzzer).
  if (head.find('\0') != std::string_view::npos) return std::nullopt;
  UploadedFile file;
  bool form_data = false;
  while (!head.empty()) {
    auto end = head.find("\r\n");
    std::string_view line = head.substr(0, end);
    head = end == std::string_view::npos ? std::string_view{} : head.substr(end + 2);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view name = line.substr(0, colon);
    std::string_view value = trim(line.substr(colon + 1));
    if (same_header_name(name, "Content-Disposition")) {
      auto kind = lowercase(trim(value.substr(0, value.find(';'))));
      if (kind != "form-data") return std::nullopt;
      form_data = true;
      for (auto& [key, text] : parameters(value)) {
        if (key == "name") file.name = std::move(text);
        else if (key == "filename") file.filename = std::move(text);
      }
    } else if (same_header_name(name, "Content-Type")) {
      file.content_type = std::string(value);
    }
  }
  if (!form_data || file.name.empty()) return std::nullopt;
  file.content = std::string(content);
  return file;
}

}  // namespace

bool same_header_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

void Headers::add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }

void Headers::set(std::string name, std::string value) {
  erase(name);
  add(std::move(name), std::move(value));
}

void Headers::erase(std::string_view name) {
  std::erase_if(fields_, [&](const Field& field) { return same_header_name(field.first, name); });
}

const std::string* Headers::find(std::string_view name) const {
  for (const auto& field : fields_)
    if (same_header_name(field.first, name)) return &field.second;
  return nullptr;
}

std::string Headers::get(std::string_view name) const {
  const auto* value = find(name);
  return value ? *value : std::string{};
}

std::size_t Headers::count(std::string_view name) const {
  return static_cast<std::size_t>(
      std::ranges::count_if(fields_, [&](const Field& field) { return same_header_name(field.first, name); }));
}

std::string Fields::get(std::string_view name) const {
  for (const auto& [key, value] : fields_)
    if (key == name) return value;
  return {};
}

bool Fields::has(std::string_view name) const {
  return std::ranges::any_of(fields_, [&](const Field& field) { return field.first == name; });
}

std::vector<std::string> Fields::all(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : fields_)
    if (key == name) values.push_back(value);
  return values;
}

const UploadedFile* Form::file(std::string_view name) const {
  for (const auto& file : files)
    if (file.name == name) return &file;
  return nullptr;
}

const char* to_string(Wake wake) {
  switch (wake) {
    case Wake::notified: return "notified";
    case Wake::deadline: return "deadline";
    case Wake::stopping: return "stopping";
  }
  return "stopping";
}

std::string Request::media_type() const {
  auto type = header("Content-Type");
  return lowercase(trim(std::string_view(type).substr(0, type.find(';'))));
}

const Form& Request::form() const {
  if (form_) return *form_;
  Form form;
  const auto type = media_type();
  if (type == "application/x-www-form-urlencoded") {
    auto fields = parse_urlencoded(body);
    if (fields) form.fields = std::move(*fields);
    else form.malformed = true;
  } else if (type == "multipart/form-data") {
    auto parsed = parse_multipart(body, media_type_parameter(header("Content-Type"), "boundary"));
    if (parsed) form = std::move(*parsed);
    else form.malformed = true;
  }
  form_ = std::move(form);
  return *form_;
}

void Response::set_content(std::string content, std::string_view content_type) {
  body = std::move(content);
  headers.set("Content-Type", std::string(content_type));
}

void Response::park(std::vector<std::string> topics, std::chrono::steady_clock::time_point deadline, Resume resume) {
  parking_ = Parking{std::move(topics), deadline, std::move(resume)};
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_digit(text[i + 1]);
      const int low = hex_digit(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

std::optional<Fields> parse_urlencoded(std::string_view text) {
  Fields fields;
  while (!text.empty()) {
    auto amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    if (pair.empty()) continue;
    auto equals = pair.find('=');
    auto name = percent_decode(pair.substr(0, equals), true);
    auto value = percent_decode(equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1), true);
    if (!name || !value) return std::nullopt;
    // A NUL is in no text anyone types, and databases refuse it in text columns.
    if (name->find('\0') != std::string::npos || value->find('\0') != std::string::npos) return std::nullopt;
    fields.add(std::move(*name), std::move(*value));
  }
  return fields;
}

std::optional<Form> parse_multipart(std::string_view body, std::string_view boundary) {
  // RFC 2046 5.1.1: 1 to 70 characters.
  if (boundary.empty() || boundary.size() > 70) return std::nullopt;
  const std::string delimiter = "--" + std::string(boundary);
  const std::string next_delimiter = "\r\n" + delimiter;
  std::size_t at = 0;
  if (body.starts_with(delimiter)) {
    at = delimiter.size();
  } else {
    auto first = body.find(next_delimiter);  // after a preamble
    if (first == std::string_view::npos) return std::nullopt;
    at = first + next_delimiter.size();
  }
  Form form;
  while (true) {
    if (body.substr(at).starts_with("--")) return form;  // the close delimiter
    // Transport padding, then the line end.
    while (at < body.size() && (body[at] == ' ' || body[at] == '\t')) ++at;
    if (!body.substr(at).starts_with("\r\n")) return std::nullopt;
    at += 2;
    auto end = body.find(next_delimiter, at);
    if (end == std::string_view::npos) return std::nullopt;
    auto part = multipart_part(body.substr(at, end - at));
    if (!part) return std::nullopt;
    if (part->filename.empty() && part->content_type.empty()) {
      if (part->content.find('\0') != std::string::npos) return std::nullopt;
      form.fields.add(std::move(part->name), std::move(part->content));
    } else {
      form.files.push_back(std::move(*part));
    }
    at = end + next_delimiter.size();
  }
}

std::string media_type_parameter(std::string_view content_type, std::string_view name) {
  for (auto& [key, value] : parameters(content_type))
    if (key == lowercase(name)) return value;
  return {};
}

bool accepts_gzip(std::string_view accept_encoding) {
  std::optional<bool> gzip;
  bool any = false;
  while (!accept_encoding.empty()) {
    auto comma = accept_encoding.find(',');
    std::string_view item = trim(accept_encoding.substr(0, comma));
    accept_encoding = comma == std::string_view::npos ? std::string_view{} : accept_encoding.substr(comma + 1);
    auto coding = lowercase(trim(item.substr(0, item.find(';'))));
    bool allowed = true;
    for (auto& [key, value] : parameters(item))
      if (key == "q") allowed = value.find_first_not_of("0.") != std::string::npos;
    if (coding == "gzip" || coding == "x-gzip") gzip = allowed;
    else if (coding == "*") any = allowed;
  }
  return gzip.value_or(any);
}

}  // namespace checkin::server
