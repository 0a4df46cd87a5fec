// SPDX-License-Identifier: Apache-2.0
// time.* (OPA's topdown/time.go) on nanosecond Unix timestamps: parse_ns / parse_rfc3339_ns /
// format with Go layouts (lib/rego/time_layout.h), date / clock / weekday / add_date / diff in a
// tzdata zone ("America/Los_Angeles"; "" and "UTC" are UTC, "Local" is the machine's), and
// parse_duration_ns with Go's duration syntax. Results outside int64 nanoseconds (years 1677-2262)
// are "time outside of valid range"; timestamps outside it are "timestamp too big".
#include <chrono>
#include <cmath>
#include <thread>

#include "rego/builtins.h"
#include "rego/time_layout.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;
using Int = __int128;

constexpr std::int64_t kNanos = 1'000'000'000;
constexpr std::int64_t kMaxSleepNs = kNanos;  // test.sleep never blocks longer than a second

struct Instant {
  std::int64_t seconds = 0;  // Unix seconds, floor
  int nanos = 0;
  std::shared_ptr<const TimeZone> zone;
  std::string layout;  // time.format's third element
};

std::int64_t ns_value(const BuiltinContext& c, const Value& v, std::size_t i, const Value& whole) {
  if (!v.is_number()) c.type_error(i, whole, "one of {number, array}");
  const Number& n = v.as_number();
  if (n.is_int()) {
    auto i64 = n.as_int64();
    if (!i64) c.error("timestamp too big");
    return *i64;
  }
  double d = n.as_double();
  if (!(std::fabs(d) < 9.2e18)) c.error("timestamp too big");
  return static_cast<std::int64_t>(d);
}

std::shared_ptr<const TimeZone> zone_named(const BuiltinContext& c, const std::string& name) {
  auto tz = TimeZone::load(name);
  if (!tz) c.error("unknown time zone " + name);
  return tz;
}

Instant instant_arg(const BuiltinContext& c, Args a, std::size_t i, std::size_t max_elems = 2) {
  Instant t;
  std::int64_t ns = 0;
  t.zone = TimeZone::utc();
  if (a[i].is_array()) {
    const Array& arr = a[i].as_array();
    if (arr.empty() || arr.size() > max_elems)
      c.error("operand " + std::to_string(i + 1) + " expected array of size 1 to " + std::to_string(max_elems));
    ns = ns_value(c, arr[0], i, a[i]);
    if (arr.size() > 1) {
      if (!arr[1].is_string()) c.type_error(i, a[i], "array of [number, string]");
      t.zone = zone_named(c, arr[1].as_string());
    }
    if (arr.size() > 2) {
      if (!arr[2].is_string()) c.type_error(i, a[i], "array of [number, string, string]");
      t.layout = expand_layout(arr[2].as_string());
    }
  } else {
    ns = ns_value(c, a[i], i, a[i]);
  }
  t.seconds = ns / kNanos;  // floor division without forming seconds * 10^9 (INT64_MIN overflows it)
  t.nanos = static_cast<int>(ns % kNanos);
  if (t.nanos < 0) {
    t.nanos += static_cast<int>(kNanos);
    --t.seconds;
  }
  return t;
}

CivilTime local_civil(const Instant& t) {
  return civil_from_seconds(t.seconds + t.zone->offset_at(t.seconds).utc_offset);
}

Value ns_result(const BuiltinContext& c, Int seconds, Int nanos) {
  Int ns = seconds * kNanos + nanos;
  if (ns > INT64_MAX || ns < INT64_MIN) c.error("time outside of valid range");
  return Value::number(Number::integer(ns));
}

// Go's time.ParseDuration.
std::int64_t parse_duration(const BuiltinContext& c, const std::string& s) {
  const std::string quoted = Value::string(s).to_json_text();
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  if (s.substr(i) == "0") return 0;
  if (i >= s.size()) c.error("time: invalid duration " + quoted);
  long double total = 0;
  while (i < s.size()) {
    std::size_t start = i;
    long double v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
    bool had_int = i > start;
    long double scale = 1;
    if (i < s.size() && s[i] == '.') {
      ++i;
      std::size_t fs = i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        scale /= 10;
        v += (s[i++] - '0') * scale;
      }
      if (!had_int && i == fs) c.error("time: invalid duration " + quoted);
    } else if (!had_int) {
      c.error("time: invalid duration " + quoted);
    }
    std::size_t us = i;
    while (i < s.size() && s[i] != '.' && (s[i] < '0' || s[i] > '9')) ++i;
    std::string unit = s.substr(us, i - us);
    if (unit.empty()) c.error("time: missing unit in duration " + quoted);
    long double mul;
    if (unit == "ns") mul = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") mul = 1e3;
    else if (unit == "ms") mul = 1e6;
    else if (unit == "s") mul = 1e9;
    else if (unit == "m") mul = 60e9;
    else if (unit == "h") mul = 3600e9;
    else c.error("time: unknown unit " + Value::string(unit).to_json_text() + " in duration " + quoted);
    total += v * mul;
    if (total > 9.223372036854775807e18L) c.error("time: invalid duration " + quoted);
  }
  auto ns = static_cast<std::int64_t>(std::llroundl(total));
  return neg ? -ns : ns;
}

