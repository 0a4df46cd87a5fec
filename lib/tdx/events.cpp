// SPDX-License-Identifier: Apache-2.0
#include "tdx/events.h"

#include "util/digest.h"

namespace coco::tdx {

std::string event_type_name(std::uint32_t type) {
  switch (type) {
    case kEvPostCode: return "EV_POST_CODE";
    case kEvNoAction: return "EV_NO_ACTION";
    case kEvSeparator: return "EV_SEPARATOR";
    case kEvAction: return "EV_ACTION";
    case kEvEventTag: return "EV_EVENT_TAG";
    case kEvPlatformConfigFlags: return "EV_PLATFORM_CONFIG_FLAGS";
    case kEvIpl: return "EV_IPL";
    case kEvEfiVariableDriverConfig: return "EV_EFI_VARIABLE_DRIVER_CONFIG";
    case kEvEfiVariableBoot: return "EV_EFI_VARIABLE_BOOT";
    case kEvEfiBootServicesApplication: return "EV_EFI_BOOT_SERVICES_APPLICATION";
    case kEvEfiGptEvent: return "EV_EFI_GPT_EVENT";
    case kEvEfiAction: return "EV_EFI_ACTION";
    case kEvEfiPlatformFirmwareBlob2: return "EV_EFI_PLATFORM_FIRMWARE_BLOB2";
    case kEvEfiHandoffTables2: return "EV_EFI_HANDOFF_TABLES2";
    case kEvEfiVariableAuthority: return "EV_EFI_VARIABLE_AUTHORITY";
    default: return "EV_" + hex_number(type);
  }
}

void rtmr_extend(ByteVec& rtmr, Bytes digest) {
  Hasher h(Algo::Sha384);
  h.update(rtmr).update(digest);
  rtmr = h.finish();
}

std::array<std::optional<ByteVec>, kRtmrCount> fold(const std::vector<Event>& events) {
  std::array<std::optional<ByteVec>, kRtmrCount> out;
  for (auto& r : out) r = ByteVec(kSha384Size, 0);
  for (const auto& e : events) {
    auto& r = out.at(static_cast<std::size_t>(e.rtmr));
    if (!r) continue;
    if (!e.digest) {
      r.reset();
      continue;
    }
    rtmr_extend(*r, *e.digest);
  }
  return out;
}

ByteVec char16_widen(std::string_view text, bool nul) {
  ByteVec out;
  out.reserve(text.size() * 2 + 2);
  for (const char c : text) put_le(out, static_cast<std::uint16_t>(static_cast<unsigned char>(c)));
  if (nul) put_le(out, std::uint16_t{0});
  return out;
}

ByteVec uefi_variable_data(const firmware::Guid& vendor, std::string_view name, Bytes data) {
  ByteVec out(vendor.begin(), vendor.end());
  put_le(out, static_cast<std::uint64_t>(name.size()));
  put_le(out, static_cast<std::uint64_t>(data.size()));
  append(out, char16_widen(name, false));
  append(out, data);
  return out;
}

ByteVec efi_load_option(std::uint32_t attributes, std::string_view description, Bytes device_path) {
  ByteVec out;
  put_le(out, attributes);
  put_le(out, static_cast<std::uint16_t>(device_path.size()));
  append(out, char16_widen(description, true));
  append(out, device_path);
  return out;
}

namespace {
ByteVec node(std::uint8_t type, std::uint8_t subtype, Bytes data) {
  ByteVec out{type, subtype};
  put_le(out, static_cast<std::uint16_t>(4 + data.size()));
  append(out, data);
  return out;
}
}  // namespace

ByteVec device_path_fv(const firmware::Guid& volume) { return node(4, 7, volume); }
ByteVec device_path_fv_file(const firmware::Guid& file) { return node(4, 6, file); }
ByteVec device_path_end() { return node(0x7f, 0xff, {}); }

}  // namespace coco::tdx
