// SPDX-License-Identifier: Apache-2.0
#include "tdx/profile.h"

#include "util/error.h"

namespace coco::tdx {

std::string to_string(OvmfLayout l) {
  switch (l) {
    case OvmfLayout::Legacy: return "legacy";
    case OvmfLayout::Y2024: return "2024";
    case OvmfLayout::Y2025: return "2025";
  }
  return "?";
}

OvmfLayout parse_ovmf_layout(const std::string& name) {
  if (name == "legacy") return OvmfLayout::Legacy;
  if (name == "2024") return OvmfLayout::Y2024;
  if (name == "2025") return OvmfLayout::Y2025;
  usage_error("OVMF layout '" + name + "': expected legacy (<= edk2-stable202408), 2024 (202411-202502) or 2025 (>= 202505)");
}

std::string to_string(KernelHeader k) { return k == KernelHeader::QemuRewrite ? "qemu-rewrite" : "raw"; }

KernelHeader parse_kernel_header(const std::string& name) {
  if (name == "qemu-rewrite") return KernelHeader::QemuRewrite;
  if (name == "raw") return KernelHeader::Raw;
  usage_error("kernel header '" + name + "': expected qemu-rewrite (QEMU < 10.2) or raw");
}

const std::vector<Profile>& profiles() {
  static const std::vector<Profile> kProfiles = {
      {"upstream",
       "upstream KVM (Linux >= 6.16), QEMU >= 10.2, OVMF >= edk2-stable202505, guest kernel >= 6.9",
       PageAddOrder::SinglePass, OvmfLayout::Y2025, KernelHeader::Raw, true},
      {"ubuntu-24.04",
       "Canonical TDX on Ubuntu 24.04: KVM 6.8 + QEMU 8.2.2, OVMF 2024.02-3+tdx1.0, guest kernel 6.8",
       PageAddOrder::TwoPass, OvmfLayout::Legacy, KernelHeader::QemuRewrite, false},
      {"ubuntu-25.04", "Ubuntu 25.04: Linux 6.14 + QEMU 9.2, OVMF 2025.02, guest kernel 6.14",
       PageAddOrder::SinglePass, OvmfLayout::Y2024, KernelHeader::QemuRewrite, true},
      {"ubuntu-26.04", "Ubuntu 26.04: QEMU 10.2, OVMF >= edk2-stable202505, guest kernel >= 6.9",
       PageAddOrder::SinglePass, OvmfLayout::Y2025, KernelHeader::Raw, true},
      {"dstack-0.5", "dstack 0.5.x on QEMU 9.x (dstack-mr default): OVMF 'pre202505', guest kernel >= 6.9",
       PageAddOrder::SinglePass, OvmfLayout::Y2024, KernelHeader::QemuRewrite, true},
      {"dstack-0.5-qemu8", "dstack 0.5.x on QEMU 8.x hosts (two-pass page add)", PageAddOrder::TwoPass,
       OvmfLayout::Y2024, KernelHeader::QemuRewrite, true},
  };
  return kProfiles;
}

std::vector<std::string> profile_names() {
  std::vector<std::string> names;
  for (const auto& p : profiles()) names.push_back(p.name);
  return names;
}

const Profile& find_profile(const std::string& name) {
  for (const auto& p : profiles())
    if (p.name == name) return p;
  std::string all;
  for (const auto& n : profile_names()) all += (all.empty() ? "" : ", ") + n;
  usage_error("unknown TDX profile '" + name + "'; known profiles: " + all);
}

}  // namespace coco::tdx
