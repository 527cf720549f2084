// SPDX-License-Identifier: AGPL-3.0-or-later
// Writes the QR blackbox sample set: one folder per kind of difficulty, each image
// beside a .txt file holding the exact text it encodes (zxing-cpp's layout), and a
// `falsepositives` folder of code-free images. Deterministic: fixed seeds only.
//
//   qr_generate_samples <output-dir> [folder...]    (default: all folders)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "checkin/qr/encode.hpp"
#include "checkin/qr/image.hpp"
#include "hard_samples.hpp"
#include "sample_kit.hpp"
#include "synthetic_images.hpp"

namespace fs = std::filesystem;
using namespace checkin::qr;
using namespace checkin::qr::synth;
using namespace checkin::qr::samples;

namespace {

// --- folders --------------------------------------------------------------------------

// Module sizes from below two pixels (a code far away) to 50 pixels (a phone photo
// filled by the code, 4000x3000). Large ones are saved as JPEG, as phones do.
void make_scale(Folder& folder, Random& random, PassIssuer& passes) {
  for (double module : {1.2, 1.4, 1.6, 1.8, 2.0, 2.3, 2.6, 3.0, 3.5, 4.0, 5.0, 6.0, 8.0, 10.0, 13.0, 16.0, 20.0, 25.0,
                        32.0, 40.0, 50.0}) {
    const std::string text = passes.next();
    const Document document = code_document(encoded(text), 25, 230);
    const double code_size = document.width * module;
    const bool photo_sized = module >= 20;
    const int height = static_cast<int>(code_size * (photo_sized ? random.uniform(1.05, 1.3) : random.uniform(1.15, 1.6))) + 40;
    const int width = photo_sized ? height * 4 / 3 : height;
    Canvas scene = cluttered_background(width, height, random);
    paint(scene, document, placed(document, code_size, random.uniform(-8, 8), centre_of(scene)), Sampling::area,
          module > 6 ? 2 : 4);
    folder.add(camera(std::move(scene), random, 0.5 + 0.02 * module, 3), text, photo_sized ? 88 : 0);
  }
}

// Every angle, not just right angles, on paper, cards and phones.
void make_rotation(Folder& folder, Random& random, PassIssuer& passes) {
  for (int degrees = 0; degrees < 360; degrees += 15) {
    const std::string text = passes.next();
    const Document document = some_carrier(encoded(text), random);
    Canvas scene = cluttered_background(640, 480, random);
    paint(scene, document, placed_by_code(document, 49 * random.uniform(2.6, 4.0), degrees + random.uniform(-2, 2), centre_of(scene)));
    folder.add(camera(std::move(scene), random), text);
  }
}

// Held at an angle to the camera: up to 60 degrees of yaw and pitch.
void make_perspective(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 24; ++i) {
    const std::string text = passes.next();
    const Document document = some_carrier(encoded(text), random);
    Canvas scene = cluttered_background(960, 720, random);
    const double strength = 15 + 45.0 * i / 23;  // degrees, growing through the folder
    const double yaw = strength * (random.chance(0.5) ? 1 : -1) * random.uniform(0.5, 1.0);
    const double pitch = strength * (random.chance(0.5) ? 1 : -1) * random.uniform(0.5, 1.0);
    const Quad quad = placed_by_code(document, 49 * random.uniform(5, 7), random.uniform(-30, 30), centre_of(scene));
    paint(scene, document, tilted(quad, yaw, pitch, random.uniform(1.2, 3)));
    folder.add(camera(std::move(scene), random), text);
  }
}

// Curved: cards curled in a hand, codes on bottles and curved screens.
void make_curved(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 12; ++i) {
    const std::string text = passes.next();
    const Document flat = some_carrier(encoded(text), random);
    const Document document = bent(flat, flat.code_width * (3.0 - 2.0 * i / 11));  // tighter through the folder
    Canvas scene = cluttered_background(800, 600, random);
    const Quad quad = placed_by_code(document, 49 * random.uniform(4, 6), random.uniform(-30, 30), centre_of(scene));
    paint(scene, document, tilted(quad, random.uniform(-15, 15), random.uniform(-15, 15)));
    folder.add(camera(std::move(scene), random), text);
  }
}

