// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/app/settings_book.hpp"

#include <algorithm>
#include <cstdlib>

namespace checkin::app {

namespace {

std::string join(const std::set<Id>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

std::set<Id> split(std::string_view text) {
  std::set<Id> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto part = text.substr(0, comma);
    if (!part.empty()) out.emplace(part);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

SettingsBook::SettingsBook(store::Store& store, KioskSettings defaults)
    : store_(store), defaults_(std::move(defaults)), settings_(defaults_) {}

Result<void> SettingsBook::reload() {
  auto saved = store_.all_settings();
  if (!saved) return std::unexpected(saved.error());
  settings_ = defaults_;
  auto apply = [&](const std::string& prefix) {
    auto get = [&](const char* key) -> const std::string* {
      auto it = saved->find(prefix + key);
      return it == saved->end() ? nullptr : &it->second;
    };
    if (auto v = get("language")) settings_.language = *v;
    if (auto v = get("volume")) settings_.volume = std::clamp(std::atoi(v->c_str()), 0, 100);
    if (auto v = get("discreet_mode")) settings_.discreet_mode = *v == "true";
    if (auto v = get("high_contrast")) settings_.high_contrast = *v == "true";
    if (auto v = get("feedback")) settings_.feedback = *v != "false";
    if (!prefix.empty()) {  // what only the server says
      if (auto v = get("privacy_contact")) settings_.privacy_contact = *v;
      if (auto v = get("retention_discreet_days")) settings_.retention_discreet_days = std::clamp(std::atoi(v->c_str()), 1, 3650);
      if (auto v = get("retention_other_days")) settings_.retention_other_days = std::clamp(std::atoi(v->c_str()), 1, 3650);
    }
    if (prefix.empty()) {  // local matters, never set centrally
      if (auto v = get("export_dir")) settings_.export_dir = *v;
      if (auto v = get("unserved")) settings_.unserved = split(*v);
    }
  };
  apply(std::string(store::kCentralSettingPrefix));
  apply("");
  return {};
}

Result<void> SettingsBook::save(std::string_view key) {
  std::string value;
  if (key == "language") value = settings_.language;
  else if (key == "volume") value = std::to_string(settings_.volume);
  else if (key == "discreet_mode") value = settings_.discreet_mode ? "true" : "false";
  else if (key == "high_contrast") value = settings_.high_contrast ? "true" : "false";
  else if (key == "feedback") value = settings_.feedback ? "true" : "false";
  else if (key == "export_dir") value = settings_.export_dir;
  else if (key == "unserved") value = join(settings_.unserved);
  else return fail(Errc::invalid_input, "no kiosk setting named " + std::string(key));
  return store_.set_setting(key, value);
}

}  // namespace checkin::app
