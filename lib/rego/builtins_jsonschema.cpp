// SPDX-License-Identifier: Apache-2.0
// json.verify_schema and json.match_schema (OPA's topdown/jsonschema.go) over lib/rego/json_schema.h.
// Both take the schema (and match_schema the document) as a value or as JSON text.
#include "rego/builtins.h"
#include "rego/json_schema.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;

// A value, or the JSON text of one; nullopt for text that is not JSON.
std::optional<Value> json_operand(const BuiltinContext& c, Args a, std::size_t i) {
  if (!a[i].is_string()) {
    if (!a[i].is_object() && !a[i].is_bool() && !a[i].is_array() && !a[i].is_set() && !a[i].is_number() && !a[i].is_null())
      c.type_error(i, a[i], "one of {string, object, boolean}");
    return a[i];
  }
  Json j = Json::parse(a[i].as_string(), nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return Value::from_json(j);
}

}  // namespace

void register_jsonschema(Registry& r) {
  r.add("json.verify_schema", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    auto schema = json_operand(c, a, 0);
    std::optional<std::string> err = schema ? check_schema(*schema) : std::optional<std::string>("invalid JSON");
    if (!err) return Value::array({Value::boolean(true), Value::null()});
    return Value::array({Value::boolean(false), Value::string("jsonschema: " + *err)});
  });
  r.add("json.match_schema", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    auto doc = json_operand(c, a, 0);
    if (!doc) c.error("operand 1: invalid JSON");
    auto schema = json_operand(c, a, 1);
    if (!schema) c.error("operand 2: invalid JSON");
    if (auto err = check_schema(*schema)) c.error(*err);
    Array errors;
    for (const auto& e : validate_schema(*schema, *doc)) {
      if (e.type == "internal") c.error(e.desc);
      Object o;
      o.emplace(Value::string("error"), Value::string(e.field + ": " + e.desc));
      o.emplace(Value::string("desc"), Value::string(e.desc));
      o.emplace(Value::string("field"), Value::string(e.field));
      o.emplace(Value::string("type"), Value::string(e.type));
      errors.push_back(Value::object(std::move(o)));
    }
    bool ok = errors.empty();
    return Value::array({Value::boolean(ok), Value::array(std::move(errors))});
  });
}

}  // namespace coco::rego
