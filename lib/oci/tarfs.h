// The tarfs index that Kata's tardev-snapshotter appends to a layer tar before dm-verity
// (policy.md §3.5 step 2; kata-containers/tardev-snapshotter tarindex at 06183a5 = Upstream, the
// microsoft/kata-containers in-tree copy with "special symlink name handling" = Aks). Entries are
// collected while the tar streams past; finish() returns the bytes to append (inode table, dirent
// arrays, names, zero padding and the 16-byte superblock). The quirks of the reference code are
// kept on purpose (names counted twice in the end offset; long symlink targets in tar order but
// offsets in inode order), because the verity root must equal what the host computes.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "oci/tar_stream.h"
#include "util/bytes.h"

namespace coco::oci {

enum class TarfsVariant { Upstream, Aks };

class TarfsIndex {
 public:
  explicit TarfsIndex(TarfsVariant v);
  ~TarfsIndex();
  // Every entry of the tar in order, as TarStream reports it (meta records already folded in).
  // False when the entry is left out of the index (as the reference skips it), e.g. a hard link
  // that would make a node its own descendant.
  bool add(const TarEntry& e);
  // The bytes appended after a tar of `tar_size` bytes.
  ByteVec finish(std::uint64_t tar_size);

 private:
  struct Node;
  // The node at `parts`, created (mode 0, "implicit") with its parents when missing.
  std::shared_ptr<Node> find_or_create(const std::vector<std::string>& parts);
  static bool reaches(const Node& from, const Node& to);  // `to` is `from` or below it
  TarfsVariant variant_;
  std::shared_ptr<Node> root_;
  std::vector<std::shared_ptr<Node>> special_links_;  // AKS: long symlink targets, in tar order
};

}  // namespace coco::oci
