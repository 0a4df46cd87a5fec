// SPDX-License-Identifier: Apache-2.0
// Trustee reference-value inputs (attest/refvals.h): the JSON that `measure snp|tdx`, `policy
// generate` and `image hash` print, read back as one input of the kind the first byte picks.
#include "attest/refvals.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  const fuzz::Split in = fuzz::split_selector(data, size);
  fuzz::refusals_allowed([&] {
    attest::RefvalInputs inputs;
    attest::NamedInput input{"input.json", std::string(fuzz::text(in.data, in.size))};
    switch (in.selector % 4) {
      case 0: inputs.snp.push_back(std::move(input)); break;
      case 1: inputs.tdx.push_back(std::move(input)); break;
      case 2: inputs.policy.push_back(std::move(input)); break;
      default: inputs.image_hashes.push_back(std::move(input));
    }
    const auto enc = (in.selector & 4) != 0 ? attest::RefEncoding::Base64 : attest::RefEncoding::Hex;
    const auto values = attest::collect_reference_values(inputs, enc);
    (void)attest::trustee_rvps_message(values);
    (void)attest::trustee_configmap(values, "2027-01-01T00:00:00Z");
  });
  return 0;
}
