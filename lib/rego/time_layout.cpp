// SPDX-License-Identifier: Apache-2.0
#include "rego/time_layout.h"

#include <cctype>
#include <cstring>
#include <map>
#include <vector>

namespace coco::rego {

namespace {

enum class Std {
  None, LongMonth, Month, NumMonth, ZeroMonth, LongWeekDay, WeekDay, Day, UnderDay, ZeroDay, YearDay,
  ZeroYearDay, Hour, Hour12, ZeroHour12, Minute, ZeroMinute, Second, ZeroSecond, LongYear, Year, PM, pm,
  TZ, ISO8601TZ, ISO8601SecondsTZ, ISO8601ShortTZ, ISO8601ColonTZ, ISO8601ColonSecondsTZ, NumTZ,
  NumSecondsTz, NumShortTZ, NumColonTZ, NumColonSecondsTZ, FracSecond0, FracSecond9,
};

struct Chunk {
  std::string prefix;  // literal text before the element
  Std std = Std::None;
  int frac_digits = 0;
  char frac_sep = '.';
  std::size_t consumed = 0;  // layout bytes the element took
};

const char* const kLongMonths[] = {"January", "February", "March", "April", "May", "June", "July",
                                   "August", "September", "October", "November", "December"};
const char* const kLongDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

bool starts(const std::string& s, std::size_t i, const char* p) { return s.compare(i, std::strlen(p), p) == 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Go's nextStdChunk: the literal text up to the next layout element, and that element.
Chunk next_chunk(const std::string& l, std::size_t from) {
  Chunk c;
  for (std::size_t i = from; i < l.size(); ++i) {
    auto hit = [&](Std s, std::size_t n) {
      c.prefix = l.substr(from, i - from);
      c.std = s;
      c.consumed = i - from + n;
      return true;
    };
    char ch = l[i];
    bool found = false;
    switch (ch) {
      case 'J':
        if (starts(l, i, "January")) found = hit(Std::LongMonth, 7);
        else if (starts(l, i, "Jan")) found = hit(Std::Month, 3);
        break;
      case 'M':
        if (starts(l, i, "Monday")) found = hit(Std::LongWeekDay, 6);
        else if (starts(l, i, "Mon")) found = hit(Std::WeekDay, 3);
        else if (starts(l, i, "MST")) found = hit(Std::TZ, 3);
        break;
      case '0':
        if (i + 1 < l.size() && l[i + 1] >= '1' && l[i + 1] <= '6') {
          static const Std k0[] = {Std::ZeroMonth, Std::ZeroDay, Std::ZeroHour12, Std::ZeroMinute, Std::ZeroSecond, Std::Year};
          found = hit(k0[l[i + 1] - '1'], 2);
        } else if (starts(l, i, "002")) {
          found = hit(Std::ZeroYearDay, 3);
        }
        break;
      case '1':
        found = starts(l, i, "15") ? hit(Std::Hour, 2) : hit(Std::NumMonth, 1);
        break;
      case '2':
        found = starts(l, i, "2006") ? hit(Std::LongYear, 4) : hit(Std::Day, 1);
        break;
      case '_':
        if (starts(l, i, "_2") && !starts(l, i, "_2006")) found = hit(Std::UnderDay, 2);
        else if (starts(l, i, "__2")) found = hit(Std::YearDay, 3);
        break;
      case '3': found = hit(Std::Hour12, 1); break;
      case '4': found = hit(Std::Minute, 1); break;
      case '5': found = hit(Std::Second, 1); break;
      case 'P':
        if (starts(l, i, "PM")) found = hit(Std::PM, 2);
        break;
      case 'p':
        if (starts(l, i, "pm")) found = hit(Std::pm, 2);
        break;
      case '-':
        if (starts(l, i, "-070000")) found = hit(Std::NumSecondsTz, 7);
        else if (starts(l, i, "-07:00:00")) found = hit(Std::NumColonSecondsTZ, 9);
        else if (starts(l, i, "-0700")) found = hit(Std::NumTZ, 5);
        else if (starts(l, i, "-07:00")) found = hit(Std::NumColonTZ, 6);
        else if (starts(l, i, "-07")) found = hit(Std::NumShortTZ, 3);
        break;
      case 'Z':
        if (starts(l, i, "Z070000")) found = hit(Std::ISO8601SecondsTZ, 7);
        else if (starts(l, i, "Z07:00:00")) found = hit(Std::ISO8601ColonSecondsTZ, 9);
        else if (starts(l, i, "Z0700")) found = hit(Std::ISO8601TZ, 5);
        else if (starts(l, i, "Z07:00")) found = hit(Std::ISO8601ColonTZ, 6);
        else if (starts(l, i, "Z07")) found = hit(Std::ISO8601ShortTZ, 3);
        break;
      case '.':
      case ',':
        if (i + 1 < l.size() && (l[i + 1] == '0' || l[i + 1] == '9')) {
          char d = l[i + 1];
          std::size_t j = i + 1;
          while (j < l.size() && l[j] == d) ++j;
          if (j >= l.size() || !is_digit(l[j])) {
            found = hit(d == '0' ? Std::FracSecond0 : Std::FracSecond9, j - i);
            c.frac_digits = static_cast<int>(j - i - 1);
            c.frac_sep = ch;
          }
        }
        break;
      default: break;
    }
    if (found) return c;
  }
  c.prefix = l.substr(from);
  c.consumed = l.size() - from;
  return c;
}

std::string pad(std::int64_t v, int width, char fill = '0') {
  std::string s = std::to_string(v < 0 ? -v : v);
  while (static_cast<int>(s.size()) < width) s.insert(s.begin(), fill);
  return v < 0 ? "-" + s : s;
}

std::string format_tz(Std std, int off) {
  bool iso = std == Std::ISO8601TZ || std == Std::ISO8601SecondsTZ || std == Std::ISO8601ShortTZ ||
             std == Std::ISO8601ColonTZ || std == Std::ISO8601ColonSecondsTZ;
  if (iso && off == 0) return "Z";
  std::string s = off < 0 ? "-" : "+";
  int a = off < 0 ? -off : off;
  s += pad(a / 3600, 2);
  bool colon = std == Std::NumColonTZ || std == Std::ISO8601ColonTZ || std == Std::NumColonSecondsTZ ||
               std == Std::ISO8601ColonSecondsTZ;
  if (std != Std::NumShortTZ && std != Std::ISO8601ShortTZ) s += (colon ? ":" : "") + pad(a / 60 % 60, 2);
  if (std == Std::NumSecondsTz || std == Std::ISO8601SecondsTZ || std == Std::NumColonSecondsTZ ||
      std == Std::ISO8601ColonSecondsTZ)
    s += (colon ? ":" : "") + pad(a % 60, 2);
  return s;
}

// Reads 1-2 digits (exactly 2 when fixed); -1 when absent.
int get_num(const std::string& v, std::size_t& i, bool fixed) {
  if (i >= v.size() || !is_digit(v[i])) return -1;
  if (i + 1 >= v.size() || !is_digit(v[i + 1])) {
    if (fixed) return -1;
    return v[i++] - '0';
  }
  int n = (v[i] - '0') * 10 + (v[i + 1] - '0');
  i += 2;
  return n;
}

int lookup_name(const std::string& v, std::size_t& i, const char* const* names, int count, std::size_t len) {
  for (int k = 0; k < count; ++k) {
    std::string n = len ? std::string(names[k]).substr(0, len) : names[k];
    if (v.size() - i >= n.size()) {
      bool eq = true;
      for (std::size_t j = 0; j < n.size() && eq; ++j) eq = std::tolower(v[i + j]) == std::tolower(n[j]);
      if (eq) {
        i += n.size();
        return k;
      }
    }
  }
  return -1;
}

}  // namespace

std::string expand_layout(const std::string& layout) {
  static const std::map<std::string, std::string> kNamed = {
      {"ANSIC", "Mon Jan _2 15:04:05 2006"},
      {"UnixDate", "Mon Jan _2 15:04:05 MST 2006"},
      {"RubyDate", "Mon Jan 02 15:04:05 -0700 2006"},
      {"RFC822", "02 Jan 06 15:04 MST"},
      {"RFC822Z", "02 Jan 06 15:04 -0700"},
      {"RFC850", "Monday, 02-Jan-06 15:04:05 MST"},
      {"RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"},
      {"RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"},
      {"RFC3339", "2006-01-02T15:04:05Z07:00"},
      {"RFC3339Nano", "2006-01-02T15:04:05.999999999Z07:00"},
      {"Kitchen", "3:04PM"},
      {"Stamp", "Jan _2 15:04:05"},
      {"StampMilli", "Jan _2 15:04:05.000"},
      {"StampMicro", "Jan _2 15:04:05.000000"},
      {"StampNano", "Jan _2 15:04:05.000000000"},
      {"DateTime", "2006-01-02 15:04:05"},
      {"DateOnly", "2006-01-02"},
      {"TimeOnly", "15:04:05"},
  };
  auto it = kNamed.find(layout);
  return it == kNamed.end() ? layout : it->second;
}

std::string format_go_time(const std::string& layout, std::int64_t unix_seconds, int nanos, const ZoneOffset& zone) {
  const CivilTime t = civil_from_seconds(unix_seconds + zone.utc_offset);
  std::string out;
  for (std::size_t i = 0; i < layout.size();) {
    Chunk c = next_chunk(layout, i);
    out += c.prefix;
    i += c.consumed;
    int h12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
    switch (c.std) {
      case Std::None: break;
      case Std::LongMonth: out += kLongMonths[t.month - 1]; break;
      case Std::Month: out += std::string(kLongMonths[t.month - 1]).substr(0, 3); break;
      case Std::NumMonth: out += std::to_string(t.month); break;
      case Std::ZeroMonth: out += pad(t.month, 2); break;
      case Std::LongWeekDay: out += kLongDays[t.weekday]; break;
      case Std::WeekDay: out += std::string(kLongDays[t.weekday]).substr(0, 3); break;
      case Std::Day: out += std::to_string(t.day); break;
      case Std::UnderDay: out += pad(t.day, 2, ' '); break;
      case Std::ZeroDay: out += pad(t.day, 2); break;
      case Std::YearDay: out += pad(t.year_day, 3, ' '); break;
      case Std::ZeroYearDay: out += pad(t.year_day, 3); break;
      case Std::Hour: out += pad(t.hour, 2); break;
      case Std::Hour12: out += std::to_string(h12); break;
      case Std::ZeroHour12: out += pad(h12, 2); break;
      case Std::Minute: out += std::to_string(t.minute); break;
      case Std::ZeroMinute: out += pad(t.minute, 2); break;
      case Std::Second: out += std::to_string(t.second); break;
      case Std::ZeroSecond: out += pad(t.second, 2); break;
      case Std::LongYear: out += pad(t.year, 4); break;
      case Std::Year: out += pad(((t.year % 100) + 100) % 100, 2); break;
      case Std::PM: out += t.hour >= 12 ? "PM" : "AM"; break;
      case Std::pm: out += t.hour >= 12 ? "pm" : "am"; break;
      case Std::TZ:
        if (!zone.abbrev.empty()) out += zone.abbrev;
        else out += format_tz(Std::NumTZ, zone.utc_offset);
        break;
      case Std::FracSecond0:
      case Std::FracSecond9: {
        std::string digits = pad(nanos, 9).substr(0, static_cast<std::size_t>(c.frac_digits));
        if (c.std == Std::FracSecond9) {
          while (!digits.empty() && digits.back() == '0') digits.pop_back();
          if (digits.empty()) break;
        }
        out += c.frac_sep + digits;
        break;
      }
      default: out += format_tz(c.std, zone.utc_offset); break;
    }
  }
  return out;
}

std::optional<ParsedTime> parse_go_time(const std::string& layout, const std::string& v, std::string* error) {
  std::int64_t year = 1;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0, nanos = 0, yday = -1;
  int pm = -1;  // -1 none, 0 AM, 1 PM
  std::optional<int> offset;
  std::size_t i = 0;
  auto bad = [&](const std::string& what) -> std::optional<ParsedTime> {
    *error = "parsing time " + std::string("\"") + v + "\" as \"" + layout + "\": cannot parse " + what;
    return std::nullopt;
  };
  for (std::size_t li = 0; li < layout.size() || i < v.size();) {
    Chunk c = next_chunk(layout, li);
    li += c.consumed;
    if (v.compare(i, c.prefix.size(), c.prefix) != 0) return bad("\"" + v.substr(i) + "\" as \"" + c.prefix + "\"");
    i += c.prefix.size();
    if (c.std == Std::None) {
      if (li >= layout.size() && i < v.size()) {
        *error = "parsing time \"" + v + "\": extra text: \"" + v.substr(i) + "\"";
        return std::nullopt;
      }
      if (li >= layout.size()) break;
      continue;
    }
    int n = 0;
    switch (c.std) {
      case Std::LongYear:
        if (v.size() - i < 4 || !is_digit(v[i]) || !is_digit(v[i + 1]) || !is_digit(v[i + 2]) || !is_digit(v[i + 3]))
          return bad("year");
        year = std::stoi(v.substr(i, 4));
        i += 4;
        break;
      case Std::Year:
        if ((n = get_num(v, i, true)) < 0) return bad("year");
        year = n >= 69 ? 1900 + n : 2000 + n;
        break;
      case Std::LongMonth:
      case Std::Month:
        if ((n = lookup_name(v, i, kLongMonths, 12, c.std == Std::Month ? 3 : 0)) < 0) return bad("month");
        month = n + 1;
        break;
      case Std::NumMonth:
      case Std::ZeroMonth:
        if ((n = get_num(v, i, c.std == Std::ZeroMonth)) < 1 || n > 12) return bad("month");
        month = n;
        break;
      case Std::LongWeekDay:
      case Std::WeekDay:
        if (lookup_name(v, i, kLongDays, 7, c.std == Std::WeekDay ? 3 : 0) < 0) return bad("day of week");
        break;
      case Std::Day:
      case Std::UnderDay:
      case Std::ZeroDay:
        if (c.std == Std::UnderDay && i < v.size() && v[i] == ' ') ++i;
        if ((n = get_num(v, i, c.std == Std::ZeroDay)) < 1 || n > 31) return bad("day");
        day = n;
        break;
      case Std::YearDay:
      case Std::ZeroYearDay: {
        while (c.std == Std::YearDay && i < v.size() && v[i] == ' ') ++i;
        std::size_t start = i;
        while (i < v.size() && is_digit(v[i]) && i - start < 3) ++i;
        if (i == start) return bad("day of year");
        yday = std::stoi(v.substr(start, i - start));
        break;
      }
      case Std::Hour:
        if ((n = get_num(v, i, false)) < 0 || n > 23) return bad("hour");
        hour = n;
        break;
      case Std::Hour12:
      case Std::ZeroHour12:
        if ((n = get_num(v, i, c.std == Std::ZeroHour12)) < 0 || n > 12) return bad("hour");
        hour = n;
        break;
      case Std::Minute:
      case Std::ZeroMinute:
        if ((n = get_num(v, i, c.std == Std::ZeroMinute)) < 0 || n > 59) return bad("minute");
        minute = n;
        break;
      case Std::Second:
      case Std::ZeroSecond:
        if ((n = get_num(v, i, c.std == Std::ZeroSecond)) < 0 || n > 59) return bad("second");
        second = n;
        // A fraction may follow the seconds even when the layout has none (Go accepts it).
        if (i + 1 < v.size() && (v[i] == '.' || v[i] == ',') && is_digit(v[i + 1])) {
          Chunk next = next_chunk(layout, li);
          if (next.prefix.empty() && (next.std == Std::FracSecond0 || next.std == Std::FracSecond9)) break;
          std::size_t start = ++i;
          while (i < v.size() && is_digit(v[i])) ++i;
          std::string digits = v.substr(start, i - start);
          digits.resize(9, '0');
          nanos = std::stoi(digits.substr(0, 9));
        }
        break;
      case Std::PM:
      case Std::pm: {
        if (v.size() - i < 2) return bad("AM/PM");
        std::string ap = v.substr(i, 2);
        if (ap == "PM" || ap == "pm") pm = 1;
        else if (ap == "AM" || ap == "am") pm = 0;
        else return bad("AM/PM");
        i += 2;
        break;
      }
      case Std::FracSecond0:
      case Std::FracSecond9: {
        if (c.std == Std::FracSecond9 && (i >= v.size() || (v[i] != '.' && v[i] != ','))) break;
        if (i >= v.size() || (v[i] != '.' && v[i] != ',')) return bad("fractional second");
        std::size_t start = ++i;
        while (i < v.size() && is_digit(v[i])) ++i;
        if (c.std == Std::FracSecond0 && static_cast<int>(i - start) != c.frac_digits) return bad("fractional second");
        std::string digits = v.substr(start, i - start);
        digits.resize(9, '0');
        nanos = std::stoi(digits.substr(0, 9));
        break;
      }
      case Std::TZ: {
        std::size_t start = i;
        while (i < v.size() && v[i] >= 'A' && v[i] <= 'Z') ++i;
        if (i - start < 3) return bad("time zone");
        offset = 0;  // Go also takes an unknown abbreviation as a zero offset
        break;
      }
      default: {  // numeric zones
        bool iso = c.std == Std::ISO8601TZ || c.std == Std::ISO8601SecondsTZ || c.std == Std::ISO8601ShortTZ ||
                   c.std == Std::ISO8601ColonTZ || c.std == Std::ISO8601ColonSecondsTZ;
        if (iso && i < v.size() && v[i] == 'Z') {
          ++i;
          offset = 0;
          break;
        }
        if (i >= v.size() || (v[i] != '+' && v[i] != '-')) return bad("time zone offset");
        int sign = v[i++] == '-' ? -1 : 1;
        bool colon = c.std == Std::NumColonTZ || c.std == Std::ISO8601ColonTZ ||
                     c.std == Std::NumColonSecondsTZ || c.std == Std::ISO8601ColonSecondsTZ;
        int hh = get_num(v, i, true), mm = 0, ss = 0;
        if (hh < 0) return bad("time zone offset");
        if (c.std != Std::NumShortTZ && c.std != Std::ISO8601ShortTZ) {
          if (colon && (i >= v.size() || v[i++] != ':')) return bad("time zone offset");
          if ((mm = get_num(v, i, true)) < 0) return bad("time zone offset");
        }
        if (c.std == Std::NumSecondsTz || c.std == Std::ISO8601SecondsTZ || c.std == Std::NumColonSecondsTZ ||
            c.std == Std::ISO8601ColonSecondsTZ) {
          if (colon && (i >= v.size() || v[i++] != ':')) return bad("time zone offset");
          if ((ss = get_num(v, i, true)) < 0) return bad("time zone offset");
        }
        offset = sign * (hh * 3600 + mm * 60 + ss);
        break;
      }
    }
  }
  if (pm == 1 && hour < 12) hour += 12;
  if (pm == 0 && hour == 12) hour = 0;
  if (yday >= 0) {
    std::int64_t s = seconds_from_fields(year, 1, yday, hour, minute, second);
    return ParsedTime{s - offset.value_or(0), nanos};
  }
  if (day > days_in_month(year, month)) {
    *error = "parsing time \"" + v + "\": day out of range";
    return std::nullopt;
  }
  std::int64_t s = seconds_from_fields(year, month, day, hour, minute, second);
  return ParsedTime{s - offset.value_or(0), nanos};
}

}  // namespace coco::rego
