// SPDX-License-Identifier: Apache-2.0
// Rendering results: one value, three forms. JSON is nlohmann::ordered_json (keys stay in the
// order the code inserted them, so output is deterministic) and ends with a newline.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace coco {

using Json = nlohmann::ordered_json;

enum class Format { Text, Json, Yaml };

Format parse_format(std::string_view name);  // throws coco::Error (Usage)
std::string format_name(Format f);

std::string render_json(const Json& value);  // 2-space indent, trailing newline
std::string render_yaml(const Json& value);  // block style, strings quoted only when needed

// Arrays and objects nest at most this deep in any JSON coco reads (bundles, DSSE, OCI documents,
// refvals inputs, settings); real documents stay under 20.
inline constexpr std::size_t kMaxJsonDepth = 512;

// Parses JSON text, naming `where` and the byte offset on failure (1-based, as nlohmann counts);
// nesting deeper than kMaxJsonDepth is an error before any tree is built.
Json parse_json(std::string_view text, const std::string& where);

}  // namespace coco
