// SPDX-License-Identifier: Apache-2.0
#include "oci/tarfs_reader.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string_view>
#include <utility>

#include "oci/tar_stream.h"
#include "oci/ustar.h"
#include "util/encoding.h"
#include "util/error.h"

namespace coco::oci {
namespace {

using namespace ustar;  // the header fields
constexpr std::uint64_t kMaxMeta = kMaxMetaRecord;  // a long name or pax payload; the crate has no limit

std::string truncated(const std::uint8_t* p, std::size_t len) {
  const auto* end = std::find(p, p + len, 0);
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(end - p));
}

// Rust's char::is_whitespace (Unicode White_Space), which str::trim strips at both ends.
bool unicode_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

// The code point starting at s[i] of valid UTF-8, and its length.
char32_t decode_at(std::string_view s, std::size_t i, std::size_t& len) {
  const auto b = static_cast<unsigned char>(s[i]);
  len = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
  char32_t c = len == 1 ? b : b & (0x7f >> len);
  for (std::size_t k = 1; k < len; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
  return c;
}

std::string_view trim_unicode(std::string_view s) {
  std::size_t len = 0;
  while (!s.empty() && unicode_space(decode_at(s, 0, len))) s.remove_prefix(len);
  while (!s.empty()) {
    std::size_t start = s.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xc0) == 0x80) --start;
    if (!unicode_space(decode_at(s, start, len))) break;
    s.remove_suffix(s.size() - start);
  }
  return s;
}

// u64::from_str_radix / str::parse::<u64>: an optional '+', then at least one digit, no overflow.
std::optional<std::uint64_t> parse_unsigned(std::string_view s, unsigned radix) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  for (char ch : s) {
    if (ch < '0' || ch >= static_cast<char>('0' + radix)) return std::nullopt;
    const auto d = static_cast<std::uint64_t>(ch - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / radix) return std::nullopt;
    v = v * radix + d;
  }
  return v;
}

// One pax record line (PaxExtensions::next): "<len> <key>=<value>" where len counts the line
// and its '\n'. False when malformed.
bool pax_record(std::string_view line, std::string_view& key, std::string_view& value) {
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos) return false;
  const std::string_view len_text = line.substr(0, space);
  if (invalid_utf8_at(len_text) != std::string_view::npos) return false;
  const auto reported = parse_unsigned(len_text, 10);
  if (!reported || line.size() + 1 != *reported) return false;
  const std::string_view kv = line.substr(space + 1);
  const std::size_t eq = kv.find('=');
  if (eq == std::string_view::npos) return false;
  key = kv.substr(0, eq);
  value = kv.substr(eq + 1);
  return true;
}

// Visits the records in order until `fn` returns false; an empty line ends them.
template <typename Fn>
void each_pax_line(std::string_view records, Fn fn) {
  std::size_t pos = 0;
  while (pos <= records.size()) {
    std::size_t nl = records.find('\n', pos);
    if (nl == std::string_view::npos) nl = records.size();
    const std::string_view line = records.substr(pos, nl - pos);
    if (line.empty() || !fn(line)) return;
    pos = nl + 1;
  }
}

