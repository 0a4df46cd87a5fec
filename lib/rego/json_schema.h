// SPDX-License-Identifier: Apache-2.0
// JSON Schema validation for json.verify_schema and json.match_schema (OPA's topdown/jsonschema.go,
// which uses xeipuuv/gojsonschema): drafts 4 to 7 keywords on Rego values, errors worded and typed
// as gojsonschema reports them ({"error": "id: Invalid type. Expected: integer, given: string",
// "desc": ..., "field": "id", "type": "invalid_type"}). References are local only ("#/definitions/x",
// "#/$defs/x", "#"); formats are not checked (gojsonschema checks only known ones). Recursion is
// bounded by kMaxSchemaDepth and the work by kMaxSchemaSteps (a hostile schema is an error, not a hang).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rego/value.h"

namespace coco::rego {

inline constexpr std::size_t kMaxSchemaDepth = 256;
inline constexpr std::size_t kMaxSchemaSteps = 1'000'000;

struct SchemaError {
  std::string field;  // "(root)", "id", "items.0.name"
  std::string type;   // "invalid_type", "required", "enum"...
  std::string desc;   // "Invalid type. Expected: integer, given: string"
};

// nullopt when `schema` is a valid schema, else gojsonschema's message without its "jsonschema: "
// prefix ("has a primitive type that is NOT VALID -- given: /x/ Expected valid values are:[...]").
std::optional<std::string> check_schema(const Value& schema);

// The errors of `doc` against a schema check_schema accepted; empty when it matches. When the
// depth or step budget runs out the result is one error of type "internal".
std::vector<SchemaError> validate_schema(const Value& schema, const Value& doc);

}  // namespace coco::rego
