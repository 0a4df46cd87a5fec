// SPDX-License-Identifier: Apache-2.0
// The PE/COFF Authenticode image hash exactly as EDK2 computes it when it measures an image
// (specs/tdx.md §6; EDK2 MeasureBootPeCoff.c, which follows the Authenticode PE spec, app. A).
// OVMF measures the kernel with it into RTMR1; Secure Boot db/dbx entries use the same hash.
//
//   1. PE header at e_lfanew (u32 @0x3c) when the file starts "MZ", else at 0; "PE\0\0".
//   2. COFF header (20 B) after the signature: NumberOfSections u16 @+2, SizeOfOptionalHeader
//      u16 @+16. Optional header O follows: Magic 0x10b (PE32) or 0x20b (PE32+).
//   3. SizeOfHeaders @O+60, CheckSum @O+64, NumberOfRvaAndSizes @O+92 / @O+108, data directory
//      4 (certificate table: file offset, size) @O+128 / @O+144.
//   4. Hash [0, CheckSum), then up to SizeOfHeaders skipping CheckSum and the cert directory.
//   5. Sections with SizeOfRawData > 0, stably sorted by PointerToRawData, each hashed whole.
//   6. Bytes past the sum of everything hashed and before the certificate table: hashed as they
//      are. No padding of any kind (the dstack-family tools' 8-byte padding diverges here).
#pragma once

#include <cstdint>
#include <vector>

#include "util/bytes.h"
#include "util/digest.h"

namespace coco::pe {

struct Range {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

struct PeLayout {
  bool pe32_plus = false;
  std::uint16_t sections = 0;
  std::uint32_t size_of_headers = 0;
  std::uint64_t cert_offset = 0;  // the certificate table, 0/0 when absent
  std::uint64_t cert_size = 0;
  std::vector<Range> hashed;      // the file ranges hashed, in hash order
};

// Parses the headers of `file` (all of it: ranges are checked against its size). Throws
// coco::Error naming the file and the offset for a truncated optional header, a section table
// or section data outside the file, or a certificate table out of range.
PeLayout parse_pe_layout(const Reader& file);
// The same from the first bytes of a file of `file_size` bytes: `headers` must hold
// min(file_size, pe_headers_extent(...)) bytes, everything the parse reads (pe/pe_file.h).
PeLayout parse_pe_layout(const Reader& headers, std::uint64_t file_size);

// The image hash. `head`, when given, replaces the first head.size() bytes of the file (QEMU's
// rewritten kernel setup header) without copying the rest.
ByteVec authenticode_hash(const Reader& file, Algo algo, Bytes head = {});

}  // namespace coco::pe
