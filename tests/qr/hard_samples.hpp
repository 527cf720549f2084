// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The sample folders of the kinds real photos are missed for: codes on fabric and
// bottles, low-resolution and huge photos, thin quiet zones, and text in other
// character sets than UTF-8 (see hard_samples.cpp).
#include "sample_kit.hpp"

namespace checkin::qr::samples {

void make_fabric(Folder& folder, Random& random, PassIssuer& passes);
void make_bottle(Folder& folder, Random& random, PassIssuer& passes);
void make_low_res(Folder& folder, Random& random, PassIssuer& passes);
void make_tiny_in_large(Folder& folder, Random& random, PassIssuer& passes);
void make_thin_quiet_zone(Folder& folder, Random& random, PassIssuer& passes);
void make_charset(Folder& folder, Random& random, PassIssuer& passes);

// Helpers for expected texts.
bool is_utf8(std::string_view bytes);
std::string latin1_as_utf8(std::string_view bytes);

}  // namespace checkin::qr::samples
