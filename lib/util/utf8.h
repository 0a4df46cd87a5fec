// SPDX-License-Identifier: Apache-2.0
// UTF-8 encoding of one code point: the Rego lexer and values, and the TOML readers of initdata
// and pod policies decode \u escapes with it.
#pragma once
#include <string>

namespace coco {

// Appends `c` UTF-8 encoded; the caller has checked that it is a Unicode scalar value.
void append_utf8(std::string& out, char32_t c);

}  // namespace coco
