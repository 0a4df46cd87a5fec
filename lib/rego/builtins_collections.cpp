// SPDX-License-Identifier: Apache-2.0
// Array, object, set, type and cast builtins (OPA's topdown/array.go, object.go, sets.go,
// types.go, casts.go).
#include <cmath>
#include <cstdlib>

#include "rego/builtins.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;

Value merge_objects(const Value& a, const Value& b) {
  // object.union: b wins; nested objects merge recursively.
  Object out = a.as_object();
  for (const auto& [k, v] : b.as_object()) {
    auto it = out.find(k);
    if (it != out.end() && it->second.is_object() && v.is_object()) it->second = merge_objects(it->second, v);
    else out[k] = v;
  }
  return Value::object(std::move(out));
}

// array.flatten flattens one level.
void flatten_into(const Array& a, Array& out) {
  for (const auto& v : a) {
    if (v.is_array()) out.insert(out.end(), v.as_array().begin(), v.as_array().end());
    else out.push_back(v);
  }
}

std::optional<Value> is_type(Args a, Type t) { return Value::boolean(a[0].type() == t); }

}  // namespace

void register_collections(Registry& r) {
  r.add("array.concat", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    Array out = c.array_arg(a, 0);
    const Array& b = c.array_arg(a, 1);
    out.insert(out.end(), b.begin(), b.end());
    return Value::array(std::move(out));
  });
  r.add("array.slice", 3, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Array& arr = c.array_arg(a, 0);
    std::int64_t from = c.int_arg(a, 1);
    std::int64_t to = c.int_arg(a, 2);
    auto n = static_cast<std::int64_t>(arr.size());
    if (from < 0) from = 0;
    if (to > n) to = n;
    if (from >= to) return Value::array({});
    return Value::array(Array(arr.begin() + from, arr.begin() + to));
  });
  r.add("array.reverse", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Array& arr = c.array_arg(a, 0);
    return Value::array(Array(arr.rbegin(), arr.rend()));
  });
  r.add("array.flatten", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    Array out;
    flatten_into(c.array_arg(a, 0), out);
    return Value::array(std::move(out));
  });

  r.add("object.get", 3, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Value& obj = a[0];
    if (!obj.is_object()) c.type_error(0, obj, "object");
    if (a[1].is_array()) {  // a path
      Value cur = obj;
      for (const auto& k : a[1].as_array()) {
        auto v = cur.get(k);
        if (!v || !(cur.is_object() || cur.is_array() || cur.is_set())) return a[2];
        cur = *v;
      }
      return cur;
    }
    auto v = obj.get(a[1]);
    return v ? *v : a[2];
  });
  r.add("object.union", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    c.object_arg(a, 0);
    c.object_arg(a, 1);
    return merge_objects(a[0], a[1]);
  });
  r.add("object.union_n", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Array& arr = c.array_arg(a, 0);
    Value out = Value::object({});
    for (const auto& v : arr) {
      if (!v.is_object()) c.type_error(0, a[0], "array of objects");
      out = merge_objects(out, v);
    }
    return out;
  });
  r.add("object.keys", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    Set out;
    for (const auto& [k, v] : c.object_arg(a, 0)) out.insert(k);
    return Value::set(std::move(out));
  });

  r.add("union", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    Set out;
    for (const auto& s : c.set_arg(a, 0)) {
      if (!s.is_set()) c.type_error(0, a[0], "set of sets");
      out.insert(s.as_set().begin(), s.as_set().end());
    }
    return Value::set(std::move(out));
  });
  r.add("intersection", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Set& sets = c.set_arg(a, 0);
    if (sets.empty()) return Value::set({});
    std::optional<Set> out;
    for (const auto& s : sets) {
      if (!s.is_set()) c.type_error(0, a[0], "set of sets");
      if (!out) {
        out = s.as_set();
        continue;
      }
      Set next;
      for (const auto& v : *out)
        if (s.as_set().count(v)) next.insert(v);
      out = std::move(next);
    }
    return Value::set(std::move(*out));
  });

  r.add("type_name", 1, [](const BuiltinContext&, Args a) -> std::optional<Value> {
    return Value::string(type_name(a[0].type()));
  });
  r.add("is_null", 1, [](const BuiltinContext&, Args a) { return is_type(a, Type::Null); });
  r.add("is_boolean", 1, [](const BuiltinContext&, Args a) { return is_type(a, Type::Bool); });
  r.add("is_number", 1, [](const BuiltinContext&, Args a) { return is_type(a, Type::Number); });
  r.add("is_string", 1, [](const BuiltinContext&, Args a) { return is_type(a, Type::String); });
  r.add("is_array", 1, [](const BuiltinContext&, Args a) { return is_type(a, Type::Array); });
  r.add("is_set", 1, [](const BuiltinContext&, Args a) { return is_type(a, Type::Set); });
  r.add("is_object", 1, [](const BuiltinContext&, Args a) { return is_type(a, Type::Object); });

  r.add("to_number", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Value& v = a[0];
    switch (v.type()) {
      case Type::Null: return Value::integer(0);
      case Type::Bool: return Value::integer(v.as_bool() ? 1 : 0);
      case Type::Number: return v;
      case Type::String: {
        const std::string& s = v.as_string();
        std::string lower;
        for (char ch : s) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
        if (lower.find("nan") != std::string::npos || lower.find("inf") != std::string::npos)
          c.type_error("operand 1 must be a finite number but got " + Value::string(s).to_rego_text());
        // Go's strconv.ParseFloat syntax, minus the special words OPA rejects.
        bool ok = !s.empty();
        std::size_t i = 0;
        if (ok && (s[0] == '+' || s[0] == '-')) i = 1;
        bool digits = false;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) { ++i; digits = true; }
        if (i < s.size() && s[i] == '.') {
          ++i;
          while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) { ++i; digits = true; }
        }
        if (digits && i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
          ++i;
          if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
          bool ed = false;
          while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) { ++i; ed = true; }
          if (!ed) ok = false;
        }
        if (!digits || i != s.size()) ok = false;
        if (!ok) c.error("strconv.ParseFloat: parsing " + Value::string(s).to_rego_text() + ": invalid syntax");
        auto n = Number::parse(s[0] == '+' ? s.substr(1) : s);
        if (!n) c.error("invalid number " + s);
        return Value::number(*n);
      }
      default: c.type_error(0, v, "one of {boolean, null, number, string}");
    }
  });
}

}  // namespace coco::rego
