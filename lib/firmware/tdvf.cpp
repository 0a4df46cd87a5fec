// SPDX-License-Identifier: Apache-2.0
#include "firmware/tdvf.h"

#include <algorithm>

#include "firmware/ovmf.h"
#include "util/error.h"

namespace coco::firmware {
namespace {

// td-shim images without the GUID table: the u32 at len - 0x20 is the descriptor's file offset.
inline constexpr std::uint64_t kTdShimPointerFromEnd = 0x20;

std::uint64_t locate_descriptor(const Reader& image) {
  const FooterTable table = parse_footer_table(image);
  if (!table.empty()) {
    const FooterEntry* e = table.find(kTdxMetadataOffsetGuid);
    if (e == nullptr) {
      std::string seen;
      for (const auto& entry : table.entries) seen += (seen.empty() ? "" : ", ") + to_string(entry.guid);
      fail(image.name(), "not a TDX firmware: the OVMF footer table (entries " + seen +
                             ") has no TDX metadata offset entry " + to_string(kTdxMetadataOffsetGuid) +
                             " (Debian's OVMF_CODE*.fd are not TDX images; use a unified OVMF.fd / OVMF.inteltdx.fd)");
    }
    const std::uint32_t from_end = entry_u32(*e);
    if (from_end > image.size() || from_end < kTdvfDescriptorSize)
      e->data.fail(0, "TDX metadata offset " + hex_number(from_end) + " points outside the " +
                          std::to_string(image.size()) + "-byte image");
    return image.size() - from_end;
  }
  if (image.size() < kTdShimPointerFromEnd + 4)
    image.fail(0, "not a TDX firmware: too small for TDVF metadata");
  const std::uint64_t at = image.size() - kTdShimPointerFromEnd;
  const std::uint32_t offset = image.le<std::uint32_t>(at);
  if (offset < 16 || offset > image.size() - kTdvfDescriptorSize || image.le<std::uint32_t>(offset) != kTdvfSignature)
    image.fail(at, "not a TDX firmware: no OVMF footer GUID table and no td-shim TDVF metadata pointer");
  return offset;
}

void check_section(const Reader& image, const TdvfSection& s) {
  const std::uint64_t at = s.record_offset;
  const auto type = static_cast<std::uint32_t>(s.type);
  if (type > static_cast<std::uint32_t>(TdvfSectionType::TdParams))
    image.fail(at + 24, "unknown TDVF section type " + std::to_string(type));
  if ((s.attributes & ~(kTdvfAttrMrExtend | kTdvfAttrPageAug)) != 0)
    image.fail(at + 28, "reserved TDVF attribute bits set: " + hex_number(s.attributes));
  const std::string what = to_string(s.type) + " section";
  if (s.memory_address % 4096 != 0)
    image.fail(at + 8, what + " memory address " + hex_number(s.memory_address) + " is not 4 KiB aligned");
  if (s.memory_data_size % 4096 != 0)
    image.fail(at + 16, what + " memory size " + hex_number(s.memory_data_size) + " is not a multiple of 4 KiB");
  if (s.memory_data_size < s.raw_data_size)
    image.fail(at + 16, what + " memory size " + hex_number(s.memory_data_size) + " is smaller than its raw size " +
                            hex_number(s.raw_data_size));
  if (s.memory_address > UINT64_MAX - s.memory_data_size)
    image.fail(at + 8, what + " guest range wraps around the address space");
  if (s.data_offset > image.size() || s.raw_data_size > image.size() - s.data_offset)
    image.fail(at, what + " data " + hex_number(s.data_offset) + "+" + hex_number(s.raw_data_size) +
                       " exceeds the file size " + hex_number(image.size()) +
                       " (a split OVMF_CODE image carries the unified image's metadata)");
  switch (s.type) {
    case TdvfSectionType::Bfv:
    case TdvfSectionType::Cfv:
      // QEMU copies MemoryDataSize bytes from the file, the spec zero-fills past RawDataSize:
      // the two agree only when the sizes are equal, so anything else cannot be measured surely.
      if (s.raw_data_size == 0 || s.memory_data_size != s.raw_data_size)
        image.fail(at, what + " raw size " + hex_number(s.raw_data_size) + " must be non-zero and equal its memory size " +
                           hex_number(s.memory_data_size));
      break;
    case TdvfSectionType::TdHob:
    case TdvfSectionType::TempMem:
      if (s.raw_data_size != 0) image.fail(at + 4, what + " must have no raw data, has " + hex_number(s.raw_data_size));
      break;
    default:
      break;
  }
}

}  // namespace

std::string to_string(TdvfSectionType t) {
  switch (t) {
    case TdvfSectionType::Bfv: return "BFV";
    case TdvfSectionType::Cfv: return "CFV";
    case TdvfSectionType::TdHob: return "TD_HOB";
    case TdvfSectionType::TempMem: return "TempMem";
    case TdvfSectionType::PermMem: return "PermMem";
    case TdvfSectionType::Payload: return "Payload";
    case TdvfSectionType::PayloadParam: return "PayloadParam";
    case TdvfSectionType::TdInfo: return "TD_INFO";
    case TdvfSectionType::TdParams: return "TD_PARAMS";
  }
  return "type " + std::to_string(static_cast<std::uint32_t>(t));
}

const TdvfSection* TdvfMetadata::first(TdvfSectionType t) const {
  for (const auto& s : sections)
    if (s.type == t) return &s;
  return nullptr;
}

TdvfMetadata parse_tdvf_metadata(const Reader& image) {
  TdvfMetadata m;
  m.descriptor_offset = locate_descriptor(image);
  const std::uint64_t d = m.descriptor_offset;
  if (d < 16) image.fail(d, "TDVF descriptor has no room for the metadata GUID before it");
  Guid g{};
  const Bytes gb = image.bytes(d - 16, 16);
  std::copy(gb.begin(), gb.end(), g.begin());
  if (g != kTdxMetadataGuid)
    image.fail(d - 16, "expected the TDX metadata GUID " + to_string(kTdxMetadataGuid) + " before the descriptor, found " +
                           to_string(g));
  const std::uint32_t signature = image.le<std::uint32_t>(d);
  if (signature != kTdvfSignature) image.fail(d, "TDVF descriptor signature is " + hex_number(signature) + ", not \"TDVF\"");
  const std::uint32_t length = image.le<std::uint32_t>(d + 4);
  const std::uint32_t version = image.le<std::uint32_t>(d + 8);
  const std::uint32_t count = image.le<std::uint32_t>(d + 12);
  if (version != 1) image.fail(d + 8, "TDVF descriptor version " + std::to_string(version) + " (coco knows version 1)");
  if (count == 0) image.fail(d + 12, "TDVF descriptor lists no sections");
  if (length != kTdvfDescriptorSize + kTdvfSectionSize * std::uint64_t{count})
    image.fail(d + 4, "TDVF descriptor length " + hex_number(length) + " does not match " + std::to_string(count) +
                          " sections");
  const Reader records = image.sub(d, length);  // the whole table inside the file, checked once
  m.sections.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint64_t at = kTdvfDescriptorSize + kTdvfSectionSize * i;
    TdvfSection s;
    s.data_offset = records.le<std::uint32_t>(at);
    s.raw_data_size = records.le<std::uint32_t>(at + 4);
    s.memory_address = records.le<std::uint64_t>(at + 8);
    s.memory_data_size = records.le<std::uint64_t>(at + 16);
    s.type = static_cast<TdvfSectionType>(records.le<std::uint32_t>(at + 24));
    s.attributes = records.le<std::uint32_t>(at + 28);
    s.record_offset = d + at;
    check_section(image, s);
    m.sections.push_back(s);
  }
  // Limits before work: a hostile descriptor must not make MRTD hash terabytes of zero pages.
  std::uint64_t added = 0, extended = 0;
  for (const auto& s : m.sections) {
    if (!s.page_aug()) added += s.memory_data_size;
    if (s.mr_extend()) extended += s.memory_data_size;
    if (added > kTdvfMaxAddedBytes || extended > kTdvfMaxExtendedBytes)
      image.fail(s.record_offset, "TDVF sections add " + hex_number(added) + " bytes (" + hex_number(extended) +
                                      " extended) at launch, more than coco accepts (" + hex_number(kTdvfMaxAddedBytes) +
                                      " / " + hex_number(kTdvfMaxExtendedBytes) + ")");
  }
  // Two sections adding the same page would make the VMM fail; sort a copy to find overlaps.
  std::vector<const TdvfSection*> by_address;
  for (const auto& s : m.sections)
    if (s.memory_data_size > 0) by_address.push_back(&s);
  std::sort(by_address.begin(), by_address.end(),
            [](const TdvfSection* a, const TdvfSection* b) { return a->memory_address < b->memory_address; });
  for (std::size_t i = 1; i < by_address.size(); ++i) {
    const TdvfSection& a = *by_address[i - 1];
    const TdvfSection& b = *by_address[i];
    if (b.memory_address < a.memory_address + a.memory_data_size)
      image.fail(b.record_offset, to_string(b.type) + " section at GPA " + hex_number(b.memory_address) + " overlaps the " +
                                      to_string(a.type) + " section at GPA " + hex_number(a.memory_address) + "+" +
                                      hex_number(a.memory_data_size));
  }
  return m;
}

}  // namespace coco::firmware
