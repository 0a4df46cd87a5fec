// SPDX-License-Identifier: Apache-2.0
// Streaming dm-verity root hash (policy.md §3.5 step 3; plumbing.md §2.1): SHA-256, 4096-byte data
// and hash blocks, salt = 32 zero bytes prepended to every block (format 1), 128 digests per hash
// block zero-padded, levels built bottom-up until one block remains; root = sha256(salt ‖ top).
// This is what `veritysetup format --no-superblock --format=1 --salt=<64×0>` prints. The data is
// fed in pieces of any size; memory is one 4 KiB block per tree level and one batch of leaves.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

#include "util/bytes.h"
#include "util/digest.h"
#include "util/sha256_lanes.h"

namespace coco::oci {

inline constexpr std::size_t kVerityBlock = 4096;
inline constexpr std::size_t kVerityDigest = 32;

class VerityTree {
 public:
  VerityTree();
  void update(Bytes data);
  // A trailing partial block is zero-padded to 4096 bytes (as a block device made from the bytes
  // would be); for sizes that are a multiple of 4096 this is exactly veritysetup on the bytes.
  // Empty input has no tree: returns the hash of one zero block.
  ByteVec finish();
  std::uint64_t data_bytes() const { return data_bytes_; }

 private:
  using Digest = std::array<std::uint8_t, kVerityDigest>;
  struct Level {                  // one hash level: the block being filled with digests
    std::array<std::uint8_t, kVerityBlock> block{};
    std::size_t fill = 0;         // bytes of block in use
    std::uint64_t blocks = 0;     // blocks of this level completed (and hashed upwards)
    Digest last{};                // digest of the last completed block
  };
  Digest hash_block(const std::uint8_t* block);
  void push_digest(std::size_t level, const Digest& d);
  void push_leaf(const std::uint8_t* digest);  // the digest of the next data block
  void complete_level_block(std::size_t level);
  // Leaf digests of `count` whole data blocks, sixteen at a time where the CPU has SHA-256 lanes.
  void hash_leaves(const std::uint8_t* blocks, std::size_t count);

  Hasher salted_;                 // SHA-256 already fed the 32-byte salt; copied per block
  Hasher work_;
  // Data blocks wait here until a whole batch (one block per SHA-256 lane) is in, so pieces that
  // do not end on a block boundary still hash on the lanes; batches that are whole in the
  // caller's piece are hashed where they are.
  static constexpr std::size_t kBatch = kVerityBlock * kSha256Lanes;
  ByteVec stage_;
  std::size_t staged_ = 0;
  std::uint64_t data_bytes_ = 0;
  std::uint64_t data_blocks_ = 0;
  Digest data_last_{};
  std::vector<Level> levels_;     // levels_[0] holds digests of data blocks
};

}  // namespace coco::oci
