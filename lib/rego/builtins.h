// SPDX-License-Identifier: Apache-2.0
// Rego builtin functions: how a family of builtins registers itself and reports errors as OPA does.
//
// A family lives in lib/rego/builtins_<family>.cpp and defines one function
//     void register_<family>(Registry& r);
// which calls r.add("name", arity, fn) for each builtin. The family is hooked in by one line in
// the table kFamilies in lib/rego/builtins.cpp (and its declaration below). Nothing else changes:
// the evaluator looks builtins up by their dotted name ("regex.match") and checks the arity.
//
// A builtin gets its evaluated, ground arguments and returns its value, or nullopt for
// "undefined". Errors follow OPA: wrong operand types raise eval_type_error
// ("count: operand 1 must be one of {array, object, set, string} but got number"), other failures
// eval_builtin_error ("div: divide by zero"). Raise them through BuiltinContext; the evaluator turns
// them into coco::Error under strict builtin errors, and into "undefined" otherwise (OPA's default).
// A relation (like walk) returns an array of all its outputs with relation=true; the evaluator
// iterates over them.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "rego/value.h"

namespace coco::rego {

// What a builtin throws; the evaluator catches it (never escapes lib/rego).
struct BuiltinError {
  std::string code;     // "eval_type_error" or "eval_builtin_error"
  std::string message;  // OPA's wording, starting with the builtin's name
};

class BuiltinContext {
 public:
  BuiltinContext(std::string_view name, bool strict, std::int64_t now_ns)
      : name_(name), strict_(strict), now_ns_(now_ns) {}

  std::string_view name() const { return name_; }
  bool strict() const { return strict_; }
  std::int64_t now_ns() const { return now_ns_; }  // time.now_ns(): fixed for one query

  // "<name>: operand <i+1> must be <want> but got <type of got>" (eval_type_error).
  [[noreturn]] void type_error(std::size_t i, const Value& got, std::string_view want) const;
  // "<name>: <message>" (eval_type_error), for type errors that are not about one operand.
  [[noreturn]] void type_error(std::string_view message) const;
  // "<name>: <message>" (eval_builtin_error).
  [[noreturn]] void error(std::string_view message) const;

  // Operand accessors: the value if it has that type, else type_error naming operand i+1.
  const std::string& string_arg(std::span<const Value> a, std::size_t i) const;
  const Number& number_arg(std::span<const Value> a, std::size_t i) const;
  const Array& array_arg(std::span<const Value> a, std::size_t i) const;
  const Object& object_arg(std::span<const Value> a, std::size_t i) const;
  const Set& set_arg(std::span<const Value> a, std::size_t i) const;
  bool bool_arg(std::span<const Value> a, std::size_t i) const;
  // An integral number in int64 range ("operand 2 must be integer but got number" otherwise:
  // OPA's wording for a non-integral number, e.g. substring's offset).
  std::int64_t int_arg(std::span<const Value> a, std::size_t i) const;

 private:
  std::string_view name_;
  bool strict_;
  std::int64_t now_ns_;
};

using BuiltinFn = std::function<std::optional<Value>(const BuiltinContext&, std::span<const Value>)>;

struct Builtin {
  std::string name;
  std::size_t arity = 0;
  BuiltinFn fn;
  bool relation = false;  // fn returns an array of outputs to iterate over
  // Pure and dearer than a hash lookup: the evaluator reuses its answer for the same argument
  // values within one query (Kata policies redo the same replace/split/regex.match chains on
  // policy data for every candidate).
  bool memo = false;
};

class Registry {
 public:
  void add(std::string name, std::size_t arity, BuiltinFn fn, bool relation = false);
  const Builtin* find(std::string_view name) const;
  std::size_t size() const { return map_.size(); }

  // Every family in kFamilies, once (shared, read-only afterwards).
  static const Registry& standard();

 private:
  std::unordered_map<std::string, Builtin> map_;
};

// The families (one file each). Add a declaration here and a line in kFamilies (builtins.cpp).
void register_strings(Registry& r);     // builtins_strings.cpp
void register_numbers(Registry& r);     // builtins_numbers.cpp: arithmetic, comparison, bits, aggregates
void register_collections(Registry& r); // builtins_collections.cpp: array, object, set, type, casts
void register_encoding(Registry& r);    // builtins_encoding.cpp: json, base64, base64url
void register_regex(Registry& r);       // builtins_regex.cpp: regex.match, find_all_string_submatch_n
void register_crypto(Registry& r);      // builtins_crypto.cpp: crypto.md5/sha1/sha256, crypto.hmac.*
void register_codecs(Registry& r);      // builtins_codecs.cpp: hex, urlquery, yaml
void register_glob(Registry& r);        // builtins_glob.cpp: glob.match, glob.quote_meta
void register_graph(Registry& r);       // builtins_graph.cpp: graph.reachable(_paths), walk, object.subset
void register_json_edit(Registry& r);   // builtins_json_edit.cpp: json.filter/remove, object.filter/remove
void register_jsonschema(Registry& r); // builtins_jsonschema.cpp: json.verify_schema, json.match_schema
void register_json_patch(Registry& r);  // builtins_json_patch.cpp: json.patch
void register_ranges(Registry& r);      // builtins_ranges.cpp: numbers.range(_step), bits.lsh/rsh/xor
void register_regex_more(Registry& r);  // builtins_regex_more.cpp: regex.find_n/replace/split/is_valid/template_match
void register_semver(Registry& r);      // builtins_semver.cpp: semver.compare, semver.is_valid
void register_net(Registry& r);         // builtins_net.cpp: net.cidr_contains/expand/is_valid/intersects
void register_time(Registry& r);        // builtins_time.cpp: time.*, test.sleep
void register_uuid(Registry& r);        // builtins_uuid.cpp: uuid.parse, uuid.rfc4122, rand.intn
void register_units(Registry& r);       // builtins_units.cpp: units.parse, units.parse_bytes

}  // namespace coco::rego
