// SPDX-License-Identifier: Apache-2.0
// An encrypted key file names the work its reader must do to derive the key (PBKDF2 iterations,
// scrypt N, r, p). A hostile or damaged file can ask for hours; these limits refuse it by name
// before any derivation starts. They sit far above what key tools write: OpenSSL 3 writes 2,048
// PBKDF2 iterations, OWASP recommends 600,000, cosign writes scrypt N=2^15..2^16, r=8, p=1.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace coco::attest {

inline constexpr std::uint64_t kMaxPbkdf2Iterations = 10'000'000;
// scrypt costs N * r * p block mixes (and 128 * N * r bytes, bounded by kMaxScryptMemory).
inline constexpr std::uint64_t kMaxScryptWork = std::uint64_t{1} << 22;

// Checks the key derivation an "ENCRYPTED PRIVATE KEY" (PKCS#8, RFC 5958) block of `pem` asks for:
// PBES2 with PBKDF2 or scrypt, and the PKCS#5 v1 / PKCS#12 PBE schemes. A PEM without such a
// block passes (OpenSSL reports what it is). Throws coco::Error (Failure) naming `name`.
void check_pkcs8_kdf_cost(std::string_view pem, const std::string& name);

// The scrypt bound shared with cosign keys: throws naming `name` when N * r * p is beyond it.
void check_scrypt_work(std::uint64_t n, std::uint64_t r, std::uint64_t p, const std::string& name);

}  // namespace coco::attest
