// SPDX-License-Identifier: Apache-2.0
// SHA-256 (FIPS 180-4) of sixteen messages at once, one per 32-bit lane of the AVX-512 registers
// (issue 17): the dm-verity leaves of a layer are independent, equally long messages
// (32-byte salt ‖ 4096-byte block), and one stream of SHA-NI instructions cannot fill this CPU
// class's vector units (it waits on each round's result). Sixteen lanes hash leaves about twice as
// fast as OpenSSL's SHA-NI code on one core. Where the CPU (or the OS) lacks AVX-512, callers keep
// hashing one message at a time through util/digest.h.
#pragma once
#include <cstddef>
#include <cstdint>

#include "util/bytes.h"

namespace coco {

inline constexpr std::size_t kSha256Lanes = 16;

// True when this CPU and OS run AVX-512F/BW code (checked once). COCO_SHA256_LANES=off in the
// environment makes it false, so tests and profiles can run the one-at-a-time path.
bool sha256_lanes_available();

// digests + 32 * i receives SHA-256(prefix ‖ blocks[i * block_size, (i + 1) * block_size)) for
// i < kSha256Lanes; `blocks` holds kSha256Lanes * block_size bytes. Only call it when
// sha256_lanes_available().
void sha256_prefixed_lanes(Bytes prefix, const std::uint8_t* blocks, std::size_t block_size, std::uint8_t* digests);

}  // namespace coco
