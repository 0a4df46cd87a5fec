// SPDX-License-Identifier: Apache-2.0
// Initdata (policy/initdata.h): the TOML document's version and algorithm, and the gzip stream of
// the annotation, inflated with its size limit.
#include "fuzz.h"
#include "policy/initdata.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  const fuzz::Split in = fuzz::split_selector(data, size);
  fuzz::refusals_allowed([&] {
    if (in.selector & 1) {
      const std::string toml = policy::gunzip(fuzz::bytes(in.data, in.size), "annotation", 1 << 20);
      (void)policy::initdata_algorithm(toml, "annotation");
    } else {
      const Algo a = policy::initdata_algorithm(fuzz::text(in.data, in.size), "initdata.toml");
      (void)policy::bind(a, fuzz::text(in.data, in.size));
    }
  });
  return 0;
}
