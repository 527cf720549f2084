// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// What staff can change on a kiosk, in layers: the configuration file's values, then what
// coordinators set for the site on the server (sync keeps them as "central.<key>"), then
// what staff chose on this kiosk's admin screen (saved key by key, only when changed here),
// so a restart keeps them.
#include <set>
#include <string>
#include <string_view>

#include "checkin/core/domain.hpp"
#include "checkin/core/error.hpp"
#include "checkin/store/store.hpp"

namespace checkin::app {

struct KioskSettings {
  std::string language = "en";
  int volume = 40;
  bool discreet_mode = false;
  bool high_contrast = false;
  // Ask for a rating at check-out. Off where the queue can see the screen: the question
  // and the faces are then never shown at this kiosk.
  bool feedback = true;
  std::string export_dir = "/media/usb";
  std::set<Id> unserved;  // sessions and shifts staff turned off on this kiosk
  // The privacy notice, from the server only: who to ask, and its retention periods.
  std::string privacy_contact;
  int retention_discreet_days = 90;
  int retention_other_days = 730;
};

class SettingsBook {
 public:
  SettingsBook(store::Store& store, KioskSettings defaults);

  // Reads the layers again: at start, and when sync brought the site's settings.
  Result<void> reload();
  const KioskSettings& get() const { return settings_; }

  // Changes one setting on this kiosk (`edit` gets the settings to change) and saves it
  // under `key` ("language", "volume", "discreet_mode", "high_contrast", "feedback", "export_dir",
  // "unserved"). The change holds even when saving fails; the error says so.
  template <class Edit>
  Result<void> change(std::string_view key, Edit edit) {
    edit(settings_);
    return save(key);
  }

 private:
  Result<void> save(std::string_view key);

  store::Store& store_;
  KioskSettings defaults_;
  KioskSettings settings_;
};

}  // namespace checkin::app
