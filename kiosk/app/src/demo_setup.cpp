// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/app/demo_setup.hpp"

#include "checkin/app/pin_guard.hpp"

namespace checkin::app {

Result<DemoSetup> prepare_demo(const std::filesystem::path& dir, store::Store& store, WallTime now) {
  DemoSetup setup{demo::make_demo_data(now), dir / "camera", {}};
  if (auto ok = demo::write_demo_files(setup.data, dir); !ok) return std::unexpected(ok.error());
  std::error_code ec;
  std::filesystem::remove_all(setup.frames_dir, ec);
  // People arrive one after another: a check-in, a volunteer, someone without a name on
  // file, a lost pass, a discreet group member, a visitor, and the first person again.
  auto frames = demo::write_demo_camera_frames(setup.data, {"ben", "vic", "ana", "revoked", "dee", "visitor", "ben"},
                                               setup.frames_dir);
  if (!frames) return std::unexpected(frames.error());

  std::vector<store::Revocation> revoked;
  for (const auto& id : setup.data.revoked) revoked.push_back({id, now});
  store::PublicKeyRecord key{setup.data.key.public_key().key_id(), setup.data.key.public_key().to_hex()};
  for (auto ok : {store.replace_schedule(setup.data.kiosk_schedule()), store.replace_roster(setup.data.roster),
                  store.replace_revocations(revoked), store.save_public_keys(std::span(&key, 1)),
                  store.set_setting("site_name", setup.data.site.name)})
    if (!ok) return std::unexpected(ok.error());
  auto pin = PinGuard::hash(kDemoPin);
  if (!pin) return std::unexpected(pin.error());
  setup.pin_hash = *pin;
  return setup;
}

}  // namespace checkin::app
