// SPDX-License-Identifier: AGPL-3.0-or-later
// Sample folders for what real photos are missed for. Each stays deterministic (fixed
// seeds) and grows harder through the folder, so a threshold says how far a decoder gets.
#include "hard_samples.hpp"

#include <iconv.h>
#include <qrencode.h>

#include <memory>
#include <vector>

namespace checkin::qr::samples {

namespace {

// A URL of the kind enrolment codes and posters carry: a second kind of content.
std::string some_url(Random& random) {
  std::string token;
  for (int i = 0; i < random.integer(8, 40); ++i) token += "abcdefghijkmnpqrstuvwxyz23456789"[random.integer(0, 31)];
  return "https://checkin.example.org/e/" + token;
}

}  // namespace

// Printed on a T-shirt, a tote bag or a lanyard: woven texture, wrinkles and one to
// three creases, the folds growing deeper through the folder.
void make_fabric(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 20; ++i) {
    const std::string text = i % 4 == 3 ? some_url(random) : passes.next();
    const QrMatrix matrix = encoded(text);
    const Document flat = code_document(matrix, static_cast<float>(random.uniform(25, 70)), static_cast<float>(random.uniform(180, 235)));
    const double severity = i / 19.0;
    std::vector<Crease> creases;
    for (int c = random.integer(1, 3); c > 0; --c)
      creases.push_back(Crease{Vec2{flat.width * random.uniform(0.25, 0.75), flat.height * random.uniform(0.25, 0.75)},
                               random.uniform(0, 360), random.uniform(0.6, 2.0), (0.15 + 0.9 * severity) * random.uniform(0.5, 1.0),
                               random.uniform(0.2, 0.6)});
    const Document cloth = on_cloth(flat, creases, random.uniform(0.25, 0.45), static_cast<float>(random.uniform(0.08, 0.25)),
                                    random.uniform(0.1, 0.3 + 0.5 * severity), random.uniform(8, 25), random.uniform(0, 6.3));
    Canvas scene = cluttered_background(800, 600, random);
    const Quad quad = placed_by_code(cloth, 49 * random.uniform(4, 6), random.uniform(-40, 40), centre_of(scene));
    paint(scene, cloth, tilted(quad, random.uniform(-20, 20), random.uniform(-20, 20)), Sampling::area, 3);
    folder.add(camera(std::move(scene), random, 0.7, 4), text, random.integer(80, 92));
  }
}

// On a bottle, a mug or a rolled-up leaflet: wrapped around a tight cylinder (the
// code's edges seen at a steep angle), with a highlight running along it.
void make_bottle(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 16; ++i) {
    const std::string text = i % 2 == 1 ? some_url(random) : passes.next();
    const Document flat = code_document(encoded(text), static_cast<float>(random.uniform(15, 50)), static_cast<float>(random.uniform(190, 240)));
    const Document round = bent(flat, flat.code_width * (0.85 - 0.45 * i / 15.0));  // tighter through the folder
    const Document shiny = i % 3 == 0 ? round
                                      : with_highlight(round, round.width * random.uniform(0.3, 0.7),
                                                       round.width * random.uniform(0.04, 0.12), random.uniform(100, 260));
    Canvas scene = cluttered_background(800, 600, random);
    const double turn = (i % 4 == 1 ? 90 : 0) + random.uniform(-15, 15);  // a lying bottle, a curled page
    const Quad quad = placed_by_code(shiny, 49 * random.uniform(4, 6), turn, centre_of(scene));
    paint(scene, shiny, tilted(quad, random.uniform(-15, 15), random.uniform(-25, 25)), Sampling::area, 3);
    folder.add(camera(std::move(scene), random, 0.7, 3), text, random.integer(80, 92));
  }
}