// Out of focus and shaken: Gaussian blur up to ~0.7 modules, motion blur up to 1.5.
void make_blur(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 24; ++i) {
    const std::string text = passes.next();
    const Document document = some_carrier(encoded(text), random);
    Canvas scene = cluttered_background(640, 480, random);
    const double module = random.uniform(4, 6);
    paint(scene, document, placed_by_code(document, 49 * module, random.uniform(0, 360), centre_of(scene)));
    const double severity = 0.15 + 0.55 * (i % 12) / 11.0;  // in modules
    if (i < 12) {
      gaussian_blur(scene, severity * module);
    } else {
      motion_blur(scene, 2 * severity * module + 2, random.uniform(0, 180));
    }
    folder.add(camera(std::move(scene), random, 0.4, 2), text);
  }
}

// Dark rooms make noisy pictures: Gaussian noise up to sigma 60, some salt and pepper.
void make_noise(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 20; ++i) {
    const std::string text = passes.next();
    const Document document = some_carrier(encoded(text), random);
    Canvas scene = cluttered_background(640, 480, random);
    paint(scene, document, placed_by_code(document, 49 * random.uniform(3, 5), random.uniform(0, 360), centre_of(scene)));
    gaussian_blur(scene, 0.6);
    add_sensor_noise(scene, random, 8 + 52.0 * i / 19);
    if (i % 3 == 2) add_salt_and_pepper(scene, random, random.uniform(0.005, 0.04));
    folder.add(scene.to_gray(), text);
  }
}

// Faded prints, dim rooms, grey-on-grey: 8 to 40 grey levels between dark and light.
void make_low_contrast(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 20; ++i) {
    const std::string text = passes.next();
    const float light = static_cast<float>(random.uniform(60, 220));
    const float dark = light - static_cast<float>(8 + 32.0 * i / 19);
    const Document document = code_document(encoded(text), dark, light);
    Canvas scene(640, 480, static_cast<float>(random.uniform(dark, light)));
    add_value_noise(scene, random, 160, 10);
    paint(scene, document, placed_by_code(document, 49 * random.uniform(3.5, 5), random.uniform(0, 360), centre_of(scene)));
    folder.add(camera(std::move(scene), random, 0.6, 2), text);
  }
}

// Light from one side, vignetting, and hard shadows cutting across the code.
void make_uneven_light(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 24; ++i) {
    const std::string text = passes.next();
    const Document document = some_carrier(encoded(text), random);
    Canvas scene = cluttered_background(800, 600, random);
    const double code_size = 49 * random.uniform(3.5, 5.5);
    const Quad quad = placed_by_code(document, code_size, random.uniform(0, 360), centre_of(scene));
    paint(scene, document, quad);
    const Vec2 code_centre = scene_point(document, quad, document.code_centre);
    switch (i % 4) {
      case 0: light_gradient(scene, random.uniform(0, 360), random.uniform(0.04, 0.3)); break;
      case 1: vignette(scene, code_centre.x + random.uniform(-1, 1) * code_size, code_centre.y + random.uniform(-1, 1) * code_size,
                       code_size * random.uniform(0.4, 0.9), random.uniform(0.03, 0.2)); break;
      case 2: hard_shadow(scene, code_centre, random.uniform(0, 360), random.uniform(0.1, 0.35), random.uniform(0.5, 4)); break;
      default:
        light_gradient(scene, random.uniform(0, 360), random.uniform(0.2, 0.5));
        hard_shadow(scene, Vec2{code_centre.x + random.uniform(-0.3, 0.3) * code_size, code_centre.y},
                    random.uniform(0, 360), random.uniform(0.15, 0.4), random.uniform(1, 6));
    }
    folder.add(camera(std::move(scene), random), text);
  }
}

