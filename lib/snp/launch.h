// SPDX-License-Identifier: Apache-2.0
// SEV-SNP, SEV-ES and SEV launch digests from firmware bytes (specs/snp.md §1.4, §1.9–§1.11).
// Pure computation over byte views: the files are mapped and the kernel and initrd hashed by
// measure() (measure.h), so that tests and the mutation fuzzer call this directly.
//
//   snp            SHA-384 chain: OVMF pages, metadata sections, one VMSA per vCPU
//   snp:ovmf-hash  the chain after the OVMF pages only (a seed for --snp-ovmf-hash)
//   snp:svsm       OVMF pages, SVSM image pages, the SVSM's metadata, SVSM VMSAs
//   seves          SHA-256(OVMF ‖ hash table ‖ VMSAs)
//   sev            SHA-256(OVMF ‖ hash table)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firmware/ovmf.h"
#include "firmware/sev_metadata.h"
#include "snp/kernel_hashes.h"
#include "snp/page_info.h"
#include "snp/vmsa.h"
#include "util/bytes.h"

namespace coco::snp {

enum class Mode { Snp, SnpOvmfHash, SnpSvsm, SevEs, Sev };
std::string to_string(Mode m);  // as --mode takes it: "snp", "snp:ovmf-hash", "snp:svsm", "seves", "sev"
// Also takes the reference library's spellings ("sev-es", "SEV-SNP", …); nullopt when unknown.
std::optional<Mode> parse_mode(std::string_view text);

// What an image's footer table says about SEV.
struct FirmwareFacts {
  std::uint64_t size = 0;
  bool has_footer_table = false;
  std::optional<std::uint32_t> reset_eip;                     // SEV-ES reset block: the APs' EIP
  std::optional<firmware::SevMetadata> metadata;              // "ASEV" sections
  std::optional<firmware::SevHashTableBlock> hash_table;      // where QEMU puts the kernel hashes
  std::optional<std::uint32_t> svsm_entry;                    // SVSM info: entry offset in the image
};
FirmwareFacts parse_firmware(const Reader& image);  // throws naming the image and offset

struct LaunchParams {
  Mode mode = Mode::Snp;
  std::uint32_t vcpus = 1;
  std::uint32_t vcpu_sig = 0;  // RDX under QEMU
  VmmType vmm = VmmType::Qemu;
  std::uint64_t guest_features = 0x1;
  std::optional<Digest48> ovmf_seed;        // --snp-ovmf-hash: skip hashing the OVMF pages
  std::optional<KernelHashes> direct_boot;  // --kernel (with --initrd, --append)
  std::uint64_t vars_size = 0;              // snp:svsm: the OVMF_VARS size between OVMF and SVSM
  bool legacy_fpu = false;                  // VmsaParams::legacy_fpu
  std::uint64_t ec2_rdx = kFixedRdx;        // VmsaParams::ec2_rdx
};

struct LaunchResult {
  Mode mode = Mode::Snp;
  ByteVec digest;  // 48 bytes for the SNP modes, 32 for SEV and SEV-ES
  FirmwareFacts ovmf;
  std::uint64_t ovmf_gpa = 0;
  std::optional<FirmwareFacts> svsm;
  std::uint64_t svsm_gpa = 0;
  std::optional<std::uint64_t> svsm_rip;
  // Intermediate SNP digests, for comparing against a partial computation elsewhere.
  std::optional<Digest48> after_ovmf_pages;  // = snp:ovmf-hash (or the seed)
  std::optional<Digest48> after_metadata;    // before the VMSAs
  std::optional<std::uint64_t> kernel_hashes_page_gpa;  // SNP: the NORMAL page holding the table
  std::optional<std::uint64_t> hash_table_gpa;
  std::optional<Digest48> bsp_vmsa_sha384, ap_vmsa_sha384;
  std::optional<VmsaPage> bsp_vmsa, ap_vmsa;  // vCPU 0 and every other vCPU
  std::uint64_t pages = 0;  // PAGE_INFO records hashed
  std::vector<std::string> warnings;
};

// Throws the reference tool's message when `image` cannot measure a kernel in mode m: SNP needs an
// SNP_KERNEL_HASHES section, SEV and SEV-ES a hash-table block with a non-zero base.
void check_direct_boot_support(Mode m, const FirmwareFacts& f, const Reader& image);

// `svsm` only for snp:svsm. Throws coco::Error (Failure) naming the image and place when the
// firmware cannot be measured as asked.
LaunchResult compute_launch_digest(const LaunchParams& p, const Reader& ovmf, const Reader* svsm = nullptr);

}  // namespace coco::snp
