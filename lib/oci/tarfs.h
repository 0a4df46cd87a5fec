// SPDX-License-Identifier: Apache-2.0
// The tarfs index that Kata's tardev-snapshotter appends to a layer tar before dm-verity
// (policy.md §3.5 step 2), built exactly as the node builds it: tarindex in
// kata-containers/tardev-snapshotter 06183a5 (Upstream) and its copy in microsoft/kata-containers
// msft-main-3.2.0 54fcb552 with "special symlink name handling" (Aks), over the entries the Rust
// tar crate reports (TarfsReader). The verity root must equal what the node computes, so the
// reference's quirks are kept on purpose, each checked against its output on the edge-case corpus
// in testdata/tarfs (README.md there):
//  - an entry replaces the node at its path wholesale (children, opaque flag and all), a whiteout
//    turns it into a 0/0 character device, an opaque marker flags the directory;
//  - hard links go straight into the tree (whiteout names are not applied to them) and only to a
//    regular file, their target's path being created as it is looked up;
//  - the tree is walked breadth first once per path that reaches a node, so a hard-linked file
//    that later became a directory gets its dirents (and names) written once per path;
//  - names are counted twice in the end offset; AKS long symlink targets are written in tar order
//    (whatever became of their entries) but their offsets are handed out in inode order.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "oci/tarfs_reader.h"
#include "oci/verity.h"
#include "util/bytes.h"

namespace coco::oci {

enum class TarfsVariant { Upstream, Aks };

class TarfsIndex {
 public:
  explicit TarfsIndex(TarfsVariant v);
  ~TarfsIndex();
  // Every entry of the tar in order, as TarfsReader reports it. False when the entry is left out
  // of the index, as the reference skips it. A hard link that would make a node its own
  // descendant is an error: the node's indexer would walk that cycle forever.
  bool add(const TarfsEntry& e);
  // The bytes appended after a tar of `tar_size` bytes.
  ByteVec finish(std::uint64_t tar_size);

 private:
  struct Node;
  // The node at `parts`, created (mode 0, "implicit") with its parents when missing.
  std::shared_ptr<Node> find_or_create(const std::vector<std::string>& parts);
  static bool reaches(const Node& from, const Node& to);  // `to` is `from` or below it
  void place(const std::vector<std::string>& parts, const Node& entry);
  void hard_link(const TarfsEntry& e);
  TarfsVariant variant_;
  std::shared_ptr<Node> root_;
  std::vector<std::string> special_links_;  // AKS: long symlink targets, in tar order
};

// A layer's tarfs verity root as the node computes it: the tar (the first gzip member only, as
// flate2's GzDecoder reads it) read by TarfsReader, the index appended, dm-verity over both.
class TarfsLayer {
 public:
  // `on_entry`/`on_data` see the entries as the node's reader does (for /etc/passwd and such).
  TarfsLayer(std::string name, TarfsVariant v, TarfsReader::EntryFn on_entry = nullptr,
             TarfsReader::DataFn on_data = nullptr);
  void update(Bytes tar);
  std::string finish();  // hex root

 private:
  TarfsIndex index_;
  TarfsReader reader_;
  VerityTree verity_;
  TarfsReader::EntryFn on_entry_;
  std::uint64_t bytes_ = 0;
};

}  // namespace coco::oci
