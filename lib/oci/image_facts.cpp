// SPDX-License-Identifier: Apache-2.0
#include "oci/image_facts.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <mutex>

#include "oci/cache.h"
#include "oci/media_types.h"
#include "oci/source.h"
#include "util/error.h"
#include "util/parallel.h"
#include "util/term.h"

namespace coco::oci {
namespace {

using Clock = std::chrono::steady_clock;

// --jobs, else COCO_JOBS, else the cores this process may use (util/parallel.h).
unsigned job_count(const ImageOptions& o) { return worker_count(std::numeric_limits<std::size_t>::max(), o.jobs); }

struct Image {
  Source source;
  std::unique_ptr<ImageSource> src;
  ResolvedImage resolved;
  ConfigBlob config;
  std::vector<LayerResult> layers;
};

// The last layer that touches a file decides: its bytes, or gone (policy.md §3.1: "the last layer
// that has the file wins; a whiteout clears it").
std::optional<std::string> merged(const std::vector<LayerResult>& layers, LayerFile LayerResult::*file) {
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
    const LayerFile& f = (*it).*file;
    if (f.state == LayerFile::State::Present) return f.content;
    if (f.state == LayerFile::State::Removed) return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::unique_ptr<ImageSource> open_source(const Source& s, const ImageOptions& opts) {
  switch (s.kind) {
    case SourceKind::Dir:  // open_oci_layout reads skopeo's dir: too
    case SourceKind::OciLayout: return open_oci_layout(s);
    case SourceKind::OciArchive:
    case SourceKind::DockerArchive: return open_archive(s);
    case SourceKind::Registry: return open_registry(s, opts);
  }
  return nullptr;
}

std::vector<ImageFacts> image_facts(const std::vector<std::string>& sources, const ImageOptions& opts) {
  const Platform want = opts.platform ? parse_platform(*opts.platform) : host_platform();
  const unsigned jobs = job_count(opts);
  std::vector<Image> images(sources.size());
  std::vector<ImageFacts> facts(sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i) images[i].source = parse_source(sources[i]);  // usage errors first

  parallel_for(images.size(), [&](std::size_t i) {
    Image& im = images[i];
    im.src = open_source(im.source, opts);
    im.resolved = im.src->resolve(want);
    im.config = parse_config(im.resolved.config_body, im.source.text + ": config " + im.resolved.config_digest);
    ImageFacts& f = facts[i];
    f.reference = im.source.text;
    f.source = source_kind_name(im.source.kind);
    f.pinned = im.resolved.pinned;
    f.manifest_digest = im.resolved.manifest_digest;
    f.manifest_media_type = im.resolved.manifest_media_type;
    f.index_digest = im.resolved.index_digest;
    f.config_digest = im.resolved.config_digest;
    f.config = im.config.config;
    f.config_diff_ids = im.config.diff_ids;
    f.platform = Platform{im.config.os, im.config.architecture, im.config.variant}.str();
    if (im.config.diff_ids.size() != im.resolved.layers.size())
      fail(im.source.text, "the manifest lists " + std::to_string(im.resolved.layers.size()) +
                               " layers but the config lists " + std::to_string(im.config.diff_ids.size()) + " diff_ids");
    for (const Descriptor& d : im.resolved.layers) {
      LayerHashes h;
      h.media_type = d.media_type;
      h.digest = d.digest;
      h.size = d.size;
      f.layers.push_back(h);
    }
  }, jobs);
  if (!opts.hash_layers) return facts;

  std::optional<LayerCache> cache;
  if (!opts.no_cache) cache.emplace(opts.cache_dir.empty() ? default_cache_dir() : opts.cache_dir);

  // One task per distinct blob: images that share base layers hash them once.
  struct Task { std::size_t image, layer; };
  std::vector<Task> tasks;
  std::map<std::string, std::size_t> task_of;  // blob digest → task
  struct Copy { std::size_t image, layer, task; };
  std::vector<Copy> copies;
  std::uint64_t total_bytes = 0;
  for (std::size_t i = 0; i < images.size(); ++i) {
    images[i].layers.resize(images[i].resolved.layers.size());
    for (std::size_t l = 0; l < images[i].resolved.layers.size(); ++l) {
      const Descriptor& d = images[i].resolved.layers[l];
      if (d.media_type == kOciLayerZstd)
        facts[i].warnings.push_back("layer " + std::to_string(l) + " is zstd-compressed: genpolicy skips such layers, "
                                    "so a policy it generates for this image will differ");
      bool corrupt = false;
      if (cache) {
        if (auto hit = cache->get(d.digest, opts.verity, &corrupt)) {
          hit->hashes.media_type = d.media_type;
          images[i].layers[l] = std::move(*hit);
          continue;
        }
        if (corrupt)
          facts[i].warnings.push_back("cache entry for " + d.digest + " was corrupt; removed and recomputed");
      }
      if (const auto seen = task_of.find(d.digest); seen != task_of.end()) {
        copies.push_back({i, l, seen->second});
        continue;
      }
      task_of[d.digest] = tasks.size();
      tasks.push_back({i, l});
      total_bytes += d.size;
    }
  }

  Progress progress(opts.progress && !tasks.empty(), "hashing 0/" + std::to_string(tasks.size()) + " layers",
                    total_bytes, "bytes");
  // The label names each layer being hashed with its own rate (blob bytes per second), redrawn at
  // most twice a second per layer.
  struct Active { std::string name; std::uint64_t bytes = 0; Clock::time_point start, shown; };
  std::mutex active_mutex;
  std::map<std::size_t, Active> active;  // task → its layer's progress
  std::size_t layers_done = 0;
  const auto relabel_locked = [&] {
    std::string label = "hashing " + std::to_string(layers_done) + "/" + std::to_string(tasks.size()) + " layers";
    const auto now = Clock::now();
    for (const auto& [task, a] : active) {
      const double s = std::chrono::duration<double>(now - a.start).count();
      label += ", " + a.name + (s > 0.2 ? " " + human_bytes(static_cast<std::uint64_t>(a.bytes / s)) + "/s" : "");
    }
    progress.set_label(std::move(label));
  };
  parallel_for(tasks.size(), [&](std::size_t t) {
    Image& im = images[tasks[t].image];
    const std::size_t l = tasks[t].layer;
    const Descriptor& d = im.resolved.layers[l];
    LayerJob job;
    job.media_type = d.media_type;
    job.digest = d.digest;
    job.size = d.size;
    job.verity = opts.verity;
    job.max_uncompressed = opts.max_layer_size;
    job.name = im.source.text + ": layer " + std::to_string(l) + " (" + d.digest + ")";
    job.pipeline = jobs > 1;
    if (progress.enabled()) {
      std::lock_guard lock(active_mutex);
      active[t] = {(images.size() > 1 ? "image " + std::to_string(tasks[t].image) + " " : "") + "layer " +
                       std::to_string(l),
                   0, Clock::now(), Clock::now()};
      relabel_locked();
    }
    auto hasher = std::make_unique<LayerHasher>(job);
    im.src->stream_blob(
        d,
        [&](Bytes b) {
          hasher->update(b);
          progress.advance(b.size());
          if (!progress.enabled()) return;
          std::lock_guard lock(active_mutex);
          Active& a = active[t];
          a.bytes += b.size();
          if (Clock::now() - a.shown < std::chrono::milliseconds(500)) return;
          a.shown = Clock::now();
          relabel_locked();
        },
        [&] {  // a retried transfer starts over
          hasher = std::make_unique<LayerHasher>(job);
          if (!progress.enabled()) return;
          std::lock_guard lock(active_mutex);
          active[t].bytes = 0;
          active[t].start = Clock::now();
        });
    LayerResult r = hasher->finish();
    if (cache) cache->put(r, opts.verity);
    im.layers[l] = std::move(r);
    std::lock_guard lock(active_mutex);
    active.erase(t);
    ++layers_done;
    relabel_locked();
  }, jobs);
  progress.finish();
  for (const Copy& c : copies) {
    images[c.image].layers[c.layer] = images[tasks[c.task].image].layers[tasks[c.task].layer];
    images[c.image].layers[c.layer].hashes.media_type = images[c.image].resolved.layers[c.layer].media_type;
  }

  for (std::size_t i = 0; i < images.size(); ++i) {
    ImageFacts& f = facts[i];
    Image& im = images[i];
    std::vector<std::string> diff_ids;
    for (std::size_t l = 0; l < im.layers.size(); ++l) {
      f.layers[l] = im.layers[l].hashes;
      diff_ids.push_back(f.layers[l].diff_id);
      if (f.layers[l].diff_id != f.config_diff_ids[l])
        f.mismatches.push_back("layer " + std::to_string(l) + " (" + f.layers[l].digest + "): computed diff_id " +
                               f.layers[l].diff_id + ", the config states " + f.config_diff_ids[l]);
    }
    f.chain_ids = chain_ids(diff_ids);
    f.etc_passwd = merged(im.layers, &LayerResult::etc_passwd);
    f.etc_group = merged(im.layers, &LayerResult::etc_group);
    f.layers_hashed = true;
  }
  return facts;
}

ImageFacts image_facts(const std::string& source, const ImageOptions& opts) {
  return std::move(image_facts(std::vector<std::string>{source}, opts).front());
}

Json to_json(const ImageFacts& f) {
  const auto opt = [](const std::optional<std::string>& s) { return s ? Json(*s) : Json(nullptr); };
  Json layers = Json::array();
  for (std::size_t l = 0; l < f.layers.size(); ++l) {
    const LayerHashes& h = f.layers[l];
    Json j = {{"media_type", h.media_type.empty() ? Json(nullptr) : Json(h.media_type)},
              {"digest", h.digest},
              {"size", h.size}};
    if (f.layers_hashed) {
      j["diff_id"] = h.diff_id;
      j["uncompressed_size"] = h.uncompressed_size;
      j["verity_root"] = opt(h.verity_root);
      j["tarfs_verity_root"] = opt(h.tarfs_verity_root);
      j["config_diff_id"] = l < f.config_diff_ids.size() ? f.config_diff_ids[l] : "";
      j["chain_id"] = l < f.chain_ids.size() ? f.chain_ids[l] : "";
    } else {
      j["config_diff_id"] = l < f.config_diff_ids.size() ? f.config_diff_ids[l] : "";
    }
    layers.push_back(j);
  }
  return {{"reference", f.reference},
          {"source", f.source},
          {"pinned", f.pinned.empty() ? Json(nullptr) : Json(f.pinned)},
          {"index_digest", opt(f.index_digest)},
          {"manifest_digest", f.manifest_digest.empty() ? Json(nullptr) : Json(f.manifest_digest)},
          {"manifest_media_type", f.manifest_media_type.empty() ? Json(nullptr) : Json(f.manifest_media_type)},
          {"config_digest", f.config_digest},
          {"platform", f.platform},
          {"config", to_json(f.config)},
          {"layers", layers},
          {"diff_ids_match", f.mismatches.empty()}};
}

void require_platform(const ImageOptions& opts, const ImageFacts& f) {
  if (!opts.platform || f.index_digest || f.platform == "/" || f.platform.empty()) return;
  const std::string want = parse_platform(*opts.platform).str();
  if (f.platform != want && f.platform.rfind(want + "/", 0) != 0)
    fail(f.reference, "--platform " + want + ": the image is single-platform " + f.platform);
}

}  // namespace coco::oci
