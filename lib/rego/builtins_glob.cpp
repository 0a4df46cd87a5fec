// SPDX-License-Identifier: Apache-2.0
// glob.match and glob.quote_meta (OPA's topdown/glob.go, which uses gobwas/glob): a glob is
// translated into an RE2 expression and matched whole.
//   *      any run of characters except the delimiters     **   any run of characters
//   ?      one character except a delimiter                 [abc] [a-c] [!abc]   one listed character
//   {a,b}  one of the alternatives (each itself a glob)     \c   the character c
// Delimiters default to "." when the operand is an empty array, and there are none when it is null.
#include <re2/re2.h>

#include "rego/builtins.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;

constexpr std::size_t kMaxBraceDepth = 64;

std::string re_char(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\x{%x}", static_cast<unsigned>(cp));
  return buf;
}

// The RE2 text of a glob; throws the builtin error for an unterminated class or brace.
std::string glob_to_re2(const BuiltinContext& c, const std::string& glob,
                        const std::vector<char32_t>& delims) {
  auto cps = utf8_decode(glob);
  std::string not_delim;
  if (delims.empty()) {
    not_delim = ".";
  } else {
    not_delim = "[^";
    for (char32_t d : delims) not_delim += re_char(d);
    not_delim += "]";
  }
  std::string re = "(?s)";
  std::size_t depth = 0;
  for (std::size_t i = 0; i < cps.size(); ++i) {
    char32_t ch = cps[i];
    switch (ch) {
      case '\\':
        if (i + 1 >= cps.size()) c.error("unexpected end of input after escape character");
        re += re_char(cps[++i]);
        break;
      case '*':
        if (i + 1 < cps.size() && cps[i + 1] == '*') {
          while (i + 1 < cps.size() && cps[i + 1] == '*') ++i;
          re += ".*";
        } else {
          re += not_delim + "*";
        }
        break;
      case '?':
        re += not_delim;
        break;
      case '[': {
        std::size_t j = i + 1;
        bool negate = j < cps.size() && cps[j] == '!';
        if (negate) ++j;
        std::string cls = negate ? "[^" : "[";
        bool any = false;
        for (; j < cps.size() && cps[j] != ']'; ++j) {
          char32_t lo = cps[j];
          if (lo == '\\' && j + 1 < cps.size()) lo = cps[++j];
          if (j + 2 < cps.size() && cps[j + 1] == '-' && cps[j + 2] != ']') {
            char32_t hi = cps[j + 2];
            if (hi < lo) c.error("invalid range in character class");
            cls += re_char(lo) + "-" + re_char(hi);
            j += 2;
          } else {
            cls += re_char(lo);
          }
          any = true;
        }
        if (j >= cps.size()) c.error("unexpected end of input in character class");
        if (!any) c.error("empty character class");
        re += cls + "]";
        i = j;
        break;
      }
      case '{':
        if (++depth > kMaxBraceDepth) c.error("alternatives nested too deeply");
        re += "(?:";
        break;
      case '}':
        if (depth == 0) {
          re += re_char(ch);
        } else {
          --depth;
          re += ")";
        }
        break;
      case ',':
        re += depth > 0 ? "|" : re_char(ch);
        break;
      default:
        re += re_char(ch);
    }
  }
  if (depth > 0) c.error("unexpected end of input: unterminated alternatives");
  return re;
}

std::vector<char32_t> delimiters(const BuiltinContext& c, Args a) {
  if (a[1].is_null()) return {};
  if (!a[1].is_array()) c.type_error(1, a[1], "array");
  std::vector<char32_t> out;
  for (const Value& d : a[1].as_array()) {
    if (!d.is_string()) c.type_error(1, a[1], "array of strings");
    for (char32_t cp : utf8_decode(d.as_string())) out.push_back(cp);
  }
  if (a[1].as_array().empty()) out.push_back('.');
  return out;
}

}  // namespace

void register_glob(Registry& r) {
  r.add("glob.match", 3, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const std::string& pattern = c.string_arg(a, 0);
    auto delims = delimiters(c, a);
    const std::string& text = c.string_arg(a, 2);
    RE2::Options opts;
    opts.set_log_errors(false);
    RE2 re(glob_to_re2(c, pattern, delims), opts);
    if (!re.ok()) c.error("invalid glob pattern: " + re.error());
    return Value::boolean(RE2::FullMatch(text, re));
  });
  r.add("glob.quote_meta", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    std::string out;
    for (char ch : c.string_arg(a, 0)) {
      if (ch == '*' || ch == '?' || ch == '\\' || ch == '[' || ch == ']' || ch == '{' || ch == '}')
        out.push_back('\\');
      out.push_back(ch);
    }
    return Value::string(std::move(out));
  });
}

}  // namespace coco::rego
