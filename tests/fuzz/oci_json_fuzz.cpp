// SPDX-License-Identifier: Apache-2.0
// OCI and Docker JSON documents from a registry or a layout: the type sniffed from the body, then
// an index (and platform selection), a manifest or an image config.
#include "fuzz.h"
#include "oci/image_config.h"
#include "oci/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  const fuzz::Split in = fuzz::split_selector(data, size);
  const std::string_view body = fuzz::text(in.data, in.size);
  fuzz::refusals_allowed([&] {
    switch (in.selector % 3) {
      case 0: {
        const std::string type = oci::document_type(body, "", "index.json");
        if (oci::is_index_type(type)) {
          const oci::Index index = oci::parse_index(body, "index.json");
          (void)oci::select_platform(index, oci::parse_platform("linux/amd64"), "index.json");
        } else {
          (void)oci::parse_manifest(body, "manifest.json");
        }
        break;
      }
      case 1: (void)oci::parse_manifest(body, "manifest.json"); break;
      default: {
        const oci::ConfigBlob c = oci::parse_config(body, "config.json");
        (void)oci::to_json(c.config);
        (void)oci::chain_ids(c.diff_ids);
      }
    }
  });
  return 0;
}
