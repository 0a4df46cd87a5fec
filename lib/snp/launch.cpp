// SPDX-License-Identifier: Apache-2.0
#include "snp/launch.h"

#include <algorithm>
#include <cctype>

#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"

namespace coco::snp {
namespace {

using firmware::SevSectionType;

constexpr std::uint64_t k4GiB = 1ull << 32;

// The image ends at 4 GiB (it is the -bios image; its last 16 bytes hold the reset vector).
std::uint64_t gpa_below_4g(const Reader& image, std::uint64_t below = k4GiB) {
  if (image.size() > below) fail(image.name(), "is " + std::to_string(image.size()) + " bytes; it does not fit below " + hex_number(below));
  return below - image.size();
}

void require_pages(const Reader& image) {
  if (image.size() == 0 || image.size() % kPageSize != 0)
    fail(image.name(), "is " + std::to_string(image.size()) + " bytes; an SNP guest is loaded in whole 4 KiB pages");
}

std::uint32_t require_reset_eip(const FirmwareFacts& f, const Reader& image) {
  if (!f.reset_eip)
    fail(image.name(), "no SEV-ES reset block (GUID " + firmware::to_string(firmware::kSevEsResetBlockGuid) +
                           ") in the OVMF footer table: the APs' start address is unknown; is this an SEV-capable "
                           "build used as -bios?");
  return *f.reset_eip;
}

// The 4 KiB page QEMU measures for SNP direct boot: zeros with the table at the hash-table
// block's offset within its page.
ByteVec kernel_hashes_page(const FirmwareFacts& f, const Reader& image, const KernelHashes& h, std::uint64_t* table_gpa) {
  if (!f.hash_table || f.hash_table->base == 0)
    fail(image.name(), "Kernel specified but OVMF doesn't support kernel/initrd/cmdline measurement (no SEV hash-table block)");
  const std::uint64_t offset = f.hash_table->base & (kPageSize - 1);
  if (offset + kPaddedHashTableSize > kPageSize)
    fail(image.name(), "SEV hash-table block at GPA " + hex_number(f.hash_table->base) + " leaves no room for the " +
                           std::to_string(kPaddedHashTableSize) + "-byte table in its page");
  ByteVec page(kPageSize, 0);
  const HashTable t = hash_table(h);
  std::copy(t.begin(), t.end(), page.begin() + static_cast<std::ptrdiff_t>(offset));
  *table_gpa = f.hash_table->base;
  return page;
}

// §1.4 step 3 and 4: the metadata sections, in file order, under the VMM's rules.
void add_sections(LaunchDigest& ld, const firmware::SevMetadata& m, const LaunchParams& p, const FirmwareFacts& f,
                  const Reader& image, LaunchResult& r) {
  for (const firmware::SevSection& s : m.sections) {
    switch (s.type) {
      case SevSectionType::SnpSecMem:
        ld.add_empty_pages(p.vmm == VmmType::Gce ? PageType::Unmeasured : PageType::Zero, s.gpa, s.size);
        break;
      case SevSectionType::SnpSecrets: ld.add_page(PageType::Secrets, s.gpa, Digest48{}); break;
      case SevSectionType::Cpuid:
        if (p.vmm != VmmType::Ec2) ld.add_page(PageType::Cpuid, s.gpa, Digest48{});
        break;
      case SevSectionType::SvsmCaa: ld.add_empty_pages(PageType::Zero, s.gpa, s.size); break;
      case SevSectionType::SnpKernelHashes:
        if (p.direct_boot) {
          if (s.size != kPageSize)
            fail(image.name(), "offset " + hex_number(s.descriptor_offset) + ": SNP_KERNEL_HASHES section is " +
                                   hex_number(s.size) + " bytes; QEMU fills exactly one 4 KiB page");
          std::uint64_t table_gpa = 0;
          const ByteVec page = kernel_hashes_page(f, image, *p.direct_boot, &table_gpa);
          ld.add_page(PageType::Normal, s.gpa, sha384_page(page));
          r.kernel_hashes_page_gpa = s.gpa;
          r.hash_table_gpa = table_gpa;
        } else {
          ld.add_empty_pages(PageType::Zero, s.gpa, s.size);
        }
        break;
    }
  }
  if (p.vmm == VmmType::Ec2)  // EC2 adds the CPUID pages after everything else
    for (const firmware::SevSection& s : m.sections)
      if (s.type == SevSectionType::Cpuid) ld.add_page(PageType::Cpuid, s.gpa, Digest48{});
}

LaunchResult snp(const LaunchParams& p, const Reader& ovmf) {
  LaunchResult r;
  r.mode = p.mode;
  r.ovmf = parse_firmware(ovmf);
  r.ovmf_gpa = gpa_below_4g(ovmf);
  const bool only_pages = p.mode == Mode::SnpOvmfHash;
  std::uint32_t ap_eip = 0;
  if (!only_pages) {
    // Check what later steps need before the expensive part, as the reference tool does not.
    ap_eip = require_reset_eip(r.ovmf, ovmf);
    if (p.direct_boot) check_direct_boot_support(p.mode, r.ovmf, ovmf);
    if (!r.ovmf.metadata)
      r.warnings.push_back(ovmf.name() + ": no SEV metadata in the footer table; only the firmware pages and VMSAs "
                                         "are measured, and a real SNP launch of this image would not get far");
  }
  LaunchDigest ld;
  if (p.ovmf_seed && !only_pages) {
    ld = LaunchDigest(*p.ovmf_seed);
  } else {
    require_pages(ovmf);
    ld.add_normal_pages(r.ovmf_gpa, ovmf.data());
  }
  r.after_ovmf_pages = ld.value();
  if (!only_pages) {
    if (r.ovmf.metadata) add_sections(ld, *r.ovmf.metadata, p, r.ovmf, ovmf, r);
    r.after_metadata = ld.value();
    const VmsaPage bsp = build_vmsa({p.vmm, kBspEip, p.guest_features, p.vcpu_sig, p.legacy_fpu, p.ec2_rdx});
    const VmsaPage ap = build_vmsa({p.vmm, ap_eip, p.guest_features, p.vcpu_sig, p.legacy_fpu, p.ec2_rdx});
    r.bsp_vmsa_sha384 = sha384_page(bsp);
    r.ap_vmsa_sha384 = sha384_page(ap);
    r.bsp_vmsa = bsp;
    r.ap_vmsa = ap;
    for (std::uint32_t i = 0; i < p.vcpus; ++i)  // every AP page is the same: hash it once
      ld.add_page(PageType::Vmsa, kVmsaGpa, i == 0 ? *r.bsp_vmsa_sha384 : *r.ap_vmsa_sha384);
  }
  r.pages = ld.pages();
  r.digest.assign(ld.value().begin(), ld.value().end());
  return r;
}

LaunchResult snp_svsm(const LaunchParams& p, const Reader& ovmf, const Reader& svsm) {
  LaunchResult r;
  r.mode = p.mode;
  r.ovmf = parse_firmware(ovmf);
  r.ovmf_gpa = gpa_below_4g(ovmf);
  r.svsm = parse_firmware(svsm);
  if (p.vars_size > r.ovmf_gpa) fail("--vars-size", hex_number(p.vars_size) + " does not fit below the OVMF image");
  r.svsm_gpa = gpa_below_4g(svsm, r.ovmf_gpa - p.vars_size);
  if (!r.svsm->svsm_entry)
    fail(svsm.name(), "no SVSM info entry (GUID " + firmware::to_string(firmware::kSvsmInfoGuid) + ") in its footer table");
  r.svsm_rip = r.svsm_gpa + *r.svsm->svsm_entry;
  if (!r.svsm->metadata) fail(svsm.name(), "no SEV metadata in its footer table");
  require_pages(ovmf);
  require_pages(svsm);
  LaunchDigest ld;
  ld.add_normal_pages(r.ovmf_gpa, ovmf.data());
  ld.add_normal_pages(r.svsm_gpa, svsm.data());
  r.after_ovmf_pages = ld.value();
  LaunchParams qemu = p;
  qemu.vmm = VmmType::Qemu;
  qemu.direct_boot.reset();
  add_sections(ld, *r.svsm->metadata, qemu, *r.svsm, svsm, r);
  r.after_metadata = ld.value();
  const VmsaPage v = build_svsm_vmsa(*r.svsm_rip, p.vcpu_sig);
  r.bsp_vmsa_sha384 = r.ap_vmsa_sha384 = sha384_page(v);
  r.bsp_vmsa = r.ap_vmsa = v;
  for (std::uint32_t i = 0; i < p.vcpus; ++i) ld.add_page(PageType::Vmsa, kVmsaGpa, *r.bsp_vmsa_sha384);
  r.pages = ld.pages();
  r.digest.assign(ld.value().begin(), ld.value().end());
  return r;
}

// §1.9: SEV and SEV-ES hash the bytes the PSP encrypts, in order; no GPAs.
LaunchResult sev(const LaunchParams& p, const Reader& ovmf) {
  LaunchResult r;
  r.mode = p.mode;
  r.ovmf = parse_firmware(ovmf);
  r.ovmf_gpa = gpa_below_4g(ovmf);
  const bool es = p.mode == Mode::SevEs;
  std::uint32_t ap_eip = 0;
  if (es) ap_eip = require_reset_eip(r.ovmf, ovmf);
  if (p.direct_boot) check_direct_boot_support(p.mode, r.ovmf, ovmf);
  Hasher h(Algo::Sha256);
  h.update(ovmf.data());
  if (p.direct_boot) {
    h.update(hash_table(*p.direct_boot));
    r.hash_table_gpa = r.ovmf.hash_table->base;
  }
  if (es) {
    // SEV-ES has no guest features: SEV_FEATURES stays 0 whatever --guest-features says.
    const VmsaPage bsp = build_vmsa({p.vmm, kBspEip, 0, p.vcpu_sig, p.legacy_fpu, p.ec2_rdx});
    const VmsaPage ap = build_vmsa({p.vmm, ap_eip, 0, p.vcpu_sig, p.legacy_fpu, p.ec2_rdx});
    r.bsp_vmsa_sha384 = sha384_page(bsp);
    r.ap_vmsa_sha384 = sha384_page(ap);
    r.bsp_vmsa = bsp;
    r.ap_vmsa = ap;
    for (std::uint32_t i = 0; i < p.vcpus; ++i) h.update(i == 0 ? Bytes(bsp) : Bytes(ap));
  }
  r.digest = h.finish();
  return r;
}

}  // namespace

std::string to_string(Mode m) {
  switch (m) {
    case Mode::Snp: return "snp";
    case Mode::SnpOvmfHash: return "snp:ovmf-hash";
    case Mode::SnpSvsm: return "snp:svsm";
    case Mode::SevEs: return "seves";
    case Mode::Sev: return "sev";
  }
  return "?";
}

std::optional<Mode> parse_mode(std::string_view text) {
  const std::string t = ascii_lower(std::string(text));
  if (t == "snp" || t == "sev-snp" || t == "sev_snp") return Mode::Snp;
  if (t == "snp:ovmf-hash") return Mode::SnpOvmfHash;
  if (t == "snp:svsm") return Mode::SnpSvsm;
  if (t == "seves" || t == "sev-es" || t == "sev_es") return Mode::SevEs;
  if (t == "sev") return Mode::Sev;
  return std::nullopt;
}

FirmwareFacts parse_firmware(const Reader& image) {
  FirmwareFacts f;
  f.size = image.size();
  const firmware::FooterTable t = firmware::parse_footer_table(image);
  f.has_footer_table = !t.empty();
  if (const auto* e = t.find(firmware::kSevEsResetBlockGuid)) f.reset_eip = firmware::entry_u32(*e);
  if (const auto* e = t.find(firmware::kSvsmInfoGuid)) f.svsm_entry = firmware::entry_u32(*e);
  f.metadata = firmware::parse_sev_metadata(t, image);
  f.hash_table = firmware::sev_hash_table_block(t);
  return f;
}

void check_direct_boot_support(Mode m, const FirmwareFacts& f, const Reader& image) {
  if (m == Mode::Snp) {
    const bool has_section = f.metadata && std::any_of(f.metadata->sections.begin(), f.metadata->sections.end(), [](const auto& s) {
                               return s.type == SevSectionType::SnpKernelHashes;
                             });
    if (!has_section) fail(image.name(), "Kernel specified but OVMF metadata doesn't include SNP_KERNEL_HASHES section");
  } else if (m == Mode::Sev || m == Mode::SevEs) {
    if (!f.hash_table || f.hash_table->base == 0)
      fail(image.name(), "Kernel specified but OVMF doesn't support kernel/initrd/cmdline measurement");
  }
}

LaunchResult compute_launch_digest(const LaunchParams& p, const Reader& ovmf, const Reader* svsm) {
  switch (p.mode) {
    case Mode::Snp:
    case Mode::SnpOvmfHash: return snp(p, ovmf);
    case Mode::SnpSvsm:
      if (svsm == nullptr) usage_error("--mode snp:svsm needs --svsm");
      return snp_svsm(p, ovmf, *svsm);
    case Mode::SevEs:
    case Mode::Sev: return sev(p, ovmf);
  }
  throw Error(Exit::Failure, "unknown mode");
}

}  // namespace coco::snp
