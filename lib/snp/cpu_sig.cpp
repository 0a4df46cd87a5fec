// SPDX-License-Identifier: Apache-2.0
#include "snp/cpu_sig.h"

namespace coco::snp {
namespace {

// Family/model/stepping of each model, and the version aliases QEMU gives it. Later versions of
// a model keep its family/model/stepping (only feature flags change), so any "-vN" maps here.
struct Entry {
  CpuModel model;
  std::vector<std::string_view> aliases;
};

const std::vector<Entry>& table() {
  static const std::vector<Entry> t = {
      {{"EPYC", 23, 1, 2}, {"EPYC-v1", "EPYC-v2", "EPYC-IBPB", "EPYC-v3", "EPYC-v4", "EPYC-v5"}},
      {{"EPYC-Rome", 23, 49, 0}, {"EPYC-Rome-v1", "EPYC-Rome-v2", "EPYC-Rome-v3", "EPYC-Rome-v4", "EPYC-Rome-v5"}},
      {{"EPYC-Milan", 25, 1, 1}, {"EPYC-Milan-v1", "EPYC-Milan-v2", "EPYC-Milan-v3"}},
      {{"EPYC-Genoa", 25, 17, 0}, {"EPYC-Genoa-v1", "EPYC-Genoa-v2"}},
      {{"EPYC-Turin", 26, 0, 0}, {"EPYC-Turin-v1"}},
  };
  return t;
}

}  // namespace

std::uint32_t cpu_signature(int family, int model, int stepping) {
  std::uint32_t base_family = static_cast<std::uint32_t>(family), ext_family = 0;
  if (family > 0xF) {
    base_family = 0xF;
    ext_family = static_cast<std::uint32_t>(family - 0xF) & 0xFF;
  }
  const std::uint32_t m = static_cast<std::uint32_t>(model);
  return ext_family << 20 | ((m >> 4) & 0xF) << 16 | (base_family & 0xF) << 8 | (m & 0xF) << 4 |
         (static_cast<std::uint32_t>(stepping) & 0xF);
}

const std::vector<CpuModel>& cpu_models() {
  static const std::vector<CpuModel> models = [] {
    std::vector<CpuModel> m;
    for (const Entry& e : table()) m.push_back(e.model);
    return m;
  }();
  return models;
}

std::vector<std::string> cpu_type_names() {
  std::vector<std::string> names;
  for (const Entry& e : table()) {
    names.emplace_back(e.model.name);
    for (auto a : e.aliases) names.emplace_back(a);
  }
  return names;
}

std::optional<CpuModel> find_cpu_model(std::string_view name) {
  for (const Entry& e : table()) {
    if (name == e.model.name) return e.model;
    for (auto a : e.aliases)
      if (name == a) return e.model;
  }
  return std::nullopt;
}

}  // namespace coco::snp
