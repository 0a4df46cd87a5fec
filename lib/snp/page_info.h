// SPDX-License-Identifier: Apache-2.0
// The SNP launch digest chain (specs/snp.md §1.2; AMD SEV-SNP ABI spec, SNP_LAUNCH_UPDATE,
// "PAGE_INFO"). Every page the PSP adds to the guest replaces the digest with SHA-384 of a
// 112-byte record:
//   0x00 DIGEST_CUR (48)   0x30 CONTENTS (48)   0x60 u16 LENGTH = 0x70   0x62 u8 PAGE_TYPE
//   0x63 u8 IMI_PAGE   0x64..0x66 VMPL3..1 permissions   0x67 reserved   0x68 u64 GPA
// CONTENTS is SHA-384 of the page for NORMAL and VMSA pages and zero for the others.
#pragma once

#include <array>
#include <cstdint>

#include "util/bytes.h"

namespace coco::snp {

inline constexpr std::size_t kDigestSize = 48;
inline constexpr std::uint64_t kPageSize = 4096;
using Digest48 = std::array<std::uint8_t, kDigestSize>;

enum class PageType : std::uint8_t { Normal = 1, Vmsa = 2, Zero = 3, Unmeasured = 4, Secrets = 5, Cpuid = 6 };

inline constexpr std::size_t kPageInfoSize = 0x70;
using PageInfo = std::array<std::uint8_t, kPageInfoSize>;

// The record as hashed, for tests and --explain.
PageInfo page_info(const Digest48& current, const Digest48& contents, PageType type, std::uint64_t gpa);

// The guest context's launch digest (GCTX.LD), one update per page.
class LaunchDigest {
 public:
  LaunchDigest() = default;                                // 48 zero bytes
  explicit LaunchDigest(const Digest48& seed) : ld_(seed) {}  // --snp-ovmf-hash
  const Digest48& value() const { return ld_; }
  std::uint64_t pages() const { return pages_; }

  // NORMAL pages over `data` (a multiple of 4 KiB) at gpa, gpa + 4096, …
  void add_normal_pages(std::uint64_t gpa, Bytes data);
  void add_vmsa_page(Bytes page);  // at kVmsaGpa
  // ZERO / UNMEASURED pages (contents not measured) over [gpa, gpa + size).
  void add_empty_pages(PageType type, std::uint64_t gpa, std::uint64_t size);
  void add_page(PageType type, std::uint64_t gpa, const Digest48& contents);

 private:
  Digest48 ld_{};
  std::uint64_t pages_ = 0;
};

// Where every VMSA is added: the page at "-1" with bits 52 and up cleared (the PSP's limit).
inline constexpr std::uint64_t kVmsaGpa = 0xFFFFFFFFF000ull;

Digest48 sha384_page(Bytes page);
Digest48 to_digest48(Bytes b);  // b must be 48 bytes

}  // namespace coco::snp
