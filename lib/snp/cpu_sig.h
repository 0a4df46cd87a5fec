// SPDX-License-Identifier: Apache-2.0
// vCPU signatures: what QEMU puts in RDX at reset, CPUID Fn0000_0001_EAX (specs/snp.md §1.7;
// AMD pub. 25481 "CPUID Specification"). The signature of the vCPU model the VMM emulates, not of
// the host.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coco::snp {

struct CpuModel {
  std::string_view name;  // QEMU model name without version suffix, e.g. "EPYC-Milan"
  int family, model, stepping;
};

// family > 0xF goes into the extended family field; the model's high nibble into extended model.
std::uint32_t cpu_signature(int family, int model, int stepping);

// The QEMU models sev-snp-measure knows, in table order.
const std::vector<CpuModel>& cpu_models();

// Every name accepted by --vcpu-type: each model, with its "-vN" aliases and legacy names.
std::vector<std::string> cpu_type_names();

// The model behind a --vcpu-type name ("EPYC-Milan-v2" → EPYC-Milan); nullopt when unknown.
std::optional<CpuModel> find_cpu_model(std::string_view name);

}  // namespace coco::snp
