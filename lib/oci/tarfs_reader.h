// SPDX-License-Identifier: Apache-2.0
// The tar reader the node's tardev-snapshotter indexes with: the Rust `tar` crate 0.4.38
// (`Archive::entries()`), read the way tarindex reads it. A tarfs verity root is only right when
// every entry is seen exactly as that reader sees it, and its rules differ from Go's archive/tar
// (TarStream), so this is a reader of its own, push-mode like TarStream:
//  - the header checksum is the unsigned byte sum only; numbers are octal text (NUL-truncated,
//    UTF-8, Unicode whitespace trimmed, a leading '+' allowed) or GNU base-256 for size, uid, gid
//    and mtime; a bad size or checksum ends the archive with an error, a bad mode makes tarindex
//    skip the entry, a bad uid/gid/mtime reads as 0;
//  - every entry type skips `size` data bytes, directories and links included;
//  - pax records are lines split on '\n' (an empty line ends them), malformed ones are passed
//    over when looking up `path`/`linkpath`; pax `size` counts only when a header's size is 0, and
//    applies to every header up to the member it describes;
//  - a GNU long name or link ('L'/'K') wins over pax; meta headers count only with the ustar
//    ("ustar\0" "00") or GNU ("ustar " " \0") magic; the ustar prefix only with the ustar magic;
//  - pax uid/gid/mtime are not read (tarindex takes them from the header).
// Errors are coco::Error naming the layer and the offset, with the crate's own wording.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "util/bytes.h"

namespace coco::oci {

struct TarfsEntry {
  char type = '0';                         // the raw typeflag byte
  std::string path;                        // Entry::path_bytes()
  std::optional<std::string> link;         // Entry::link_name_bytes() (long name, pax, header)
  std::optional<std::string> header_link;  // Header::link_name_bytes()
  std::optional<std::uint32_t> mode;       // none: the field does not parse
  std::uint64_t uid = 0, gid = 0, mtime = 0;  // 0 when the field does not parse
  std::optional<std::uint32_t> devmajor, devminor;  // ustar/GNU headers with parsable fields
  std::uint64_t size = 0;                  // data bytes (pax size when the header says 0)
  std::uint64_t header_pos = 0, file_pos = 0;
};

class TarfsReader {
 public:
  using EntryFn = std::function<void(const TarfsEntry&)>;
  using DataFn = std::function<void(Bytes)>;  // the data of the entry just reported, in pieces
  TarfsReader(std::string name, EntryFn on_entry, DataFn on_data = nullptr);

  void update(Bytes data);
  void finish();  // end of input: fails where the crate's iterator returns an error

 private:
  enum class State { Header, Data, Meta, End };
  void on_header();
  [[noreturn]] void fail(std::uint64_t off, const std::string& what) const;

  std::string name_;
  EntryFn on_entry_;
  DataFn on_data_;
  State state_ = State::Header;
  std::uint64_t offset_ = 0;
  std::uint8_t header_[512];
  std::size_t header_fill_ = 0;
  std::uint64_t payload_ = 0;   // data bytes of the current member still to come
  std::uint64_t skip_ = 0;      // then padding bytes
  char meta_type_ = 0;          // 'L', 'K' or 'x' while its data is read
  std::string meta_;
  std::optional<std::string> long_name_, long_link_, pax_;
  std::optional<std::uint64_t> pax_size_;
};

// The pieces of the crate's parsing that tarindex's results depend on, exposed for tests.
namespace tar_crate {
// octal_from: NUL-truncated UTF-8 text, whitespace-trimmed, u64::from_str_radix(…, 8).
std::optional<std::uint64_t> octal(const std::uint8_t* field, std::size_t len);
// num_field_wrapper_from: GNU base-256 when the high bit of the first byte is set, else octal.
std::optional<std::uint64_t> number(const std::uint8_t* field, std::size_t len);
// The first well-formed pax record with this key (PaxExtensions, filter_map(ok), find).
std::optional<std::string> pax_value(const std::string& records, const std::string& key);
// pax_extensions_size: the first "size" record, none when a record before it is malformed.
std::optional<std::uint64_t> pax_size(const std::string& records);
}  // namespace tar_crate

}  // namespace coco::oci
