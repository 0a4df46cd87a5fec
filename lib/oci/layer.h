// SPDX-License-Identifier: Apache-2.0
// One streaming pass per layer (plumbing.md §0.5, §2.2): blob bytes → SHA-256 (blob digest) →
// decompressor → 256 KiB pieces → SHA-256 (diff_id) + tar walk (entries, /etc/passwd, /etc/group,
// whiteouts) + dm-verity leaves; with LayerJob::pipeline the diff_id and the verity leaves are
// hashed on a second thread. Bytes are pushed in (from a file reader or curl's write callback);
// nothing is written to disk and no layer is held in memory.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "oci/decompress.h"
#include "util/bytes.h"

namespace coco::oci {

enum class VerityFlavour { None, Tar, Tarfs, TarfsAks };
std::string verity_flavour_name(VerityFlavour v);
VerityFlavour parse_verity_flavour(const std::string& name);  // throws coco::Error (Usage)

struct LayerHashes {
  std::string media_type;
  std::string digest;                 // "sha256:…" of the blob as stored
  std::uint64_t size = 0;             // blob bytes
  std::string diff_id;                // "sha256:…" of the uncompressed tar
  std::uint64_t uncompressed_size = 0;
  std::optional<std::string> verity_root;        // hex, --verity tar
  std::optional<std::string> tarfs_verity_root;  // hex, --verity tarfs / tarfs-aks
};

// What one layer does to a file the policy needs: nothing, puts a regular file there (its bytes),
// or removes it for the layers below (whiteout, opaque parent, or replaced by a non-file).
struct LayerFile {
  enum class State { Untouched, Present, Removed } state = State::Untouched;
  std::string content;
};
inline constexpr std::uint64_t kMaxEtcFile = 4 << 20;  // /etc/passwd and /etc/group we keep

struct LayerResult {
  LayerHashes hashes;
  LayerFile etc_passwd, etc_group;
};

struct LayerJob {
  std::string media_type;
  std::string digest;          // expected "sha256:…"
  std::uint64_t size = 0;      // expected blob size
  VerityFlavour verity = VerityFlavour::None;
  std::uint64_t max_uncompressed = std::uint64_t{64} << 30;
  std::string name;            // for messages: "<image>: layer N (sha256:…)"
  // Hash the uncompressed bytes (diff_id, verity trees) on a second thread (oci/hash_worker.h)
  // while this one reads and inflates: for a core that would otherwise idle.
  bool pipeline = false;
};

// Compression of a layer media type; throws for types coco cannot hash (encrypted, unknown).
// An empty media type (legacy docker save) means: sniff the first bytes.
std::optional<Compression> layer_compression(const std::string& media_type, const std::string& where);

class LayerHasher {
 public:
  explicit LayerHasher(LayerJob job);
  ~LayerHasher();
  void update(Bytes blob_bytes);
  // Checks the size and the digest of the blob (a mismatch is an error, never a warning), ends the
  // tar walk and the verity trees.
  LayerResult finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coco::oci
