// SPDX-License-Identifier: Apache-2.0
// A ustar header built byte by byte, for tests that hand-craft (and break) tar layers.
#pragma once

#include <cstdio>
#include <string>

#include "util/bytes.h"

namespace coco::test {

// One 512-byte header: mode 0644, uid/gid 0, mtime 0, "ustar\000" magic, checksum filled in.
// `size_field` replaces the octal size when a test needs a malformed one.
inline ByteVec ustar_header(const std::string& name, char type, std::size_t size, const std::string& link = "",
                            const std::string& size_field = "") {
  ByteVec h(512, 0);
  const auto put = [&](std::size_t off, const std::string& s) {
    for (std::size_t i = 0; i < s.size() && off + i < h.size(); ++i) h[off + i] = static_cast<std::uint8_t>(s[i]);
  };
  char sz[16];
  std::snprintf(sz, sizeof sz, "%011o", static_cast<unsigned>(size));
  put(0, name.substr(0, 100));
  put(100, "0000644");
  put(108, "0000000");
  put(116, "0000000");
  put(124, size_field.empty() ? std::string(sz) : size_field);
  put(136, "00000000000");
  h[156] = static_cast<std::uint8_t>(type);
  put(157, link);
  put(257, std::string("ustar\0" "00", 8));
  put(148, "        ");
  unsigned sum = 0;
  for (auto b : h) sum += b;
  char chk[8];
  std::snprintf(chk, sizeof chk, "%06o", sum);
  put(148, std::string(chk, 7));
  return h;
}

}  // namespace coco::test
