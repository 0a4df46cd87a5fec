// SPDX-License-Identifier: Apache-2.0
// Reading an initdata TOML that coco did not write (initdata.h): TOML 1.0 §Strings for the four
// string forms, §Keys for bare and quoted keys, §Table for [data]. A hand-written scanner over
// the bytes; nothing nests, so nothing recurses.
#include <cctype>
#include <cstdint>

#include "policy/initdata.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/utf8.h"

namespace coco::policy {
namespace {

class TomlReader {
 public:
  TomlReader(std::string_view t, const std::string& where) : t_(t), where_(where) {}

  Initdata read() {
    Initdata out;
    std::string table;  // "" top level, "data", or another (named in unsupported)
    while (skip_blank_lines(), p_ < t_.size()) {
      const std::size_t line = line_;
      if (t_[p_] == '[') {
        if (t_.substr(p_, 2) == "[[") fail_here("arrays of tables are not initdata");
        ++p_;
        skip_ws();
        table = key();
        skip_ws();
        if (at() == '.') fail_here("dotted table names are not initdata");
        expect(']');
        end_of_line();
        if (table != "data") out.unsupported.push_back("line " + std::to_string(line) + ": [" + table + "]");
        continue;
      }
      const std::string k = key();
      skip_ws();
      if (at() == '.') {
        out.unsupported.push_back("line " + std::to_string(line) + ": dotted key " + k + ".…");
        skip_line();
        continue;
      }
      expect('=');
      skip_ws();
      const char c = at();
      if (c != '"' && c != '\'') {
        out.unsupported.push_back("line " + std::to_string(line) + ": " + k + " is not a string");
        skip_line();
        continue;
      }
      std::string v = string_value();
      end_of_line();
      if (table.empty() && (k == "version" || k == "algorithm")) {
        (k == "version" ? out.version : out.algorithm) = std::move(v);
      } else if (table == "data") {
        if (out.data.count(k)) fail_at(line, "duplicate key '" + k + "' in [data]");
        out.data[k] = std::move(v);
      } else if (table.empty()) {
        out.unsupported.push_back("line " + std::to_string(line) + ": " + k);
      }
    }
    return out;
  }

 private:
  char at(std::size_t o = 0) const { return p_ + o < t_.size() ? t_[p_ + o] : '\0'; }
  [[noreturn]] void fail_at(std::size_t line, const std::string& what) const {
    fail(where_, "initdata TOML line " + std::to_string(line) + ": " + what);
  }
  [[noreturn]] void fail_here(const std::string& what) const { fail_at(line_, what); }
  void advance() {
    if (t_[p_] == '\n') ++line_;
    ++p_;
  }
  void skip_ws() {
    while (at() == ' ' || at() == '\t') ++p_;
  }
  void skip_line() {
    while (p_ < t_.size() && t_[p_] != '\n') ++p_;
  }
  void skip_blank_lines() {
    for (;;) {
      skip_ws();
      if (at() == '#') skip_line();
      if (at() == '\r' && at(1) == '\n') ++p_;
      if (at() != '\n') return;
      advance();
    }
  }
  void end_of_line() {
    skip_ws();
    if (at() == '#') skip_line();
    if (at() == '\r') ++p_;
    if (p_ < t_.size() && at() != '\n') fail_here(std::string("unexpected '") + at() + "' after the value");
  }
  void expect(char c) {
    if (at() != c) fail_here(std::string("expected '") + c + "'");
    ++p_;
  }
  std::string key() {
    if (at() == '"' || at() == '\'') {
      if (at(1) == at() && at(2) == at()) fail_here("a multi-line string cannot be a key");
      return string_value();
    }
    const std::size_t b = p_;
    while (std::isalnum(static_cast<unsigned char>(at())) || at() == '_' || at() == '-') ++p_;
    if (p_ == b) fail_here("expected a key");
    return std::string(t_.substr(b, p_ - b));
  }

  std::string string_value() {
    const char q = at();
    const std::size_t start_line = line_;
    const bool multi = at(1) == q && at(2) == q;
    p_ += multi ? 3 : 1;
    if (multi && at() == '\r' && at(1) == '\n') ++p_;
    if (multi && at() == '\n') advance();  // a newline right after the opening quotes is trimmed
    std::string out;
    for (;;) {
      if (p_ >= t_.size()) fail_at(start_line, "unterminated string");
      const char c = t_[p_];
      if (c == q && !multi) {
        ++p_;
        return out;
      }
      if (c == q) {  // three or more: the last three close, up to two before them are text
        std::size_t n = 0;
        while (at(n) == q) ++n;
        if (n > 5) fail_here("more than five quotes in a row");
        if (n >= 3) {
          out.append(n - 3, q);
          p_ += n;
          return out;
        }
      }
      if (c == '\n' && !multi) fail_here("a single-line string runs past the line end");
      if (q == '"' && c == '\\') {
        escape(out, multi);
        continue;
      }
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
        fail_here("a control character in a string");
      out += c;
      advance();
    }
  }

  void escape(std::string& out, bool multi) {
    ++p_;
    const char e = at();
    switch (e) {
      case 'b': out += '\b'; break;
      case 't': out += '\t'; break;
      case 'n': out += '\n'; break;
      case 'f': out += '\f'; break;
      case 'r': out += '\r'; break;
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case 'u':
      case 'U': {
        const int n = e == 'u' ? 4 : 8;
        std::uint32_t cp = 0;
        for (int i = 1; i <= n; ++i) {
          const char h = at(static_cast<std::size_t>(i));
          if (!std::isxdigit(static_cast<unsigned char>(h))) fail_here("a bad \\u escape");
          cp = cp * 16 + static_cast<std::uint32_t>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (h | 0x20) - 'a' + 10);
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) fail_here("an escape that is not a Unicode scalar value");
        append_utf8(out, static_cast<char32_t>(cp));
        p_ += static_cast<std::size_t>(n) + 1;
        return;
      }
      default:
        if (multi && (e == ' ' || e == '\t' || e == '\r' || e == '\n')) {  // line-ending backslash
          std::size_t q = p_;
          while (q < t_.size() && (t_[q] == ' ' || t_[q] == '\t')) ++q;
          if (q < t_.size() && t_[q] != '\n' && t_[q] != '\r') fail_here("a backslash before text");
          while (p_ < t_.size() && (t_[p_] == ' ' || t_[p_] == '\t' || t_[p_] == '\r' || t_[p_] == '\n')) advance();
          return;
        }
        fail_here(std::string("unknown escape \\") + e);
    }
    ++p_;
  }


  std::string_view t_;
  const std::string& where_;
  std::size_t p_ = 0, line_ = 1;
};

}  // namespace

Initdata parse_initdata_toml(std::string_view toml, const std::string& where) {
  if (invalid_utf8_at(toml) != std::string_view::npos) fail(where, "initdata TOML is not UTF-8");
  return TomlReader(toml, where).read();
}

Initdata decode_initdata_annotation(const std::string& value, const std::string& where) {
  const ByteVec gz = from_base64(value, where);
  return parse_initdata_toml(gunzip(gz, where), where);
}

}  // namespace coco::policy