// A lamp reflected in a glossy card or phone screen, saturating part of the code.
void make_glare(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 20; ++i) {
    const std::string text = passes.next();
    const Document document = some_carrier(encoded(text), random);
    Canvas scene = cluttered_background(800, 600, random);
    const double code_size = 49 * random.uniform(3.5, 5.5);
    const Quad quad = placed_by_code(document, code_size, random.uniform(0, 360), centre_of(scene));
    paint(scene, document, quad);
    const Vec2 code_centre = scene_point(document, quad, document.code_centre);
    const double radius = code_size * random.uniform(0.06, 0.16);
    glare(scene, code_centre.x + random.uniform(-0.35, 0.35) * code_size, code_centre.y + random.uniform(-0.35, 0.35) * code_size,
          radius * random.uniform(0.7, 1.6), radius * random.uniform(0.7, 1.6), random.uniform(200, 600));
    folder.add(camera(std::move(scene), random), text);
  }
}

// A phone screen filmed up close: its pixel grid beats against the camera's sensor
// grid (moire), sometimes with refresh-interference stripes on top.
void make_moire(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 24; ++i) {
    const std::string text = passes.next();
    PhoneLook look;
    look.screen_pixels_per_module = random.integer(5, 10);
    look.pixel_gap = random.uniform(0.2, 0.4);
    look.black = static_cast<float>(random.uniform(20, 70));
    look.white = static_cast<float>(random.uniform(200, 255));
    const Document document = phone_document(encoded(text), look);
    Canvas scene = cluttered_background(960, 720, random);
    // Camera pixels per screen pixel near 1 is where the two grids beat visibly.
    const double camera_per_screen_pixel = random.uniform(0.55, 1.4);
    const double code_size = document.code_width * camera_per_screen_pixel;
    const Quad quad = placed_by_code(document, code_size, random.uniform(-25, 25), centre_of(scene));
    paint(scene, document, tilted(quad, random.uniform(-20, 20), random.uniform(-20, 20)), Sampling::point);
    if (i % 2 == 1) interference(scene, random.uniform(6, 30), random.uniform(0, 180), static_cast<float>(random.uniform(10, 35)));
    folder.add(camera(std::move(scene), random, 0.3, 3), text, random.integer(70, 92));
  }
}

// The kiosk camera's view: a small code somewhere in a busy 1280x720 frame.
void make_small_in_frame(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 24; ++i) {
    const std::string text = passes.next();
    const Document document = some_carrier(encoded(text), random);
    Canvas scene = cluttered_background(1280, 720, random);
    const double module = 1.4 + 1.4 * (i % 12) / 11.0;
    const double code_size = 49 * module;
    const Vec2 where{random.uniform(code_size, 1280 - code_size), random.uniform(code_size, 720 - code_size)};
    const Quad quad = placed_by_code(document, code_size, random.uniform(-35, 35), where);
    paint(scene, document, tilted(quad, random.uniform(-15, 15), random.uniform(-15, 15)), Sampling::area, 4);
    folder.add(camera(std::move(scene), random, 0.5, 4), text, 85);
  }
}

// Held too close: the code fills the frame and its quiet zone is cut off by the frame
// edge, or a dark table or hand crowds it.
void make_close_up(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 20; ++i) {
    const std::string text = passes.next();
    const QrMatrix matrix = encoded(text);
    const Document document = code_document(matrix, static_cast<float>(random.uniform(15, 50)), static_cast<float>(random.uniform(190, 245)));
    const int width = i % 2 == 0 ? 640 : 960, height = width * 3 / 4;
    Canvas scene(width, height, static_cast<float>(random.uniform(20, 90)));
    add_value_noise(scene, random, width / 6.0, 25);
    // Quiet zone left visible above/below the code, in modules (the document has 4).
    const double margin = random.uniform(-0.2, 1.2);
    const double module = height / (matrix.size + 2 * margin);
    const Quad quad = placed(document, document.width * module, random.uniform(-4, 4), centre_of(scene));
    paint(scene, document, tilted(quad, random.uniform(-10, 10), random.uniform(-10, 10), 4));
    folder.add(camera(std::move(scene), random, 0.4 + 0.05 * module, 3), text);
  }
}

