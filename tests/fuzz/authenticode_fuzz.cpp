// SPDX-License-Identifier: Apache-2.0
// PE/COFF layout and the Authenticode hash of a kernel or EFI binary (pe/authenticode.h).
#include "fuzz.h"
#include "pe/authenticode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  fuzz::refusals_allowed([&] {
    const Reader file(fuzz::bytes(data, size), "vmlinuz");
    (void)pe::parse_pe_layout(file);
    (void)pe::authenticode_hash(file, Algo::Sha384);
  });
  return 0;
}
