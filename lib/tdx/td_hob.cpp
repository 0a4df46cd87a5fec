// SPDX-License-Identifier: Apache-2.0
#include "tdx/td_hob.h"

#include <algorithm>
#include <charconv>

#include "util/error.h"

namespace coco::tdx {
namespace {

constexpr std::uint16_t kHobTypeHandoff = 1;
constexpr std::uint16_t kHobTypeResourceDescriptor = 3;
constexpr std::uint16_t kPhitSize = 56;
constexpr std::uint16_t kResourceSize = 48;
constexpr std::uint16_t kEndSize = 8;
constexpr std::uint32_t kHandoffTableVersion = 9;
constexpr std::uint32_t kResourceSystemMemory = 0;
constexpr std::uint32_t kResourceUnaccepted = 7;
constexpr std::uint32_t kAttributePresentInitializedTested = 7;

void header(ByteVec& out, std::uint16_t type, std::uint16_t length) {
  put_le(out, type);
  put_le(out, length);
  put_le(out, std::uint32_t{0});
}

}  // namespace

RamSplit q35_ram_split(std::uint64_t ram) {
  if (ram >= kQ35LowMemLimit) return {2 * kGiB, ram - 2 * kGiB};
  return {ram, 0};
}

std::uint64_t parse_memory_size(std::string_view text, const std::string& flag) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  if (!unit.empty() && (unit.back() == 'B' || unit.back() == 'b')) unit.remove_suffix(1);  // "2GB", "2GiB"
  if (unit.size() == 2 && (unit[1] == 'i' || unit[1] == 'I')) unit.remove_suffix(1);
  std::uint64_t scale = 0;
  if (unit.empty() || unit == "M" || unit == "m") scale = kMiB;
  else if (unit == "G" || unit == "g") scale = kGiB;
  else if (unit == "T" || unit == "t") scale = kGiB * 1024;
  else if (unit == "K" || unit == "k") scale = 1024;
  const std::string shown(text);
  if (ec != std::errc() || end == text.data() || scale == 0)
    usage_error(flag + " '" + shown + "': expected a size such as 2G, 2048M or 2048 (MiB)");
  if (n == 0 || n > (UINT64_MAX >> 1) / scale) usage_error(flag + " '" + shown + "': size out of range");
  const std::uint64_t bytes = n * scale;
  if (bytes % kMiB != 0) usage_error(flag + " '" + shown + "': QEMU guest memory is a whole number of MiB");
  return bytes;
}

std::string memory_size_text(std::uint64_t bytes) {
  if (bytes % kGiB == 0) return std::to_string(bytes / kGiB) + "G";
  return std::to_string(bytes / kMiB) + "M";
}

TdHob build_td_hob(const firmware::TdvfMetadata& m, std::uint64_t ram, const std::string& image_name) {
  using firmware::TdvfSectionType;
  const firmware::TdvfSection* hob_section = nullptr;
  for (const auto& s : m.sections) {
    if (s.type != TdvfSectionType::TdHob) continue;
    if (hob_section != nullptr) fail(image_name, "TDVF metadata has two TD_HOB sections");
    hob_section = &s;
  }
  if (hob_section == nullptr) fail(image_name, "TDVF metadata has no TD_HOB section, so there is no TD HOB to measure");

  TdHob hob;
  hob.base = hob_section->memory_address;
  const RamSplit split = q35_ram_split(ram);
  hob.ranges.push_back({0, split.below_4g, false});
  if (split.above_4g > 0) hob.ranges.push_back({4 * kGiB, split.above_4g, false});
  // QEMU accepts each TD_HOB / TempMem section by splitting the unaccepted entry around it.
  for (const auto& s : m.sections) {
    if (s.type != TdvfSectionType::TdHob && s.type != TdvfSectionType::TempMem) continue;
    if (s.memory_data_size == 0) continue;
    auto it = std::find_if(hob.ranges.begin(), hob.ranges.end(), [&](const HobRange& r) {
      return !r.accepted && s.memory_address >= r.start &&
             s.memory_address - r.start <= r.length && s.memory_data_size <= r.length - (s.memory_address - r.start);
    });
    if (it == hob.ranges.end())
      fail(image_name, to_string(s.type) + " section " + hex_number(s.memory_address) + "+" + hex_number(s.memory_data_size) +
                           " is not inside the guest RAM of " + memory_size_text(ram) + " (QEMU would refuse to start)");
    const HobRange r = *it;
    std::vector<HobRange> pieces;
    if (s.memory_address > r.start) pieces.push_back({r.start, s.memory_address - r.start, false});
    pieces.push_back({s.memory_address, s.memory_data_size, true});
    const std::uint64_t tail = r.start + r.length - (s.memory_address + s.memory_data_size);
    if (tail > 0) pieces.push_back({s.memory_address + s.memory_data_size, tail, false});
    it = hob.ranges.erase(it);
    hob.ranges.insert(it, pieces.begin(), pieces.end());
  }
  std::stable_sort(hob.ranges.begin(), hob.ranges.end(), [](const HobRange& a, const HobRange& b) { return a.start < b.start; });

  const std::uint64_t total = kPhitSize + kResourceSize * hob.ranges.size() + kEndSize;
  if (total > hob_section->memory_data_size)
    fail(image_name, "the TD HOB needs " + std::to_string(total) + " bytes, the TD_HOB section has " +
                         std::to_string(hob_section->memory_data_size));
  ByteVec& out = hob.measured;
  header(out, kHobTypeHandoff, kPhitSize);
  put_le(out, kHandoffTableVersion);
  put_le(out, std::uint32_t{0});  // BOOT_WITH_FULL_CONFIGURATION
  for (int i = 0; i < 4; ++i) put_le(out, std::uint64_t{0});
  put_le(out, hob.base + total);  // EfiEndOfHobList points past the end-of-list header
  for (const auto& r : hob.ranges) {
    header(out, kHobTypeResourceDescriptor, kResourceSize);
    out.insert(out.end(), 16, 0);  // owner GUID
    put_le(out, r.accepted ? kResourceSystemMemory : kResourceUnaccepted);
    put_le(out, kAttributePresentInitializedTested);
    put_le(out, r.start);
    put_le(out, r.length);
  }
  // The END_OF_HOB_LIST header (type 0xffff, length 8) follows in guest memory but is not measured.
  return hob;
}

}  // namespace coco::tdx
