// SPDX-License-Identifier: Apache-2.0
// File input and output. Large inputs (kernels, initrds, layers) are streamed in chunks or
// mapped, never read whole; outputs are written to a temporary file and renamed into place so a
// failed run leaves nothing half-written. Only regular files are replaced that way: a FIFO or a
// character device (a pipe, /dev/stdout, /dev/null) is written in place, since renaming over it
// would turn it into a regular file (run as root, `-o /dev/null` replaced the machine's
// /dev/null); directories, sockets and block devices are refused. A replaced file keeps its mode
// and owner, and SIGINT/SIGTERM remove the temporary files of writes under way.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "util/bytes.h"

namespace coco {

// Inputs read as streams (kernels, initrds, signed files, local layers) stop with an error past
// this many bytes, so /dev/zero or /dev/urandom given as a file fails instead of running forever:
// 4 GiB by default; the environment variable COCO_MAX_INPUT_SIZE overrides it (bytes, or a number
// with K, M, G or T for powers of 1024). A FIFO or a process substitution (<(…)) is read as a
// stream under the same limit.
inline constexpr std::uint64_t kDefaultMaxInputSize = std::uint64_t{4} << 30;
std::uint64_t max_input_size();  // throws coco::Error (Usage) when COCO_MAX_INPUT_SIZE is malformed

// A read-only memory map of a whole file (firmware images). An empty file maps to an empty view.
// A FIFO or character device cannot be mapped: it is read into memory, up to
// min(max_input_size(), kMaxStreamedMap) bytes.
inline constexpr std::uint64_t kMaxStreamedMap = std::uint64_t{512} << 20;
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  ~MappedFile();

  Bytes bytes() const { return {static_cast<const std::uint8_t*>(data_), size_}; }
  Reader reader(const std::string& name) const { return Reader(bytes(), name); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  void* data_ = nullptr;
  std::size_t size_ = 0;
  bool mapped_ = false;
  ByteVec streamed_;  // the contents of a FIFO or device
};

inline constexpr std::size_t kDefaultChunk = 1 << 20;

// Calls `sink` with consecutive chunks of the file; returns the total size. Past `max_size` bytes
// (max_input_size() when 0) it fails naming the limit and COCO_MAX_INPUT_SIZE.
std::uint64_t for_each_chunk(const std::string& path, const std::function<void(Bytes)>& sink,
                             std::size_t chunk_size = kDefaultChunk, std::uint64_t max_size = 0);

// Reads a small file whole (manifests, keys, JSON). Refuses files above max_size.
std::string read_text_file(const std::string& path, std::uint64_t max_size = 64 << 20);
ByteVec read_binary_file(const std::string& path, std::uint64_t max_size = 64 << 20);

// The size of a regular file; a directory, FIFO or device is an error naming the path (a size
// taken from them would be 4096 or 0, not what the user meant).
std::uint64_t file_size(const std::string& path);
bool file_exists(const std::string& path);

// One output of a command. `mode` applies to a new file; an existing one keeps its own.
struct OutputFile {
  std::string path;
  std::string content;
  unsigned mode = 0644;
};

// Writes to "<path>.tmp-XXXXXX" beside the target, fsyncs, then renames over it (see above for
// special files).
void write_file_atomic(const std::string& path, std::string_view content, unsigned mode = 0644);

// Several outputs of one command, all or none: every target is checked and every temporary file
// written before the first rename, and a failed rename removes the new files already renamed.
void write_files_atomic(const std::vector<OutputFile>& files);

// "name" for messages: the path as the user gave it.
std::string errno_text(int err);

}  // namespace coco
