// SPDX-License-Identifier: AGPL-3.0-or-later
#include "gzip.hpp"

#include <zlib.h>

namespace checkin::server::front {

std::optional<std::string> gzip(std::string_view data) {
  z_stream stream{};
  // 15 window bits + 16: a gzip wrapper, which every HTTP client reads as Content-Encoding gzip.
  if (deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  const auto written = stream.total_out;
  deflateEnd(&stream);
  if (result != Z_STREAM_END) return std::nullopt;
  out.resize(written);
  return out;
}

}  // namespace checkin::server::front
