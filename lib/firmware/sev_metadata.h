// SPDX-License-Identifier: Apache-2.0
// The OVMF SEV metadata ("ASEV" block) and the other SEV entries of the footer GUID table
// (specs/snp.md §1.3; edk2 OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm). The sections tell the
// VMM which guest pages to pre-validate, and so which pages the SNP launch digest covers after the
// firmware itself. Shared with TDX, which reads the same footer table.
//
// Block layout, at file offset (image size - the u32 of the metadata footer entry):
//   0  "ASEV"   4  u32 size of header + descriptors   8  u32 version (1)   12  u32 count
//   16 + 12*i   descriptor {u32 base GPA, u32 length, u32 type}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "firmware/ovmf.h"
#include "util/bytes.h"

namespace coco::firmware {

enum class SevSectionType : std::uint32_t {
  SnpSecMem = 1,         // pre-validated zero pages (UNMEASURED on GCE)
  SnpSecrets = 2,        // the SNP secrets page
  Cpuid = 3,             // the CPUID page
  SvsmCaa = 4,           // SVSM calling-area pages (zero)
  SnpKernelHashes = 0x10,  // the page QEMU fills with kernel/initrd/cmdline hashes
};
std::string to_string(SevSectionType t);  // "SNP_SEC_MEM", … as in edk2 and sev-snp-measure

struct SevSection {
  std::uint32_t gpa = 0;
  std::uint32_t size = 0;
  SevSectionType type{};
  std::uint64_t descriptor_offset = 0;  // in the image, for messages
};

struct SevMetadata {
  std::uint64_t offset = 0;          // of the "ASEV" signature in the image
  std::vector<SevSection> sections;  // file order: the digest follows it
};

// The sections, or nullopt when the footer table has no SEV metadata entry (Debian 12's 4M
// builds). Throws coco::Error naming the image and offset for a block outside the image, a bad
// signature, version or size, a section type this code does not know, a section that is not
// page-aligned, runs past 4 GiB or overlaps another.
std::optional<SevMetadata> parse_sev_metadata(const FooterTable& t, const Reader& image);

// The SEV hash-table block {u32 base GPA, u32 size}: where QEMU writes the kernel-hashes table.
struct SevHashTableBlock {
  std::uint32_t base = 0;  // 0: the firmware does not support kernel hashes
  std::uint32_t size = 0;
};
std::optional<SevHashTableBlock> sev_hash_table_block(const FooterTable& t);

}  // namespace coco::firmware