std::string strip_one_nul(std::string s) {
  if (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

}  // namespace

namespace tar_crate {

std::optional<std::uint64_t> octal(const std::uint8_t* field, std::size_t len) {
  const std::string text = truncated(field, len);
  if (invalid_utf8_at(text) != std::string::npos) return std::nullopt;
  return parse_unsigned(trim_unicode(text), 8);
}

std::optional<std::uint64_t> number(const std::uint8_t* field, std::size_t len) {
  if (!(field[0] & 0x80)) return octal(field, len);
  // numeric_extended_from: an 8-byte field keeps the first byte without its flag bit, a longer
  // one only its last 8 bytes.
  std::uint64_t v = 0;
  std::size_t first = 1;
  if (len == 8) v = field[0] ^ 0x80;
  else first = len - 8;
  for (std::size_t i = first; i < len; ++i) v = (v << 8) | field[i];
  return v;
}

std::optional<std::string> pax_value(const std::string& records, const std::string& key) {
  std::optional<std::string> found;
  each_pax_line(records, [&](std::string_view line) {
    std::string_view k, v;
    if (pax_record(line, k, v) && k == key) found = std::string(v);
    return !found;
  });
  return found;
}

std::optional<std::uint64_t> pax_size(const std::string& records) {
  std::optional<std::uint64_t> size;
  each_pax_line(records, [&](std::string_view line) {
    std::string_view k, v;
    if (!pax_record(line, k, v)) return false;  // the first malformed record ends the search
    if (k != "size") return true;
    if (invalid_utf8_at(v) == std::string_view::npos) size = parse_unsigned(v, 10);
    return false;
  });
  return size;
}

}  // namespace tar_crate

TarfsReader::TarfsReader(std::string name, EntryFn on_entry, DataFn on_data)
    : name_(std::move(name)), on_entry_(std::move(on_entry)), on_data_(std::move(on_data)) {}

void TarfsReader::fail(std::uint64_t off, const std::string& what) const {
  coco::fail(name_, "offset " + hex_number(off) + ": the node's tar reader (Rust tar 0.4.38) stops here: " + what);
}

void TarfsReader::update(Bytes data) {
  while (!data.empty()) {
    if (state_ == State::End) {  // after the first zero block the crate reads nothing more
      offset_ += data.size();
      return;
    }
    if (state_ == State::Header) {
      const std::size_t take = std::min(data.size(), kBlock - header_fill_);
      std::memcpy(header_ + header_fill_, data.data(), take);
      header_fill_ += take;
      offset_ += take;
      data = data.subspan(take);
      if (header_fill_ == kBlock) {
        header_fill_ = 0;
        on_header();
      }
      continue;
    }
    if (payload_ > 0) {
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(data.size(), payload_));
      const Bytes part = data.first(take);
      if (state_ == State::Meta) meta_.append(as_chars(part));
      else if (on_data_) on_data_(part);
      payload_ -= take;
      offset_ += take;
      data = data.subspan(take);
    } else {
      const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(data.size(), skip_));
      skip_ -= take;
      offset_ += take;
      data = data.subspan(take);
    }
    if (payload_ == 0 && skip_ == 0) {
      if (state_ == State::Meta) {
        if (meta_type_ == 'L') long_name_ = std::move(meta_);
        else if (meta_type_ == 'K') long_link_ = std::move(meta_);
        else {
          pax_ = std::move(meta_);
          pax_size_ = tar_crate::pax_size(*pax_);
        }
        meta_.clear();
      }
      state_ = State::Header;
    }
  }
}

