// SPDX-License-Identifier: Apache-2.0
#include "oci/tar_stream.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "util/error.h"

namespace coco::oci {
namespace {

using namespace ustar;  // the header fields
constexpr std::uint64_t kMaxEntrySize = std::uint64_t{1} << 62;  // rounding up cannot wrap

std::string text_field(const std::uint8_t* h, Field f) {
  const char* p = reinterpret_cast<const char*>(h + f.off);
  return std::string(p, strnlen(p, f.len));
}

bool header_only_type(char t) {  // Go archive/tar isHeaderOnlyType: no data follows
  return t == '1' || t == '2' || t == '3' || t == '4' || t == '5' || t == '6';
}

}  // namespace

TarStream::TarStream(std::string name, EntryFn on_entry, DataFn on_data)
    : name_(std::move(name)), on_entry_(std::move(on_entry)), on_data_(std::move(on_data)) {}

void TarStream::fail(std::uint64_t off, const std::string& what) const {
  coco::fail(name_, "offset " + hex_number(off) + ": " + what);
}

void TarStream::update(Bytes data) {
  while (!data.empty()) {
    switch (state_) {
      case State::Header: {
        const std::size_t take = std::min(data.size(), kBlock - header_fill_);
        std::memcpy(header_ + header_fill_, data.data(), take);
        header_fill_ += take;
        offset_ += take;
        data = data.subspan(take);
        if (header_fill_ == kBlock) {
          header_fill_ = 0;
          on_header();
        }
        break;
      }
      case State::Data:
      case State::Meta: {
        const std::uint64_t take = std::min<std::uint64_t>(data.size(), remaining_);
        const std::uint64_t payload_left = remaining_ - padding_;
        const std::uint64_t payload = std::min(take, payload_left);
        if (payload > 0) {
          const Bytes part = data.first(payload);
          if (state_ == State::Meta)
            meta_.append(as_chars(part));
          else if (want_data_ && on_data_)
            on_data_(entry_, part);
        }
        remaining_ -= take;
        if (remaining_ < padding_) padding_ = remaining_;
        offset_ += take;
        data = data.subspan(take);
        if (remaining_ == 0) {
          if (state_ == State::Meta) apply_meta();
          state_ = State::Header;
        }
        break;
      }
      case State::End:  // record padding after the end marker: part of the diff_id, not of the tree
        offset_ += data.size();
        return;
    }
  }
}

namespace {
// Octal (space/NUL padded) or GNU base-256 (high bit of the first byte set).
bool parse_number(const std::uint8_t* h, Field f, std::uint64_t& out) {
  const std::uint8_t* p = h + f.off;
  out = 0;
  if (p[0] & 0x80) {
    if (p[0] != 0x80) return false;  // negative or beyond 64 bits
    for (std::size_t i = 1; i < f.len; ++i) {
      if (out >> 56) return false;
      out = (out << 8) | p[i];
    }
    return true;
  }
  std::size_t i = 0;
  while (i < f.len && (p[i] == ' ' || p[i] == 0)) ++i;
  if (i == f.len) return true;  // empty field: 0
  for (; i < f.len && p[i] >= '0' && p[i] <= '7'; ++i) {
    if (out >> 60) return false;
    out = out * 8 + (p[i] - '0');
  }
  for (; i < f.len; ++i)
    if (p[i] != ' ' && p[i] != 0) return false;
  return true;
}
}  // namespace

void TarStream::on_header() {
  const std::uint64_t at = offset_ - kBlock;
  const std::uint8_t* h = header_;
  if (std::all_of(h, h + kBlock, [](std::uint8_t b) { return b == 0; })) {
    // The end marker is two zero blocks; readers (Go archive/tar, Rust tar) stop at the first.
    state_ = State::End;
    return;
  }
  std::uint64_t stored = 0;
  if (!parse_number(h, kChksum, stored)) fail(at, "tar header checksum field is not a number (not a tar header?)");
  std::uint64_t sum_unsigned = 0;
  std::int64_t sum_signed = 0;
  for (std::size_t i = 0; i < kBlock; ++i) {
    const bool in_chk = i >= kChksum.off && i < kChksum.off + kChksum.len;
    sum_unsigned += in_chk ? ' ' : h[i];
    sum_signed += in_chk ? ' ' : static_cast<std::int8_t>(h[i]);
  }
  if (stored != sum_unsigned && static_cast<std::int64_t>(stored) != sum_signed)
    fail(at, "tar header checksum mismatch (stored " + std::to_string(stored) + ", computed " +
                 std::to_string(sum_unsigned) + ")");
  std::uint64_t size = 0, mode = 0, uid = 0, gid = 0, mtime = 0, major = 0, minor = 0;
  const struct { Field f; std::uint64_t* v; const char* what; } nums[] = {
      {kSize, &size, "size"}, {kMode, &mode, "mode"}, {kUid, &uid, "uid"},
      {kGid, &gid, "gid"},    {kMtime, &mtime, "mtime"}};
  for (const auto& n : nums)
    if (!parse_number(h, n.f, *n.v)) fail(at, std::string("tar header ") + n.what + " field is malformed");
  const char type = h[kTypeflag.off] == 0 ? '0' : static_cast<char>(h[kTypeflag.off]);
  if (size > kMaxEntrySize) fail(at, "tar entry size " + std::to_string(size) + " is not plausible");

  if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
    if (size > kMaxMetaRecord)
      fail(at, std::string("tar ") + (type == 'L' || type == 'K' ? "GNU long-name" : "pax") + " record of " +
                   std::to_string(size) + " bytes exceeds the " + std::to_string(kMaxMetaRecord) + "-byte limit");
    meta_type_ = type;
    meta_.clear();
    meta_offset_ = offset_;
    remaining_ = (size + kBlock - 1) / kBlock * kBlock;
    padding_ = remaining_ - size;
    if (remaining_ == 0) apply_meta();
    else state_ = State::Meta;
    return;
  }

