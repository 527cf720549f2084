// SPDX-License-Identifier: AGPL-3.0-or-later
#include "text_encoding.hpp"

#include <iconv.h>

#include <cerrno>
#include <cstdint>
#include <optional>
#include <vector>

namespace checkin::qr::detail {

namespace {

// One UTF-8 sequence starting at bytes[i]: its code point and length, or nullopt when
// it is malformed (overlong, a surrogate, beyond U+10FFFF, truncated).
struct CodePoint {
  char32_t value;
  std::size_t length;
};

std::optional<CodePoint> utf8_at(std::string_view bytes, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(bytes[k]); };
  const std::uint8_t lead = byte(i);
  if (lead < 0x80) return CodePoint{lead, 1};
  std::size_t length = 0;
  char32_t value = 0, minimum = 0;
  if ((lead & 0xE0) == 0xC0) length = 2, value = lead & 0x1F, minimum = 0x80;
  else if ((lead & 0xF0) == 0xE0) length = 3, value = lead & 0x0F, minimum = 0x800;
  else if ((lead & 0xF8) == 0xF0) length = 4, value = lead & 0x07, minimum = 0x10000;
  else return std::nullopt;
  if (i + length > bytes.size()) return std::nullopt;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return std::nullopt;
    value = (value << 6) | (byte(i + k) & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return std::nullopt;
  return CodePoint{value, length};
}

// The bytes converted from `charset` to UTF-8 by the C library, or nullopt when any byte
// sequence is invalid or unmapped in it (no lossy substitution).
std::optional<std::string> converted(std::string_view bytes, const char* charset) {
  const iconv_t converter = iconv_open("UTF-8", charset);
  if (converter == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string input(bytes);
  std::vector<char> output(bytes.size() * 4 + 4);
  char* in = input.data();
  char* out = output.data();
  std::size_t in_left = input.size(), out_left = output.size();
  const std::size_t result = iconv(converter, &in, &in_left, &out, &out_left);
  iconv_close(converter);
  if (result == static_cast<std::size_t>(-1) || in_left != 0) return std::nullopt;
  return std::string(output.data(), out);
}

// Characters that CJK text is made of: ideographs, kana, CJK punctuation and full-width
// forms. Bytes of another encoding decoded by mistake as Shift_JIS or GB2312 give
// half-width katakana, private-use characters and rare symbols instead.
bool is_cjk_text_character(char32_t c) {
  return (c >= 0x3000 && c <= 0x30FF) ||  // CJK punctuation, hiragana, katakana
         (c >= 0x4E00 && c <= 0x9FFF) ||  // unified ideographs
         (c >= 0xFF01 && c <= 0xFF5E) ||  // full-width ASCII
         c == 0x00D7 || c == 0x00F7 || (c >= 0x2010 && c <= 0x203B) || (c >= 0x2190 && c <= 0x21FF) ||
         (c >= 0x2460 && c <= 0x24FF) || (c >= 0x25A0 && c <= 0x266F) || (c >= 0x0391 && c <= 0x03C9) ||
         (c >= 0x0410 && c <= 0x044F) || c == 0x00B0 || c == 0x00A7 || c == 0x00B6;
}

// Text (in UTF-8) whose every character is ASCII or a CJK text character, with at least
// one of the latter.
bool plausible_cjk(std::string_view text) {
  bool any_cjk = false;
  for (std::size_t i = 0; i < text.size();) {
    const auto point = utf8_at(text, i);
    if (!point) return false;
    if (point->value >= 0x80) {
      if (!is_cjk_text_character(point->value)) return false;
      any_cjk = true;
    }
    i += point->length;
  }
  return any_cjk;
}

std::string latin1_to_utf8(std::string_view bytes) {
  std::string text;
  text.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto byte = static_cast<std::uint8_t>(c);
    if (byte < 0x80) {
      text += c;
    } else {
      text += static_cast<char>(0xC0 | (byte >> 6));
      text += static_cast<char>(0x80 | (byte & 0x3F));
    }
  }
  return text;
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size();) {
    const auto point = utf8_at(bytes, i);
    if (!point) return false;
    i += point->length;
  }
  return true;
}

std::string text_without_eci(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return std::string(bytes);
  // Japanese Shift_JIS text rarely decodes as GB2312 (its lead bytes mostly lie outside
  // GB2312's), while Chinese GB2312 text often decodes as Shift_JIS into half-width
  // katakana, which the plausibility check refuses: so Shift_JIS first.
  for (const char* charset : {"CP932", "GB2312"})
    if (auto text = converted(bytes, charset); text && plausible_cjk(*text)) return std::move(*text);
  return latin1_to_utf8(bytes);
}

}  // namespace checkin::qr::detail
