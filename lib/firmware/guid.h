// SPDX-License-Identifier: Apache-2.0
// EFI GUIDs as stored in firmware: the first three fields little-endian, the last 8 bytes as
// written ("mixed-endian"), so 96b582de-1fb2-… is stored de 82 b5 96 b2 1f ….
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace coco::firmware {

using Guid = std::array<std::uint8_t, 16>;

// From the canonical text form; a malformed literal fails to compile when used in a constexpr.
constexpr Guid guid(std::string_view text) {
  auto nibble = [](char c) -> std::uint8_t {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<std::uint8_t>(c - 'A' + 10);
    throw "not a hex digit in a GUID";
  };
  if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-')
    throw "a GUID is written xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
  std::array<std::uint8_t, 16> be{};  // in text order
  for (std::size_t i = 0, j = 0; i < 36; ++i) {
    if (text[i] == '-') continue;
    be[j / 2] = static_cast<std::uint8_t>(be[j / 2] << 4 | nibble(text[i]));
    ++j;
  }
  return Guid{be[3], be[2], be[1], be[0], be[5], be[4], be[7], be[6],
              be[8], be[9], be[10], be[11], be[12], be[13], be[14], be[15]};
}

std::string to_string(const Guid& g);  // canonical lower-case text form

}  // namespace coco::firmware
