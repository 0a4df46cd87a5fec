// SPDX-License-Identifier: Apache-2.0
// QEMU's rewrite of the Linux setup header for -kernel boot (specs/tdx.md §2.5; QEMU
// hw/i386/x86.c x86_load_linux; Linux Documentation/arch/x86/boot.rst). Before QEMU 10.2 (and
// with OVMF not fetching the untouched etc/boot/kernel), OVMF measures the bzImage *as QEMU
// rewrote it*, so RTMR1 depends on these bytes:
//
//   protocol = u16 @0x206 when "HdrS" is @0x202, else 0
//   real/cmdline address: 0x10000 / 0x20000 for protocol >= 0x202 with LOADED_HIGH (@0x211 bit 0),
//                         else 0x90000 / 0x9a000 - align16(strlen(cmdline) + 1)
//   protocol >= 0x202: u32 @0x228 = cmdline address; else u16 @0x20 = 0xa33f, @0x22 = offset
//   "vga=" anywhere in the cmdline: u16 @0x1fa = mode (normal/ext/ask or strtol base 0)
//   protocol >= 0x200: byte @0x210 = 0xb0 (loader type QEMU)
//   protocol >= 0x201: byte @0x211 |= 0x80, u16 @0x224 = cmdline - real - 0x200
//   with an initrd: initrd_max = 0xffffffff if protocol >= 0x20c and xloadflags (u16 @0x236)
//     bit 1 (XLF_CAN_BE_LOADED_ABOVE_4G), else u32 @0x22c if protocol >= 0x203, else 0x37ffffff;
//     clamped to below_4g - acpi_data_size (0x28000) - 1; u32 @0x218 = (max - size) & ~0xfff,
//     u32 @0x21c = size.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "util/bytes.h"

namespace coco::tdx {

inline constexpr std::uint64_t kQemuAcpiDataSize = 0x28000;
inline constexpr std::uint64_t kSetupHeaderEnd = 0x240;  // every byte QEMU may write is below it

struct KernelPatchInputs {
  std::string cmdline;
  std::optional<std::uint64_t> initrd_size;  // nullopt: no -initrd
  std::uint64_t below_4g = 0;                // guest RAM below 4 GiB (q35_ram_split)
};

// The first kSetupHeaderEnd bytes of `kernel` as QEMU serves them. Throws coco::Error naming the
// kernel when it is shorter than the setup header or the initrd does not fit below initrd_max.
ByteVec qemu_patched_head(const Reader& kernel, const KernelPatchInputs& in);

}  // namespace coco::tdx
