// SPDX-License-Identifier: Apache-2.0
// units.parse and units.parse_bytes (OPA's topdown/units.go): "1.5Gi", "500m", "10KB" to numbers,
// computed exactly (decimal mantissa x 10^n x 2^m) so that "500m" == 0.5 and "1.1Ki" == 1126.4 hold.
// units.parse is case-insensitive except for "m" (milli) against "M" (mega); units.parse_bytes
// lower-cases everything and truncates to whole bytes. Double quotes around the amount are dropped.
#include <cmath>
#include <cstdlib>

#include "rego/builtins.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;
using Int = __int128;

struct Scale {
  int pow10 = 0;
  int pow2 = 0;
};

std::string lower(std::string s) {
  for (char& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

std::optional<Scale> unit_scale(const std::string& unit, bool bytes) {
  if (unit.empty()) return Scale{};
  if (!bytes && unit == "m") return Scale{-3, 0};
  std::string u = lower(unit);
  if (bytes && u.size() >= 2 && u.back() == 'b') u.pop_back();  // kb, kib
  static const char kPrefixes[] = "kmgtpe";
  if (u.size() == 1 || (u.size() == 2 && u[1] == 'i')) {
    const char* p = std::strchr(kPrefixes, u[0]);
    if (!p || *p == '\0') return std::nullopt;
    int k = static_cast<int>(p - kPrefixes) + 1;
    return u.size() == 1 ? Scale{3 * k, 0} : Scale{0, 10 * k};
  }
  return std::nullopt;
}

bool mul_checked(Int& v, Int by) {
  constexpr Int kMax = static_cast<Int>(~static_cast<unsigned __int128>(0) >> 1);
  if (v != 0 && (by > kMax / (v < 0 ? -v : v))) return false;
  v *= by;
  return true;
}

Value parse_amount(const BuiltinContext& c, const std::string& raw, bool bytes) {
  const std::string what = bytes ? "byte amount" : "amount";
  if (raw.find(' ') != std::string::npos) c.error("spaces not allowed in resource strings");
  std::string s;
  for (char ch : raw)
    if (ch != '"') s.push_back(ch);
  if (bytes) s = lower(s);

  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  std::string digits;
  int frac_digits = 0, dots = 0;
  std::size_t num_begin = i;
  for (; i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'); ++i) {
    if (s[i] == '.') { ++dots; continue; }
    digits.push_back(s[i]);
    if (dots) ++frac_digits;
  }
  if (i == num_begin) c.error("no " + what + " provided");
  if (dots > 1 || digits.empty()) c.error("could not parse " + what + " to a number");
  long exp10 = 0;
  if (i + 1 < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    bool eneg = false;
    if (s[j] == '+' || s[j] == '-') eneg = s[j++] == '-';
    if (j < s.size() && s[j] >= '0' && s[j] <= '9') {
      long e = 0;
      for (; j < s.size() && s[j] >= '0' && s[j] <= '9'; ++j)
        if (e < 100000) e = e * 10 + (s[j] - '0');
      exp10 = eneg ? -e : e;
      i = j;
    }
  }
  auto scale = unit_scale(s.substr(i), bytes);
  if (!scale) c.error("unknown unit " + Value::string(s.substr(i)).to_json_text());

  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size() - 1));
  long e10 = exp10 - frac_digits + scale->pow10;

  // Exact path: the mantissa times 2^m as an integer, then the power of ten.
  Int n = 0;
  bool exact = digits.size() <= 36;
  for (char d : digits) if (exact) n = n * 10 + (d - '0');
  if (exact) exact = mul_checked(n, static_cast<Int>(1) << std::min(scale->pow2, 100));
  if (exact && e10 >= 0) {
    for (long k = 0; exact && k < e10; ++k) exact = mul_checked(n, 10);
    if (exact) return Value::number(Number::integer(neg ? -n : n));
  } else if (exact) {
    Int div = 1;
    for (long k = 0; exact && k < -e10; ++k) exact = mul_checked(div, 10);
    if (exact && (bytes || n % div == 0)) return Value::number(Number::integer((neg ? -n : n) / div));
  }
  // Otherwise a correctly rounded double: strtod of the decimal, times the power of two (exact).
  std::string text = digits + "e" + std::to_string(e10);
  double d = std::ldexp(std::strtod(text.c_str(), nullptr), scale->pow2);
  if (bytes) d = std::trunc(d);
  if (!std::isfinite(d)) c.error(what + " out of range");
  return Value::real(neg ? -d : d);
}

}  // namespace

void register_units(Registry& r) {
  r.add("units.parse", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return parse_amount(c, c.string_arg(a, 0), false);
  });
  r.add("units.parse_bytes", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return parse_amount(c, c.string_arg(a, 0), true);
  });
}

}  // namespace coco::rego
