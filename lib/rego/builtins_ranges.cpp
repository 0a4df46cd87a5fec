// SPDX-License-Identifier: Apache-2.0
// numbers.range, numbers.range_step, bits.lsh, bits.rsh and bits.xor (OPA's topdown/numbers.go and
// bits.go). Integers are exact to 128 bits (Go uses math/big; the suite shifts int64 max left and
// steps by 99999999999999999999). A range is bounded (kMaxRangeLength) so a hostile policy cannot
// allocate without limit.
#include <cmath>

#include "rego/builtins.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;
using Int = __int128;

constexpr std::int64_t kMaxRangeLength = 10'000'000;

// An integral number operand, in OPA's wording when it is not one.
Int integer_arg(const BuiltinContext& c, Args a, std::size_t i) {
  const Number& n = c.number_arg(a, i);
  if (n.is_int()) return n.int_value();
  double d = n.as_double();
  if (!std::isfinite(d) || d != std::trunc(d) || std::fabs(d) >= 1.7e38)
    c.type_error("operand " + std::to_string(i + 1) + " must be integer number but got floating-point number");
  return static_cast<Int>(d);
}

Int unsigned_arg(const BuiltinContext& c, Args a, std::size_t i) {
  Int v = integer_arg(c, a, i);
  if (v < 0)
    c.type_error("operand " + std::to_string(i + 1) + " must be an unsigned integer number but got a negative integer");
  return v;
}

Value range(const BuiltinContext& c, Int from, Int to, Int step) {
  constexpr Int kLimit = static_cast<Int>(1) << 100;  // keeps to - from and v + step inside 128 bits
  if (from > kLimit || from < -kLimit || to > kLimit || to < -kLimit || step > kLimit)
    c.error("operands beyond 2^100");
  Int span = from <= to ? to - from : from - to;
  if (span / step >= kMaxRangeLength) c.error("range of more than " + std::to_string(kMaxRangeLength) + " numbers");
  Array out;
  out.reserve(static_cast<std::size_t>(span / step + 1));
  if (from <= to) for (Int v = from; v <= to; v += step) out.push_back(Value::number(Number::integer(v)));
  else for (Int v = from; v >= to; v -= step) out.push_back(Value::number(Number::integer(v)));
  return Value::array(std::move(out));
}

int bit_length(Int v) {
  unsigned __int128 u = v < 0 ? ~static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  int n = 0;
  while (u) { ++n; u >>= 1; }
  return n;
}

}  // namespace

void register_ranges(Registry& r) {
  r.add("numbers.range", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    Int from = integer_arg(c, a, 0), to = integer_arg(c, a, 1);
    return range(c, from, to, 1);
  });
  r.add("numbers.range_step", 3, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    Int from = integer_arg(c, a, 0), to = integer_arg(c, a, 1), step = integer_arg(c, a, 2);
    if (step <= 0) c.error("step must be a positive integer");
    return range(c, from, to, step);
  });
  r.add("bits.lsh", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    Int v = integer_arg(c, a, 0);
    Int by = unsigned_arg(c, a, 1);
    if (v == 0) return Value::integer(0);
    if (by < 126 && bit_length(v) + static_cast<int>(by) < 127)
      return Value::number(Number::integer(v * (static_cast<Int>(1) << static_cast<int>(by))));
    if (by > 4096) c.error("shift amount too large");
    return Value::real(std::ldexp(static_cast<double>(v), static_cast<int>(by)));
  });
  r.add("bits.rsh", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    Int v = integer_arg(c, a, 0);
    Int by = unsigned_arg(c, a, 1);
    if (by >= 127) return Value::integer(v < 0 ? -1 : 0);
    return Value::number(Number::integer(v >> static_cast<int>(by)));  // arithmetic: floor, as big.Int
  });
  r.add("bits.xor", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return Value::number(Number::integer(integer_arg(c, a, 0) ^ integer_arg(c, a, 1)));
  });
}

}  // namespace coco::rego
