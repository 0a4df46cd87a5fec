// SPDX-License-Identifier: Apache-2.0
// genpolicy-style policy settings (policy/settings.h) merged over the upstream or AKS defaults.
#include "fuzz.h"
#include "policy/settings.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  const fuzz::Split in = fuzz::split_selector(data, size);
  fuzz::refusals_allowed([&] {
    const policy::Profile p = (in.selector & 1) != 0 ? policy::Profile::Aks : policy::Profile::Upstream;
    const Json s = policy::load_settings(p, fuzz::text(in.data, in.size), "settings.json");
    (void)policy::binds_tarfs_layers(s);
  });
  return 0;
}
