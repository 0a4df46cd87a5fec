// SPDX-License-Identifier: Apache-2.0
#include "pe/authenticode.h"

#include <algorithm>

#include "util/error.h"

namespace coco::pe {
namespace {

constexpr std::uint16_t kMagicPe32 = 0x10b;
constexpr std::uint16_t kMagicPe32Plus = 0x20b;
constexpr std::uint32_t kCertificateDirectory = 4;  // EFI_IMAGE_DIRECTORY_ENTRY_SECURITY
constexpr std::uint64_t kSectionHeaderSize = 40;
constexpr std::uint64_t kCoffHeaderSize = 20;

}  // namespace

PeLayout parse_pe_layout(const Reader& f) { return parse_pe_layout(f, f.size()); }

PeLayout parse_pe_layout(const Reader& f, const std::uint64_t size) {
  PeLayout l;
  std::uint64_t pe = 0;
  if (size >= 2 && f.le<std::uint16_t>(0) == 0x5a4d) pe = f.le<std::uint32_t>(0x3c);  // "MZ"
  if (pe > size || size - pe < 4 || f.le<std::uint32_t>(pe) != 0x00004550)          // "PE\0\0"
    f.fail(pe, "no PE signature (\"PE\\0\\0\") here: not a PE/COFF image");
  const std::uint64_t coff = pe + 4;
  if (size - coff < kCoffHeaderSize) f.fail(coff, "truncated COFF header");
  l.sections = f.le<std::uint16_t>(coff + 2);
  const std::uint16_t optional_size = f.le<std::uint16_t>(coff + 16);
  const std::uint64_t o = coff + kCoffHeaderSize;
  if (optional_size < 2 || size - o < optional_size) f.fail(o, "truncated optional header");
  const std::uint16_t magic = f.le<std::uint16_t>(o);
  if (magic != kMagicPe32 && magic != kMagicPe32Plus) f.fail(o, "optional header magic " + hex_number(magic) + " is neither PE32 nor PE32+");
  l.pe32_plus = magic == kMagicPe32Plus;
  const std::uint64_t rva_count_at = l.pe32_plus ? 108 : 92;
  const std::uint64_t directories = l.pe32_plus ? 112 : 96;
  if (optional_size < rva_count_at + 4)
    f.fail(o, "optional header of " + std::to_string(optional_size) + " bytes is too short for NumberOfRvaAndSizes");
  l.size_of_headers = f.le<std::uint32_t>(o + 60);
  const std::uint64_t checksum = o + 64;
  const std::uint32_t rva_count = f.le<std::uint32_t>(o + rva_count_at);
  const bool has_cert_dir = rva_count > kCertificateDirectory;
  const std::uint64_t cert_dir = o + directories + 8 * kCertificateDirectory;
  if (has_cert_dir) {
    if (optional_size < directories + 8 * (kCertificateDirectory + 1))
      f.fail(o, "optional header of " + std::to_string(optional_size) + " bytes ends before the certificate directory");
    l.cert_offset = f.le<std::uint32_t>(cert_dir);
    l.cert_size = f.le<std::uint32_t>(cert_dir + 4);
    if (l.cert_size > 0 && (l.cert_offset > size || l.cert_size > size - l.cert_offset))
      f.fail(cert_dir, "certificate table " + hex_number(l.cert_offset) + "+" + hex_number(l.cert_size) +
                           " is outside the " + std::to_string(size) + "-byte file");
  }
  const std::uint64_t table = o + optional_size;
  const std::uint64_t table_end = table + kSectionHeaderSize * l.sections;
  if (table_end > size) f.fail(table, "section table of " + std::to_string(l.sections) + " entries runs past the end of the file");
  if (l.size_of_headers > size)
    f.fail(o + 60, "SizeOfHeaders " + hex_number(l.size_of_headers) + " is past the end of the file");
  if (l.size_of_headers < table_end)
    f.fail(o + 60, "SizeOfHeaders " + hex_number(l.size_of_headers) + " ends before the section table (" + hex_number(table_end) + ")");

  l.hashed.push_back({0, checksum});
  if (!has_cert_dir) {
    l.hashed.push_back({checksum + 4, l.size_of_headers - (checksum + 4)});
  } else {
    l.hashed.push_back({checksum + 4, cert_dir - (checksum + 4)});
    l.hashed.push_back({cert_dir + 8, l.size_of_headers - (cert_dir + 8)});
  }
  std::uint64_t sum = l.size_of_headers;

  struct Section { std::uint32_t ptr, size; std::uint64_t at; };
  std::vector<Section> sections;
  for (std::uint64_t i = 0; i < l.sections; ++i) {
    const std::uint64_t at = table + kSectionHeaderSize * i;
    sections.push_back({f.le<std::uint32_t>(at + 20), f.le<std::uint32_t>(at + 16), at});
  }
  std::stable_sort(sections.begin(), sections.end(), [](const Section& a, const Section& b) { return a.ptr < b.ptr; });
  for (const auto& s : sections) {
    if (s.size == 0) continue;
    if (s.ptr > size || s.size > size - s.ptr)
      f.fail(s.at + 16, "section raw data " + hex_number(s.ptr) + "+" + hex_number(s.size) + " is outside the " +
                            std::to_string(size) + "-byte file");
    l.hashed.push_back({s.ptr, s.size});
    sum += s.size;
  }
  if (size > sum) {
    const std::uint64_t cert = has_cert_dir ? l.cert_size : 0;
    if (size - sum > cert) l.hashed.push_back({sum, size - sum - cert});
    else if (size - sum < cert)
      f.fail(cert_dir, "certificate table size " + hex_number(cert) + " exceeds the " + hex_number(size - sum) +
                           " bytes after the hashed image");
  }
  return l;
}

ByteVec authenticode_hash(const Reader& file, Algo algo, Bytes head) {
  const PeLayout l = parse_pe_layout(file);
  Hasher h(algo);
  const Bytes all = file.data();
  for (const Range& r : l.hashed) {
    std::uint64_t off = r.offset, left = r.size;
    if (off < head.size()) {  // the part of the range inside the replaced head
      const std::uint64_t n = std::min<std::uint64_t>(left, head.size() - off);
      h.update(head.subspan(off, n));
      off += n;
      left -= n;
    }
    // Large sections stream in pieces so a mapped kernel is paged in once, in order.
    for (constexpr std::uint64_t kStep = 4 << 20; left > 0;) {
      const std::uint64_t n = std::min(left, kStep);
      h.update(all.subspan(off, n));
      off += n;
      left -= n;
    }
  }
  return h.finish();
}

}  // namespace coco::pe
