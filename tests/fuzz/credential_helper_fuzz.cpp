// SPDX-License-Identifier: Apache-2.0
// What a docker-credential-* helper prints on success (oci/auth.h), and the WWW-Authenticate
// challenges a registry answers with.
#include "fuzz.h"
#include "oci/auth.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  const fuzz::Split in = fuzz::split_selector(data, size);
  const std::string_view body = fuzz::text(in.data, in.size);
  fuzz::refusals_allowed([&] {
    if (in.selector & 1) (void)oci::parse_challenges(std::string(body));
    else (void)oci::parse_credential_helper_reply(body, "docker-credential-fuzz");
  });
  return 0;
}
