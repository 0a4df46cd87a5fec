// SPDX-License-Identifier: Apache-2.0
#include "snp/vmsa.h"

#include "util/bytes.h"

namespace coco::snp {
namespace {

struct Segment {
  std::uint16_t selector, attrib;
  std::uint32_t limit;
  std::uint64_t base;
};

void put_segment(VmsaPage& p, std::size_t off, const Segment& s) {
  store_le<std::uint16_t>(p, off, s.selector);
  store_le<std::uint16_t>(p, off + 2, s.attrib);
  store_le<std::uint32_t>(p, off + 4, s.limit);
  store_le<std::uint64_t>(p, off + 8, s.base);
}

// The registers every flavour shares: the architectural reset state plus EFER.SVME.
void put_common(VmsaPage& p) {
  using namespace vmsa;
  put_segment(p, kGdtr, {0, 0, 0xFFFF, 0});
  put_segment(p, kLdtr, {0, 0x82, 0xFFFF, 0});
  put_segment(p, kIdtr, {0, 0, 0xFFFF, 0});
  store_le<std::uint64_t>(p, kEfer, 0x1000);  // SVME
  store_le<std::uint64_t>(p, kCr4, 0x40);     // MCE
  store_le<std::uint64_t>(p, kDr7, 0x400);
  store_le<std::uint64_t>(p, kDr6, 0xFFFF0FF0);
  store_le<std::uint64_t>(p, kRflags, 0x2);
  store_le<std::uint64_t>(p, kXcr0, 0x1);
}

}  // namespace

std::string to_string(VmmType v) {
  switch (v) {
    case VmmType::Qemu: return "qemu";
    case VmmType::Ec2: return "ec2";
    case VmmType::Gce: return "gce";
  }
  return "?";
}

VmsaPage build_vmsa(const VmsaParams& in) {
  using namespace vmsa;
  VmsaPage p{};
  const bool ec2 = in.vmm == VmmType::Ec2;
  const Segment data{0, 0x93, 0xFFFF, 0};
  put_segment(p, kEs, data);
  // EC2's BSP code segment is not marked accessed; its APs' is.
  const std::uint16_t cs_attrib = (ec2 && in.eip == kBspEip) ? 0x9A : 0x9B;
  put_segment(p, kCs, {0xF000, cs_attrib, 0xFFFF, in.eip & 0xFFFF0000u});
  put_segment(p, kSs, {0, static_cast<std::uint16_t>(ec2 ? 0x92 : 0x93), 0xFFFF, 0});
  put_segment(p, kDs, data);
  put_segment(p, kFs, data);
  put_segment(p, kGs, data);
  put_segment(p, kTr, {0, static_cast<std::uint16_t>(ec2 ? 0x83 : 0x8B), 0xFFFF, 0});
  put_common(p);
  store_le<std::uint64_t>(p, kCr0, 0x10);
  store_le<std::uint64_t>(p, kRip, in.eip & 0xFFFF);
  store_le<std::uint64_t>(p, kGPat, in.vmm == VmmType::Gce ? 0x00070106 : 0x0007040600070406);
  const std::uint64_t rdx = in.vmm == VmmType::Qemu ? std::uint64_t{in.vcpu_sig} : in.vmm == VmmType::Ec2 ? in.ec2_rdx : kFixedRdx;
  store_le<std::uint64_t>(p, kRdx, rdx);
  store_le<std::uint64_t>(p, kSevFeatures, in.sev_features);
  if (in.vmm == VmmType::Qemu && !in.legacy_fpu) {  // KVM_SEV_INIT2 sets the FPU's reset values; EC2 and GCE leave 0
    store_le<std::uint32_t>(p, kMxcsr, 0x1F80);
    store_le<std::uint16_t>(p, kX87Fcw, 0x037F);
  }
  return p;
}

VmsaPage build_svsm_vmsa(std::uint64_t rip, std::uint32_t vcpu_sig) {
  using namespace vmsa;
  VmsaPage p{};
  const Segment flat_data{0x10, 0xC93, 0xFFFFFFFF, 0};
  put_segment(p, kEs, flat_data);
  put_segment(p, kCs, {0x08, 0xC9B, 0xFFFFFFFF, 0});
  put_segment(p, kSs, flat_data);
  put_segment(p, kDs, flat_data);
  put_segment(p, kFs, flat_data);
  put_segment(p, kGs, {0, 0x93, 0xFFFF, 0});
  put_segment(p, kTr, {0, 0x8B, 0xFFFF, 0});
  put_common(p);
  store_le<std::uint64_t>(p, kCr0, 0x11);  // PE: the SVSM starts in protected mode
  store_le<std::uint64_t>(p, kRip, rip);
  store_le<std::uint64_t>(p, kGPat, 0x0007040600070406);
  store_le<std::uint64_t>(p, kRdx, vcpu_sig);
  store_le<std::uint64_t>(p, kSevFeatures, 0x1);
  store_le<std::uint32_t>(p, kMxcsr, 0x1F80);
  return p;
}

}  // namespace coco::snp
