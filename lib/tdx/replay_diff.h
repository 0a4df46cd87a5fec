// SPDX-License-Identifier: Apache-2.0
// Why do the values not match? Compares a replayed CCEL log with coco's own expectation (the
// JSON of `coco measure tdx`), register by register, and names the first event where the two
// lists diverge with both descriptions (specs/tdx.md §2.9, §5 "Event-log tooling").
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "tdx/ccel.h"
#include "tdx/events.h"
#include "util/output.h"

namespace coco::tdx {

struct Expectation {
  std::array<std::optional<ByteVec>, kRtmrCount> rtmr;
  std::vector<Event> events;
};

// Reads `coco measure tdx --output json`; throws coco::Error naming `where` and the field.
Expectation parse_expectation(const Json& j, const std::string& where);

struct RegisterDiff {
  int rtmr = 0;
  ByteVec replayed;                    // what the log replays to
  std::optional<ByteVec> expected;     // expectation's value (null: not computable)
  std::size_t log_events = 0, expected_events = 0;
  std::size_t unchecked = 0;           // expected events with unknown digests, taken from the log
  // The first divergence, when there is one: position within this register's events.
  std::optional<std::size_t> diverges_at;
  std::string log_description, expected_description;  // "" when that side has no event there
  std::optional<ByteVec> log_digest, expected_digest;
  bool match() const { return !diverges_at && (!expected || *expected == replayed); }
};

std::vector<RegisterDiff> diff_log(const EventLog& log, const Expectation& expected);

}  // namespace coco::tdx