// Light modules on dark: "dark mode" apps, inverted prints.
void make_inverted(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 20; ++i) {
    const std::string text = passes.next();
    const QrMatrix matrix = encoded(text);
    Document document;
    if (i % 2 == 0) {
      document = code_document(matrix, static_cast<float>(random.uniform(190, 250)), static_cast<float>(random.uniform(10, 50)));
    } else {
      PhoneLook look;
      look.pixel_gap = 0;
      look.dark_mode = true;
      look.black = static_cast<float>(random.uniform(10, 40));
      look.white = static_cast<float>(random.uniform(180, 240));
      document = phone_document(matrix, look);
    }
    Canvas scene = cluttered_background(640, 480, random);
    const Quad quad = placed_by_code(document, 49 * random.uniform(3, 5), random.uniform(0, 360), centre_of(scene));
    paint(scene, document, tilted(quad, random.uniform(-25, 25), random.uniform(-25, 25)));
    folder.add(camera(std::move(scene), random), text);
  }
}

// Mirror images: selfie cameras and mirrored webcam previews. ZXing 1.4 cannot read
// them; zbar can.
void make_mirrored(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 8; ++i) {
    const std::string text = passes.next();
    const Document document = some_carrier(encoded(text), random);
    Canvas scene = cluttered_background(640, 480, random);
    Quad quad = placed_by_code(document, 49 * random.uniform(3, 5), random.uniform(0, 360), centre_of(scene));
    std::swap(quad[0], quad[1]);  // left and right exchanged: the document seen mirrored
    std::swap(quad[2], quad[3]);
    paint(scene, document, tilted(quad, random.uniform(-20, 20), random.uniform(-20, 20)));
    folder.add(camera(std::move(scene), random), text);
  }
}

// Heavily compressed frames (cheap webcams, messaging apps).
void make_jpeg(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 16; ++i) {
    const std::string text = passes.next();
    const Document document = some_carrier(encoded(text), random);
    Canvas scene = cluttered_background(640, 480, random);
    paint(scene, document, placed_by_code(document, 49 * random.uniform(2.2, 4), random.uniform(0, 360), centre_of(scene)));
    folder.add(camera(std::move(scene), random), text, 5 + i * 2);
  }
}

// Whole phone photos, 12 and 3 megapixels, saved as JPEG: a card, a bare code or a
// phone (its screen grid making moire) at an angle, anywhere from small to filling the
// picture, each with two of the troubles of real photos.
void make_photo(Folder& folder, Random& random, PassIssuer& passes) {
  for (int i = 0; i < 8; ++i) {
    const std::string text = passes.next();
    const QrMatrix matrix = encoded(text);
    Document document = some_carrier(matrix, random);
    const bool screen = i % 4 == 3;
    if (screen) {
      PhoneLook look;
      look.screen_pixels_per_module = random.integer(6, 12);
      look.pixel_gap = random.uniform(0.15, 0.3);
      document = phone_document(matrix, look);
    }
    const bool large = i % 4 == 0;
    const int long_side = large ? 4000 : 2000, short_side = long_side * 3 / 4;
    const bool portrait = i % 3 == 1;
    Canvas scene = cluttered_background(portrait ? short_side : long_side, portrait ? long_side : short_side, random);
    const double code_size = short_side * (0.08 + 0.75 * ((i * 3) % 8) / 7.0);
    const Quad quad = placed_by_code(document, code_size, random.uniform(0, 360),
                                     Vec2{scene.width * random.uniform(0.35, 0.65), scene.height * random.uniform(0.35, 0.65)});
    paint(scene, document, tilted(quad, random.uniform(-40, 40), random.uniform(-40, 40)),
          screen ? Sampling::point : Sampling::area, 2);
    const Vec2 code_centre = scene_point(document, quad, document.code_centre);
    for (int trouble : {i % 5, (i * 3 + 2) % 5}) {
      switch (trouble) {
        case 0: gaussian_blur(scene, code_size / 49 * random.uniform(0.2, 0.4)); break;  // out of focus
        case 1: add_sensor_noise(scene, random, random.uniform(8, 16)); break;
        case 2: light_gradient(scene, random.uniform(0, 360), random.uniform(0.15, 0.4)); break;
        case 3: squeeze_range(scene, static_cast<float>(random.uniform(40, 90)), static_cast<float>(random.uniform(120, 170))); break;
        default:
          glare(scene, code_centre.x + code_size * random.uniform(-0.3, 0.3), code_centre.y + code_size * random.uniform(-0.3, 0.3),
                code_size * 0.12, code_size * 0.1, random.uniform(150, 300));
      }
    }
    folder.add(camera(std::move(scene), random, random.uniform(0.8, 2), 4), text, random.integer(75, 92));
  }
}

