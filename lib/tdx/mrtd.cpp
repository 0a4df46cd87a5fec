// SPDX-License-Identifier: Apache-2.0
#include "tdx/mrtd.h"

#include <cstring>

#include "util/digest.h"
#include "util/error.h"

namespace coco::tdx {
namespace {

Record record(const char* tag, std::uint64_t gpa) {
  Record r{};
  std::memcpy(r.data(), tag, std::strlen(tag));
  store_le<std::uint64_t>(r, 16, gpa);
  return r;
}

// The content of one page of a section: file bytes, zero past RawDataSize (specs/tdx.md §1.4).
void extend_page(Hasher& h, const Reader& image, const firmware::TdvfSection& s, std::uint64_t page,
                 MrtdStats& stats) {
  static const std::array<std::uint8_t, kExtendChunk> kZero{};
  for (std::uint64_t c = 0; c < 4096; c += kExtendChunk) {
    const std::uint64_t off = page * 4096 + c;  // within the section
    h.update(mr_extend_record(s.memory_address + off));
    if (off + kExtendChunk <= s.raw_data_size) {
      h.update(image.bytes(s.data_offset + off, kExtendChunk));
    } else {
      std::array<std::uint8_t, kExtendChunk> chunk{};
      if (off < s.raw_data_size) {
        const Bytes part = image.bytes(s.data_offset + off, s.raw_data_size - off);
        std::memcpy(chunk.data(), part.data(), part.size());
        h.update(chunk);
      } else {
        h.update(kZero);
      }
    }
    ++stats.extends;
  }
}

}  // namespace

std::string to_string(PageAddOrder o) { return o == PageAddOrder::SinglePass ? "single-pass" : "two-pass"; }

PageAddOrder parse_page_add_order(const std::string& name) {
  if (name == "single" || name == "single-pass") return PageAddOrder::SinglePass;
  if (name == "two-pass" || name == "two") return PageAddOrder::TwoPass;
  usage_error("page-add order '" + name + "': expected single or two-pass");
}

Record page_add_record(std::uint64_t gpa) { return record("MEM.PAGE.ADD", gpa); }
Record mr_extend_record(std::uint64_t gpa) { return record("MR.EXTEND", gpa); }

ByteVec compute_mrtd(const Reader& image, const firmware::TdvfMetadata& m, PageAddOrder order, MrtdStats* stats) {
  Hasher h(Algo::Sha384);
  MrtdStats local;
  for (const auto& s : m.sections) {  // metadata order, never sorted: one VMM call per entry
    const bool add = !s.page_aug();
    const bool extend = s.mr_extend();
    if (order == PageAddOrder::SinglePass) {
      for (std::uint64_t p = 0; p < s.pages(); ++p) {
        if (add) h.update(page_add_record(s.memory_address + p * 4096)), ++local.page_adds;
        if (extend) extend_page(h, image, s, p, local);
      }
    } else {
      if (add)
        for (std::uint64_t p = 0; p < s.pages(); ++p) h.update(page_add_record(s.memory_address + p * 4096)), ++local.page_adds;
      if (extend)
        for (std::uint64_t p = 0; p < s.pages(); ++p) extend_page(h, image, s, p, local);
    }
  }
  if (stats != nullptr) *stats = local;
  return h.finish();
}

}  // namespace coco::tdx
