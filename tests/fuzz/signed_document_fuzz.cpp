// SPDX-License-Identifier: Apache-2.0
// Signed documents (attest/bundle.h, attest/dsse.h): a Sigstore bundle or a bare DSSE envelope,
// then the envelope's signatures tried against a fixed key.
#include "attest/bundle.h"
#include "attest/dsse.h"
#include "attest/key.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  static const attest::PublicKey key = attest::generate_key(attest::KeyAlgorithm::P256).public_key();
  fuzz::refusals_allowed([&] {
    const attest::SignedDocument d = attest::parse_signed_document(fuzz::text(data, size), "bundle.json");
    (void)attest::find_valid_signature(d.envelope, key);
    (void)attest::to_json(d.envelope);
    (void)attest::pae(d.envelope.payload_type, d.envelope.payload);
  });
  return 0;
}
