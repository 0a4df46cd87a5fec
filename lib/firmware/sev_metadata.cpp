// SPDX-License-Identifier: Apache-2.0
#include "firmware/sev_metadata.h"

#include <algorithm>

#include "util/error.h"

namespace coco::firmware {
namespace {

constexpr std::uint64_t kHeaderSize = 16;
constexpr std::uint64_t kDescriptorSize = 12;
constexpr std::uint64_t kPage = 4096;
constexpr std::uint64_t k4GiB = 1ull << 32;

bool known(std::uint32_t type) {
  switch (static_cast<SevSectionType>(type)) {
    case SevSectionType::SnpSecMem:
    case SevSectionType::SnpSecrets:
    case SevSectionType::Cpuid:
    case SevSectionType::SvsmCaa:
    case SevSectionType::SnpKernelHashes: return true;
  }
  return false;
}

// SECRETS and CPUID are measured as one page whatever their declared length (§1.2).
std::uint64_t span_of(const SevSection& s) {
  const bool one_page = s.type == SevSectionType::SnpSecrets || s.type == SevSectionType::Cpuid;
  return one_page ? std::max<std::uint64_t>(s.size, kPage) : s.size;
}

}  // namespace

std::string to_string(SevSectionType t) {
  switch (t) {
    case SevSectionType::SnpSecMem: return "SNP_SEC_MEM";
    case SevSectionType::SnpSecrets: return "SNP_SECRETS";
    case SevSectionType::Cpuid: return "CPUID";
    case SevSectionType::SvsmCaa: return "SVSM_CAA";
    case SevSectionType::SnpKernelHashes: return "SNP_KERNEL_HASHES";
  }
  return "type " + hex_number(static_cast<std::uint32_t>(t));
}

std::optional<SevMetadata> parse_sev_metadata(const FooterTable& t, const Reader& image) {
  const FooterEntry* e = t.find(kSevMetadataGuid);
  if (e == nullptr) return std::nullopt;
  const std::uint32_t from_end = entry_u32(*e);
  const std::uint64_t entry_at = e->data.base() - image.base();
  if (from_end < kHeaderSize || from_end > image.size())
    image.fail(entry_at, "SEV metadata offset " + hex_number(from_end) + " from the end does not fit the image");
  SevMetadata m;
  m.offset = image.size() - from_end;
  const Reader header = image.sub(m.offset, kHeaderSize);
  if (as_chars(header.bytes(0, 4)) != "ASEV") image.fail(m.offset, "SEV metadata signature is not \"ASEV\"");
  const std::uint32_t size = header.le<std::uint32_t>(4);
  const std::uint32_t version = header.le<std::uint32_t>(8);
  const std::uint32_t count = header.le<std::uint32_t>(12);
  if (version != 1) image.fail(m.offset + 8, "SEV metadata version " + std::to_string(version) + ", expected 1");
  if (size != kHeaderSize + kDescriptorSize * std::uint64_t{count})
    image.fail(m.offset + 4, "SEV metadata size " + hex_number(size) + " does not match " + std::to_string(count) +
                                 " descriptors");
  const Reader block = image.sub(m.offset, size);  // throws naming the offset when it runs off the end
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint64_t at = kHeaderSize + kDescriptorSize * i;
    SevSection s;
    s.gpa = block.le<std::uint32_t>(at);
    s.size = block.le<std::uint32_t>(at + 4);
    const std::uint32_t type = block.le<std::uint32_t>(at + 8);
    s.descriptor_offset = m.offset + at;
    if (!known(type)) block.fail(at + 8, "unknown SEV metadata section type " + hex_number(type));
    s.type = static_cast<SevSectionType>(type);
    const std::string what = "SEV metadata section " + std::to_string(i) + " (" + to_string(s.type) + " at GPA " +
                             hex_number(s.gpa) + ", " + hex_number(s.size) + " bytes)";
    if (s.gpa % kPage != 0) block.fail(at, what + ": base is not 4 KiB aligned");
    if (s.size == 0 && span_of(s) == 0) block.fail(at + 4, what + ": empty");
    if (span_of(s) % kPage != 0) block.fail(at + 4, what + ": length is not a multiple of 4 KiB");
    if (s.gpa + span_of(s) > k4GiB) block.fail(at, what + ": ends above 4 GiB");
    for (const SevSection& o : m.sections)
      if (s.gpa < o.gpa + span_of(o) && o.gpa < s.gpa + span_of(s))
        block.fail(at, what + ": overlaps " + to_string(o.type) + " at GPA " + hex_number(o.gpa));
    m.sections.push_back(s);
  }
  return m;
}

std::optional<SevHashTableBlock> sev_hash_table_block(const FooterTable& t) {
  const FooterEntry* e = t.find(kSevHashTableBlockGuid);
  if (e == nullptr) return std::nullopt;
  return SevHashTableBlock{entry_u32(*e, 0), entry_u32(*e, 4)};
}

}  // namespace coco::firmware
