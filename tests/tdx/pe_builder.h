// SPDX-License-Identifier: Apache-2.0
// Hand-built PE/COFF images for Authenticode tests: a DOS stub, a PE32 or PE32+ header, sections
// with chosen raw sizes and file order, an optional certificate table and trailing bytes.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "util/bytes.h"

namespace coco::test::tdx {

struct PeSpec {
  bool pe32_plus = true;
  std::uint32_t rva_count = 16;          // NumberOfRvaAndSizes
  std::vector<std::uint32_t> raw_sizes = {0x200, 0x400};  // per section; 0 = no raw data
  bool reverse_file_order = false;       // section table order opposite to file order
  std::uint32_t trailing = 0;            // bytes after the sections (not the cert table)
  std::uint32_t cert_size = 0;           // certificate table at the end, 0 = none
};

struct BuiltPe {
  ByteVec bytes;
  std::uint64_t checksum = 0;   // offset of CheckSum
  std::uint64_t cert_dir = 0;   // offset of data directory 4 (0 when rva_count <= 4)
  std::uint32_t size_of_headers = 0;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> sections;  // ptr, size in table order
};

inline BuiltPe build_pe(const PeSpec& s) {
  BuiltPe pe;
  ByteVec& b = pe.bytes;
  const std::uint32_t lfanew = 0x80;
  const std::uint16_t optional_size = static_cast<std::uint16_t>((s.pe32_plus ? 112 : 96) + 8 * s.rva_count);
  const std::uint32_t table = lfanew + 24 + optional_size;
  const std::uint32_t headers_end = table + 40 * static_cast<std::uint32_t>(s.raw_sizes.size());
  pe.size_of_headers = (headers_end + 0x1ff) & ~0x1ffu;
  b.assign(pe.size_of_headers, 0);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(i * 7 + 1);  // non-zero filler
  b[0] = 'M', b[1] = 'Z';
  store_le<std::uint32_t>(b, 0x3c, lfanew);
  store_le<std::uint32_t>(b, lfanew, 0x00004550);
  const std::uint32_t coff = lfanew + 4;
  store_le<std::uint16_t>(b, coff, 0x8664);
  store_le<std::uint16_t>(b, coff + 2, static_cast<std::uint16_t>(s.raw_sizes.size()));
  store_le<std::uint16_t>(b, coff + 16, optional_size);
  const std::uint32_t o = coff + 20;
  store_le<std::uint16_t>(b, o, s.pe32_plus ? 0x20b : 0x10b);
  store_le<std::uint32_t>(b, o + 60, pe.size_of_headers);
  pe.checksum = o + 64;
  store_le<std::uint32_t>(b, o + 64, 0xdeadbeef);
  store_le<std::uint32_t>(b, o + (s.pe32_plus ? 108 : 92), s.rva_count);
  const std::uint32_t dirs = o + (s.pe32_plus ? 112 : 96);
  for (std::uint32_t i = 0; i < s.rva_count; ++i) store_le<std::uint64_t>(b, dirs + 8 * i, 0);
  // Section data in file order; the table lists them reversed when asked.
  std::uint32_t at = pe.size_of_headers;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> placed;
  for (const std::uint32_t size : s.raw_sizes) {
    placed.emplace_back(size == 0 ? 0 : at, size);
    at += size;
  }
  pe.sections = placed;
  if (s.reverse_file_order) std::reverse(pe.sections.begin(), pe.sections.end());
  for (std::size_t i = 0; i < pe.sections.size(); ++i) {
    const std::uint32_t e = table + 40 * static_cast<std::uint32_t>(i);
    for (int k = 0; k < 40; ++k) b[e + k] = 0;
    b[e] = '.', b[e + 1] = static_cast<std::uint8_t>('a' + i);
    store_le<std::uint32_t>(b, e + 16, pe.sections[i].second);
    store_le<std::uint32_t>(b, e + 20, pe.sections[i].first);
  }
  b.resize(at + s.trailing);
  for (std::size_t i = pe.size_of_headers; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(i * 13 + 5);
  if (s.rva_count > 4) {
    pe.cert_dir = dirs + 32;
    if (s.cert_size > 0) {
      store_le<std::uint32_t>(b, pe.cert_dir, static_cast<std::uint32_t>(b.size()));
      store_le<std::uint32_t>(b, pe.cert_dir + 4, s.cert_size);
      for (std::uint32_t i = 0; i < s.cert_size; ++i) b.push_back(static_cast<std::uint8_t>(0xc0 + i % 7));
    }
  }
  return pe;
}

}  // namespace coco::test::tdx
