// SPDX-License-Identifier: Apache-2.0
// The event model shared by pre-computation and CCEL replay: labelled events, their TCG event
// types, and the RTMR extend fold (specs/tdx.md §2.1; TCG PC Client PFP spec §10.4.1 for the
// event types; UEFI 2.10 §38.4.1 for the PCR → MR index mapping).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firmware/guid.h"
#include "util/bytes.h"

namespace coco::tdx {

inline constexpr std::size_t kRtmrCount = 4;
inline constexpr std::size_t kSha384Size = 48;

// TCG event types that TDX firmware logs.
inline constexpr std::uint32_t kEvPostCode = 0x00000001;
inline constexpr std::uint32_t kEvNoAction = 0x00000003;
inline constexpr std::uint32_t kEvSeparator = 0x00000004;
inline constexpr std::uint32_t kEvAction = 0x00000005;
inline constexpr std::uint32_t kEvEventTag = 0x00000006;
inline constexpr std::uint32_t kEvPlatformConfigFlags = 0x0000000a;
inline constexpr std::uint32_t kEvIpl = 0x0000000d;
inline constexpr std::uint32_t kEvEfiVariableDriverConfig = 0x80000001;
inline constexpr std::uint32_t kEvEfiVariableBoot = 0x80000002;
inline constexpr std::uint32_t kEvEfiBootServicesApplication = 0x80000003;
inline constexpr std::uint32_t kEvEfiAction = 0x80000007;
inline constexpr std::uint32_t kEvEfiGptEvent = 0x80000006;
inline constexpr std::uint32_t kEvEfiPlatformFirmwareBlob2 = 0x8000000a;
inline constexpr std::uint32_t kEvEfiHandoffTables2 = 0x8000000b;
inline constexpr std::uint32_t kEvEfiVariableAuthority = 0x800000e0;

// "EV_SEPARATOR"; unknown types read "EV_0x…".
std::string event_type_name(std::uint32_t type);

struct Event {
  int rtmr = 0;  // 0..3
  std::uint32_t type = 0;
  std::string description;
  std::optional<ByteVec> digest;  // SHA-384; empty when an input was not supplied (ACPI blobs)
};

// R' = SHA-384(R || digest), R starting at 48 zero bytes (TDG.MR.RTMR.EXTEND).
void rtmr_extend(ByteVec& rtmr, Bytes digest);
// The value of each RTMR after its events; nullopt for a register with an unknown digest.
std::array<std::optional<ByteVec>, kRtmrCount> fold(const std::vector<Event>& events);

// CHAR16 text as OVMF makes it from ASCII with "%a": each byte widened to 16 bits (no UTF-8
// decoding), little-endian. `nul` appends the 2-byte terminator.
ByteVec char16_widen(std::string_view text, bool nul);

// UEFI_VARIABLE_DATA (TCG PFP §10.2.6): GUID ‖ u64 name length in characters (no NUL) ‖
// u64 data length ‖ CHAR16 name (no NUL) ‖ data.
ByteVec uefi_variable_data(const firmware::Guid& vendor, std::string_view name, Bytes data);

// EFI_LOAD_OPTION (UEFI 2.10 §3.1.3): u32 attributes ‖ u16 FilePathListLength ‖ CHAR16
// description with NUL ‖ device path.
ByteVec efi_load_option(std::uint32_t attributes, std::string_view description, Bytes device_path);
// Device path nodes (UEFI 2.10 §10.3): type, subtype, u16 length including the 4-byte header.
ByteVec device_path_fv(const firmware::Guid& volume);   // media (4) / PIWG firmware volume (7)
ByteVec device_path_fv_file(const firmware::Guid& file); // media (4) / PIWG firmware file (6)
ByteVec device_path_end();                              // end entire path (0x7f / 0xff)

}  // namespace coco::tdx
