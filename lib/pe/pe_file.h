// SPDX-License-Identifier: Apache-2.0
// A PE image (a kernel) read from a file in pieces, so hashing it costs the same memory whatever
// its size: the headers and section table first (at most kMaxPeHeaders bytes), then each range
// Authenticode hashes, in hash order, 1 MiB at a time with pread. A FIFO or device cannot be
// read at offsets: it is read into memory whole (util/file.h MappedFile, same limits).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "util/bytes.h"
#include "util/digest.h"
#include "util/file.h"

namespace coco::pe {

// Headers past this many bytes (a hostile e_lfanew or section count) are refused when streaming.
inline constexpr std::uint64_t kMaxPeHeaders = 16 << 20;
inline constexpr std::size_t kPeReadChunk = 1 << 20;

// How many leading bytes parse_pe_layout reads, as far as `prefix` tells: the DOS header, then
// the COFF header at e_lfanew, then the optional header and section table. Grows as more of the
// file is known; never more than `file_size`.
std::uint64_t pe_headers_extent(Bytes prefix, std::uint64_t file_size);

class PeFile {
 public:
  explicit PeFile(const std::string& path);  // reads the headers; throws coco::Error naming the path
  ~PeFile();
  PeFile(const PeFile&) = delete;
  PeFile& operator=(const PeFile&) = delete;

  std::uint64_t size() const { return size_; }
  // The first min(size, header extent, at least 4 KiB) bytes: everything the header parsers read.
  Reader headers() const { return Reader(head_, path_); }
  // The Authenticode image hash (authenticode.h); `head` replaces the first head.size() bytes.
  ByteVec authenticode_hash(Algo algo, Bytes head = {}) const;

 private:
  void read_at(std::uint64_t off, std::uint8_t* out, std::size_t n) const;
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
  ByteVec head_;
  std::optional<MappedFile> whole_;  // a FIFO or device, read whole
};

}  // namespace coco::pe
