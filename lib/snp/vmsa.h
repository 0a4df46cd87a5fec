// SPDX-License-Identifier: Apache-2.0
// The initial VMSA page of a vCPU (specs/snp.md §1.6 and §1.11; AMD APM vol. 2 table B-4 "VMSA
// layout", Linux `struct sev_es_save_area`). Only the fields below are non-zero; everything the
// table does not list stays zero. The VMM decides several of them, which is why the VMM type is
// an input: QEMU (KVM_SEV_INIT2 defaults), EC2 and GCE differ in segment attributes, G_PAT, RDX
// and the x87/SSE control words.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace coco::snp {

enum class VmmType { Qemu, Ec2, Gce };
std::string to_string(VmmType v);  // "qemu", "ec2", "gce"

// Field offsets, named as in the APM table.
namespace vmsa {
inline constexpr std::size_t kEs = 0x000, kCs = 0x010, kSs = 0x020, kDs = 0x030, kFs = 0x040, kGs = 0x050,
                             kGdtr = 0x060, kLdtr = 0x070, kIdtr = 0x080, kTr = 0x090;  // {u16 sel, u16 attrib, u32 limit, u64 base}
inline constexpr std::size_t kEfer = 0x0D0, kCr4 = 0x148, kCr0 = 0x158, kDr7 = 0x160, kDr6 = 0x168,
                             kRflags = 0x170, kRip = 0x178, kGPat = 0x268, kRdx = 0x310, kSevFeatures = 0x3B0,
                             kXcr0 = 0x3E8, kMxcsr = 0x408, kX87Fcw = 0x410;
}  // namespace vmsa

using VmsaPage = std::array<std::uint8_t, 4096>;

// The BSP starts at the reset vector 0xFFFFFFF0; APs at the firmware's SEV-ES reset block EIP.
inline constexpr std::uint32_t kBspEip = 0xFFFFFFF0;

// The VMM's constant RDX on EC2 and GCE (QEMU puts the vCPU signature there). EC2 used 0 before
// its 2026 firmware change (sev-snp-measure < 0.0.13, the Go port and the sev crate still do).
inline constexpr std::uint64_t kFixedRdx = 0x600;

struct VmsaParams {
  VmmType vmm = VmmType::Qemu;
  std::uint32_t eip = kBspEip;
  std::uint64_t sev_features = 0;  // guest features for SNP; 0 for SEV-ES
  std::uint32_t vcpu_sig = 0;      // RDX under QEMU
  // QEMU on hosts without KVM_SEV_INIT2 (Linux before ~6.10, QEMU before 9.1) left MXCSR and the
  // x87 control word 0 (sev-snp-measure < 0.0.10).
  bool legacy_fpu = false;
  std::uint64_t ec2_rdx = kFixedRdx;
};

// A vCPU in real mode at eip (SNP, SEV-ES).
VmsaPage build_vmsa(const VmsaParams& p);

// A vCPU of Coconut-SVSM entering the SVSM in 64-bit mode at `rip` (§1.11). SEV_FEATURES is fixed
// to SNPActive and X87_FCW stays 0: the reference tool passes that value under a misspelt name, and
// the hardware-checked vectors depend on it.
VmsaPage build_svsm_vmsa(std::uint64_t rip, std::uint32_t vcpu_sig);

}  // namespace coco::snp