// Thumbnails and old phones: 240x240 pictures of a code of two or three pixels a module,
// blurred and compressed.
void make_low_res(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 20; ++i) {
    const std::string text = i % 2 == 1 ? some_url(random) : passes.next();
    const QrMatrix matrix = encoded(text);
    const Document document = i % 3 == 2 ? card_document(matrix, random) : code_document(matrix, static_cast<float>(random.uniform(15, 50)), static_cast<float>(random.uniform(190, 240)));
    Canvas scene = cluttered_background(240, 240, random);
    const double code_size = std::min(225.0, (matrix.size + 8) * random.uniform(1.7, 3.2));
    const Quad quad = placed_by_code(document, code_size, random.uniform(-30, 30),
                                     Vec2{120 + random.uniform(-8, 8), 120 + random.uniform(-8, 8)});
    paint(scene, document, tilted(quad, random.uniform(-15, 15), random.uniform(-15, 15)), Sampling::area, 4);
    folder.add(camera(std::move(scene), random, random.uniform(0.5, 0.9), 3), text, random.integer(55, 85));
  }
}

// A 12-megapixel photo of a room where the code is a card on a noticeboard: a few
// hundred pixels of a 4000-pixel frame.
void make_tiny_in_large(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 8; ++i) {
    const std::string text = i % 2 == 1 ? some_url(random) : passes.next();
    const QrMatrix matrix = encoded(text);
    const Document document = some_carrier(matrix, random);
    const bool portrait = i % 3 == 1;
    const int long_side = i % 2 == 0 ? 4000 : 3200, short_side = long_side * 3 / 4;
    Canvas scene = cluttered_background(portrait ? short_side : long_side, portrait ? long_side : short_side, random);
    const double code_size = (matrix.size + 8) * random.uniform(1.7, 3.5);
    const Vec2 where{scene.width * random.uniform(0.15, 0.85), scene.height * random.uniform(0.15, 0.85)};
    paint(scene, document, tilted(placed_by_code(document, code_size, random.uniform(-30, 30), where), random.uniform(-25, 25), random.uniform(-25, 25)),
          Sampling::area, 3);
    folder.add(camera(std::move(scene), random, random.uniform(0.8, 1.4), random.uniform(4, 9)), text, random.integer(80, 92));
  }
}

// Designs that crowd the code: under a module of light margin, then a dark panel, text
// lines or a pattern of blocks.
void make_thin_quiet_zone(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 20; ++i) {
    const std::string text = i % 3 == 2 ? some_url(random) : passes.next();
    const double margin = 1.2 * (1 - i / 19.0) * random.uniform(0.6, 1.0);  // down to none
    const Document design = in_busy_design(encoded(text), margin, random.uniform(3, 8), random);
    Canvas scene = cluttered_background(800, 600, random);
    const Quad quad = placed_by_code(design, 49 * random.uniform(3.5, 5.5), random.uniform(-40, 40), centre_of(scene));
    paint(scene, design, tilted(quad, random.uniform(-20, 20), random.uniform(-20, 20)));
    folder.add(camera(std::move(scene), random), text);
  }
}

// --- character sets ---------------------------------------------------------------

namespace {

// Text from one character set to another, through the C library's converters.
std::string converted(const std::string& text, const char* from, const char* to) {
  const iconv_t converter = iconv_open(to, from);
  if (converter == reinterpret_cast<iconv_t>(-1)) throw std::runtime_error(std::string("no converter to ") + to);
  std::string input = text;
  std::string output(input.size() * 4 + 8, '\0');
  char* in = input.data();
  char* out = output.data();
  std::size_t in_left = input.size(), out_left = output.size();
  const std::size_t result = iconv(converter, &in, &in_left, &out, &out_left);
  iconv_close(converter);
  if (result == static_cast<std::size_t>(-1)) throw std::runtime_error(std::string("text not representable in ") + to);
  output.resize(output.size() - out_left);
  return output;
}

std::string in_charset(const std::string& utf8, const char* charset) { return converted(utf8, "UTF-8", charset); }

// How a code's content is put into it: which ECI designator comes first (0: none) and
// whether double-byte Shift_JIS characters use the QR standard's Kanji mode.
struct Segments {
  int eci = 0;
  bool kanji_mode = false;
};

QrMatrix encoded_bytes(const std::string& bytes, Segments segments) {
  std::unique_ptr<QRcode, void (*)(QRcode*)> code(nullptr, QRcode_free);
  if (segments.kanji_mode) {
    code.reset(QRcode_encodeString(bytes.c_str(), 0, QR_ECLEVEL_M, QR_MODE_KANJI, 1));
  } else {
    std::unique_ptr<QRinput, void (*)(QRinput*)> input(QRinput_new2(0, QR_ECLEVEL_M), QRinput_free);
    if (!input || (segments.eci > 0 && QRinput_appendECIheader(input.get(), static_cast<unsigned>(segments.eci)) != 0) ||
        QRinput_append(input.get(), QR_MODE_8, static_cast<int>(bytes.size()), reinterpret_cast<const unsigned char*>(bytes.data())) != 0)
      throw std::runtime_error("cannot build QR input");
    code.reset(QRcode_encodeInput(input.get()));
  }
  if (!code) throw std::runtime_error("cannot encode sample bytes");
  QrMatrix matrix;
  matrix.version = code->version;
  matrix.size = code->width;
  matrix.modules.resize(static_cast<std::size_t>(code->width) * code->width);
  for (std::size_t i = 0; i < matrix.modules.size(); ++i) matrix.modules[i] = code->data[i] & 1;
  return matrix;
}

}  // namespace

