// SPDX-License-Identifier: Apache-2.0
// The OVMF footer GUID table (specs/snp.md §1.3, specs/tdx.md; edk2
// OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm). Shared by the SEV and TDX measurements: the
// entries point to the SEV-ES reset block, the SEV metadata and the TDX metadata.
#pragma once

#include <optional>
#include <vector>

#include "firmware/guid.h"
#include "util/bytes.h"

namespace coco::firmware {

inline constexpr Guid kFooterTableGuid = guid("96b582de-1fb2-45f7-baea-a366c55a082d");
inline constexpr Guid kSevEsResetBlockGuid = guid("00f771de-1a7e-4fcb-890e-68c77e2fb44e");
inline constexpr Guid kSevMetadataGuid = guid("dc886566-984a-4798-a75e-5585a7bf67cc");
inline constexpr Guid kSevHashTableBlockGuid = guid("7255371f-3a3b-4b04-927b-1da6efa8d454");
inline constexpr Guid kSevSecretBlockGuid = guid("4c2eb361-7d9b-4cc3-8081-127c90d3d294");
inline constexpr Guid kTdxMetadataOffsetGuid = guid("e47a6535-984a-4798-865e-4685a7bf8ec2");
inline constexpr Guid kSvsmInfoGuid = guid("a789a612-0597-4c4b-a49f-cbb1fe9d1ddd");

// The last 32 bytes are the reset vector; the 18-byte footer entry {u16 size, GUID} sits before.
inline constexpr std::uint64_t kResetVectorArea = 32;
inline constexpr std::uint64_t kTableTrailerSize = 18;

struct FooterEntry {
  Guid guid;
  Reader data;  // knows its own file offset, so errors inside it name the right place
};

struct FooterTable {
  std::uint64_t footer_offset = 0;  // of the footer entry's u16 size
  std::vector<FooterEntry> entries;  // walk order: the entry nearest the footer first
  const FooterEntry* find(const Guid& g) const;
  bool empty() const { return entries.empty(); }
};

// Empty when the footer GUID is absent (SEV still measures such images). Throws coco::Error
// naming the image and offset for a table that does not fit, a bad entry size or a duplicate GUID.
FooterTable parse_footer_table(const Reader& image);

// The u32 that an entry holds at `off`, e.g. the SEV-ES reset EIP or a metadata offset.
std::uint32_t entry_u32(const FooterEntry& e, std::uint64_t off = 0);

// The SEV-ES AP reset EIP; throws naming the image when the reset block is absent.
std::uint32_t sev_es_reset_eip(const FooterTable& t, const Reader& image);

}  // namespace coco::firmware
