// SPDX-License-Identifier: Apache-2.0
#include "tdx/ccel.h"

#include <cstring>

#include "firmware/guid.h"
#include "util/error.h"

namespace coco::tdx {
namespace {

constexpr char kSpecIdSignature[] = "Spec ID Event03";  // with its NUL: 16 bytes
constexpr std::uint32_t kMaxAlgorithms = 16;
constexpr std::uint32_t kLinuxInitrdTag = 0x8f3b22ec;
constexpr std::uint32_t kLoadOptionsTag = 0x8f3b22ed;

std::string printable(Bytes b) {
  while (!b.empty() && b.back() == 0) b = b.first(b.size() - 1);
  std::string s;
  for (const std::uint8_t c : b) {
    if (c >= 0x20 && c < 0x7f) s.push_back(static_cast<char>(c));
    else return "";
  }
  return s;
}

std::string char16_text(Bytes b) {  // ASCII-range CHAR16 text, else ""
  std::string s;
  for (std::size_t i = 0; i + 1 < b.size(); i += 2) {
    const std::uint16_t c = static_cast<std::uint16_t>(b[i] | b[i + 1] << 8);
    if (c == 0) break;
    if (c < 0x20 || c >= 0x7f) return "";
    s.push_back(static_cast<char>(c));
  }
  return s;
}

}  // namespace

std::string describe_event(std::uint32_t type, Bytes data) {
  const Reader r(data, "event");
  try {
    switch (type) {
      case kEvSeparator: return "separator";
      case kEvEfiVariableDriverConfig:
      case kEvEfiVariableBoot:
      case kEvEfiVariableAuthority: {
        // UEFI_VARIABLE_DATA: GUID, u64 name chars, u64 data length, CHAR16 name, data
        const std::uint64_t chars = r.le<std::uint64_t>(16);
        if (chars > 256) return "variable";
        const std::string name = char16_text(r.bytes(32, chars * 2));
        const std::uint64_t len = r.le<std::uint64_t>(24);
        return name + (type == kEvEfiVariableDriverConfig && len == 0 ? " (not enrolled)" : "");
      }
      case kEvEfiPlatformFirmwareBlob2:
      case kEvEfiHandoffTables2: {
        const std::uint8_t n = r.le<std::uint8_t>(0);
        return printable(r.bytes(1, n));
      }
      case kEvEventTag: {
        const std::uint32_t tag = r.le<std::uint32_t>(0);
        if (tag == kLoadOptionsTag) return "LOADED_IMAGE::LoadOptions";
        if (tag == kLinuxInitrdTag) return "Linux initrd";
        return "tagged event " + hex_number(tag);
      }
      case kEvEfiBootServicesApplication: return "EFI application";
      default: return printable(data);
    }
  } catch (const Error&) {
    return "";  // a short event body still replays; only the label is lost
  }
}

EventLog parse_ccel(const Reader& log) {
  EventLog out;
  if (log.size() >= 4 && std::memcmp(log.bytes(0, 4).data(), "CCEL", 4) == 0)
    log.fail(0, "this is the ACPI CCEL table, which only points to the log; read the log itself from "
                "/sys/firmware/acpi/tables/data/CCEL");
  // The Spec ID event, in the SHA-1 layout of TCG_PCClientPCREvent.
  const std::uint32_t first_type = log.le<std::uint32_t>(4);
  if (first_type != kEvNoAction)
    log.fail(4, "first event is type " + hex_number(first_type) + ", not the EV_NO_ACTION Spec ID event: not a crypto-agile log");
  const std::uint32_t spec_size = log.le<std::uint32_t>(28);
  const Reader spec = log.sub(32, spec_size);
  if (std::memcmp(spec.bytes(0, sizeof kSpecIdSignature).data(), kSpecIdSignature, sizeof kSpecIdSignature) != 0)
    spec.fail(0, "no \"Spec ID Event03\" signature: not a TCG crypto-agile event log");
  const std::uint32_t n = spec.le<std::uint32_t>(24);
  if (n == 0 || n > kMaxAlgorithms) spec.fail(24, "Spec ID event lists " + std::to_string(n) + " algorithms");
  bool sha384 = false;
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint16_t alg = spec.le<std::uint16_t>(28 + 4 * i);
    const std::uint16_t size = spec.le<std::uint16_t>(30 + 4 * i);
    if (alg == kTpmAlgSha384) {
      if (size != kSha384Size) spec.fail(30 + 4 * i, "SHA-384 digest size " + std::to_string(size) + ", not 48");
      sha384 = true;
    }
    out.algorithms.emplace_back(alg, size);
  }
  if (!sha384) spec.fail(24, "the log records no SHA-384 digests, so it cannot be replayed into RTMRs");
  const std::uint8_t vendor = spec.le<std::uint8_t>(28 + 4 * n);
  spec.bytes(29 + 4 * n, vendor);  // must fit in the event

  std::uint64_t at = 32 + std::uint64_t{spec_size};
  while (log.size() - at >= 8) {
    const std::uint32_t mr = log.le<std::uint32_t>(at);
    const std::uint32_t type = log.le<std::uint32_t>(at + 4);
    if (mr == 0xffffffff || (mr == 0 && type == 0)) break;  // unused log area
    LogEvent e;
    e.offset = at;
    e.mr_index = mr;
    e.type = type;
    const std::uint32_t count = log.le<std::uint32_t>(at + 8);
    if (count == 0 || count > n)
      log.fail(at + 8, "event digest count " + std::to_string(count) + " (the Spec ID event lists " + std::to_string(n) +
                           " algorithms)");
    std::uint64_t p = at + 12;
    for (std::uint32_t i = 0; i < count; ++i) {
      const std::uint16_t alg = log.le<std::uint16_t>(p);
      std::uint16_t size = 0;
      bool known = false;
      for (const auto& [a, s] : out.algorithms)
        if (a == alg) size = s, known = true;
      if (!known) log.fail(p, "digest algorithm " + hex_number(alg) + " is not listed in the Spec ID event");
      const Bytes d = log.bytes(p + 2, size);
      if (alg == kTpmAlgSha384) e.sha384 = ByteVec(d.begin(), d.end());
      p += 2 + std::uint64_t{size};
    }
    const std::uint32_t data_size = log.le<std::uint32_t>(p);
    const Bytes data = log.bytes(p + 4, data_size);
    e.description = describe_event(type, data);
    if (!e.sha384 && e.replayed())
      log.fail(at + 8, "event for MR index " + std::to_string(mr) + " has no SHA-384 digest");
    out.events.push_back(std::move(e));
    at = p + 4 + data_size;
  }
  out.end = at;
  return out;
}

std::array<ByteVec, kRtmrCount> replay(const EventLog& log) {
  std::array<ByteVec, kRtmrCount> r;
  for (auto& v : r) v = ByteVec(kSha384Size, 0);
  for (const auto& e : log.events)
    if (e.replayed()) rtmr_extend(r[static_cast<std::size_t>(*e.rtmr())], *e.sha384);
  return r;
}

}  // namespace coco::tdx
