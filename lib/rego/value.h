// SPDX-License-Identifier: Apache-2.0
// Rego values (OPA's ast.Value for ground terms): null, boolean, number, string, array, set and
// object. A Value is an immutable, reference-counted handle, so copying one is a pointer copy: the
// evaluator passes documents (policy_data, a 50 KB request) around without duplicating them.
//
// Order: OPA's total order on values (null < boolean < number < string < array < object < set;
// arrays and objects compare element by element, sets as sorted sequences), used for sets, object
// keys, sort() and comparisons. Numbers are exact integers when they fit 128 bits (the suite holds
// 18446744073709551614 and nanosecond timestamps above 2^53), doubles otherwise.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace coco::rego {

// JSON documents nested deeper than this are refused (the conversion and every later walk over
// the value recurse); requests and policy data are a few dozen levels deep.
inline constexpr std::size_t kMaxJsonDepth = 1000;

using Json = nlohmann::ordered_json;

enum class Type : std::uint8_t { Null, Bool, Number, String, Array, Object, Set };

// OPA's type names as builtins print them in errors ("operand 1 must be array but got number").
const char* type_name(Type type);

class Number {
 public:
  Number() = default;
  static Number integer(__int128 v) { Number n; n.int_ = true; n.i_ = v; return n; }
  static Number real(double v);  // integral doubles within 2^100 become integers
  // Parses a JSON/Rego number literal exactly (integers) or as a double.
  static std::optional<Number> parse(std::string_view text);

  bool is_int() const { return int_; }
  __int128 int_value() const { return i_; }
  double as_double() const { return int_ ? static_cast<double>(i_) : d_; }
  std::optional<std::int64_t> as_int64() const;  // integral and in range
  bool is_integral() const;                      // an int, or a double with no fraction

  std::string to_string() const;  // as OPA prints it: 3, -1.5, 1e+21
  int compare(const Number& o) const;
  bool operator==(const Number& o) const { return compare(o) == 0; }

  // Arithmetic: exact on integers (overflow falls back to double), double otherwise.
  Number add(const Number& o) const;
  Number sub(const Number& o) const;
  Number mul(const Number& o) const;
  std::optional<Number> div(const Number& o) const;  // nullopt on division by zero
  std::optional<Number> rem(const Number& o) const;  // nullopt on zero or non-integers
  Number neg() const;

 private:
  bool int_ = true;
  __int128 i_ = 0;
  double d_ = 0;
  // A literal beyond float64 (2e308): d_ is ±Inf for arithmetic, and the number prints as
  // written, as OPA (arbitrary precision) does. Interned: literals come from bounded sources.
  const std::string* text_ = nullptr;
};

class Value;
struct ValueLess {
  bool operator()(const Value& a, const Value& b) const;
};
using Array = std::vector<Value>;
using Set = std::set<Value, ValueLess>;
using Object = std::map<Value, Value, ValueLess>;

class Value {
 public:
  Value() noexcept = default;  // null (no allocation: a null Value holds no representation)
  static Value null();
  static const Value& boolean(bool b);  // two shared constants: no allocation, no copy
  static Value number(Number n);
  static Value integer(std::int64_t i) { return number(Number::integer(i)); }
  static Value real(double d) { return number(Number::real(d)); }
  static Value string(std::string s);
  static Value array(Array a);
  static Value set(Set s);
  static Value object(Object o);

  Type type() const;
  bool is_null() const { return type() == Type::Null; }
  bool is_bool() const { return type() == Type::Bool; }
  bool is_number() const { return type() == Type::Number; }
  bool is_string() const { return type() == Type::String; }
  bool is_array() const { return type() == Type::Array; }
  bool is_set() const { return type() == Type::Set; }
  bool is_object() const { return type() == Type::Object; }
  bool is_false() const { return is_bool() && !as_bool(); }

  // Accessors; calling the wrong one is a programming error (checked, throws std::logic_error).
  bool as_bool() const;
  const Number& as_number() const;
  const std::string& as_string() const;
  const Array& as_array() const;
  const Set& as_set() const;
  const Object& as_object() const;

  // Collection access: element i of an array, value under key of an object, key itself of a set.
  std::optional<Value> get(const Value& key) const;
  std::size_t size() const;  // elements of an array/set/object, 0 for scalars
  // The same pointer for copies of one value (memoizing formatted text of immutable values).
  const void* identity() const { return rep_.get(); }

  // OPA's total order; -1, 0, 1. equal() is compare() == 0 with shortcuts (sizes, types).
  bool equal(const Value& o) const;
  friend int compare(const Value& a, const Value& b);
  bool operator==(const Value& o) const { return equal(o); }
  bool operator!=(const Value& o) const { return !equal(o); }
  bool operator<(const Value& o) const { return compare(*this, o) < 0; }

  // JSON: sets become sorted arrays; integers stay exact up to uint64, bigger ones become doubles.
  // from_json refuses documents nested deeper than 1000 levels (coco::Error).
  Json to_json() const;
  static Value from_json(const Json& j);
  // JSON text as OPA's json.marshal writes it (compact, keys sorted).
  std::string to_json_text() const;
  // Rego text: strings quoted, sets as {1, 2}, set() when empty; `print` and sprintf("%v") use it.
  std::string to_rego_text() const;

 private:
  friend struct ValueLess;
  struct Rep;
  explicit Value(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}
  std::shared_ptr<const Rep> rep_;  // empty for null
};

int compare(const Value& a, const Value& b);

// The representation is here so that the comparisons every object lookup makes can be inlined.
struct Value::Rep {
  Type type;
  std::variant<std::monostate, bool, Number, std::string, Array, Set, Object> v;
};

// Byte order of two strings (Go's); most keys differ in their first byte, so that is tried
// before memcmp.
inline int string_order(const std::string& a, const std::string& b) {
  if (!a.empty() && !b.empty() && a[0] != b[0])
    return static_cast<unsigned char>(a[0]) < static_cast<unsigned char>(b[0]) ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

inline bool ValueLess::operator()(const Value& a, const Value& b) const {
  const Value::Rep* ra = a.rep_.get();
  const Value::Rep* rb = b.rep_.get();
  if (ra && rb && ra->type == Type::String && rb->type == Type::String)
    return string_order(*std::get_if<std::string>(&ra->v), *std::get_if<std::string>(&rb->v)) < 0;
  return compare(a, b) < 0;
}

// UTF-8 helpers for the string builtins (OPA indexes strings by code point).
void append_utf8(std::string& out, char32_t c);            // one code point, UTF-8 encoded
std::vector<char32_t> utf8_decode(std::string_view s);  // invalid bytes -> U+FFFD
std::string utf8_encode(const std::vector<char32_t>& cps, std::size_t from = 0,
                        std::size_t to = static_cast<std::size_t>(-1));
std::size_t utf8_length(std::string_view s);

}  // namespace coco::rego
