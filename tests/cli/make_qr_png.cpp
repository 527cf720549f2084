// SPDX-License-Identifier: AGPL-3.0-or-later
// Test helper: writes any text (read from a file, bytes as they are) as a QR code PNG.
#include <fstream>
#include <iostream>
#include <sstream>

#include "checkin/qr/encode.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: make_qr_png TEXT_FILE OUT.png\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto matrix = checkin::qr::encode(text.str());
  if (!matrix) {
    std::cerr << matrix.error().message << "\n";
    return 1;
  }
  auto ok = checkin::qr::render_png(*matrix, argv[2], 6);
  if (!ok) std::cerr << ok.error().message << "\n";
  return ok ? 0 : 1;
}
