// SPDX-License-Identifier: Apache-2.0
// Arithmetic, comparison, bitwise and aggregate builtins (OPA's topdown/arithmetic.go, bits.go,
// aggregates.go). Infix operators compile to these names: plus, minus, mul, div, rem, equal, neq,
// lt, lte, gt, gte; `-`, `&` and `|` on sets are difference, intersection and union.
#include <cmath>

#include "rego/builtins.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;

std::optional<Value> num(Number n) { return Value::number(n); }

// Elements of an array or set operand (aggregates).
template <class F>
void each_elem(const BuiltinContext& c, Args a, std::size_t i, std::string_view want, F&& fn) {
  if (a[i].is_array()) for (const auto& v : a[i].as_array()) fn(v);
  else if (a[i].is_set()) for (const auto& v : a[i].as_set()) fn(v);
  else c.type_error(i, a[i], want);
}

std::int64_t int_operand(const BuiltinContext& c, Args a, std::size_t i) {
  const Number& n = c.number_arg(a, i);
  if (!n.is_int() || !n.as_int64()) c.type_error(i, a[i], "integer");
  return *n.as_int64();
}

}  // namespace

void register_numbers(Registry& r) {
  r.add("plus", 2, [](const BuiltinContext& c, Args a) { return num(c.number_arg(a, 0).add(c.number_arg(a, 1))); });
  r.add("minus", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    if (a[0].is_set() && a[1].is_set()) {
      Set out;
      for (const auto& v : a[0].as_set())
        if (!a[1].as_set().count(v)) out.insert(v);
      return Value::set(std::move(out));
    }
    if (a[0].is_set() || a[1].is_set()) {
      std::size_t bad = a[0].is_set() ? 1 : 0;
      c.type_error(bad, a[bad], "set");
    }
    return num(c.number_arg(a, 0).sub(c.number_arg(a, 1)));
  });
  r.add("mul", 2, [](const BuiltinContext& c, Args a) { return num(c.number_arg(a, 0).mul(c.number_arg(a, 1))); });
  r.add("div", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    auto q = c.number_arg(a, 0).div(c.number_arg(a, 1));
    if (!q) c.error("divide by zero");
    return num(*q);
  });
  r.add("rem", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Number& x = c.number_arg(a, 0);
    const Number& y = c.number_arg(a, 1);
    if (!x.is_integral() || !y.is_integral()) c.error("modulo on floating-point number");
    auto q = x.rem(y);
    if (!q) c.error("modulo by zero");
    return num(*q);
  });
  r.add("abs", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Number& n = c.number_arg(a, 0);
    return num(n.compare(Number::integer(0)) < 0 ? n.neg() : n);
  });
  r.add("round", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Number& n = c.number_arg(a, 0);
    if (n.is_int()) return num(n);
    return num(Number::real(std::round(n.as_double())));  // half away from zero, as Go's math.Round
  });
  r.add("ceil", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Number& n = c.number_arg(a, 0);
    return n.is_int() ? num(n) : num(Number::real(std::ceil(n.as_double())));
  });
  r.add("floor", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Number& n = c.number_arg(a, 0);
    return n.is_int() ? num(n) : num(Number::real(std::floor(n.as_double())));
  });

  auto cmp = [&r](const char* name, bool (*test)(int)) {
    r.add(name, 2, [test](const BuiltinContext&, Args a) -> std::optional<Value> {
      return Value::boolean(test(compare(a[0], a[1])));
    });
  };
  cmp("equal", [](int x) { return x == 0; });
  cmp("neq", [](int x) { return x != 0; });
  cmp("lt", [](int x) { return x < 0; });
  cmp("lte", [](int x) { return x <= 0; });
  cmp("gt", [](int x) { return x > 0; });
  cmp("gte", [](int x) { return x >= 0; });

  r.add("and", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Set& x = c.set_arg(a, 0);
    const Set& y = c.set_arg(a, 1);
    Set out;
    for (const auto& v : x)
      if (y.count(v)) out.insert(v);
    return Value::set(std::move(out));
  });
  r.add("or", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    Set out = c.set_arg(a, 0);
    const Set& y = c.set_arg(a, 1);
    out.insert(y.begin(), y.end());
    return Value::set(std::move(out));
  });

  r.add("bits.and", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return Value::integer(int_operand(c, a, 0) & int_operand(c, a, 1));
  });
  r.add("bits.or", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return Value::integer(int_operand(c, a, 0) | int_operand(c, a, 1));
  });
  r.add("bits.negate", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return Value::integer(~int_operand(c, a, 0));
  });

  r.add("count", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    if (a[0].is_string()) return Value::integer(static_cast<std::int64_t>(utf8_length(a[0].as_string())));
    if (a[0].is_array() || a[0].is_object() || a[0].is_set())
      return Value::integer(static_cast<std::int64_t>(a[0].size()));
    c.type_error(0, a[0], "one of {array, object, set, string}");
  });
  r.add("sum", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    Number total = Number::integer(0);
    each_elem(c, a, 0, "one of {array, set}", [&](const Value& v) {
      if (!v.is_number()) c.type_error(0, a[0], "array of numbers or set of numbers");
      total = total.add(v.as_number());
    });
    return num(total);
  });
  r.add("product", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    Number total = Number::integer(1);
    each_elem(c, a, 0, "one of {array, set}", [&](const Value& v) {
      if (!v.is_number()) c.type_error(0, a[0], "array of numbers or set of numbers");
      total = total.mul(v.as_number());
    });
    return num(total);
  });
  r.add("max", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    std::optional<Value> best;
    each_elem(c, a, 0, "one of {array, set}", [&](const Value& v) {
      if (!best || compare(v, *best) > 0) best = v;
    });
    return best;
  });
  r.add("min", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    std::optional<Value> best;
    each_elem(c, a, 0, "one of {array, set}", [&](const Value& v) {
      if (!best || compare(v, *best) < 0) best = v;
    });
    return best;
  });
  r.add("sort", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    Array out;
    each_elem(c, a, 0, "one of {array, set}", [&](const Value& v) { out.push_back(v); });
    std::stable_sort(out.begin(), out.end(), [](const Value& x, const Value& y) { return compare(x, y) < 0; });
    return Value::array(std::move(out));
  });
}

}  // namespace coco::rego
