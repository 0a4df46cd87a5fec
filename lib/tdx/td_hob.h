// SPDX-License-Identifier: Apache-2.0
// The TD HOB that QEMU writes into the TD_HOB section and OVMF measures into RTMR0 as its first
// event (specs/tdx.md §2.3; QEMU hw/i386/tdvf-hob.c, hw/i386/tdx.c; PI spec vol. 3 §5).
//
//   PHIT (56 B): u16 type 1, u16 length 56, u32 0, u32 Version 9, u32 BootMode 0,
//                4 × u64 0 (memory top/bottom), u64 EfiEndOfHobList = base + 56 + 48 N + 8.
//   N × resource descriptor (48 B): u16 type 3, u16 length 48, u32 0, owner GUID (16 × 0),
//                u32 ResourceType (0 system memory = accepted, 7 unaccepted), u32 attribute 7
//                (present | initialized | tested), u64 start, u64 length.
//   END_OF_HOB_LIST (8 B): u16 0xffff, u16 8, u32 0 — written, but not measured.
//
// The ranges are QEMU's q35 RAM entries, [0, below_4g) and [4 GiB, 4 GiB + above_4g), where
// below_4g is 2 GiB once RAM reaches 0xb0000000 and all RAM otherwise, split around every
// TD_HOB and TempMem section (accepted), sorted by address, neighbours not merged.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "firmware/tdvf.h"
#include "util/bytes.h"

namespace coco::tdx {

inline constexpr std::uint64_t kMiB = 1ull << 20;
inline constexpr std::uint64_t kGiB = 1ull << 30;
inline constexpr std::uint64_t kQ35LowMemLimit = 0xb0000000;  // at or above it, low RAM is 2 GiB

struct RamSplit {
  std::uint64_t below_4g = 0;
  std::uint64_t above_4g = 0;
};
RamSplit q35_ram_split(std::uint64_t ram_bytes);

// "2G", "2048M", "2048" (MiB, as QEMU's -m), "1T". Throws a usage error naming `flag` for
// anything else, zero, or a size that is not a whole number of MiB.
std::uint64_t parse_memory_size(std::string_view text, const std::string& flag = "--memory");
std::string memory_size_text(std::uint64_t bytes);  // "2G", "2816M"

struct HobRange {
  std::uint64_t start = 0;
  std::uint64_t length = 0;
  bool accepted = false;
};

struct TdHob {
  std::uint64_t base = 0;         // GPA of the TD_HOB section
  std::vector<HobRange> ranges;   // the resource descriptors, in order
  ByteVec measured;               // PHIT + descriptors: the RTMR0 event's pre-image
};

// Throws coco::Error naming `image_name` when the firmware has no (or two) TD_HOB sections, when
// a TD_HOB/TempMem section is not inside RAM of this size, or when the HOB does not fit.
TdHob build_td_hob(const firmware::TdvfMetadata& m, std::uint64_t ram_bytes, const std::string& image_name);

}  // namespace coco::tdx
