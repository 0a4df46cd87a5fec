// SPDX-License-Identifier: Apache-2.0
// PEM keys (attest/key.h): public keys, and private keys with and without a passphrase.
#include "attest/key.h"
#include "fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace coco;
  const fuzz::Split in = fuzz::split_selector(data, size);
  const std::string_view pem = fuzz::text(in.data, in.size);
  fuzz::refusals_allowed([&] {
    if (in.selector & 1) {
      const attest::PublicKey k = attest::parse_public_key(pem, "key.pub");
      (void)k.spki_der(), (void)k.pem(), (void)k.hint();
      (void)k.verify(as_bytes("message"), as_bytes("not a signature"));
    } else {
      const auto pass = (in.selector & 2) != 0 ? std::optional<std::string>("fuzz") : std::nullopt;
      const attest::PrivateKey k = attest::parse_private_key(pem, "key.pem", pass);
      (void)k.public_key().hint();
    }
  });
  return 0;
}