// Other content than passes: numeric, URLs, lower case, UTF-8, binary with NUL bytes,
// and long texts (large versions with small modules).
void make_content(Folder& folder, Random& random, PassIssuer&) {
  std::vector<std::string> texts = {
      "1234567890",
      "HELLO WORLD",
      "https://checkin.example.org/enrol?token=Zx81-QpLm&pin=ab12",
      "The quick brown fox jumps over the lazy dog",
      "Gr\xC3\xBC\xC3\x9F" "e aus K\xC3\xB6ln \xE2\x9C\x93",
      std::string("\x00\x01\x02\xFF\xFE binary\x00tail", 17),
  };
  std::string long_text;
  for (int i = 0; i < 300; ++i) long_text += static_cast<char>('A' + random.integer(0, 25));
  texts.push_back(long_text);
  std::string longer_text;
  for (int i = 0; i < 700; ++i) longer_text += static_cast<char>(random.integer(32, 126));
  texts.push_back(longer_text);

  for (std::size_t i = 0; i < texts.size() * 2; ++i) {
    const std::string& text = texts[i % texts.size()];
    // Bytes that are not UTF-8 read as ISO-8859-1, the QR standard's default.
    const std::string expected_text = is_utf8(text) ? text : latin1_as_utf8(text);
    const QrMatrix matrix = encoded(text);
    const Document document = code_document(matrix, 25, 230);
    Canvas scene = cluttered_background(1024, 768, random);
    const double code_size = std::min(700.0, document.width * random.uniform(3, 5));
    paint(scene, document, placed(document, code_size, random.uniform(0, 360), centre_of(scene)));
    folder.add(camera(std::move(scene), random), expected_text, 0, text);
  }
}

// --- false positives: must decode nothing ------------------------------------------------

// Blobs and ellipses with dark spots, like faces and bodies in front of the kiosk.
Canvas faces_like(Random& random) {
  Canvas scene = cluttered_background(640, 480, random);
  add_value_noise(scene, random, 20, 25);
  for (int face = 0; face < random.integer(1, 3); ++face) {
    const double cx = random.uniform(100, 540), cy = random.uniform(100, 380), r = random.uniform(50, 120);
    const float skin = static_cast<float>(random.uniform(90, 210));
    for (int y = 0; y < scene.height; ++y)
      for (int x = 0; x < scene.width; ++x) {
        const double dx = (x - cx) / r, dy = (y - cy) / (r * 1.3);
        if (dx * dx + dy * dy < 1) scene.at(x, y) = skin;
        for (int eye : {-1, 1}) {
          const double ex = (x - (cx + eye * r * 0.4)) / (r * 0.15), ey = (y - (cy - r * 0.25)) / (r * 0.09);
          if (ex * ex + ey * ey < 1) scene.at(x, y) = 30;
        }
        const double mx = (x - cx) / (r * 0.4), my = (y - (cy + r * 0.55)) / (r * 0.08);
        if (mx * mx + my * my < 1) scene.at(x, y) = 60;
      }
  }
  return scene;
}

