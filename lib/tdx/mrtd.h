// SPDX-License-Identifier: Apache-2.0
// MRTD: the TDX module's single running SHA-384 over the records of every TDH.MEM.PAGE.ADD and
// TDH.MR.EXTEND the VMM issues while building the TD (specs/tdx.md §1.1, §1.4, §1.5).
//
//   PAGE.ADD (128 B): "MEM.PAGE.ADD" at 0, the page GPA u64 LE at 16, zeros elsewhere.
//   MR.EXTEND (128 B): "MR.EXTEND" at 0, the chunk GPA u64 LE at 16, zeros elsewhere; followed by
//                      the 256 content bytes of that chunk. A 4 KiB page gives 16 of them.
//
// The order of records is a property of the host KVM: upstream KVM (Linux >= 6.16, QEMU >= 9)
// adds a page and extends it before the next page ("single-pass"); the Canonical 6.8 / QEMU 8.2
// stack adds all pages of a section first, then extends them ("two-pass", per section).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "firmware/tdvf.h"
#include "util/bytes.h"

namespace coco::tdx {

enum class PageAddOrder { SinglePass, TwoPass };
std::string to_string(PageAddOrder o);        // "single-pass" / "two-pass"
PageAddOrder parse_page_add_order(const std::string& name);  // also accepts "single" / "two"

inline constexpr std::size_t kRecordSize = 128;
inline constexpr std::size_t kExtendChunk = 256;
using Record = std::array<std::uint8_t, kRecordSize>;
Record page_add_record(std::uint64_t gpa);
Record mr_extend_record(std::uint64_t gpa);

struct MrtdStats {
  std::uint64_t page_adds = 0;
  std::uint64_t extends = 0;
};

// MRTD of `image` (the whole firmware file) with metadata `m`, in the given order.
ByteVec compute_mrtd(const Reader& image, const firmware::TdvfMetadata& m, PageAddOrder order,
                     MrtdStats* stats = nullptr);

}  // namespace coco::tdx