bool is_utf8(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size();) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    const std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 6 ? 2 : (lead >> 4) == 14 ? 3 : (lead >> 3) == 30 ? 4 : 0;
    if (length == 0 || i + length > bytes.size()) return false;
    for (std::size_t k = 1; k < length; ++k)
      if ((static_cast<unsigned char>(bytes[i + k]) >> 6) != 2) return false;
    i += length;
  }
  return true;
}

std::string latin1_as_utf8(std::string_view bytes) { return converted(std::string(bytes), "ISO-8859-1", "UTF-8"); }

// Japanese and Chinese notices, and German, in the character sets their makers use,
// with an ECI designator that says so and without one (the common case).
void make_charset(Folder& folder, Random& random, PassIssuer&) {
  struct Sample {
    const char* utf8;
    const char* charset;  // iconv's name for the bytes in the code
    Segments segments;
  };
  const Sample samples[] = {
      {"受付はこちらです。本日のミーティングは午後七時から三階の会議室です。", "CP932", {}},
      {"受付はこちらです。本日のミーティングは午後七時から三階の会議室です。", "CP932", {.eci = 20}},
      {"受付はこちらです。本日のミーティングは午後七時から三階の会議室です。", "CP932", {.kanji_mode = true}},
      {"ようこそ、ピアサポートの会へ。https://example.jp/q?id=42", "CP932", {}},
      {"ようこそ、ピアサポートの会へ。https://example.jp/q?id=42", "CP932", {.eci = 20}},
      {"東京都渋谷区神南１－２－３　コミュニティセンター", "CP932", {}},
      {"東京都渋谷区神南１－２－３　コミュニティセンター", "CP932", {.kanji_mode = true}},
      {"欢迎参加今晚的互助小组活动，签到请扫码。", "GB2312", {}},
      {"欢迎参加今晚的互助小组活动，签到请扫码。", "GB2312", {.eci = 29}},
      {"北京市朝阳区社区服务中心三楼活动室", "GB2312", {}},
      {"北京市朝阳区社区服务中心三楼活动室", "GB2312", {.eci = 29}},
      {"Grüße aus Köln: Treffen um 19 Uhr, Raum 3", "ISO-8859-1", {.eci = 3}},
      {"Grüße aus Köln: Treffen um 19 Uhr, Raum 3", "ISO-8859-1", {}},
      {"Grüße aus Köln ✓ 受付", "UTF-8", {.eci = 26}},
  };
  for (const Sample& sample : samples) {
    const std::string bytes = in_charset(sample.utf8, sample.charset);
    const Document document = code_document(encoded_bytes(bytes, sample.segments), 25, 230);
    Canvas scene = cluttered_background(640, 480, random);
    paint(scene, document, placed_by_code(document, 49 * random.uniform(3.5, 5), random.uniform(-30, 30), centre_of(scene)));
    folder.add(camera(std::move(scene), random), sample.utf8, 0, bytes);
  }
}

}  // namespace checkin::qr::samples
