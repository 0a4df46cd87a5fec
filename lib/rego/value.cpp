// SPDX-License-Identifier: Apache-2.0
#include "rego/value.h"

#include "util/error.h"
#include "util/utf8.h"

#include <cmath>
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <variant>

namespace coco::rego {

const char* type_name(Type type) {
  switch (type) {
    case Type::Null: return "null";
    case Type::Bool: return "boolean";
    case Type::Number: return "number";
    case Type::String: return "string";
    case Type::Array: return "array";
    case Type::Object: return "object";
    case Type::Set: return "set";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------------
// Number

namespace {
constexpr double kTwo100 = 1267650600228229401496703205376.0;  // 2^100: ints stay exact below

std::string int128_to_string(__int128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string s;
  while (u) {
    s.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (neg) s.push_back('-');
  return {s.rbegin(), s.rend()};
}

// Go's strconv.FormatFloat(f, 'g', -1, 64): shortest digits, %e when exp < -4 || exp >= 21.
std::string format_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  char buf[64];
  int prec = 1;
  for (; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*e", prec - 1, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  // buf = [-]D.DDDDe[+-]XX
  std::string s(buf);
  bool neg = s[0] == '-';
  if (neg) s.erase(0, 1);
  auto epos = s.find('e');
  std::string digits = s.substr(0, epos);
  int exp = std::atoi(s.c_str() + epos + 1);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out;
  if (exp < -4 || exp >= 21) {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char e[16];
    std::snprintf(e, sizeof e, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    out += e;
  } else if (exp < 0) {
    out = "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
  } else {
    auto ip = static_cast<std::size_t>(exp + 1);
    if (digits.size() <= ip) {
      out = digits + std::string(ip - digits.size(), '0');
    } else {
      out = digits.substr(0, ip) + "." + digits.substr(ip);
    }
  }
  return neg ? "-" + out : out;
}
}  // namespace

Number Number::real(double v) {
  Number n;
  if (std::isfinite(v) && std::trunc(v) == v && std::fabs(v) < kTwo100) {
    n.int_ = true;
    n.i_ = static_cast<__int128>(v);
  } else {
    n.int_ = false;
    n.d_ = v;
  }
  return n;
}

std::optional<Number> Number::parse(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::size_t i = 0;
  bool neg = false;
  if (text[0] == '-' || text[0] == '+') {
    neg = text[0] == '-';
    i = 1;
  }
  if (i >= text.size()) return std::nullopt;
  bool all_digits = true;
  for (std::size_t k = i; k < text.size(); ++k)
    if (text[k] < '0' || text[k] > '9') all_digits = false;
  if (all_digits && text.size() - i <= 36) {
    __int128 v = 0;
    for (std::size_t k = i; k < text.size(); ++k) v = v * 10 + (text[k] - '0');
    return integer(neg ? -v : v);
  }
  std::string s(text);
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  Number n = real(d);
  if (std::isinf(d) && std::isdigit(static_cast<unsigned char>(text[i]))) {
    static std::mutex mu;
    static std::set<std::string> interned;
    std::lock_guard<std::mutex> lock(mu);
    n.text_ = &*interned.insert(std::string(text)).first;
  }
  return n;
}

std::optional<std::int64_t> Number::as_int64() const {
  if (int_) {
    if (i_ < INT64_MIN || i_ > INT64_MAX) return std::nullopt;
    return static_cast<std::int64_t>(i_);
  }
  return std::nullopt;
}

bool Number::is_integral() const { return int_ || (std::isfinite(d_) && std::trunc(d_) == d_); }

std::string Number::to_string() const {
  if (text_) return *text_;
  return int_ ? int128_to_string(i_) : format_double(d_);
}

int Number::compare(const Number& o) const {
  if (int_ && o.int_) return i_ < o.i_ ? -1 : (i_ > o.i_ ? 1 : 0);
  double a = as_double(), b = o.as_double();
  return a < b ? -1 : (a > b ? 1 : 0);
}

Number Number::add(const Number& o) const {
  if (int_ && o.int_) {
    __int128 r;
    if (!__builtin_add_overflow(i_, o.i_, &r)) return integer(r);
  }
  return real(as_double() + o.as_double());
}
Number Number::sub(const Number& o) const {
  if (int_ && o.int_) {
    __int128 r;
    if (!__builtin_sub_overflow(i_, o.i_, &r)) return integer(r);
  }
  return real(as_double() - o.as_double());
}
Number Number::mul(const Number& o) const {
  if (int_ && o.int_) {
    __int128 r;
    if (!__builtin_mul_overflow(i_, o.i_, &r)) return integer(r);
  }
  return real(as_double() * o.as_double());
}
std::optional<Number> Number::div(const Number& o) const {
  if (o.as_double() == 0) return std::nullopt;
  if (int_ && o.int_ && i_ % o.i_ == 0) return integer(i_ / o.i_);
  return real(as_double() / o.as_double());
}
std::optional<Number> Number::rem(const Number& o) const {
  if (!is_integral() || !o.is_integral()) return std::nullopt;
  if (o.as_double() == 0) return std::nullopt;
  if (int_ && o.int_) return integer(i_ % o.i_);
  return real(std::fmod(as_double(), o.as_double()));
}
Number Number::neg() const { return int_ ? integer(-i_) : real(-d_); }

// ---------------------------------------------------------------------------------------------
// Value

Value Value::null() { return Value(); }
const Value& Value::boolean(bool b) {
  static const Value t(std::make_shared<const Rep>(Rep{Type::Bool, true}));
  static const Value f(std::make_shared<const Rep>(Rep{Type::Bool, false}));
  return b ? t : f;
}
Value Value::number(Number n) {
  // Array indexes and counts: the small integers are made once (values are immutable).
  constexpr int kSmall = 256;
  if (n.is_int() && n.int_value() >= 0 && n.int_value() < kSmall) {
    static const std::vector<Value> small = [] {
      std::vector<Value> v;
      v.reserve(kSmall);
      for (int i = 0; i < kSmall; ++i) v.push_back(Value(std::make_shared<const Rep>(Rep{Type::Number, Number::integer(i)})));
      return v;
    }();
    return small[static_cast<std::size_t>(n.int_value())];
  }
  return Value(std::make_shared<const Rep>(Rep{Type::Number, n}));
}
Value Value::string(std::string s) {
  return Value(std::make_shared<const Rep>(Rep{Type::String, std::move(s)}));
}
Value Value::array(Array a) { return Value(std::make_shared<const Rep>(Rep{Type::Array, std::move(a)})); }
Value Value::set(Set s) { return Value(std::make_shared<const Rep>(Rep{Type::Set, std::move(s)})); }
Value Value::object(Object o) {
  return Value(std::make_shared<const Rep>(Rep{Type::Object, std::move(o)}));
}

Type Value::type() const { return rep_ ? rep_->type : Type::Null; }

namespace {
[[noreturn]] void wrong(const char* want, Type got) {
  throw std::logic_error(std::string("rego value: wanted ") + want + ", have " + type_name(got));
}
}  // namespace

bool Value::equal(const Value& o) const {
  if (rep_ == o.rep_) return true;
  const Rep* ra = rep_.get();
  const Rep* rb = o.rep_.get();
  if (!ra || !rb) return false;  // one is null, the other not
  if (ra->type != rb->type) return false;
  if (ra->type == Type::String) return *std::get_if<std::string>(&ra->v) == *std::get_if<std::string>(&rb->v);
  if (ra->type == Type::Array || ra->type == Type::Object || ra->type == Type::Set) {
    if (size() != o.size()) return false;
  }
  return compare(*this, o) == 0;
}

bool Value::as_bool() const {
  if (!rep_ || rep_->type != Type::Bool) wrong("boolean", type());
  return std::get<bool>(rep_->v);
}
const Number& Value::as_number() const {
  if (!rep_ || rep_->type != Type::Number) wrong("number", type());
  return std::get<Number>(rep_->v);
}
const std::string& Value::as_string() const {
  if (!rep_ || rep_->type != Type::String) wrong("string", type());
  return std::get<std::string>(rep_->v);
}
const Array& Value::as_array() const {
  if (!rep_ || rep_->type != Type::Array) wrong("array", type());
  return std::get<Array>(rep_->v);
}
const Set& Value::as_set() const {
  if (!rep_ || rep_->type != Type::Set) wrong("set", type());
  return std::get<Set>(rep_->v);
}
const Object& Value::as_object() const {
  if (!rep_ || rep_->type != Type::Object) wrong("object", type());
  return std::get<Object>(rep_->v);
}

std::optional<Value> Value::get(const Value& key) const {
  switch (type()) {
    case Type::Array: {
      if (!key.is_number()) return std::nullopt;
      auto i = key.as_number().as_int64();
      const auto& a = as_array();
      if (!i || *i < 0 || static_cast<std::size_t>(*i) >= a.size()) return std::nullopt;
      return a[static_cast<std::size_t>(*i)];
    }
    case Type::Object: {
      const auto& o = as_object();
      auto it = o.find(key);
      if (it == o.end()) return std::nullopt;
      return it->second;
    }
    case Type::Set: {
      const auto& s = as_set();
      auto it = s.find(key);
      if (it == s.end()) return std::nullopt;
      return *it;
    }
    default: return std::nullopt;
  }
}

std::size_t Value::size() const {
  switch (type()) {
    case Type::Array: return as_array().size();
    case Type::Object: return as_object().size();
    case Type::Set: return as_set().size();
    default: return 0;
  }
}

int compare(const Value& a, const Value& b) {
  if (a.rep_ == b.rep_) return 0;
  const Value::Rep* ra = a.rep_.get();
  const Value::Rep* rb = b.rep_.get();
  Type ta = ra ? ra->type : Type::Null, tb = rb ? rb->type : Type::Null;
  if (ta != tb) return ta < tb ? -1 : 1;
  switch (ta) {
    case Type::Null: return 0;
    case Type::Bool: return static_cast<int>(*std::get_if<bool>(&ra->v)) - static_cast<int>(*std::get_if<bool>(&rb->v));
    case Type::Number: return std::get_if<Number>(&ra->v)->compare(*std::get_if<Number>(&rb->v));
    case Type::String: {
      // Object keys are strings: this is the comparison every lookup makes.
      return string_order(*std::get_if<std::string>(&ra->v), *std::get_if<std::string>(&rb->v));
    }
    case Type::Array: {
      const auto &x = a.as_array(), &y = b.as_array();
      for (std::size_t i = 0; i < x.size() && i < y.size(); ++i)
        if (int c = compare(x[i], y[i])) return c;
      return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
    }
    case Type::Object: {
      const auto &x = a.as_object(), &y = b.as_object();
      auto i = x.begin();
      auto j = y.begin();
      for (; i != x.end() && j != y.end(); ++i, ++j) {
        if (int c = compare(i->first, j->first)) return c;
        if (int c = compare(i->second, j->second)) return c;
      }
      return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
    }
    case Type::Set: {
      const auto &x = a.as_set(), &y = b.as_set();
      auto i = x.begin();
      auto j = y.begin();
      for (; i != x.end() && j != y.end(); ++i, ++j)
        if (int c = compare(*i, *j)) return c;
      return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
    }
  }
  return 0;
}

Json Value::to_json() const {
  switch (type()) {
    case Type::Null: return nullptr;
    case Type::Bool: return as_bool();
    case Type::Number: {
      const Number& n = as_number();
      if (n.is_int()) {
        __int128 i = n.int_value();
        if (i >= INT64_MIN && i <= INT64_MAX) return static_cast<std::int64_t>(i);
        if (i > 0 && i <= static_cast<__int128>(UINT64_MAX)) return static_cast<std::uint64_t>(i);
      }
      return n.as_double();
    }
    case Type::String: return as_string();
    case Type::Array: {
      Json j = Json::array();
      for (const auto& v : as_array()) j.push_back(v.to_json());
      return j;
    }
    case Type::Set: {
      Json j = Json::array();
      for (const auto& v : as_set()) j.push_back(v.to_json());
      return j;
    }
    case Type::Object: {
      Json j = Json::object();
      for (const auto& [k, v] : as_object())
        j[k.is_string() ? k.as_string() : k.to_json_text()] = v.to_json();
      return j;
    }
  }
  return nullptr;
}

namespace {

Value from_json_at(const Json& j, std::size_t depth) {
  if (depth > kMaxJsonDepth)
    throw Error(Exit::Failure, "rego value", "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  switch (j.type()) {
    case Json::value_t::null: return Value::null();
    case Json::value_t::boolean: return Value::boolean(j.get<bool>());
    case Json::value_t::number_integer: return Value::number(Number::integer(j.get<std::int64_t>()));
    case Json::value_t::number_unsigned: return Value::number(Number::integer(j.get<std::uint64_t>()));
    case Json::value_t::number_float: return Value::real(j.get<double>());
    case Json::value_t::string: return Value::string(j.get<std::string>());
    case Json::value_t::array: {
      Array a;
      a.reserve(j.size());
      for (const auto& e : j) a.push_back(from_json_at(e, depth + 1));
      return Value::array(std::move(a));
    }
    case Json::value_t::object: {
      Object o;
      for (auto it = j.begin(); it != j.end(); ++it) o.emplace(Value::string(it.key()), from_json_at(it.value(), depth + 1));
      return Value::object(std::move(o));
    }
    default: return Value::null();
  }
}
}  // namespace

Value Value::from_json(const Json& j) { return from_json_at(j, 0); }

namespace {
// A quoted string: JSON's escapes, plus Go's encoding/json escapes of HTML characters for JSON
// output (json.marshal); Rego's own text form (print, sprintf %v) leaves <, > and & as they are.
void quote(std::string& out, const std::string& s, bool escape_html) {
  out.push_back('"');
  std::size_t run = 0;  // start of the pending run of characters that need no escape
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    const char* esc = nullptr;
    char buf[8];
    switch (c) {
      case '"': esc = "\\\""; break;
      case '\\': esc = "\\\\"; break;
      case '\n': esc = "\\n"; break;
      case '\r': esc = "\\r"; break;
      case '\t': esc = "\\t"; break;
      case '<': esc = escape_html ? "\\u003c" : nullptr; break;
      case '>': esc = escape_html ? "\\u003e" : nullptr; break;
      case '&': esc = escape_html ? "\\u0026" : nullptr; break;
      default:
        if (c < 0x20) {
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          esc = buf;
        }
    }
    if (!esc) continue;
    out.append(s, run, i - run);
    out += esc;
    run = i + 1;
  }
  out.append(s, run, std::string::npos);
  out.push_back('"');
}

void json_quote(std::string& out, const std::string& s) { quote(out, s, true); }
void rego_quote(std::string& out, const std::string& s) { quote(out, s, false); }

void write_json(std::string& out, const Value& v) {
  switch (v.type()) {
    case Type::Null: out += "null"; break;
    case Type::Bool: out += v.as_bool() ? "true" : "false"; break;
    case Type::Number: out += v.as_number().to_string(); break;
    case Type::String: json_quote(out, v.as_string()); break;
    case Type::Array:
    case Type::Set: {
      out.push_back('[');
      bool first = true;
      auto each = [&](const Value& e) {
        if (!first) out.push_back(',');
        first = false;
        write_json(out, e);
      };
      if (v.is_array()) for (const auto& e : v.as_array()) each(e);
      else for (const auto& e : v.as_set()) each(e);
      out.push_back(']');
      break;
    }
    case Type::Object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [k, e] : v.as_object()) {
        if (!first) out.push_back(',');
        first = false;
        if (k.is_string()) json_quote(out, k.as_string());
        else { std::string t; write_json(t, k); json_quote(out, t); }
        out.push_back(':');
        write_json(out, e);
      }
      out.push_back('}');
      break;
    }
  }
}

void write_rego(std::string& out, const Value& v) {
  switch (v.type()) {
    case Type::Null: out += "null"; break;
    case Type::Bool: out += v.as_bool() ? "true" : "false"; break;
    case Type::Number: out += v.as_number().to_string(); break;
    case Type::String: rego_quote(out, v.as_string()); break;
    case Type::Array: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : v.as_array()) {
        if (!first) out += ", ";
        first = false;
        write_rego(out, e);
      }
      out.push_back(']');
      break;
    }
    case Type::Set: {
      if (v.as_set().empty()) { out += "set()"; break; }
      out.push_back('{');
      bool first = true;
      for (const auto& e : v.as_set()) {
        if (!first) out += ", ";
        first = false;
        write_rego(out, e);
      }
      out.push_back('}');
      break;
    }
    case Type::Object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [k, e] : v.as_object()) {
        if (!first) out += ", ";
        first = false;
        write_rego(out, k);
        out += ": ";
        write_rego(out, e);
      }
      out.push_back('}');
      break;
    }
  }
}
}  // namespace

std::string Value::to_json_text() const {
  std::string out;
  write_json(out, *this);
  return out;
}

std::string Value::to_rego_text() const {
  std::string out;
  write_rego(out, *this);
  return out;
}

// ---------------------------------------------------------------------------------------------
// UTF-8

std::vector<char32_t> utf8_decode(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    bool ok = true;
    for (std::size_t k = 1; k < n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 2) { ok = false; break; }
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += n;
  }
  return out;
}

void append_utf8(std::string& out, char32_t c) { coco::append_utf8(out, c); }

std::string utf8_encode(const std::vector<char32_t>& cps, std::size_t from, std::size_t to) {
  std::string out;
  if (to > cps.size()) to = cps.size();
  for (std::size_t i = from; i < to; ++i) {
    append_utf8(out, cps[i]);
  }
  return out;
}

std::size_t utf8_length(std::string_view s) {
  // Go's utf8.RuneCountInString: each invalid byte counts as one rune.
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++n) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) ok = false;
    i += ok ? len : 1;
  }
  return n;
}

}  // namespace coco::rego
