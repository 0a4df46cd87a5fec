// SPDX-License-Identifier: Apache-2.0
// cosign's encrypted private key (cosign.key, written by `cosign generate-key-pair`): a PEM block
// "ENCRYPTED SIGSTORE PRIVATE KEY" (older cosign: "ENCRYPTED COSIGN PRIVATE KEY") whose body is
// the JSON of go-securesystemslib's `encrypted` package,
//   {"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":B64},
//    "cipher":{"name":"nacl/secretbox","nonce":B64},"ciphertext":B64}
// (B64: standard alphabet, padded; Go's encoding of []byte). The key is scrypt(password, salt,
// N, r, p) with 32 bytes out; the ciphertext is NaCl secretbox (XSalsa20-Poly1305, 24-byte
// nonce, 16-byte tag first) of the PKCS#8 DER private key. cosign reads the password from
// COSIGN_PASSWORD (an empty value is a valid, empty password) or a prompt; coco takes
// --key-pass-file / COCO_KEY_PASSWORD first, then COSIGN_PASSWORD, and never prompts.
//
// libsodium does scrypt and secretbox; this file is the only one that includes it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "attest/key.h"

namespace coco::attest {

struct ScryptParams {
  std::uint64_t n = 65536;  // cosign 2.x writes N = 2^16, r = 8, p = 1
  std::uint32_t r = 8;
  std::uint32_t p = 1;
};

// True when `pem` holds a cosign encrypted key block (either label).
bool is_cosign_private_key(std::string_view pem);

// Decrypts a cosign key. `passphrase` is what --key-pass-file / COCO_KEY_PASSWORD gave; without
// one, COSIGN_PASSWORD is used when set. Throws coco::Error (Failure) naming `name` for a missing
// or wrong password, a damaged block, a KDF or cipher other than scrypt / nacl/secretbox, and
// scrypt parameters beyond kMaxScryptMemory.
PrivateKey parse_cosign_private_key(std::string_view pem, const std::string& name,
                                    const std::optional<std::string>& passphrase);

// Writes `key` in cosign's format (fresh random salt and nonce), as cosign generate-key-pair does.
std::string cosign_private_key_pem(const PrivateKey& key, std::string_view password, ScryptParams params = {});

// scrypt needs 128 * N * r bytes; a key file may not ask for more than this (cosign's needs 64 MiB).
inline constexpr std::uint64_t kMaxScryptMemory = std::uint64_t{1} << 30;

}  // namespace coco::attest
