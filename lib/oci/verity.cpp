// SPDX-License-Identifier: Apache-2.0
#include "oci/verity.h"

#include <algorithm>
#include <cstring>

#include "util/sha256_lanes.h"

namespace coco::oci {

namespace {
constexpr std::array<std::uint8_t, kVerityDigest> kSalt{};  // 32 zero bytes (policy.md §3.5)
}  // namespace

VerityTree::VerityTree() : salted_(Algo::Sha256), work_(Algo::Sha256), stage_(kBatch) { salted_.update(Bytes(kSalt)); }

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
  if (data.empty()) return;  // an empty span may carry a null pointer: no memcpy from it
  data_bytes_ += data.size();
  if (staged_ > 0) {  // top up the batch an earlier call left
    const std::size_t take = std::min(data.size(), kBatch - staged_);
    std::memcpy(stage_.data() + staged_, data.data(), take);
    staged_ += take;
    data = data.subspan(take);
    if (staged_ < kBatch) return;
    hash_leaves(stage_.data(), kSha256Lanes);
    staged_ = 0;
  }
  const std::size_t whole = data.size() / kBatch * kBatch;  // straight from the caller's buffer
  hash_leaves(data.data(), whole / kVerityBlock);
  data = data.subspan(whole);
  std::memcpy(stage_.data(), data.data(), data.size());
  staged_ = data.size();
}

void VerityTree::hash_leaves(const std::uint8_t* blocks, std::size_t count) {
  std::size_t i = 0;
  if (sha256_lanes_available()) {
    std::array<std::uint8_t, kVerityDigest * kSha256Lanes> digests;
    for (; i + kSha256Lanes <= count; i += kSha256Lanes) {
      sha256_prefixed_lanes(kSalt, blocks + i * kVerityBlock, kVerityBlock, digests.data());
      for (std::size_t l = 0; l < kSha256Lanes; ++l) push_leaf(digests.data() + kVerityDigest * l);
    }
  }
  for (; i < count; ++i) push_leaf(hash_block(blocks + i * kVerityBlock).data());
}

ByteVec VerityTree::finish() {
  const std::size_t whole = staged_ / kVerityBlock;
  hash_leaves(stage_.data(), whole);
  const std::size_t rest = staged_ % kVerityBlock;
  if (rest > 0 || data_blocks_ == 0) {  // the batch always has room for this padded block
    std::uint8_t* last = stage_.data() + whole * kVerityBlock;
    std::fill(last + rest, last + kVerityBlock, 0);
    push_leaf(hash_block(last).data());
  }
  staged_ = 0;
  if (data_blocks_ == 1) return ByteVec(data_last_.begin(), data_last_.end());  // no tree level
  for (std::size_t level = 0;; ++level) {
    if (levels_[level].fill > 0) complete_level_block(level);
    if (levels_[level].blocks == 1) return ByteVec(levels_[level].last.begin(), levels_[level].last.end());
  }
}

}  // namespace coco::oci
