// SPDX-License-Identifier: Apache-2.0
#include "evidence/field.h"

namespace coco::evidence {

std::optional<std::string> find_field(const Fields& fields, const std::string& name) {
  for (const auto& f : fields)
    if (f.name == name) return f.value;
  return std::nullopt;
}

Json fields_json(const Fields& fields) {
  Json out = Json::object();
  for (const auto& f : fields) {
    out[f.name] = f.value;
    if (!f.flags.empty()) out[f.name + "_flags"] = f.flags;
    if (!f.note.empty()) out[f.name + "_decoded"] = f.note;
  }
  return out;
}

std::vector<std::string> bit_names(std::uint64_t value, const std::vector<std::pair<int, const char*>>& table) {
  std::vector<std::string> out;
  for (int bit = 0; bit < 64; ++bit) {
    if (((value >> bit) & 1U) == 0) continue;
    const char* name = nullptr;
    for (const auto& [b, n] : table)
      if (b == bit) name = n;
    out.push_back(name != nullptr ? std::string(name) : "bit " + std::to_string(bit));
  }
  return out;
}

}  // namespace coco::evidence
