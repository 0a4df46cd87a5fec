// SPDX-License-Identifier: Apache-2.0
// The UEFI variable store inside OVMF's CFV (PI spec vol. 3 §3.2.1 firmware volume header;
// edk2 MdeModulePkg/Include/Guid/VariableFormat.h). RTMR0's secure-boot events measure the
// SecureBoot, PK, KEK, db and dbx variables: coco models a store where none of them is set (as
// in Debian's OVMF.fd and TDX builds of OVMF) and reads the store to check that assumption,
// rather than printing a wrong RTMR0 for an image with enrolled keys (specs/tdx.md §2.2 item 4).
//
//   FV header: signature "_FVH" @40, u16 HeaderLength @48.
//   Variable store header @HeaderLength: GUID (authenticated aaf32c78-… or plain ddcf3616-…),
//     u32 size, u8 format, u8 state, 6 reserved; variables follow, 4-byte aligned.
//   Variable: u16 StartId 0x55aa, u8 State, u8 0, u32 Attributes, [u64 MonotonicCount,
//     16 B TimeStamp, u32 PubKeyIndex — authenticated only], u32 NameSize, u32 DataSize,
//     GUID VendorGuid, CHAR16 name, data. State 0x3f (added) or 0x3e (in deleted transition)
//     is live; lower values are deleted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "firmware/guid.h"
#include "util/bytes.h"

namespace coco::tdx {

struct StoredVariable {
  std::string name;  // ASCII-range names only; others are shown as "?"
  firmware::Guid vendor{};
  std::uint32_t data_size = 0;
  std::uint64_t offset = 0;  // in the firmware file
};

// The live variables of the store in `cfv`; nullopt when `cfv` does not hold a variable store
// coco recognises. A store that is cut short ends the list there (firmware tolerates that too).
std::optional<std::vector<StoredVariable>> live_variables(const Reader& cfv);

}  // namespace coco::tdx
