// SPDX-License-Identifier: Apache-2.0
// SHA-256 in sixteen lanes against OpenSSL's one-at-a-time SHA-256 on the same messages.
#include <catch2/catch.hpp>
#include <random>

#include "util/digest.h"
#include "util/encoding.h"
#include "util/sha256_lanes.h"

using namespace coco;

namespace {
bool lanes_or_warn() {
  if (sha256_lanes_available()) return true;
  WARN("this CPU (or COCO_SHA256_LANES=off) runs no AVX-512: the SHA-256 lanes are not used here, not tested");
  return false;
}
}  // namespace

TEST_CASE("SHA-256 lanes equal OpenSSL for every prefix and block size around the block edges", "[util]") {
  if (!lanes_or_warn()) return;
  std::mt19937 rng(17);
  // Sizes around 55/56 (where the length no longer fits the last block) and 64 (a whole block).
  for (const std::size_t prefix_size : {0, 1, 32, 55, 56, 63, 64, 65, 130}) {
    for (const std::size_t block_size : {1, 9, 23, 24, 31, 32, 55, 56, 63, 64, 65, 119, 120, 4096, 4097}) {
      ByteVec prefix(prefix_size), blocks(kSha256Lanes * block_size);
      for (auto& b : prefix) b = static_cast<std::uint8_t>(rng());
      for (auto& b : blocks) b = static_cast<std::uint8_t>(rng());
      ByteVec got(32 * kSha256Lanes);
      sha256_prefixed_lanes(prefix, blocks.data(), block_size, got.data());
      for (std::size_t l = 0; l < kSha256Lanes; ++l) {
        INFO("prefix " << prefix_size << " bytes, block " << block_size << " bytes, lane " << l);
        const ByteVec want = Hasher(Algo::Sha256).update(Bytes(prefix)).update(Bytes(blocks).subspan(l * block_size, block_size)).finish();
        CHECK(to_hex(Bytes(got).subspan(32 * l, 32)) == to_hex(want));
      }
    }
  }
}

TEST_CASE("SHA-256 lanes: FIPS 180-2 'abc' in every lane, each lane its own message", "[util][vector]") {
  if (!lanes_or_warn()) return;
  std::string blocks;
  for (std::size_t l = 0; l < kSha256Lanes; ++l) blocks += "abc";
  ByteVec got(32 * kSha256Lanes);
  sha256_prefixed_lanes({}, as_bytes(blocks).data(), 3, got.data());
  for (std::size_t l = 0; l < kSha256Lanes; ++l)
    CHECK(to_hex(Bytes(got).subspan(32 * l, 32)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // A lane that differs in one bit differs in its digest only.
  blocks[3 * 5 + 1] ^= 1;
  ByteVec flipped(32 * kSha256Lanes);
  sha256_prefixed_lanes({}, as_bytes(blocks).data(), 3, flipped.data());
  for (std::size_t l = 0; l < kSha256Lanes; ++l)
    CHECK((to_hex(Bytes(got).subspan(32 * l, 32)) == to_hex(Bytes(flipped).subspan(32 * l, 32))) == (l != 5));
}
