// SPDX-License-Identifier: Apache-2.0
// UTF-8 encoding of one code point (the Rego lexer and values, and the TOML readers of initdata
// and pod policies decode \u escapes with it), and the width of an encoded one.
#pragma once
#include <string>

namespace coco {

// Appends `c` UTF-8 encoded; the caller has checked that it is a Unicode scalar value.
void append_utf8(std::string& out, char32_t c);

// The length of the UTF-8 sequence starting at s[pos] as its lead byte announces it, or 1 for a
// byte that leads nothing, a sequence cut short by the end, or pos past the end (Go's regexp
// steps one byte over invalid input the same way).
inline std::size_t utf8_sequence_width(const std::string& s, std::size_t pos) {
  if (pos >= s.size()) return 1;
  const auto b = static_cast<unsigned char>(s[pos]);
  const std::size_t w = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
  return pos + w <= s.size() ? w : 1;
}

}  // namespace coco
