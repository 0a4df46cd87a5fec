// The tarfs index (oci/tarfs.h) built over a tar stream, in both variants, as `--verity tarfs`
// and `tarfs-aks` build it.
#include "fuzz.h"
#include "oci/tar_stream.h"
#include "oci/tarfs.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  const fuzz::Split in = fuzz::split_selector(data, size);
  fuzz::refusals_allowed([&] {
    oci::TarfsIndex index((in.selector & 1) != 0 ? oci::TarfsVariant::Aks : oci::TarfsVariant::Upstream);
    oci::TarStream tar("layer.tar", [&](const oci::TarEntry& e) {
      (void)index.add(e);
      return false;
    });
    tar.update(fuzz::bytes(in.data, in.size));
    tar.finish();
    (void)index.finish(in.size);
  });
  return 0;
}
