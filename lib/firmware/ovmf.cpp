// SPDX-License-Identifier: Apache-2.0
#include "firmware/ovmf.h"

#include "util/error.h"

namespace coco::firmware {
namespace {

Guid guid_at(const Reader& r, std::uint64_t off) {
  const Bytes b = r.bytes(off, 16);
  Guid g{};
  std::copy(b.begin(), b.end(), g.begin());
  return g;
}

}  // namespace

const FooterEntry* FooterTable::find(const Guid& g) const {
  for (const auto& e : entries)
    if (e.guid == g) return &e;
  return nullptr;
}

FooterTable parse_footer_table(const Reader& image) {
  if (image.size() < kResetVectorArea + kTableTrailerSize)
    image.fail(0, "image is " + std::to_string(image.size()) + " bytes; an OVMF footer needs at least 50");
  FooterTable t;
  t.footer_offset = image.size() - kResetVectorArea - kTableTrailerSize;
  if (guid_at(image, t.footer_offset + 2) != kFooterTableGuid) return {};
  const std::uint16_t table_size = image.le<std::uint16_t>(t.footer_offset);
  if (table_size < kTableTrailerSize || table_size - kTableTrailerSize > t.footer_offset)
    image.fail(t.footer_offset, "footer table size " + hex_number(table_size) + " does not fit the image");
  const std::uint64_t begin = t.footer_offset - (table_size - kTableTrailerSize);
  for (std::uint64_t end = t.footer_offset; end - begin >= kTableTrailerSize;) {  // walk backwards
    const std::uint64_t trailer = end - kTableTrailerSize;
    const std::uint16_t size = image.le<std::uint16_t>(trailer);
    if (size < kTableTrailerSize || size > end - begin)
      image.fail(trailer, "footer entry size " + hex_number(size) + " out of range");
    FooterEntry e{guid_at(image, trailer + 2), image.sub(end - size, size - kTableTrailerSize)};
    if (t.find(e.guid) != nullptr) image.fail(trailer, "footer entry GUID " + to_string(e.guid) + " appears twice");
    t.entries.push_back(std::move(e));
    end -= size;
  }
  return t;
}

std::uint32_t entry_u32(const FooterEntry& e, std::uint64_t off) { return e.data.le<std::uint32_t>(off); }

std::uint32_t sev_es_reset_eip(const FooterTable& t, const Reader& image) {
  const FooterEntry* e = t.find(kSevEsResetBlockGuid);
  if (e == nullptr) fail(image.name(), "no SEV-ES reset block (GUID " + to_string(kSevEsResetBlockGuid) + ") in the OVMF footer table");
  return entry_u32(*e);
}

}  // namespace coco::firmware
