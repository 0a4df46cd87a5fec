// SPDX-License-Identifier: Apache-2.0
// Rego tokens (OPA's ast/internal/scanner): identifiers, numbers, strings ("…" with JSON escapes,
// `raw`), operators and punctuation. Newlines separate body expressions, so each token records
// whether a newline or whitespace came before it. Errors name file:line:column.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace coco::rego {

enum class Tok {
  Eof, Ident, Number, String, RawString,
  LBrace, RBrace, LBrack, RBrack, LParen, RParen,
  Dot, Comma, Semi, Colon, Assign /* := */, Unify /* = */, Eq, Neq, Lt, Lte, Gt, Gte,
  Plus, Minus, Star, Slash, Percent, Amp, Pipe,
};

struct Token {
  Tok kind = Tok::Eof;
  std::string text;  // identifier, number literal, or decoded string
  std::uint32_t line = 0, col = 0;
  std::size_t begin = 0, end = 0;  // byte offsets in the source
  bool nl_before = false;
  bool ws_before = false;
};

// Tokenizes a whole module; throws coco::Error on a bad character or unterminated string.
std::vector<Token> tokenize(std::string_view src, const std::string& file);

}  // namespace coco::rego
