// SPDX-License-Identifier: Apache-2.0
#include "k8s/yaml_text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cctype>

#include "util/encoding.h"
#include "util/output.h"

namespace coco::k8s {
namespace {

bool blank(char c) { return c == ' ' || c == '\t'; }
bool line_break(char c) { return c == '\n' || c == '\r'; }
bool flow_indicator(char c) { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'; }

}  // namespace

void text_unsupported(const std::string& why) { throw TextUnsupported{why}; }

YamlText::YamlText(std::string_view text) : t_(text) {
  if (t_.substr(0, 3) == "\xEF\xBB\xBF") bom_ = 3;
  const std::size_t nl = t_.find('\n');
  if (nl != std::string_view::npos && nl > 0 && t_[nl - 1] == '\r') nl_ = "\r\n";
}

std::size_t YamlText::line_start(std::size_t p) const {
  if (p == 0) return 0;
  const std::size_t n = t_.rfind('\n', std::min(p, t_.size()) - 1);
  return n == std::string_view::npos ? 0 : n + 1;
}

std::size_t YamlText::line_end(std::size_t p) const {
  while (p < t_.size() && !line_break(t_[p])) ++p;
  return p;
}

std::size_t YamlText::next_line(std::size_t p) const {
  const std::size_t n = t_.find('\n', p);
  return n == std::string_view::npos ? t_.size() : n + 1;
}

std::size_t YamlText::column(std::size_t p) const {
  const std::size_t s = line_start(p);
  return p - s - (s == 0 ? std::min(bom_, p) : 0);
}

std::size_t YamlText::skip_blanks(std::size_t p) const {
  while (p < t_.size() && blank(t_[p])) ++p;
  return p;
}

bool YamlText::comment_at(std::size_t p) const {
  return at(p) == '#' && (p == line_start(p) || blank(t_[p - 1]) || (p == bom_ && bom_ > 0));
}

std::size_t YamlText::skip_space_and_comments(std::size_t p) const {
  while (p < t_.size()) {
    if (blank(t_[p]) || line_break(t_[p]))
      ++p;
    else if (comment_at(p))
      p = line_end(p);
    else
      break;
  }
  return p;
}

std::size_t YamlText::skip_properties(std::size_t p) const {
  for (int i = 0; i < 2 && (at(p) == '&' || at(p) == '!'); ++i) {  // at most an anchor and a tag
    if (at(p) == '!' && at(p + 1) == '<') {
      const std::size_t close = t_.find('>', p);
      if (close == std::string_view::npos) text_unsupported("an unterminated verbatim tag");
      p = close + 1;
    } else {
      while (p < t_.size() && !blank(t_[p]) && !line_break(t_[p]) && !flow_indicator(t_[p])) ++p;
    }
    p = skip_space_and_comments(p);
  }
  return p;
}

std::size_t YamlText::quoted_end(std::size_t p) const {
  const char q = at(p);
  for (std::size_t i = p + 1; i < t_.size(); ++i) {
    if (q == '"' && t_[i] == '\\') {
      ++i;
    } else if (t_[i] == q) {
      if (q == '\'' && at(i + 1) == '\'') {
        ++i;
        continue;
      }
      return i + 1;
    }
  }
  text_unsupported("an unterminated quoted scalar");
}

std::size_t YamlText::scalar_end(std::size_t p, bool flow, std::size_t min_indent) const {
  const char c = at(p);
  if (c == '"' || c == '\'') return quoted_end(p);
  if ((c == '|' || c == '>') && !flow) {
    // Header, then content lines: the first non-blank line fixes the indentation (§8.1.1.1).
    std::size_t header = p + 1;
    while (header < t_.size() && !blank(t_[header]) && !line_break(t_[header])) {
      if (std::isdigit(static_cast<unsigned char>(t_[header]))) text_unsupported("a block scalar with an indentation indicator");
      ++header;
    }
    std::size_t end = header, indent = 0;
    for (std::size_t l = next_line(p); l < t_.size(); l = next_line(l)) {
      const std::size_t first = skip_blanks(l);
      if (first >= t_.size() || line_break(t_[first])) continue;  // blank lines belong to no one yet
      const std::size_t n = first - l;
      if (indent == 0) {
        if (n < min_indent || n == 0) break;
        indent = n;
      } else if (n < indent) {
        break;
      }
      end = line_end(l);
    }
    return end;
  }
  if (c == '*') {  // an alias: the name runs to a blank, a line end or a flow indicator
    std::size_t e = p + 1;
    while (e < t_.size() && !blank(t_[e]) && !line_break(t_[e]) && !flow_indicator(t_[e])) ++e;
    return e;
  }
  std::size_t e = p;
  while (e < t_.size() && !line_break(t_[e])) {
    if (t_[e] == '#' && e > p && blank(t_[e - 1])) break;
    if (flow && flow_indicator(t_[e])) break;
    if (t_[e] == ':' && (e + 1 >= t_.size() || blank(t_[e + 1]) || line_break(t_[e + 1]) || (flow && flow_indicator(t_[e + 1]))))
      break;
    ++e;
  }
  while (e > p && blank(t_[e - 1])) --e;
  return e;
}

YamlText::Flow YamlText::flow_extent(std::size_t open) const {
  Flow f;
  f.open = open;
  f.last = open + 1;
  std::size_t depth = 0;
  for (std::size_t i = open; i < t_.size();) {
    const char c = t_[i];
    if (c == '"' || c == '\'') {
      i = quoted_end(i);
      f.last = i;
      continue;
    }
    if (comment_at(i)) {
      i = line_end(i);
      continue;
    }
    if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) {
        f.close = i;
        return f;
      }
    }
    if (!blank(c) && !line_break(c) && i != open) f.last = i + 1;
    ++i;
  }
  text_unsupported("an unterminated flow collection");
}

