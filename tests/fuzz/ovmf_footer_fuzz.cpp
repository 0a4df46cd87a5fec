// SPDX-License-Identifier: Apache-2.0
// OVMF footer GUID table (firmware/ovmf.h) and the SEV-ES reset block read from it.
#include "firmware/ovmf.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  fuzz::refusals_allowed([&] {
    const Reader image(fuzz::bytes(data, size), "ovmf.fd");
    const firmware::FooterTable t = firmware::parse_footer_table(image);
    for (const auto& e : t.entries)
      if (e.data.size() >= 4) (void)firmware::entry_u32(e);
    (void)firmware::sev_es_reset_eip(t, image);
  });
  return 0;
}
