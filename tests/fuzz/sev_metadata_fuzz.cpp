// SPDX-License-Identifier: Apache-2.0
// SEV metadata ("ASEV" sections) and the kernel-hashes table block, found through the OVMF footer.
#include "firmware/ovmf.h"
#include "firmware/sev_metadata.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  fuzz::refusals_allowed([&] {
    const Reader image(fuzz::bytes(data, size), "ovmf.fd");
    const firmware::FooterTable t = firmware::parse_footer_table(image);
    (void)firmware::sev_hash_table_block(t);
    if (const auto m = firmware::parse_sev_metadata(t, image))
      for (const auto& s : m->sections) (void)firmware::to_string(s.type);
  });
  return 0;
}
