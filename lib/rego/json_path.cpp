// SPDX-License-Identifier: Apache-2.0
#include "rego/json_path.h"

#include <charconv>
#include <string>

namespace coco::rego {

namespace {

std::string unescape_pointer(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '~' && i + 1 < s.size() && (s[i + 1] == '0' || s[i + 1] == '1')) {
      out.push_back(s[i + 1] == '1' ? '/' : '~');
      ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

std::optional<Array> parse_json_path(const Value& path) {
  if (path.is_array()) return path.as_array();
  if (!path.is_string()) return std::nullopt;
  std::string_view s = path.as_string();
  Array out;
  if (s.empty()) return out;
  if (s.front() == '/') s.remove_prefix(1);
  for (;;) {
    auto slash = s.find('/');
    out.push_back(Value::string(unescape_pointer(s.substr(0, slash))));
    if (slash == std::string_view::npos) break;
    s.remove_prefix(slash + 1);
  }
  return out;
}

std::optional<std::size_t> array_index(const Value& segment) {
  if (segment.is_number()) {
    auto v = segment.as_number().as_int64();
    if (!v || *v < 0) return std::nullopt;
    return static_cast<std::size_t>(*v);
  }
  if (!segment.is_string()) return std::nullopt;
  const std::string& s = segment.as_string();
  if (s.empty() || s.size() > 18 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::size_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace coco::rego
