// SPDX-License-Identifier: Apache-2.0
// A push-mode tar reader for layer streams (POSIX ustar/pax, GNU long names; OCI image-spec
// layer.md "Changesets"). Bytes arrive in pieces of any size straight from the decompressor, so a
// layer is parsed in the same pass that hashes it, without a temporary file. The reader keeps the
// exact byte offset of every header and data area (the tarfs index needs them).
//
// Header checks: the checksum (octal, over the header with the checksum field as spaces), octal or
// GNU base-256 numeric fields, a pax/GNU long-name record at most kMaxMetaRecord bytes. Anything
// else is reported as "<name>: offset 0x…: …".
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "oci/ustar.h"
#include "util/bytes.h"

namespace coco::oci {

inline constexpr std::uint64_t kMaxMetaRecord = 1 << 20;  // pax / GNU long-name payloads

struct TarEntry {
  std::string path;       // after pax "path" / GNU 'L', as written (not normalised)
  std::string linkname;   // after pax "linkpath" / GNU 'K'
  char type = '0';        // ustar typeflag; '\0' is reported as '0'
  std::uint32_t mode = 0, uid = 0, gid = 0;  // ustar header fields
  std::uint64_t mtime = 0;
  std::uint32_t devmajor = 0, devminor = 0;
  bool has_device = false;     // devmajor/devminor fields were present
  bool long_link = false;      // linkname came from a pax or GNU record
  std::uint64_t size = 0;      // data bytes (pax "size" wins over the header)
  std::uint64_t header_offset = 0;  // of this entry's own ustar header
  std::uint64_t data_offset = 0;
};

class TarStream {
 public:
  // on_entry runs once per entry (meta records already folded in) and returns whether it wants
  // the entry's data; on_data then gets the data in pieces.
  using EntryFn = std::function<bool(const TarEntry&)>;
  using DataFn = std::function<void(const TarEntry&, Bytes)>;
  TarStream(std::string name, EntryFn on_entry, DataFn on_data = nullptr);

  void update(Bytes data);
  // The stream ended: fails if it stopped inside a header or an entry's data.
  void finish();
  bool saw_end() const { return state_ == State::End; }
  std::uint64_t entries() const { return entries_; }

 private:
  enum class State { Header, Data, Meta, End };
  void on_header();
  void begin_entry();
  void apply_meta();
  [[noreturn]] void fail(std::uint64_t off, const std::string& what) const;

  std::string name_;
  EntryFn on_entry_;
  DataFn on_data_;
  State state_ = State::Header;
  std::uint64_t offset_ = 0;  // stream position of the next byte
  std::uint8_t header_[ustar::kBlock];
  std::size_t header_fill_ = 0;
  std::uint64_t remaining_ = 0;  // data (then padding) bytes of the current entry still to come
  std::uint64_t padding_ = 0;    // of those, how many are padding
  bool want_data_ = false;
  char meta_type_ = 0;           // 'x', 'L', 'K', 'g' while collecting a meta record
  std::string meta_;
  std::uint64_t meta_offset_ = 0;
  std::string pending_path_, pending_link_;  // from meta records, for the next entry
  bool pending_size_set_ = false;
  std::uint64_t pending_size_ = 0;
  bool zero_block_seen_ = false;
  TarEntry entry_;
  std::uint64_t entries_ = 0;
};

// A member name's path components: empty and "." parts dropped, ".." pops the one before.
// Returns false when ".." would climb above the root.
bool split_tar_path(const std::string& raw, std::vector<std::string>& parts);

// Normalises a member name to a clean relative path ("./etc//passwd" → "etc/passwd", "./" → "").
// Returns false when ".." would climb above the root.
bool clean_tar_path(const std::string& raw, std::string& out);

}  // namespace coco::oci