// Lines of glyph-like strokes, as on a poster or a printed sheet.
Canvas text_like(Random& random) {
  Canvas scene(640, 480, static_cast<float>(random.uniform(200, 245)));
  const double glyph = random.uniform(8, 22);
  for (double top = 20; top + glyph * 1.6 < 480; top += glyph * 1.7)
    for (double left = 20; left + glyph < 620; left += glyph * 0.8) {
      if (random.chance(0.15)) continue;  // word gaps
      for (int stroke = random.integer(1, 3); stroke > 0; --stroke) {
        // A stroke between two points of a 3x3 grid in the glyph's box.
        const double x0 = left + glyph * 0.3 * random.integer(0, 2), y0 = top + glyph * 0.6 * random.integer(0, 2);
        const double x1 = left + glyph * 0.3 * random.integer(0, 2), y1 = top + glyph * 0.6 * random.integer(0, 2);
        const int steps = static_cast<int>(std::hypot(x1 - x0, y1 - y0) * 2) + 1;
        const double pen = std::max(1.0, glyph / 8);
        for (int s = 0; s <= steps; ++s) {
          const double px = x0 + (x1 - x0) * s / steps, py = y0 + (y1 - y0) * s / steps;
          for (int y = static_cast<int>(py - pen); y <= static_cast<int>(py + pen); ++y)
            for (int x = static_cast<int>(px - pen); x <= static_cast<int>(px + pen); ++x)
              if (x >= 0 && y >= 0 && x < scene.width && y < scene.height) scene.at(x, y) = 25;
        }
      }
    }
  return scene;
}

// A 1D barcode: Code 128-like bars of one to four units, with quiet zones.
Canvas barcode_1d(Random& random) {
  std::vector<int> widths;
  for (int i = 0; i < random.integer(40, 90); ++i) widths.push_back(random.integer(1, 4));
  int total = 20;
  for (int w : widths) total += w;
  const double unit = std::min(3.5, 560.0 / total);
  Document bars{total * 1.0, 60.0, [=](double u, double) -> float {
                  double x = 10;
                  for (std::size_t i = 0; i < widths.size(); ++i) {
                    if (u < x + widths[i]) return (i % 2 == 0 && u >= 10 && u < total - 10) ? 20.0f : 235.0f;
                    x += widths[i];
                  }
                  return 235.0f;
                }};
  Canvas scene = cluttered_background(640, 480, random);
  paint(scene, bars, placed(bars, total * unit, random.uniform(-30, 30), centre_of(scene)));
  return scene;
}

// Data Matrix-like: solid L on two sides, alternating timing on the others, random
// modules inside. Or a plain checkerboard.
Canvas matrix_like(Random& random, bool checkerboard) {
  const int n = checkerboard ? random.integer(6, 16) : 2 * random.integer(6, 13);
  std::vector<std::uint8_t> cells(n * n);
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      bool dark = random.chance(0.5);
      if (checkerboard) dark = (x + y) % 2 == 0;
      else if (x == 0 || y == n - 1) dark = true;
      else if (y == 0) dark = x % 2 == 0;
      else if (x == n - 1) dark = y % 2 == 1;
      cells[y * n + x] = dark;
    }
  Document symbol{n + 4.0, n + 4.0, [=](double u, double v) -> float {
                    const int x = static_cast<int>(u) - 2, y = static_cast<int>(v) - 2;
                    return (x >= 0 && y >= 0 && x < n && y < n && cells[y * n + x]) ? 20.0f : 235.0f;
                  }};
  Canvas scene = cluttered_background(640, 480, random);
  paint(scene, symbol, placed(symbol, random.uniform(150, 400), random.uniform(0, 90), centre_of(scene)));
  return scene;
}

