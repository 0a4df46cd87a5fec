// SPDX-License-Identifier: Apache-2.0
// String builtins (OPA's topdown/strings.go semantics): strings are indexed by Unicode code point.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "rego/builtins.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;

Value str(std::string s) { return Value::string(std::move(s)); }

// Strings of an array or set operand (concat, any_prefix_match...).
std::vector<std::string> string_elems(const BuiltinContext& c, Args a, std::size_t i) {
  std::vector<std::string> out;
  auto take = [&](const Value& v) {
    if (!v.is_string()) c.type_error(i, a[i], "set of strings or array of strings");
    out.push_back(v.as_string());
  };
  if (a[i].is_array()) for (const auto& v : a[i].as_array()) take(v);
  else if (a[i].is_set()) for (const auto& v : a[i].as_set()) take(v);
  else c.type_error(i, a[i], "one of {set, array}");
  return out;
}

std::string replace_all(const std::string& s, const std::string& old, const std::string& with) {
  if (old.empty()) {  // Go inserts `with` around every code point
    auto cps = utf8_decode(s);
    std::string out = with;
    for (std::size_t i = 0; i < cps.size(); ++i) out += utf8_encode(cps, i, i + 1) + with;
    return out;
  }
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    auto f = s.find(old, pos);
    if (f == std::string::npos) break;
    out.append(s, pos, f - pos);
    out += with;
    pos = f + old.size();
  }
  out.append(s, pos, std::string::npos);
  return out;
}

bool in_cutset(char32_t c, const std::vector<char32_t>& cut) {
  return std::find(cut.begin(), cut.end(), c) != cut.end();
}

std::string trim_cps(const std::string& s, const std::string& cutset, bool left, bool right) {
  auto cps = utf8_decode(s);
  auto cut = utf8_decode(cutset);
  std::size_t b = 0, e = cps.size();
  if (left) while (b < e && in_cutset(cps[b], cut)) ++b;
  if (right) while (e > b && in_cutset(cps[e - 1], cut)) --e;
  return utf8_encode(cps, b, e);
}

bool is_space(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0x85 ||
         c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
         c == 0x202f || c == 0x205f || c == 0x3000;
}

std::string map_case(const std::string& s, bool upper) {
  auto cps = utf8_decode(s);
  for (auto& c : cps) {
    if (upper) {
      if ((c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7)) c -= 32;
    } else {
      if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7)) c += 32;
    }
  }
  return utf8_encode(cps);
}

// Index of sub in s, in code points, from code point `from`; -1 if absent.
std::int64_t index_cp(const std::vector<char32_t>& s, const std::vector<char32_t>& sub, std::size_t from) {
  if (sub.size() > s.size()) return -1;
  for (std::size_t i = from; i + sub.size() <= s.size(); ++i)
    if (std::equal(sub.begin(), sub.end(), s.begin() + static_cast<std::ptrdiff_t>(i))) return static_cast<std::int64_t>(i);
  return -1;
}

std::string int_to_base(__int128 v, int base) {
  if (v == 0) return "0";
  bool neg = v < 0;
  unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string s;
  while (u) {
    s.push_back("0123456789abcdef"[static_cast<int>(u % static_cast<unsigned>(base))]);
    u /= static_cast<unsigned>(base);
  }
  if (neg) s.push_back('-');
  return {s.rbegin(), s.rend()};
}

