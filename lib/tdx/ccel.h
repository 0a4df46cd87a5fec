// SPDX-License-Identifier: Apache-2.0
// The TDX event log (CCEL): a TCG crypto-agile event log whose first field per event is the CC
// measurement-register index (1..4 → RTMR0..3), replayed into RTMR values (specs/tdx.md §2.9;
// TCG PC Client PFP spec §10.2.1 TCG_PCClientPCREvent, §10.2.2 TCG_PCR_EVENT2, §10.4.5.1
// TCG_EfiSpecIdEvent; UEFI 2.10 §38.4.1 for the MR index).
//
//   first record (SHA-1 layout): u32 MR index, u32 type = EV_NO_ACTION, 20 zero bytes,
//     u32 size, "Spec ID Event03\0" u32 platformClass, u8 minor, u8 major, u8 errata,
//     u8 uintnSize, u32 n, n × {u16 algorithm id, u16 digest size}, u8 vendor size, vendor bytes
//   then per event: u32 MR index, u32 type, u32 count, count × {u16 algorithm, digest},
//     u32 size, event data
//   the log ends at the end of the buffer or at an MR index of 0xffffffff (unused log area)
//   or an all-zero event header.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tdx/events.h"
#include "util/bytes.h"

namespace coco::tdx {

inline constexpr std::uint16_t kTpmAlgSha384 = 0x000c;

struct LogEvent {
  std::uint64_t offset = 0;       // of the event header in the log
  std::uint32_t mr_index = 0;     // as logged: 0 MRTD, 1..4 RTMR0..3
  std::uint32_t type = 0;
  std::optional<ByteVec> sha384;  // absent when the event carries no SHA-384 digest
  std::string description;        // decoded from the event data
  std::optional<int> rtmr() const {
    if (mr_index >= 1 && mr_index <= kRtmrCount) return static_cast<int>(mr_index - 1);
    return std::nullopt;
  }
  bool replayed() const { return type != kEvNoAction && rtmr().has_value(); }
};

struct EventLog {
  std::vector<std::pair<std::uint16_t, std::uint16_t>> algorithms;  // from the Spec ID event
  std::vector<LogEvent> events;                                     // every record after it
  std::uint64_t end = 0;                                            // offset where the log ends
};

// Throws coco::Error naming the log and offset for a missing Spec ID event, an algorithm
// without SHA-384, a digest count or algorithm the header does not list, or a length past the end.
EventLog parse_ccel(const Reader& log);

// The RTMR values the log replays to (every replayed() event, in order).
std::array<ByteVec, kRtmrCount> replay(const EventLog& log);

// Human-readable summary of an event's data: the text of EFI actions, the variable name of
// variable events, the blob description of firmware-blob events.
std::string describe_event(std::uint32_t type, Bytes data);

}  // namespace coco::tdx