// A QR look-alike: three real finder patterns around random modules. Finder detection
// succeeds here, so only error correction stands between this and a false read.
Canvas qr_lookalike(Random& random) {
  QrMatrix fake;
  fake.version = 6;
  fake.size = 41;
  fake.modules.resize(41 * 41);
  for (auto& m : fake.modules) m = random.chance(0.5);
  auto finder = [&](int left, int top) {
    for (int y = -1; y < 8; ++y)
      for (int x = -1; x < 8; ++x) {
        const int mx = left + x, my = top + y;
        if (mx < 0 || my < 0 || mx >= 41 || my >= 41) continue;
        const int ring = std::max(std::abs(x - 3), std::abs(y - 3));
        fake.modules[my * 41 + mx] = ring == 4 ? 0 : (ring == 2 ? 0 : 1);
      }
  };
  finder(0, 0);
  finder(34, 0);
  finder(0, 34);
  const Document document = code_document(fake);
  Canvas scene = cluttered_background(640, 480, random);
  paint(scene, document, placed(document, 49 * random.uniform(3, 6), random.uniform(0, 360), centre_of(scene)));
  return scene;
}

void make_false_positives(Folder& folder, Random& random, PassIssuer&) {
  for (int i = 0; i < 24; ++i) {
    Canvas scene = [&] {
      switch (i % 6) {
        case 0: return faces_like(random);
        case 1: return text_like(random);
        case 2: return barcode_1d(random);
        case 3: return matrix_like(random, false);
        case 4: return matrix_like(random, true);
        default: return qr_lookalike(random);
      }
    }();
    folder.add(camera(std::move(scene), random), "");
  }
}

// FNV-1a: a seed from a name, the same on every platform (unlike std::hash).
std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : text) hash = (hash ^ static_cast<std::uint8_t>(c)) * 0x100000001b3ULL;
  return hash;
}

struct FolderRecipe {
  const char* name;
  void (*make)(Folder&, Random&, PassIssuer&);
};

const FolderRecipe kRecipes[] = {
    {"scale", make_scale},
    {"rotation", make_rotation},
    {"perspective", make_perspective},
    {"curved", make_curved},
    {"blur", make_blur},
    {"noise", make_noise},
    {"low_contrast", make_low_contrast},
    {"uneven_light", make_uneven_light},
    {"glare", make_glare},
    {"moire", make_moire},
    {"small_in_frame", make_small_in_frame},
    {"close_up", make_close_up},
    {"inverted", make_inverted},
    {"mirrored", make_mirrored},
    {"jpeg", make_jpeg},
    {"photo", make_photo},
    {"content", make_content},
    {"fabric", make_fabric},
    {"bottle", make_bottle},
    {"low_res", make_low_res},
    {"tiny_in_large", make_tiny_in_large},
    {"thin_quiet_zone", make_thin_quiet_zone},
    {"charset", make_charset},
    {"falsepositives", make_false_positives},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <output-dir> [folder...]\n", argv[0]);
    return 2;
  }
  const fs::path root = argv[1];
  const std::vector<std::string> only(argv + 2, argv + argc);
  auto wanted = [&](const char* name) { return only.empty() || std::find(only.begin(), only.end(), name) != only.end(); };

  // Folders are independent (each has its own seed), so two threads share them out.
  std::atomic<std::size_t> next_folder{0};
  std::atomic<bool> failed{false};
  auto worker = [&] {
    for (std::size_t i = next_folder++; i < std::size(kRecipes); i = next_folder++) {
      if (!wanted(kRecipes[i].name)) continue;
      try {
        const auto started = std::chrono::steady_clock::now();
        std::error_code ignored;
        fs::remove_all(root / kRecipes[i].name, ignored);
        Folder folder(root, kRecipes[i].name);
        // Seeds from the folder's name: adding or reordering folders changes no image.
        const std::uint64_t seed = fnv1a(kRecipes[i].name);
        Random random(seed);
        PassIssuer passes(seed + 1);
        kRecipes[i].make(folder, random, passes);
        std::printf("%-16s %5.1f s\n", kRecipes[i].name,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", kRecipes[i].name, e.what());
        failed = true;
      }
    }
  };
  std::thread helper(worker);
  worker();
  helper.join();
  return failed ? 1 : 0;
}
