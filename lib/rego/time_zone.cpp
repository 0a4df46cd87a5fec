// SPDX-License-Identifier: Apache-2.0
#include "rego/time_zone.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace coco::rego {

namespace {

constexpr std::size_t kTzifHeader = 44;
constexpr std::size_t kMaxTzifBytes = 1 << 20;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

std::uint32_t be32(const std::string& b, std::size_t off) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(b[off])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(b[off + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(b[off + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[off + 3]));
}

bool plain_zone_name(const std::string& name) {
  if (name.empty() || name.size() > 128 || name.front() == '/' || name.find("..") != std::string::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '/' ||
           ch == '_' || ch == '-' || ch == '+';
  });
}

}  // namespace

std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = floor_div(y, 400);
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int days_in_month(std::int64_t year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

CivilTime civil_from_seconds(std::int64_t t) {
  CivilTime c;
  std::int64_t days = floor_div(t, 86400);
  std::int64_t secs = t - days * 86400;
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs / 60 % 60);
  c.second = static_cast<int>(secs % 60);
  c.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  std::int64_t z = days + 719468;
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2);
  c.year_day = static_cast<int>(days - days_from_civil(c.year, 1, 1) + 1);
  return c;
}

std::int64_t seconds_from_fields(std::int64_t year, std::int64_t month, std::int64_t day, std::int64_t hour,
                                 std::int64_t minute, std::int64_t second) {
  std::int64_t m0 = month - 1;
  year += floor_div(m0, 12);
  m0 -= floor_div(m0, 12) * 12;
  std::int64_t days = days_from_civil(year, static_cast<int>(m0 + 1), 1) + day - 1;
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

std::shared_ptr<const TimeZone> parse_tzif(const std::string& b) {
  if (b.size() < kTzifHeader || b.compare(0, 4, "TZif") != 0) return nullptr;
  auto counts = [&](std::size_t at, std::uint32_t out[6]) {
    for (int i = 0; i < 6; ++i) out[i] = be32(b, at + 20 + 4 * static_cast<std::size_t>(i));
  };
  std::uint32_t n[6];  // isutcnt isstdcnt leapcnt timecnt typecnt charcnt
  counts(0, n);
  std::size_t off = kTzifHeader;
  int time_size = 4;
  if (b[4] >= '2') {  // skip the 32-bit block, read the 64-bit one
    off += std::size_t{n[3]} * 5 + std::size_t{n[4]} * 6 + n[5] + std::size_t{n[2]} * 8 + n[1] + n[0];
    if (off + kTzifHeader > b.size()) return nullptr;
    counts(off, n);
    off += kTzifHeader;
    time_size = 8;
  }
  const std::size_t need = std::size_t{n[3]} * (static_cast<std::size_t>(time_size) + 1) + std::size_t{n[4]} * 6 + n[5];
  if (n[4] == 0 || off + need > b.size()) return nullptr;
  auto tz = std::make_shared<TimeZone>();
  for (std::uint32_t i = 0; i < n[3]; ++i) {
    std::int64_t t = time_size == 8 ? static_cast<std::int64_t>((std::uint64_t{be32(b, off)} << 32) | be32(b, off + 4))
                                    : static_cast<std::int32_t>(be32(b, off));
    tz->transitions_.push_back(t);
    off += static_cast<std::size_t>(time_size);
  }
  for (std::uint32_t i = 0; i < n[3]; ++i) {
    auto type = static_cast<std::uint8_t>(b[off++]);
    if (type >= n[4]) return nullptr;
    tz->transition_types_.push_back(type);
  }
  const std::size_t abbrevs = off + std::size_t{n[4]} * 6;
  bool found_std = false;
  for (std::uint32_t i = 0; i < n[4]; ++i, off += 6) {
    ZoneOffset z;
    z.utc_offset = static_cast<std::int32_t>(be32(b, off));
    std::size_t ai = static_cast<unsigned char>(b[off + 5]);
    if (ai < n[5]) z.abbrev = std::string(b.c_str() + abbrevs + ai, strnlen(b.c_str() + abbrevs + ai, n[5] - ai));
    if (!found_std && b[off + 4] == 0) {
      tz->default_type_ = i;
      found_std = true;
    }
    tz->types_.push_back(std::move(z));
  }
  return tz;
}

std::shared_ptr<const TimeZone> TimeZone::utc() {
  static const auto kUtc = [] {
    auto tz = std::make_shared<TimeZone>();
    tz->utc_ = true;
    tz->types_.push_back({0, "UTC"});
    return std::shared_ptr<const TimeZone>(tz);
  }();
  return kUtc;
}

std::shared_ptr<const TimeZone> TimeZone::load(const std::string& name) {
  if (name.empty() || name == "UTC") return utc();
  std::string path;
  if (name == "Local") path = "/etc/localtime";
  else if (plain_zone_name(name)) path = "/usr/share/zoneinfo/" + name;
  else return nullptr;
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const TimeZone>> cache;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache.find(path); it != cache.end()) return it->second;
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::string bytes(kMaxTzifBytes + 1, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (bytes.size() > kMaxTzifBytes) return nullptr;
  auto tz = parse_tzif(bytes);
  if (tz) cache.emplace(path, tz);
  return tz;
}

ZoneOffset TimeZone::offset_at(std::int64_t t) const {
  if (utc_) return types_.front();
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  if (it == transitions_.begin()) return types_[default_type_];
  return types_[transition_types_[static_cast<std::size_t>(it - transitions_.begin() - 1)]];
}

}  // namespace coco::rego
