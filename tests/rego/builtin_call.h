// SPDX-License-Identifier: Apache-2.0
// Calling one Rego builtin directly (no parser, no evaluator) for the builtin family tests:
// arguments are written as JSON text, sets are built with set_of().
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rego/builtins.h"

namespace coco::rego::test {

inline Value json(std::string_view text) { return Value::from_json(Json::parse(text)); }
inline Value str(std::string s) { return Value::string(std::move(s)); }
inline Value set_of(std::vector<Value> elems) { return Value::set(Set(elems.begin(), elems.end())); }

// The builtin's result (nullopt: undefined); a BuiltinError propagates.
inline std::optional<Value> call(std::string_view name, std::vector<Value> args, std::int64_t now_ns = 0) {
  const Builtin* b = Registry::standard().find(name);
  if (!b) throw std::runtime_error("no builtin " + std::string(name));
  if (b->arity != args.size()) throw std::runtime_error("arity of " + std::string(name));
  BuiltinContext ctx(name, true, now_ns);
  return b->fn(ctx, args);
}

// The result as compact JSON text (sets as sorted arrays), "<undefined>" when there is none.
inline std::string call_json(std::string_view name, std::vector<Value> args) {
  auto v = call(name, std::move(args));
  return v ? v->to_json_text() : "<undefined>";
}

// "<code>: <message>" of the error the call raises, "" when it raises none.
inline std::string error_of(std::string_view name, std::vector<Value> args) {
  try {
    call(name, std::move(args));
  } catch (const BuiltinError& e) {
    return e.code + ": " + e.message;
  }
  return "";
}

}  // namespace coco::rego::test
