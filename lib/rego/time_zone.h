// SPDX-License-Identifier: Apache-2.0
// Civil time for the time.* builtins: proleptic Gregorian calendar arithmetic on Unix seconds, and
// time zones read from the system's TZif files (Debian's tzdata, /usr/share/zoneinfo), as Go's
// time.LoadLocation does. Only the transition table is used: Debian ships "fat" files whose
// transitions run to 2037, so the POSIX rule at the end of a file (for later instants) is not
// evaluated; such instants keep the offset of the last transition.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace coco::rego {

struct CivilTime {
  std::int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int weekday = 4;    // 0 = Sunday
  int year_day = 1;   // 1..366
};

std::int64_t days_from_civil(std::int64_t y, int m, int d);
CivilTime civil_from_seconds(std::int64_t unix_seconds);  // UTC fields of an instant
// Go's time.Date normalisation: months and days out of range carry into the next field.
std::int64_t seconds_from_fields(std::int64_t year, std::int64_t month, std::int64_t day, std::int64_t hour,
                                 std::int64_t minute, std::int64_t second);
int days_in_month(std::int64_t year, int month);

struct ZoneOffset {
  int utc_offset = 0;   // seconds east of UTC
  std::string abbrev;   // "PST"; empty when the zone has none
};

class TimeZone {
 public:
  // "" and "UTC" are UTC, "Local" is /etc/localtime, anything else a tzdata name such as
  // "America/Los_Angeles". nullopt when there is no such zone (or the name is not a plain path).
  static std::shared_ptr<const TimeZone> load(const std::string& name);
  static std::shared_ptr<const TimeZone> utc();

  ZoneOffset offset_at(std::int64_t unix_seconds) const;
  bool is_utc() const { return utc_; }

 private:
  bool utc_ = false;
  std::vector<std::int64_t> transitions_;
  std::vector<std::uint8_t> transition_types_;
  std::vector<ZoneOffset> types_;
  std::size_t default_type_ = 0;

  friend std::shared_ptr<const TimeZone> parse_tzif(const std::string& bytes);
};

}  // namespace coco::rego
