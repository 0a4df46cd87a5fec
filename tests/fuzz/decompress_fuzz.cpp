// SPDX-License-Identifier: Apache-2.0
// gzip and zstd layer streams (oci/decompress.h): sniffed or forced, fed in uneven pieces, with
// an output limit so that a bomb is a named refusal.
#include "fuzz.h"
#include "oci/decompress.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  const fuzz::Split in = fuzz::split_selector(data, size);
  fuzz::refusals_allowed([&] {
    const Bytes body = fuzz::bytes(in.data, in.size);
    oci::Compression c = oci::sniff_compression(body.first(std::min<std::size_t>(body.size(), 4)));
    if (in.selector & 1) c = oci::Compression::Gzip;
    if (in.selector & 2) c = oci::Compression::Zstd;
    std::uint64_t out = 0;
    oci::Decompressor d(c, "layer", [&](Bytes b) { out += b.size(); }, std::uint64_t{1} << 20);
    const std::size_t piece = 1 + (in.selector >> 2) * 7;
    for (std::size_t off = 0; off < body.size(); off += piece) d.update(body.subspan(off, std::min(piece, body.size() - off)));
    d.finish();
    if (out != d.out_bytes() || out > (std::uint64_t{1} << 20)) __builtin_trap();
    (void)oci::compression_name(c);
  });
  return 0;
}