// Go fmt verbs as sprintf needs them: %v %s %d %f %e %g %x %X %o %b %q %t %%, flags - + 0 space #,
// width and precision.
std::string go_sprintf(const BuiltinContext& c, const std::string& fmt, const Array& args) {
  std::string out;
  std::size_t argi = 0;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') { out.push_back(fmt[i]); continue; }
    ++i;
    if (i >= fmt.size()) { out += "%!(NOVERB)"; break; }
    if (fmt[i] == '%') { out.push_back('%'); continue; }
    bool minus = false, plus = false, zero = false, space = false, sharp = false;
    for (; i < fmt.size(); ++i) {
      char f = fmt[i];
      if (f == '-') minus = true;
      else if (f == '+') plus = true;
      else if (f == '0') zero = true;
      else if (f == ' ') space = true;
      else if (f == '#') sharp = true;
      else break;
    }
    int width = -1, prec = -1;
    while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) {
      width = (width < 0 ? 0 : width) * 10 + (fmt[i++] - '0');
      if (width > 10000) c.error("width too large");
    }
    if (i < fmt.size() && fmt[i] == '.') {
      ++i;
      prec = 0;
      while (i < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[i]))) {
        prec = prec * 10 + (fmt[i++] - '0');
        if (prec > 10000) c.error("precision too large");
      }
    }
    if (i >= fmt.size()) { out += "%!(NOVERB)"; break; }
    char verb = fmt[i];
    if (argi >= args.size()) { out += std::string("%!") + verb + "(MISSING)"; continue; }
    const Value& v = args[argi++];
    std::string s;
    auto num_sign = [&](std::string body, bool neg) {
      if (neg) return "-" + body;
      if (plus) return "+" + body;
      if (space) return " " + body;
      return body;
    };
    switch (verb) {
      case 'v':
        s = v.is_string() ? v.as_string() : v.to_rego_text();
        break;
      case 's':
        s = v.is_string() ? v.as_string() : v.to_rego_text();
        if (prec >= 0) s = utf8_encode(utf8_decode(s), 0, static_cast<std::size_t>(prec));
        break;
      case 'q':
        s = v.is_string() ? Value::string(v.as_string()).to_rego_text() : "%!q(" + v.to_rego_text() + ")";
        break;
      case 't':
        s = v.is_bool() ? (v.as_bool() ? "true" : "false") : "%!t(" + v.to_rego_text() + ")";
        break;
      case 'd': case 'x': case 'X': case 'o': case 'b': case 'c': {
        if (!v.is_number()) { s = std::string("%!") + verb + "(" + v.to_rego_text() + ")"; break; }
        const Number& n = v.as_number();
        if (!n.is_int()) {
          if (verb == 'x' || verb == 'X') {  // Go prints floats in %x as hex floats; rare
            s = std::string("%!") + verb + "(" + n.to_string() + ")";
          } else {
            s = std::string("%!") + verb + "(" + n.to_string() + ")";
          }
          break;
        }
        __int128 iv = n.int_value();
        if (verb == 'c') { s = utf8_encode({static_cast<char32_t>(iv)}); break; }
        int base = verb == 'd' ? 10 : verb == 'o' ? 8 : verb == 'b' ? 2 : 16;
        std::string body = int_to_base(iv < 0 ? -iv : iv, base);
        if (verb == 'X') std::transform(body.begin(), body.end(), body.begin(), ::toupper);
        if (sharp && base == 16) body = (verb == 'X' ? "0X" : "0x") + body;
        if (sharp && base == 8) body = "0" + body;
        s = num_sign(body, iv < 0);
        break;
      }
      case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': {
        if (!v.is_number()) { s = std::string("%!") + verb + "(" + v.to_rego_text() + ")"; break; }
        double d = v.as_number().as_double();
        if (verb == 'g' && prec < 0) {
          s = Number::real(d).is_int() ? v.as_number().to_string() : Number::real(d).to_string();
          if (plus && d >= 0) s = "+" + s;
          break;
        }
        char spec[16];
        std::snprintf(spec, sizeof spec, "%%%s%s.%d%c", plus ? "+" : "", space ? " " : "",
                      prec < 0 ? 6 : prec, verb == 'F' ? 'f' : verb);
        char buf[512];
        std::snprintf(buf, sizeof buf, spec, d);
        s = buf;
        break;
      }
      default:
        s = std::string("%!") + verb + "(" + v.to_rego_text() + ")";
    }
    if (width >= 0 && utf8_length(s) < static_cast<std::size_t>(width)) {
      std::size_t pad = static_cast<std::size_t>(width) - utf8_length(s);
      if (minus) s += std::string(pad, ' ');
      else if (zero && verb != 's' && verb != 'v' && verb != 'q') {
        std::size_t at = (!s.empty() && (s[0] == '-' || s[0] == '+' || s[0] == ' ')) ? 1 : 0;
        s.insert(at, std::string(pad, '0'));
      } else s.insert(0, std::string(pad, ' '));
    }
    out += s;
  }
  if (argi < args.size()) {
    out += "%!(EXTRA ";
    for (std::size_t k = argi; k < args.size(); ++k) {
      if (k > argi) out += ", ";
      const Value& v = args[k];
      out += std::string(v.is_string() ? "string=" : v.is_number() ? "int=" : "") +
             (v.is_string() ? v.as_string() : v.to_rego_text());
    }
    out += ")";
  }
  return out;
}

}  // namespace

