// SPDX-License-Identifier: Apache-2.0
// TDVF metadata ("TDVF" section table) of a TDX firmware image.
#include "firmware/tdvf.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  fuzz::refusals_allowed([&] {
    const Reader image(fuzz::bytes(data, size), "tdvf.fd");
    const firmware::TdvfMetadata m = firmware::parse_tdvf_metadata(image);
    for (const auto& s : m.sections) (void)firmware::to_string(s.type), (void)s.pages();
  });
  return 0;
}