std::size_t YamlText::block_mapping_end(std::size_t first_key) const {
  const std::size_t indent = column(first_key);
  std::size_t end = line_end(first_key);
  for (std::size_t l = next_line(first_key); l < t_.size(); l = next_line(l)) {
    const std::size_t first = skip_blanks(l);
    if (first >= t_.size() || line_break(t_[first])) continue;
    const std::string_view head = t_.substr(l, 4);
    if (l == line_start(l) && (head.starts_with("---") || head.starts_with("...")) &&
        (head.size() == 3 || blank(head[3]) || line_break(head[3])))
      break;  // a document marker ends every mapping
    if (first - l - (l == 0 ? bom_ : 0) < indent) break;
    end = line_end(l);
  }
  return end;  // the line break after it (or the end of the text) is where new lines go
}

std::size_t YamlText::null_token(std::size_t p) const {
  for (std::string_view w : {"null", "Null", "NULL", "~"}) {
    if (t_.substr(p, w.size()) != w) continue;
    const char next = at(p + w.size());
    if (next == '\0' || blank(next) || line_break(next) || flow_indicator(next)) return w.size();
  }
  return 0;
}

namespace {

// Byte classes of the scalar writers, looked up once per byte (the initdata annotation is ~15 KB).
constexpr std::uint8_t kJsonPlain = 1;   // JSON writes it as it is: printable ASCII but '"' and '\\'
constexpr std::uint8_t kPlainSafe = 2;   // letters, digits and "._/@:+=-": a plain scalar of these
                                         // reads back as the same string (but the words below)
constexpr std::uint8_t kSingleCut = 4;   // a control byte, DEL or '\'' (single quotes must do more)
constexpr std::array<std::uint8_t, 256> kByteClass = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') t[c] |= kJsonPlain;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
        c == '/' || c == '@' || c == ':' || c == '+' || c == '=' || c == '-')
      t[c] |= kPlainSafe;
    if (c < 0x20 || c == 0x7f || c == '\'') t[c] |= kSingleCut;
  }
  return t;
}();

bool all_in(const std::string& s, std::uint8_t cls) {
  return std::all_of(s.begin(), s.end(), [cls](char c) { return (kByteClass[static_cast<unsigned char>(c)] & cls) != 0; });
}

std::string quoted(char q, const std::string& s) {
  std::string out;
  out.reserve(s.size() + 2);
  return out.append(1, q).append(s).append(1, q);
}

}  // namespace

std::string yaml_double_quoted(const std::string& s) { return all_in(s, kJsonPlain) ? quoted('"', s) : Json(s).dump(); }

std::string yaml_single_quoted(const std::string& s) {
  if (std::none_of(s.begin(), s.end(), [](char c) { return (kByteClass[static_cast<unsigned char>(c)] & kSingleCut) != 0; }))
    return quoted('\'', s);
  std::string out = "'";
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return yaml_double_quoted(s);
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string yaml_plain_or_quoted(const std::string& s, bool flow) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return yaml_double_quoted(s);
  if (!all_in(s, kPlainSafe)) return yaml_double_quoted(s);
  if (flow || s.back() == ':') return yaml_double_quoted(s);
  if (s.size() <= 5) {
    const std::string lower = ascii_lower(s);
    for (const char* word : {"y", "n", "yes", "no", "true", "false", "on", "off", "null"})
      if (lower == word) return yaml_double_quoted(s);
  }
  return s;
}

}  // namespace coco::k8s
