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

// A read-only memory map of a whole file (firmware images). An empty file maps to an empty view.
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
};

inline constexpr std::size_t kDefaultChunk = 1 << 20;

// Calls `sink` with consecutive chunks of the file; returns the total size.
std::uint64_t for_each_chunk(const std::string& path, const std::function<void(Bytes)>& sink,
                             std::size_t chunk_size = kDefaultChunk);

// Reads a small file whole (manifests, keys, JSON). Refuses files above max_size.
std::string read_text_file(const std::string& path, std::uint64_t max_size = 64 << 20);
ByteVec read_binary_file(const std::string& path, std::uint64_t max_size = 64 << 20);

std::uint64_t file_size(const std::string& path);  // throws naming the path
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
