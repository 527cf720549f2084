// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A QR code's content bytes as text people can read, in UTF-8. A code says how its bytes
// are encoded with an ECI designator (ZXing applies it); most codes have none, and then
// the encoding is a matter of convention: UTF-8 today, Shift_JIS in Japan (the QR
// standard's own Kanji mode), GB2312 in China, ISO-8859-1 in the 2005 standard's words.
#include <string>
#include <string_view>

namespace checkin::qr::detail {

// The content of a code without an ECI designator, as UTF-8: the bytes themselves when
// they are valid UTF-8; else Shift_JIS (Windows code page 932, what Japanese encoders
// write) or GB2312 when the bytes decode in it to plausible CJK text; else ISO-8859-1,
// which decodes any bytes.
std::string text_without_eci(std::string_view bytes);

bool is_valid_utf8(std::string_view bytes);

}  // namespace checkin::qr::detail
