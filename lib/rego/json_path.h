// SPDX-License-Identifier: Apache-2.0
// Paths into Rego documents as json.filter, json.remove and json.patch take them (OPA's
// topdown/json.go parsePath): a string "a/b/c" with one optional leading "/" and JSON Pointer
// escapes ("~1" is "/", "~0" is "~"; "" is the root), or an array of segments of any type.
#pragma once

#include <cstddef>
#include <optional>

#include "rego/value.h"

namespace coco::rego {

// Deeper paths than this are not followed (a hostile path is data, not a reason to recurse).
inline constexpr std::size_t kMaxJsonPathDepth = 1024;

// The segments of a path operand; nullopt when it is neither a string nor an array.
std::optional<Array> parse_json_path(const Value& path);

// A segment as an array index: a non-negative integral number, or a string of digits without
// leading zeros ("0", "12"; not "01", "1e0", "-1").
std::optional<std::size_t> array_index(const Value& segment);

}  // namespace coco::rego
