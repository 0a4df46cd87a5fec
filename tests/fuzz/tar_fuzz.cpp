// SPDX-License-Identifier: Apache-2.0
// The streaming tar reader (oci/tar_stream.h) fed in uneven pieces, with every path cleaned the
// way the layer hasher cleans it.
#include "fuzz.h"
#include "oci/tar_stream.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  const fuzz::Split in = fuzz::split_selector(data, size);
  fuzz::refusals_allowed([&] {
    std::uint64_t seen = 0;
    oci::TarStream tar(
        "layer.tar",
        [&](const oci::TarEntry& e) {
          std::string clean;
          std::vector<std::string> parts;
          (void)oci::clean_tar_path(e.path, clean);
          (void)oci::split_tar_path(e.linkname, parts);
          return (e.type == '0') != ((in.selector & 1) != 0);
        },
        [&](const oci::TarEntry&, Bytes b) { seen += b.size(); });
    // Pieces of 1 + selector bytes: the reader must not depend on where the blocks are cut.
    const std::size_t piece = 1 + in.selector;
    for (std::size_t off = 0; off < in.size; off += piece)
      tar.update(fuzz::bytes(in.data + off, std::min(piece, in.size - off)));
    tar.finish();
    if (seen > in.size) __builtin_trap();  // more data than was fed
  });
  return 0;
}