  const bool ustar = std::memcmp(h + kMagic.off, "ustar\0", 6) == 0;  // GNU's "ustar  " has no prefix
  entry_ = TarEntry{};
  entry_.type = type;
  if (!pending_path_.empty()) {
    entry_.path = std::move(pending_path_);
  } else {
    const std::string prefix = ustar ? text_field(h, kPrefix) : std::string();
    entry_.path = prefix.empty() ? text_field(h, kName) : prefix + "/" + text_field(h, kName);
  }
  if (!pending_link_.empty()) {
    entry_.linkname = std::move(pending_link_);
    entry_.long_link = true;
  } else {
    entry_.linkname = text_field(h, kLinkname);
  }
  if (pending_size_set_) size = pending_size_;
  pending_path_.clear();
  pending_link_.clear();
  pending_size_set_ = false;
  entry_.mode = static_cast<std::uint32_t>(mode);
  entry_.uid = static_cast<std::uint32_t>(uid);
  entry_.gid = static_cast<std::uint32_t>(gid);
  entry_.mtime = mtime;
  // Device numbers exist in ustar and GNU headers only, and an empty field is no number (Rust tar).
  if ((type == '3' || type == '4') && std::memcmp(h + kMagic.off, "ustar", 5) == 0 &&
      parse_number(h, kDevmajor, major) && parse_number(h, kDevminor, minor) && h[kDevmajor.off] != 0 &&
      h[kDevminor.off] != 0) {
    entry_.has_device = true;
    entry_.devmajor = static_cast<std::uint32_t>(major);
    entry_.devminor = static_cast<std::uint32_t>(minor);
  }
  entry_.size = header_only_type(type) ? 0 : size;
  entry_.header_offset = at;
  entry_.data_offset = offset_;
  ++entries_;
  want_data_ = on_entry_(entry_);
  remaining_ = (entry_.size + kBlock - 1) / kBlock * kBlock;
  padding_ = remaining_ - entry_.size;
  state_ = remaining_ == 0 ? State::Header : State::Data;
}

void TarStream::apply_meta() {
  const auto until_nul = [](const std::string& s) { return s.substr(0, s.find('\0')); };
  if (meta_type_ == 'L') pending_path_ = until_nul(meta_);
  if (meta_type_ == 'K') pending_link_ = until_nul(meta_);
  if (meta_type_ != 'x') return;  // 'g' (global pax) carries nothing a layer hash needs
  // pax records: "<decimal length> <key>=<value>\n", the length counting the whole record.
  std::size_t pos = 0;
  while (pos < meta_.size()) {
    const std::size_t space = meta_.find(' ', pos);
    std::uint64_t len = 0;
    bool ok = space != std::string::npos && space > pos && space - pos <= 19;
    for (std::size_t i = pos; ok && i < space; ++i) {
      ok = meta_[i] >= '0' && meta_[i] <= '9';
      len = len * 10 + static_cast<std::uint64_t>(meta_[i] - '0');
    }
    ok = ok && len > space - pos + 1 && len <= meta_.size() - pos && meta_[pos + len - 1] == '\n';
    const std::size_t eq = ok ? meta_.find('=', space) : std::string::npos;
    if (!ok || eq >= pos + len) fail(meta_offset_ + pos, "malformed pax record");
    const std::string key = meta_.substr(space + 1, eq - space - 1);
    const std::string value = meta_.substr(eq + 1, pos + len - 1 - eq - 1);
    if (key == "path") pending_path_ = value;
    if (key == "linkpath") pending_link_ = value;
    if (key == "size") {
      std::uint64_t v = 0;
      bool num = !value.empty() && value.size() <= 19;
      for (char c : value) num = num && c >= '0' && c <= '9', v = v * 10 + static_cast<std::uint64_t>(c - '0');
      if (!num) fail(meta_offset_ + pos, "pax size '" + value + "' is not a number");
      pending_size_ = v;
      pending_size_set_ = true;
    }
    pos += len;
  }
}

void TarStream::finish() {
  if (state_ == State::End || (state_ == State::Header && header_fill_ == 0)) return;
  if (state_ == State::Header) fail(offset_ - header_fill_, "layer tar ends inside a header (truncated)");
  fail(offset_, "layer tar ends inside " +
                    (state_ == State::Meta ? std::string("a pax/long-name record") : "entry '" + entry_.path + "'") +
                    " with " + std::to_string(remaining_) + " bytes missing (truncated)");
}

bool split_tar_path(const std::string& raw, std::vector<std::string>& parts) {
  parts.clear();
  std::size_t pos = 0;
  while (pos <= raw.size()) {
    std::size_t slash = raw.find('/', pos);
    if (slash == std::string::npos) slash = raw.size();
    const std::string part = raw.substr(pos, slash - pos);
    if (part == "..") {
      if (parts.empty()) return false;
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    pos = slash + 1;
  }
  return true;
}

bool clean_tar_path(const std::string& raw, std::string& out) {
  std::vector<std::string> parts;
  if (!split_tar_path(raw, parts)) return false;
  out.clear();
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return true;
}

}  // namespace coco::oci
