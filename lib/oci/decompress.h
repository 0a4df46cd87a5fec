// SPDX-License-Identifier: Apache-2.0
// Push-mode layer decompression (plumbing.md §2.2): gzip (every member of a multi-member stream,
// as eStargz writes; isa-l's igzip when the build found it, 2-3x zlib, else zlib: both accept and
// refuse the same streams and produce the same bytes), zstd (every frame, skippable frames
// included) or none. Bytes after a gzip member start another member, so trailing garbage is an
// error with either backend. Output goes
// to the sink in pieces of exactly kDecompressChunk bytes from one reused buffer (a shorter piece
// only at the end of a gzip member and at finish()), so a layer of any size needs the same memory
// and the hashes downstream see whole 4 KiB blocks. A limit on the output stops decompression bombs.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "util/bytes.h"

namespace coco::oci {

enum class Compression { None, Gzip, Zstd };
std::string compression_name(Compression c);
// By magic bytes: gzip 1f 8b, zstd 28 b5 2f fd (or a skippable frame 5? 2a 4d 18), else none.
Compression sniff_compression(Bytes head);

inline constexpr std::size_t kDecompressChunk = 256 * 1024;  // stays in L2 while it is hashed

// Who inflates gzip: Auto is isa-l when built with it (COCO_HAVE_ISAL), else zlib. Choosing Isal
// in a build without it throws coco::Error.
enum class GzipBackend { Auto, Zlib, Isal };
bool gzip_backend_available(GzipBackend b);
std::string gzip_backend_name(GzipBackend b);  // Auto resolves to the backend it means

class Decompressor {
 public:
  using Sink = std::function<void(Bytes)>;
  // `name` is used in messages ("<layer digest>: …"); `limit` bounds the decompressed bytes.
  Decompressor(Compression c, std::string name, Sink sink, std::uint64_t limit,
               GzipBackend backend = GzipBackend::Auto);
  ~Decompressor();
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;
  void update(Bytes in);
  void finish();  // fails when the compressed stream stopped early, else hands on the last piece
  std::uint64_t out_bytes() const { return out_bytes_; }
  // Gzip members inflated to their end so far: output handed to the sink while this is 0 belongs
  // to the first member (the only one flate2's GzDecoder reads). Always 0 for zstd and none.
  std::uint64_t gzip_members_done() const { return members_done_; }

 private:
  struct Impl;
  void filled_to(std::size_t fill);  // the decoder filled the output buffer up to `fill`
  void flush();                 // hands the buffered output on
  void end_member();            // a gzip member ended: flush, then count it
  void emit(const std::uint8_t* data, std::size_t n);
  void update_zlib(Bytes in, std::uint64_t start);
  void update_isal(Bytes in, std::uint64_t start);
  Compression c_;
  GzipBackend backend_;
  std::string name_;
  Sink sink_;
  std::uint64_t limit_;
  std::uint64_t members_done_ = 0;
  std::uint64_t in_bytes_ = 0, out_bytes_ = 0;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coco::oci