void TarfsReader::on_header() {
  const std::uint64_t at = offset_ - kBlock;
  const std::uint8_t* h = header_;
  const bool meta_pending = long_name_ || long_link_ || pax_;
  if (std::all_of(h, h + kBlock, [](std::uint8_t b) { return b == 0; })) {
    if (meta_pending) fail(at, "members found describing a future member but no future member found");
    state_ = State::End;
    return;
  }
  std::uint32_t sum = 8 * ' ';
  for (std::size_t i = 0; i < kBlock; ++i)
    if (i < kChksum.off || i >= kChksum.off + kChksum.len) sum += h[i];
  const auto stored = tar_crate::octal(h + kChksum.off, kChksum.len);
  if (!stored) fail(at, "numeric field was not a number when getting cksum");
  if (static_cast<std::uint32_t>(*stored) != sum) fail(at, "archive header checksum mismatch");
  const auto header_size = tar_crate::number(h + kSize.off, kSize.len);
  if (!header_size) fail(at, "numeric field was not a number when getting size");
  std::uint64_t size = *header_size;
  if (size == 0 && pax_size_) size = *pax_size_;
  if (size > std::numeric_limits<std::uint64_t>::max() - 511) fail(at, "size overflow");
  const std::uint64_t rounded = (size + 511) & ~std::uint64_t{511};
  if (rounded > std::numeric_limits<std::uint64_t>::max() - offset_) fail(at, "size overflow");

  const bool ustar = std::memcmp(h + kMagic.off, "ustar\0", 6) == 0 && std::memcmp(h + kVersion.off, "00", 2) == 0;
  const bool gnu = std::memcmp(h + kMagic.off, "ustar ", 6) == 0 && std::memcmp(h + kVersion.off, " \0", 2) == 0;
  const char type = static_cast<char>(h[kTypeflag.off]);
  payload_ = size;
  skip_ = rounded - size;
  if ((ustar || gnu) && (type == 'L' || type == 'K' || type == 'x')) {
    const bool twice = type == 'L' ? long_name_.has_value() : type == 'K' ? long_link_.has_value() : pax_.has_value();
    if (twice)
      fail(at, type == 'x' ? "two pax extensions entries describing the same member"
                           : "two long name entries describing the same member");
    if (size > kMaxMeta)
      fail(at, "a " + std::string(type == 'x' ? "pax" : "GNU long-name") + " record of " + std::to_string(size) +
                   " bytes (coco reads at most " + std::to_string(kMaxMeta) + ")");
    meta_type_ = type;
    meta_.clear();
    state_ = State::Meta;
    if (rounded == 0) {  // nothing to read: complete it now
      if (type == 'L') long_name_ = std::string();
      else if (type == 'K') long_link_ = std::string();
      else pax_ = std::string(), pax_size_ = std::nullopt;
      state_ = State::Header;
    }
    return;
  }
  if (type == 'S')
    fail(at, gnu ? "a GNU sparse member (coco does not read sparse maps)" : "sparse entry type listed but not GNU header");

  TarfsEntry e;
  e.type = type;
  if (long_name_) e.path = strip_one_nul(std::move(*long_name_));
  else if (auto p = pax_ ? tar_crate::pax_value(*pax_, "path") : std::nullopt) e.path = std::move(*p);
  else if (ustar && (h[kPrefix.off] != 0 || std::memchr(h + kName.off, '\\', kName.len))) {
    const std::string prefix = truncated(h + kPrefix.off, kPrefix.len);
    e.path = (prefix.empty() ? "" : prefix + "/") + truncated(h + kName.off, kName.len);
  } else {
    e.path = truncated(h + kName.off, kName.len);
  }
  if (h[kLinkname.off] != 0) e.header_link = truncated(h + kLinkname.off, kLinkname.len);
  if (long_link_) e.link = strip_one_nul(std::move(*long_link_));
  else if (auto l = pax_ ? tar_crate::pax_value(*pax_, "linkpath") : std::nullopt) e.link = std::move(*l);
  else e.link = e.header_link;
  if (auto m = tar_crate::octal(h + kMode.off, kMode.len)) e.mode = static_cast<std::uint32_t>(*m);
  e.uid = tar_crate::number(h + kUid.off, kUid.len).value_or(0);
  e.gid = tar_crate::number(h + kGid.off, kGid.len).value_or(0);
  e.mtime = tar_crate::number(h + kMtime.off, kMtime.len).value_or(0);
  if (ustar || gnu) {
    if (auto v = tar_crate::octal(h + kDevmajor.off, kDevmajor.len)) e.devmajor = static_cast<std::uint32_t>(*v);
    if (auto v = tar_crate::octal(h + kDevminor.off, kDevminor.len)) e.devminor = static_cast<std::uint32_t>(*v);
  }
  e.size = size;
  e.header_pos = at;
  e.file_pos = offset_;
  long_name_.reset();
  long_link_.reset();
  pax_.reset();
  pax_size_.reset();
  on_entry_(e);
  state_ = rounded == 0 ? State::Header : State::Data;
}

void TarfsReader::finish() {
  if (state_ == State::End) return;
  if (state_ == State::Header && header_fill_ == 0) {
    if (long_name_ || long_link_ || pax_)
      fail(offset_, "members found describing a future member but no future member found");
    return;
  }
  if (state_ == State::Header) fail(offset_ - header_fill_, "failed to read entire block");
  fail(offset_, "unexpected EOF during skip");
}

}  // namespace coco::oci
