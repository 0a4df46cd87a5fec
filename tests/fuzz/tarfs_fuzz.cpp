// SPDX-License-Identifier: Apache-2.0
// The tarfs index (oci/tarfs.h) built over a tar stream by the node's reader, in both variants,
// as `--verity tarfs` and `tarfs-aks` build it.
#include "fuzz.h"
#include "oci/tarfs.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  const fuzz::Split in = fuzz::split_selector(data, size);
  fuzz::refusals_allowed([&] {
    oci::TarfsLayer layer("layer.tar", (in.selector & 1) != 0 ? oci::TarfsVariant::Aks : oci::TarfsVariant::Upstream);
    layer.update(fuzz::bytes(in.data, in.size));
    (void)layer.finish();
  });
  return 0;
}
