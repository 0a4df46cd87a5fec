// SPDX-License-Identifier: Apache-2.0
// TDVF metadata: where a TDX firmware image says which pages the VMM adds to the TD and which
// of them enter MRTD (specs/tdx.md §1.2, §1.3; Intel TDVF design guide §11; QEMU hw/i386/tdvf.c).
//
// The footer GUID table holds the TDX metadata offset entry (kTdxMetadataOffsetGuid): a u32 that
// is the distance from the end of the file to the descriptor. td-shim images without the table
// keep the descriptor's absolute file offset in the u32 at len - 0x20 instead. The 16 bytes before
// the descriptor are the TDX metadata GUID.
//
// Descriptor (16 bytes, LE): "TDVF", u32 Length = 16 + 32 n, u32 Version = 1, u32 n; then n
// section records of 32 bytes:
//   +0 u32 DataOffset  +4 u32 RawDataSize  +8 u64 MemoryAddress  +16 u64 MemoryDataSize
//   +24 u32 Type       +28 u32 Attributes (bit 0 MR.EXTEND, bit 1 PAGE.AUG)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "firmware/guid.h"
#include "util/bytes.h"

namespace coco::firmware {

inline constexpr Guid kTdxMetadataGuid = guid("e9eaf9f3-168e-44d5-a8eb-7f4d8738f6ae");
inline constexpr std::uint32_t kTdvfSignature = 0x46564454;  // "TDVF"
inline constexpr std::uint64_t kTdvfDescriptorSize = 16;
inline constexpr std::uint64_t kTdvfSectionSize = 32;
// Real images add a few MiB at launch (Debian OVMF.fd: 538 pages); these caps keep a hostile
// descriptor from turning MRTD into hours of hashing zero pages.
inline constexpr std::uint64_t kTdvfMaxAddedBytes = 4ull << 30;
inline constexpr std::uint64_t kTdvfMaxExtendedBytes = 256ull << 20;
inline constexpr std::uint32_t kTdvfAttrMrExtend = 1u << 0;
inline constexpr std::uint32_t kTdvfAttrPageAug = 1u << 1;

enum class TdvfSectionType : std::uint32_t {
  Bfv = 0,           // boot firmware volume: PAGE.ADD + MR.EXTEND (code, in MRTD)
  Cfv = 1,           // configuration firmware volume (variables): PAGE.ADD, measured into RTMR0
  TdHob = 2,         // the VMM writes the TD HOB here: PAGE.ADD of zero pages
  TempMem = 3,       // temporary memory: PAGE.ADD of zero pages
  PermMem = 4,       // td-shim: PAGE.AUG, never in MRTD
  Payload = 5,       // td-shim kernel: PAGE.ADD, optionally MR.EXTEND
  PayloadParam = 6,  // td-shim kernel parameters: PAGE.ADD
  TdInfo = 7,        // nothing added
  TdParams = 8,      // nothing added
};
std::string to_string(TdvfSectionType t);

struct TdvfSection {
  std::uint32_t data_offset = 0;
  std::uint32_t raw_data_size = 0;
  std::uint64_t memory_address = 0;
  std::uint64_t memory_data_size = 0;
  TdvfSectionType type = TdvfSectionType::Bfv;
  std::uint32_t attributes = 0;
  std::uint64_t record_offset = 0;  // file offset of the 32-byte record, for messages

  bool mr_extend() const { return (attributes & kTdvfAttrMrExtend) != 0; }
  bool page_aug() const { return (attributes & kTdvfAttrPageAug) != 0; }
  std::uint64_t pages() const { return memory_data_size / 4096; }
};

struct TdvfMetadata {
  std::uint64_t descriptor_offset = 0;  // file offset of "TDVF"
  std::vector<TdvfSection> sections;    // in metadata order: the order the VMM adds them
  const TdvfSection* first(TdvfSectionType t) const;
};

// Parses and validates the metadata of `image` (the whole firmware file). Throws coco::Error
// naming the image and offset when there is no TDX metadata (e.g. Debian's OVMF_CODE_4M.fd),
// when a section points outside the file (OVMF_CODE.fd carries the unified image's metadata),
// when sections overlap in guest memory, or for unknown types and reserved attribute bits.
TdvfMetadata parse_tdvf_metadata(const Reader& image);

}  // namespace coco::firmware
