// SPDX-License-Identifier: Apache-2.0
// Go's reference-time layouts ("2006-01-02T15:04:05Z07:00", "Mon Jan _2 15:04:05 2006") for
// time.parse_ns and time.format, as Go's time.Parse and Time.Format read and write them, and the
// named layouts OPA accepts ("RFC3339", "RFC822Z", "Kitchen"...).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rego/time_zone.h"

namespace coco::rego {

// The layout a name stands for ("RFC1123Z" -> "Mon, 02 Jan 2006 15:04:05 -0700"), else `layout`.
std::string expand_layout(const std::string& layout);

struct ParsedTime {
  std::int64_t unix_seconds = 0;
  int nanos = 0;
};

// Parses `value` against `layout` (already expanded). Without a zone in the value the time is UTC.
// On failure returns nullopt and sets *error (Go's wording where it is short).
std::optional<ParsedTime> parse_go_time(const std::string& layout, const std::string& value, std::string* error);

std::string format_go_time(const std::string& layout, std::int64_t unix_seconds, int nanos, const ZoneOffset& zone);

}  // namespace coco::rego
