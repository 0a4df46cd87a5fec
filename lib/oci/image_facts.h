// SPDX-License-Identifier: Apache-2.0
// What coco knows about an image once it has read it: the digests a guest pull pins, the config
// a pod policy starts from, per-layer hashes, and /etc/passwd + /etc/group as they are in the
// final merged filesystem. The one entry point for `coco image …` and for the policy generator.
// Sources: a registry reference (default, or docker://REF), oci:DIR[:TAG], docker-archive:FILE[:REF],
// oci-archive:FILE[:TAG] (plumbing.md §1.1-§1.4, §2, §6).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oci/image_config.h"
#include "oci/layer.h"

namespace coco::oci {

struct ImageFacts {
  std::string reference;            // as the user wrote it
  std::string pinned;               // name@sha256:… of what a guest pull resolves (index digest if an index)
  std::string manifest_digest, config_digest;  // manifest_digest is "" for a legacy docker save archive
  std::optional<std::string> index_digest;
  ImageConfig config;
  std::vector<LayerHashes> layers;  // digest, diff_id, verity roots (when asked)
  std::optional<std::string> etc_passwd, etc_group;  // in the final merged filesystem (whiteouts applied)

  // Beyond the policy seam, for `coco image` output:
  std::string source;               // "registry", "oci", "docker-archive", "oci-archive"
  std::string platform;             // "linux/amd64" from the config
  std::string manifest_media_type;
  std::vector<std::string> config_diff_ids;  // rootfs.diff_ids as the config states them
  std::vector<std::string> chain_ids;        // from the computed diff_ids
  std::vector<std::string> mismatches;       // computed diff_id ≠ config diff_id, one line each
  std::vector<std::string> warnings;         // e.g. a corrupt cache entry that was recomputed
  bool layers_hashed = false;                // false when only manifest and config were read
};

struct ImageOptions {
  std::optional<std::string> platform;           // "os/arch[/variant]"; default: the host's
  std::vector<std::string> insecure_registries;  // host[:port] reached over plain HTTP / unverified TLS
  VerityFlavour verity = VerityFlavour::None;
  std::string cache_dir;                         // "" → $XDG_CACHE_HOME/coco (~/.cache/coco)
  bool no_cache = false;
  unsigned jobs = 0;                             // layers hashed at once; 0 → the core count
  std::uint64_t max_layer_size = std::uint64_t{64} << 30;  // decompressed bytes per layer
  bool hash_layers = true;                       // false: manifest and config only (image inspect)
  bool progress = false;                         // draw a progress line on stderr
  std::string auth_file;                         // "" → $REGISTRY_AUTH_FILE, then ~/.docker/config.json
  unsigned retries = 4;                          // extra attempts on 429 / 5xx / dropped connections
  unsigned retry_base_ms = 500;                  // first backoff; doubles per attempt, plus jitter
};

ImageFacts image_facts(const std::string& source, const ImageOptions& opts);
// Several images at once: layers of all of them share one pool of `jobs` workers.
std::vector<ImageFacts> image_facts(const std::vector<std::string>& sources, const ImageOptions& opts);

// A --platform the user named (opts.platform) that a single-platform image is not is an error, not
// that image: an index picks the platform, a single manifest is taken as it is.
void require_platform(const ImageOptions& opts, const ImageFacts& f);

Json to_json(const ImageFacts& f);  // the `coco image hash --output json` image object

}  // namespace coco::oci
