// SPDX-License-Identifier: Apache-2.0
// Named measurement profiles (specs/tdx.md §0 item 4, §2.8, §7): the four version axes that
// change MRTD and RTMR0-2 for the same files, bundled under the name of a real stack so that a
// user picks one word and sees every assumption it implies. Individual flags override fields.
#pragma once

#include <string>
#include <vector>

#include "tdx/mrtd.h"

namespace coco::tdx {

// OVMF's RTMR0/RTMR1 event layout (edk2 PR #6051, first in edk2-stable202411; fw_cfg and boot
// option changes in edk2-stable202505).
enum class OvmfLayout {
  Legacy,  // <= edk2-stable202408: ReadyToBoot separator in RTMR0 (14 events), none in RTMR1
  Y2024,   // edk2-stable202411 … 202502: 13 RTMR0 events, separator in RTMR1
  Y2025,   // >= edk2-stable202505: fw_cfg BootMenu/bootorder, variable authority, 17 events
};
std::string to_string(OvmfLayout l);  // "legacy", "2024", "2025"
OvmfLayout parse_ovmf_layout(const std::string& name);

// Which kernel bytes OVMF measures in direct boot (specs/tdx.md §2.5).
enum class KernelHeader {
  QemuRewrite,  // QEMU < 10.2 serves the bzImage with its setup header rewritten
  Raw,          // QEMU >= 10.2 (or OVMF fetching etc/boot/kernel): the file as it is
};
std::string to_string(KernelHeader k);  // "qemu-rewrite", "raw"
KernelHeader parse_kernel_header(const std::string& name);

struct Profile {
  std::string name;
  std::string description;  // the stack it stands for
  PageAddOrder page_add_order = PageAddOrder::SinglePass;
  OvmfLayout ovmf_layout = OvmfLayout::Y2025;
  KernelHeader kernel_header = KernelHeader::Raw;
  bool cmdline_measured = true;  // guest kernel >= 6.9: the EFI stub measures cmdline + initrd into RTMR2
};

inline constexpr const char* kDefaultProfile = "upstream";
const std::vector<Profile>& profiles();
const Profile& find_profile(const std::string& name);  // usage error listing the names
std::vector<std::string> profile_names();

}  // namespace coco::tdx
