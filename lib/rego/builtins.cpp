// SPDX-License-Identifier: Apache-2.0
#include "rego/builtins.h"

namespace coco::rego {

namespace {
using Family = void (*)(Registry&);
// One line per family file. Keep alphabetical by file to make merges trivial.
constexpr Family kFamilies[] = {
    register_codecs,
    register_collections,
    register_crypto,
    register_encoding,
    register_glob,
    register_graph,
    register_json_edit,
    register_json_patch,
    register_jsonschema,
    register_net,
    register_numbers,
    register_ranges,
    register_regex,
    register_regex_more,
    register_semver,
    register_strings,
    register_time,
    register_units,
    register_uuid,
};
}  // namespace

void BuiltinContext::type_error(std::size_t i, const Value& got, std::string_view want) const {
  throw BuiltinError{"eval_type_error", std::string(name_) + ": operand " + std::to_string(i + 1) +
                                            " must be " + std::string(want) + " but got " +
                                            type_name(got.type())};
}
void BuiltinContext::type_error(std::string_view message) const {
  throw BuiltinError{"eval_type_error", std::string(name_) + ": " + std::string(message)};
}
void BuiltinContext::error(std::string_view message) const {
  throw BuiltinError{"eval_builtin_error", std::string(name_) + ": " + std::string(message)};
}

const std::string& BuiltinContext::string_arg(std::span<const Value> a, std::size_t i) const {
  if (!a[i].is_string()) type_error(i, a[i], "string");
  return a[i].as_string();
}
const Number& BuiltinContext::number_arg(std::span<const Value> a, std::size_t i) const {
  if (!a[i].is_number()) type_error(i, a[i], "number");
  return a[i].as_number();
}
const Array& BuiltinContext::array_arg(std::span<const Value> a, std::size_t i) const {
  if (!a[i].is_array()) type_error(i, a[i], "array");
  return a[i].as_array();
}
const Object& BuiltinContext::object_arg(std::span<const Value> a, std::size_t i) const {
  if (!a[i].is_object()) type_error(i, a[i], "object");
  return a[i].as_object();
}
const Set& BuiltinContext::set_arg(std::span<const Value> a, std::size_t i) const {
  if (!a[i].is_set()) type_error(i, a[i], "set");
  return a[i].as_set();
}
bool BuiltinContext::bool_arg(std::span<const Value> a, std::size_t i) const {
  if (!a[i].is_bool()) type_error(i, a[i], "boolean");
  return a[i].as_bool();
}
std::int64_t BuiltinContext::int_arg(std::span<const Value> a, std::size_t i) const {
  const Number& n = number_arg(a, i);
  if (!n.is_integral()) type_error(i, a[i], "integer");
  if (n.is_int()) {
    auto v = n.as_int64();
    if (!v) error("operand " + std::to_string(i + 1) + " is out of range");
    return *v;
  }
  return static_cast<std::int64_t>(n.as_double());
}

void Registry::add(std::string name, std::size_t arity, BuiltinFn fn, bool relation) {
  Builtin b{name, arity, std::move(fn), relation};
  map_[std::move(name)] = std::move(b);
}

const Builtin* Registry::find(std::string_view name) const {
  auto it = map_.find(std::string(name));
  return it == map_.end() ? nullptr : &it->second;
}

namespace {
// Deterministic builtins whose work (new strings, parsing, matching) outweighs a lookup by
// argument identity. Never time, random or network builtins.
constexpr const char* kMemoized[] = {
    "replace", "split", "concat", "sprintf", "substring", "lower", "upper", "trim", "trim_left",
    "trim_right", "trim_prefix", "trim_suffix", "trim_space", "strings.replace_n", "format_int",
    "to_number", "regex.match", "regex.find_all_string_submatch_n", "base64.is_valid",
    "base64.decode", "base64.encode", "json.unmarshal", "json.marshal",
};
}  // namespace

const Registry& Registry::standard() {
  static const Registry r = [] {
    Registry reg;
    for (Family f : kFamilies) f(reg);
    for (const char* name : kMemoized) reg.map_.at(name).memo = true;
    return reg;
  }();
  return r;
}

}  // namespace coco::rego
