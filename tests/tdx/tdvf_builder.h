// SPDX-License-Identifier: Apache-2.0
// A small synthetic TDVF image: CFV + BFV in the file, TempMem and TD_HOB in RAM, the TDVF
// descriptor inside the BFV and an OVMF footer GUID table pointing at it.
#pragma once

#include <cstdint>
#include <vector>

#include "firmware/ovmf.h"
#include "firmware/tdvf.h"
#include "util/bytes.h"

namespace coco::test::tdx {

struct TdvfSectionSpec {
  std::uint32_t data_offset, raw_size;
  std::uint64_t gpa, memory_size;
  std::uint32_t type, attributes;
};

inline constexpr std::uint64_t kSynthSize = 0x8000;
inline constexpr std::uint64_t kSynthDescriptor = 0x2000;

inline std::vector<TdvfSectionSpec> default_sections() {
  return {
      {0x1000, 0x7000, 0xffff9000, 0x7000, 0, 1},  // BFV, MR.EXTEND
      {0x0, 0x1000, 0xffff8000, 0x1000, 1, 0},     // CFV
      {0, 0, 0x810000, 0x10000, 3, 0},             // TempMem
      {0, 0, 0x809000, 0x2000, 2, 0},              // TD_HOB
  };
}

inline ByteVec build_tdvf(const std::vector<TdvfSectionSpec>& sections = default_sections()) {
  ByteVec f(kSynthSize);
  for (std::size_t i = 0; i < f.size(); ++i) f[i] = static_cast<std::uint8_t>((i * 31 + 7) ^ (i >> 8));
  // Metadata GUID, then the descriptor and its section records.
  std::copy(firmware::kTdxMetadataGuid.begin(), firmware::kTdxMetadataGuid.end(), f.begin() + kSynthDescriptor - 16);
  store_le<std::uint32_t>(f, kSynthDescriptor, firmware::kTdvfSignature);
  store_le<std::uint32_t>(f, kSynthDescriptor + 4, static_cast<std::uint32_t>(16 + 32 * sections.size()));
  store_le<std::uint32_t>(f, kSynthDescriptor + 8, 1);
  store_le<std::uint32_t>(f, kSynthDescriptor + 12, static_cast<std::uint32_t>(sections.size()));
  for (std::size_t i = 0; i < sections.size(); ++i) {
    const auto& s = sections[i];
    const std::uint64_t at = kSynthDescriptor + 16 + 32 * i;
    store_le<std::uint32_t>(f, at, s.data_offset);
    store_le<std::uint32_t>(f, at + 4, s.raw_size);
    store_le<std::uint64_t>(f, at + 8, s.gpa);
    store_le<std::uint64_t>(f, at + 16, s.memory_size);
    store_le<std::uint32_t>(f, at + 24, s.type);
    store_le<std::uint32_t>(f, at + 28, s.attributes);
  }
  // Footer table: [u32 offset-from-end][u16 22][TDX offset GUID][u16 40][footer GUID][32 B].
  const std::uint64_t footer = kSynthSize - 32 - 18;
  store_le<std::uint16_t>(f, footer, 40);
  std::copy(firmware::kFooterTableGuid.begin(), firmware::kFooterTableGuid.end(), f.begin() + footer + 2);
  std::copy(firmware::kTdxMetadataOffsetGuid.begin(), firmware::kTdxMetadataOffsetGuid.end(), f.begin() + footer - 16);
  store_le<std::uint16_t>(f, footer - 18, 22);
  store_le<std::uint32_t>(f, footer - 22, static_cast<std::uint32_t>(kSynthSize - kSynthDescriptor));
  return f;
}

// File offset of section i's record field at `field` (0 DataOffset … 28 Attributes).
inline std::uint64_t record_at(std::size_t i, std::uint64_t field) { return kSynthDescriptor + 16 + 32 * i + field; }

}  // namespace coco::test::tdx