void register_strings(Registry& r) {
  r.add("concat", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const std::string& delim = c.string_arg(a, 0);
    auto parts = string_elems(c, a, 1);
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i) out += delim;
      out += parts[i];
    }
    return str(std::move(out));
  });
  r.add("split", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const std::string& s = c.string_arg(a, 0);
    const std::string& d = c.string_arg(a, 1);
    Array out;
    if (d.empty()) {
      auto cps = utf8_decode(s);
      for (std::size_t i = 0; i < cps.size(); ++i) out.push_back(str(utf8_encode(cps, i, i + 1)));
      return Value::array(std::move(out));
    }
    std::size_t pos = 0;
    for (;;) {
      auto f = s.find(d, pos);
      if (f == std::string::npos) break;
      out.push_back(str(s.substr(pos, f - pos)));
      pos = f + d.size();
    }
    out.push_back(str(s.substr(pos)));
    return Value::array(std::move(out));
  });
  r.add("replace", 3, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return str(replace_all(c.string_arg(a, 0), c.string_arg(a, 1), c.string_arg(a, 2)));
  });
  r.add("strings.replace_n", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Object& patterns = c.object_arg(a, 0);
    std::string s = c.string_arg(a, 1);
    // Go's strings.NewReplacer: at each position the first (in argument order = key order) match wins.
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& [k, v] : patterns) {
      if (!k.is_string()) c.type_error(0, a[0], "object[string: string]");
      if (!v.is_string()) c.type_error(0, a[0], "object[string: string]");
      pairs.emplace_back(k.as_string(), v.as_string());
    }
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
      bool hit = false;
      for (const auto& [from, to] : pairs) {
        if (!from.empty() && s.compare(i, from.size(), from) == 0) {
          out += to;
          i += from.size();
          hit = true;
          break;
        }
      }
      if (!hit) out.push_back(s[i++]);
    }
    return str(std::move(out));
  });
  r.add("startswith", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return Value::boolean(c.string_arg(a, 0).starts_with(c.string_arg(a, 1)));
  });
  r.add("endswith", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return Value::boolean(c.string_arg(a, 0).ends_with(c.string_arg(a, 1)));
  });
  r.add("contains", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return Value::boolean(c.string_arg(a, 0).find(c.string_arg(a, 1)) != std::string::npos);
  });
  r.add("strings.any_prefix_match", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    std::vector<std::string> ss = a[0].is_string() ? std::vector<std::string>{a[0].as_string()} : string_elems(c, a, 0);
    std::vector<std::string> ps = a[1].is_string() ? std::vector<std::string>{a[1].as_string()} : string_elems(c, a, 1);
    for (const auto& s : ss)
      for (const auto& p : ps)
        if (s.starts_with(p)) return Value::boolean(true);
    return Value::boolean(false);
  });
  r.add("strings.any_suffix_match", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    std::vector<std::string> ss = a[0].is_string() ? std::vector<std::string>{a[0].as_string()} : string_elems(c, a, 0);
    std::vector<std::string> ps = a[1].is_string() ? std::vector<std::string>{a[1].as_string()} : string_elems(c, a, 1);
    for (const auto& s : ss)
      for (const auto& p : ps)
        if (s.ends_with(p)) return Value::boolean(true);
    return Value::boolean(false);
  });
  r.add("substring", 3, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const std::string& s = c.string_arg(a, 0);
    std::int64_t off = c.int_arg(a, 1);
    std::int64_t len = c.int_arg(a, 2);
    if (off < 0) c.error("negative offset");
    auto cps = utf8_decode(s);
    auto uo = static_cast<std::size_t>(off);
    if (uo >= cps.size()) return str("");
    std::size_t end = len < 0 ? cps.size() : std::min(cps.size(), uo + static_cast<std::size_t>(len));
    return str(utf8_encode(cps, uo, end));
  });
  r.add("lower", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return str(map_case(c.string_arg(a, 0), false));
  });
  r.add("upper", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return str(map_case(c.string_arg(a, 0), true));
  });
  r.add("trim", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return str(trim_cps(c.string_arg(a, 0), c.string_arg(a, 1), true, true));
  });
  r.add("trim_left", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return str(trim_cps(c.string_arg(a, 0), c.string_arg(a, 1), true, false));
  });
  r.add("trim_right", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return str(trim_cps(c.string_arg(a, 0), c.string_arg(a, 1), false, true));
  });
  r.add("trim_prefix", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const std::string& s = c.string_arg(a, 0);
    const std::string& p = c.string_arg(a, 1);
    return str(s.starts_with(p) ? s.substr(p.size()) : s);
  });
  r.add("trim_suffix", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const std::string& s = c.string_arg(a, 0);
    const std::string& p = c.string_arg(a, 1);
    return str(s.ends_with(p) ? s.substr(0, s.size() - p.size()) : s);
  });
  r.add("trim_space", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    auto cps = utf8_decode(c.string_arg(a, 0));
    std::size_t b = 0, e = cps.size();
    while (b < e && is_space(cps[b])) ++b;
    while (e > b && is_space(cps[e - 1])) --e;
    return str(utf8_encode(cps, b, e));
  });
  r.add("indexof", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const std::string& s = c.string_arg(a, 0);
    const std::string& sub = c.string_arg(a, 1);
    return Value::integer(index_cp(utf8_decode(s), utf8_decode(sub), 0));
  });
  r.add("indexof_n", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    auto s = utf8_decode(c.string_arg(a, 0));
    auto sub = utf8_decode(c.string_arg(a, 1));
    Array out;
    for (std::size_t from = 0;;) {
      auto i = index_cp(s, sub, from);
      if (i < 0) break;
      out.push_back(Value::integer(i));
      from = static_cast<std::size_t>(i) + 1;
    }
    return Value::array(std::move(out));
  });
  r.add("strings.reverse", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    auto cps = utf8_decode(c.string_arg(a, 0));
    std::reverse(cps.begin(), cps.end());
    return str(utf8_encode(cps));
  });
  r.add("strings.count", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const std::string& s = c.string_arg(a, 0);
    const std::string& sub = c.string_arg(a, 1);
    if (sub.empty()) return Value::integer(static_cast<std::int64_t>(utf8_length(s)) + 1);
    std::int64_t n = 0;
    for (std::size_t pos = 0; (pos = s.find(sub, pos)) != std::string::npos; pos += sub.size()) ++n;
    return Value::integer(n);
  });
  r.add("sprintf", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const std::string& f = c.string_arg(a, 0);
    return str(go_sprintf(c, f, c.array_arg(a, 1)));
  });
  r.add("format_int", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Number& n = c.number_arg(a, 0);
    const Number& b = c.number_arg(a, 1);
    auto base = b.as_int64();
    if (!base || (*base != 2 && *base != 8 && *base != 10 && *base != 16))
      c.type_error("operand 2 must be one of {2, 8, 10, 16}");
    // OPA truncates toward zero (big.Float.Int).
    __int128 v = n.is_int() ? n.int_value() : static_cast<__int128>(std::trunc(n.as_double()));
    return str(int_to_base(v, static_cast<int>(*base)));
  });
}

}  // namespace coco::rego
