// SPDX-License-Identifier: Apache-2.0
#include "rego/lexer.h"

#include "rego/value.h"
#include "util/error.h"

namespace coco::rego {

namespace {

bool ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }
bool digit(char c) { return c >= '0' && c <= '9'; }


}  // namespace

std::vector<Token> tokenize(std::string_view src, const std::string& file) {
  std::vector<Token> out;
  std::size_t i = 0;
  std::uint32_t line = 1, col = 1;
  bool nl = false, ws = false;
  auto where = [&](std::uint32_t l, std::uint32_t c) {
    return file + ":" + std::to_string(l) + ":" + std::to_string(c);
  };
  auto advance = [&](std::size_t n) {
    for (std::size_t k = 0; k < n && i < src.size(); ++k, ++i) {
      if (src[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
  };
  while (i < src.size()) {
    char c = src[i];
    if (c == '\n') {
      nl = true;
      ws = true;
      advance(1);
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ws = true;
      advance(1);
      continue;
    }
    if (c == '#') {
      while (i < src.size() && src[i] != '\n') advance(1);
      continue;
    }
    Token t;
    t.line = line;
    t.col = col;
    t.begin = i;
    t.nl_before = nl;
    t.ws_before = ws;
    nl = ws = false;
    if (ident_start(c)) {
      std::size_t j = i;
      while (j < src.size() && ident_char(src[j])) ++j;
      t.kind = Tok::Ident;
      t.text = std::string(src.substr(i, j - i));
      advance(j - i);
    } else if (digit(c) || (c == '.' && i + 1 < src.size() && digit(src[i + 1]) && false)) {
      std::size_t j = i;
      while (j < src.size() && digit(src[j])) ++j;
      if (j + 1 < src.size() && src[j] == '.' && digit(src[j + 1])) {
        ++j;
        while (j < src.size() && digit(src[j])) ++j;
      }
      if (j < src.size() && (src[j] == 'e' || src[j] == 'E')) {
        std::size_t k = j + 1;
        if (k < src.size() && (src[k] == '+' || src[k] == '-')) ++k;
        if (k < src.size() && digit(src[k])) {
          j = k;
          while (j < src.size() && digit(src[j])) ++j;
        }
      }
      t.kind = Tok::Number;
      t.text = std::string(src.substr(i, j - i));
      advance(j - i);
    } else if (c == '"') {
      std::string s;
      std::size_t j = i + 1;
      for (;;) {
        if (j >= src.size() || src[j] == '\n') throw Error(Exit::Failure, where(t.line, t.col), "unterminated string");
        char d = src[j];
        if (d == '"') break;
        if (d == '\\') {
          if (j + 1 >= src.size()) throw Error(Exit::Failure, where(t.line, t.col), "unterminated string");
          char e = src[j + 1];
          j += 2;
          switch (e) {
            case '"': s.push_back('"'); break;
            case '\\': s.push_back('\\'); break;
            case '/': s.push_back('/'); break;
            case 'b': s.push_back('\b'); break;
            case 'f': s.push_back('\f'); break;
            case 'n': s.push_back('\n'); break;
            case 'r': s.push_back('\r'); break;
            case 't': s.push_back('\t'); break;
            case 'u': {
              auto hex4 = [&](std::size_t at) -> std::uint32_t {
                if (at + 4 > src.size()) throw Error(Exit::Failure, where(t.line, t.col), "bad \\u escape");
                std::uint32_t v = 0;
                for (std::size_t k = at; k < at + 4; ++k) {
                  char h = src[k];
                  v <<= 4;
                  if (h >= '0' && h <= '9') v |= static_cast<std::uint32_t>(h - '0');
                  else if (h >= 'a' && h <= 'f') v |= static_cast<std::uint32_t>(h - 'a' + 10);
                  else if (h >= 'A' && h <= 'F') v |= static_cast<std::uint32_t>(h - 'A' + 10);
                  else throw Error(Exit::Failure, where(t.line, t.col), "bad \\u escape");
                }
                return v;
              };
              std::uint32_t cp = hex4(j);
              j += 4;
              if (cp >= 0xD800 && cp < 0xDC00 && j + 6 <= src.size() && src[j] == '\\' && src[j + 1] == 'u') {
                std::uint32_t lo = hex4(j + 2);
                if (lo >= 0xDC00 && lo < 0xE000) {
                  cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                  j += 6;
                }
              }
              append_utf8(s, cp);
              break;
            }
            default:
              throw Error(Exit::Failure, where(t.line, t.col), std::string("bad escape \\") + e + " in string");
          }
          continue;
        }
        s.push_back(d);
        ++j;
      }
      t.kind = Tok::String;
      t.text = std::move(s);
      advance(j + 1 - i);
    } else if (c == '`') {
      std::size_t j = src.find('`', i + 1);
      if (j == std::string_view::npos) throw Error(Exit::Failure, where(t.line, t.col), "unterminated raw string");
      t.kind = Tok::RawString;
      t.text = std::string(src.substr(i + 1, j - i - 1));
      advance(j + 1 - i);
    } else {
      auto two = [&](char a, char b) { return c == a && i + 1 < src.size() && src[i + 1] == b; };
      std::size_t n = 1;
      if (two(':', '=')) { t.kind = Tok::Assign; n = 2; }
      else if (two('=', '=')) { t.kind = Tok::Eq; n = 2; }
      else if (two('!', '=')) { t.kind = Tok::Neq; n = 2; }
      else if (two('<', '=')) { t.kind = Tok::Lte; n = 2; }
      else if (two('>', '=')) { t.kind = Tok::Gte; n = 2; }
      else {
        switch (c) {
          case '{': t.kind = Tok::LBrace; break;
          case '}': t.kind = Tok::RBrace; break;
          case '[': t.kind = Tok::LBrack; break;
          case ']': t.kind = Tok::RBrack; break;
          case '(': t.kind = Tok::LParen; break;
          case ')': t.kind = Tok::RParen; break;
          case '.': t.kind = Tok::Dot; break;
          case ',': t.kind = Tok::Comma; break;
          case ';': t.kind = Tok::Semi; break;
          case ':': t.kind = Tok::Colon; break;
          case '=': t.kind = Tok::Unify; break;
          case '<': t.kind = Tok::Lt; break;
          case '>': t.kind = Tok::Gt; break;
          case '+': t.kind = Tok::Plus; break;
          case '-': t.kind = Tok::Minus; break;
          case '*': t.kind = Tok::Star; break;
          case '/': t.kind = Tok::Slash; break;
          case '%': t.kind = Tok::Percent; break;
          case '&': t.kind = Tok::Amp; break;
          case '|': t.kind = Tok::Pipe; break;
          default: {
            std::string shown = (c >= 0x20 && c < 0x7f) ? std::string(1, c) : "\\x" + std::to_string(static_cast<unsigned char>(c));
            throw Error(Exit::Failure, where(line, col), "unexpected character '" + shown + "'");
          }
        }
      }
      t.text = std::string(src.substr(i, n));
      advance(n);
    }
    t.end = i;
    out.push_back(std::move(t));
  }
  Token eof;
  eof.kind = Tok::Eof;
  eof.line = line;
  eof.col = col;
  eof.begin = eof.end = src.size();
  eof.nl_before = true;
  out.push_back(eof);
  return out;
}

}  // namespace coco::rego
