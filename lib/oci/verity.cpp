// SPDX-License-Identifier: Apache-2.0
#include "oci/verity.h"

#include <algorithm>
#include <cstring>

#include "util/sha256_lanes.h"

namespace coco::oci {

namespace {
constexpr std::array<std::uint8_t, kVerityDigest> kSalt{};  // 32 zero bytes (policy.md §3.5)
}  // namespace

VerityTree::VerityTree() : salted_(Algo::Sha256), work_(Algo::Sha256) { salted_.update(Bytes(kSalt)); }

VerityTree::Digest VerityTree::hash_block(const std::uint8_t* block) {
  Digest d;
  work_.copy_from(salted_);  // cheaper than hashing the salt again for every 4 KiB
  work_.update(Bytes(block, kVerityBlock));
  work_.finish_into(d.data());
  return d;
}

void VerityTree::push_digest(std::size_t level, const Digest& d) {
  if (levels_.size() <= level) levels_.resize(level + 1);
  Level& l = levels_[level];
  std::memcpy(l.block.data() + l.fill, d.data(), d.size());
  l.fill += d.size();
  if (l.fill == kVerityBlock) complete_level_block(level);
}

void VerityTree::complete_level_block(std::size_t level) {
  Level& l = levels_[level];
  std::fill(l.block.begin() + static_cast<std::ptrdiff_t>(l.fill), l.block.end(), 0);  // zero padding
  l.last = hash_block(l.block.data());
  l.fill = 0;
  ++l.blocks;
  const Digest up = l.last;
  push_digest(level + 1, up);  // may resize levels_: `l` is not used after this
}

void VerityTree::push_leaf(const std::uint8_t* digest) {
  std::memcpy(data_last_.data(), digest, kVerityDigest);
  ++data_blocks_;
  push_digest(0, data_last_);
}

void VerityTree::update(Bytes data) {
  data_bytes_ += data.size();
  if (data_fill_ > 0) {  // finish a block started by an earlier call
    const std::size_t take = std::min(data.size(), kVerityBlock - data_fill_);
    std::memcpy(data_.data() + data_fill_, data.data(), take);
    data_fill_ += take;
    data = data.subspan(take);
    if (data_fill_ < kVerityBlock) return;
    push_leaf(hash_block(data_.data()).data());
    data_fill_ = 0;
  }
  if (sha256_lanes_available()) {  // sixteen whole blocks at a time, one per SHA-256 lane
    std::array<std::uint8_t, kVerityDigest * kSha256Lanes> digests;
    while (data.size() >= kVerityBlock * kSha256Lanes) {
      sha256_prefixed_lanes(kSalt, data.data(), kVerityBlock, digests.data());
      for (std::size_t l = 0; l < kSha256Lanes; ++l) push_leaf(digests.data() + kVerityDigest * l);
      data = data.subspan(kVerityBlock * kSha256Lanes);
    }
  }
  while (data.size() >= kVerityBlock) {  // whole blocks straight from the caller's buffer
    push_leaf(hash_block(data.data()).data());
    data = data.subspan(kVerityBlock);
  }
  std::memcpy(data_.data(), data.data(), data.size());
  data_fill_ = data.size();
}

ByteVec VerityTree::finish() {
  if (data_fill_ > 0 || data_blocks_ == 0) {
    std::fill(data_.begin() + static_cast<std::ptrdiff_t>(data_fill_), data_.end(), 0);
    push_leaf(hash_block(data_.data()).data());
    data_fill_ = 0;
  }
  if (data_blocks_ == 1) return ByteVec(data_last_.begin(), data_last_.end());  // no tree level
  for (std::size_t level = 0;; ++level) {
    if (levels_[level].fill > 0) complete_level_block(level);
    if (levels_[level].blocks == 1) return ByteVec(levels_[level].last.begin(), levels_[level].last.end());
  }
}

}  // namespace coco::oci
