// SPDX-License-Identifier: Apache-2.0
// The kernel/initrd/cmdline hash table QEMU writes into guest memory for direct boot with
// kernel-hashes=on, and edk2's BlobVerifierLib checks (specs/snp.md §1.5; QEMU target/i386/sev.c
// "SevHashTable"). Packed, little-endian, then zero-padded to a multiple of 16:
//   0  GUID 9438d606-…  16 u16 length 168 (unpadded)
//   18 {GUID 97d02dd8-… cmdline, u16 50, sha256}  68 {GUID 44baf731-… initrd, …}
//   118 {GUID 4de79437-… kernel, …}  168..175 zero padding
#pragma once

#include <array>
#include <optional>
#include <string>

#include "util/bytes.h"

namespace coco::snp {

using Sha256 = std::array<std::uint8_t, 32>;

struct KernelHashes {
  Sha256 kernel{}, initrd{}, cmdline{};
};

// What was hashed, for the JSON report.
struct DirectBoot {
  std::string kernel_path;
  std::optional<std::string> initrd_path;  // absent: SHA-256 of nothing
  std::string cmdline;                     // hashed as UTF-8 plus one NUL
  KernelHashes hashes;
};

// Streams kernel and initrd through SHA-256 (both at once, on two threads); never reads them whole.
DirectBoot hash_direct_boot(const std::string& kernel, const std::optional<std::string>& initrd,
                            const std::string& cmdline);

Sha256 cmdline_hash(const std::string& cmdline);

inline constexpr std::size_t kHashTableLength = 168;      // what the table's length field says
inline constexpr std::size_t kPaddedHashTableSize = 176;  // what is written and measured
using HashTable = std::array<std::uint8_t, kPaddedHashTableSize>;

HashTable hash_table(const KernelHashes& h);

}  // namespace coco::snp
