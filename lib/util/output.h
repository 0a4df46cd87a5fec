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
// value.dump(2) byte for byte (no trailing newline), written without nlohmann's per-character
// UTF-8 state machine for ASCII strings: a pod's 33 KB of policy data is hashed and compressed as
// this text, so the two must never differ (tests/util/output_test.cpp holds them side by side).
std::string pretty_json(const Json& value);
std::string render_yaml(const Json& value);  // block style, strings quoted only when needed

// An object built key by key, each value moved in. nlohmann's nested initializer lists copy a
// value once for every level it sits under (a pair is first built as an array, by copy), which
// for a pod's policy data was most of the cost of building it. Keys keep the order added.
class JsonObject {
 public:
  JsonObject& add(const char* key, Json value) {
    object_.emplace_back(key, std::move(value));
    return *this;
  }
  Json take() { return Json(std::move(object_)); }

 private:
  Json::object_t object_;
};

// Arrays and objects nest at most this deep in any JSON coco reads (bundles, DSSE, OCI documents,
// refvals inputs, settings); real documents stay under 20.
inline constexpr std::size_t kMaxJsonDepth = 512;

// Parses JSON text, naming `where` and the byte offset on failure (1-based, as nlohmann counts);
// nesting deeper than kMaxJsonDepth is an error before any tree is built.
Json parse_json(std::string_view text, const std::string& where);

}  // namespace coco
