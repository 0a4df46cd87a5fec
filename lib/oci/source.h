// SPDX-License-Identifier: Apache-2.0
// Where image bytes come from. A source resolves a reference to one manifest (choosing a platform
// when the reference names an index) and streams blobs; callers verify every digest. This is the
// seam that lets registry, OCI layout and archive sources share one hashing pipeline.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oci/manifest.h"
#include "oci/reference.h"
#include "util/bytes.h"

namespace coco::oci {

struct ImageOptions;

struct ResolvedImage {
  std::optional<std::string> index_digest;
  std::string manifest_digest;      // "" when there is no manifest (legacy docker save)
  std::string manifest_media_type;
  std::string config_digest;
  std::string config_body;          // verified against config_digest
  std::vector<Descriptor> layers;   // media_type "" → sniff the compression
  std::string pinned;               // name@digest a guest pull would resolve
};

class ImageSource {
 public:
  virtual ~ImageSource() = default;
  virtual ResolvedImage resolve(const Platform& platform) = 0;
  // Feeds the blob's bytes to `sink`. When a transfer is retried after some bytes went out,
  // `restart` runs first so the caller can start its hashes again.
  virtual void stream_blob(const Descriptor& d, const std::function<void(Bytes)>& sink,
                           const std::function<void()>& restart) = 0;
};

std::unique_ptr<ImageSource> open_source(const Source& s, const ImageOptions& opts);

// Local sources (local_source.cpp); the registry source is in registry.cpp.
std::unique_ptr<ImageSource> open_oci_layout(const Source& s);
std::unique_ptr<ImageSource> open_archive(const Source& s);  // oci-archive: and docker-archive:
std::unique_ptr<ImageSource> open_registry(const Source& s, const ImageOptions& opts);

// Shared by sources that store an OCI layout (a directory or a tar of one): picks the
// index.json entry for `tag` (or the only one) and follows indexes to the platform's manifest.
using BlobReader = std::function<std::string(const Descriptor&)>;  // small blobs, verified
ResolvedImage resolve_layout(const std::string& index_json, const std::string& tag, const Platform& platform,
                             const BlobReader& read, const std::string& where);
// Descends from a manifest or index document (already verified) to the platform's manifest.
ResolvedImage resolve_from(const std::string& body, const std::string& digest, const std::string& content_type,
                           const Platform& platform, const BlobReader& read, const std::string& where);

inline constexpr std::uint64_t kMaxManifestBytes = 16 << 20;  // plumbing.md §1.1 step 4

}  // namespace coco::oci