Value parse_with(const BuiltinContext& c, const std::string& layout, const std::string& value) {
  std::string err;
  auto t = parse_go_time(layout, value, &err);
  if (!t) c.error(err);
  return ns_result(c, t->unix_seconds, t->nanos);
}

}  // namespace

void register_time(Registry& r) {
  r.add("time.now_ns", 0, [](const BuiltinContext& c, Args) -> std::optional<Value> {
    return Value::integer(c.now_ns());
  });
  r.add("time.parse_ns", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return parse_with(c, expand_layout(c.string_arg(a, 0)), c.string_arg(a, 1));
  });
  r.add("time.parse_rfc3339_ns", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return parse_with(c, expand_layout("RFC3339"), c.string_arg(a, 0));
  });
  r.add("time.parse_duration_ns", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return Value::integer(parse_duration(c, c.string_arg(a, 0)));
  });
  r.add("time.date", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    CivilTime t = local_civil(instant_arg(c, a, 0));
    return Value::array({Value::integer(t.year), Value::integer(t.month), Value::integer(t.day)});
  });
  r.add("time.clock", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    CivilTime t = local_civil(instant_arg(c, a, 0));
    return Value::array({Value::integer(t.hour), Value::integer(t.minute), Value::integer(t.second)});
  });
  r.add("time.weekday", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    static const char* const kDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    return Value::string(kDays[local_civil(instant_arg(c, a, 0)).weekday]);
  });
  r.add("time.add_date", 4, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    Instant t = instant_arg(c, a, 0, 1);
    std::int64_t dy = c.int_arg(a, 1), dm = c.int_arg(a, 2), dd = c.int_arg(a, 3);
    constexpr std::int64_t kLimit = 1'000'000;  // far beyond the int64-nanosecond range, no overflow below
    auto out_of = [](std::int64_t v, std::int64_t limit) { return v > limit || v < -limit; };
    if (out_of(dy, kLimit) || out_of(dm, 12 * kLimit) || out_of(dd, 366 * kLimit))
      c.error("time outside of valid range");
    CivilTime u = civil_from_seconds(t.seconds);
    std::int64_t s = seconds_from_fields(u.year + dy, u.month + dm, u.day + dd, u.hour, u.minute, u.second);
    return ns_result(c, s, t.nanos);
  });
  r.add("time.diff", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    Instant t1 = instant_arg(c, a, 0), t2 = instant_arg(c, a, 1);
    t2.zone = t1.zone;  // compare in the first operand's zone
    if (t1.seconds > t2.seconds || (t1.seconds == t2.seconds && t1.nanos > t2.nanos)) std::swap(t1, t2);
    CivilTime x = local_civil(t1), y = local_civil(t2);
    std::int64_t year = y.year - x.year, month = y.month - x.month, day = y.day - x.day;
    std::int64_t hour = y.hour - x.hour, minute = y.minute - x.minute, second = y.second - x.second;
    if (second < 0) { second += 60; --minute; }
    if (minute < 0) { minute += 60; --hour; }
    if (hour < 0) { hour += 24; --day; }
    if (day < 0) { day += days_in_month(x.year, x.month); --month; }
    if (month < 0) { month += 12; --year; }
    return Value::array({Value::integer(year), Value::integer(month), Value::integer(day), Value::integer(hour),
                         Value::integer(minute), Value::integer(second)});
  });
  r.add("time.format", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    Instant t = instant_arg(c, a, 0, 3);
    std::string layout = t.layout.empty() ? expand_layout("RFC3339Nano") : t.layout;
    return Value::string(format_go_time(layout, t.seconds, t.nanos, t.zone->offset_at(t.seconds)));
  });
  r.add("test.sleep", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    std::int64_t ns = std::min(parse_duration(c, c.string_arg(a, 0)), kMaxSleepNs);
    if (ns > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(ns));
    return Value::null();
  });
}

}  // namespace coco::rego
