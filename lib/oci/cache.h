// SPDX-License-Identifier: Apache-2.0
// The content-addressed layer cache (plumbing.md §6): per-layer results keyed by the blob digest,
// the verity flavour and kCacheAlgoVersion, under $XDG_CACHE_HOME/coco (default ~/.cache/coco).
// Entries are written atomically and carry a SHA-256 of their own payload, so a torn or edited
// entry is detected, dropped and recomputed rather than trusted.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "oci/layer.h"

namespace coco::oci {

// Bump when anything that feeds a cached value changes (tar walk, verity, passwd extraction).
inline constexpr int kCacheAlgoVersion = 2;  // 2: tarfs roots as the node builds them (issue 12 item 8)

std::string default_cache_dir();  // $XDG_CACHE_HOME/coco, else $HOME/.cache/coco

class LayerCache {
 public:
  explicit LayerCache(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }
  // nullopt on a miss; a corrupt entry counts as a miss, is removed, and sets `corrupt`.
  std::optional<LayerResult> get(const std::string& blob_digest, VerityFlavour v, bool* corrupt = nullptr) const;
  void put(const LayerResult& r, VerityFlavour v) const;
  std::string entry_path(const std::string& blob_digest, VerityFlavour v) const;

  struct PruneStats { std::uint64_t entries = 0, bytes = 0; };
  PruneStats prune() const;  // removes every entry (and stray temporary files)
  PruneStats usage() const;

 private:
  std::string dir_;
};

}  // namespace coco::oci
