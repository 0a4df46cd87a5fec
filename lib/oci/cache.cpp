// SPDX-License-Identifier: Apache-2.0
#include "oci/cache.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"
#include "util/output.h"

namespace coco::oci {
namespace fs = std::filesystem;

std::string default_cache_dir() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/coco";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/coco";
  fail("cache", "neither XDG_CACHE_HOME nor HOME is set; pass --cache-dir or --no-cache");
}

namespace {

Json file_json(const LayerFile& f) {
  switch (f.state) {
    case LayerFile::State::Untouched: return {{"state", "untouched"}};
    case LayerFile::State::Removed: return {{"state", "removed"}};
    case LayerFile::State::Present: return {{"state", "present"}, {"content", f.content}};
  }
  return nullptr;
}

LayerFile file_from(const Json& j) {
  LayerFile f;
  const std::string s = j.at("state").get<std::string>();
  if (s == "removed") f.state = LayerFile::State::Removed;
  else if (s == "present") f.state = LayerFile::State::Present, f.content = j.at("content").get<std::string>();
  else if (s != "untouched") throw std::runtime_error("bad state");
  return f;
}

Json opt(const std::optional<std::string>& s) { return s ? Json(*s) : Json(nullptr); }

}  // namespace

std::string LayerCache::entry_path(const std::string& blob_digest, VerityFlavour v) const {
  const auto colon = blob_digest.find(':');
  return dir_ + "/layers/v" + std::to_string(kCacheAlgoVersion) + "/" + blob_digest.substr(0, colon) + "/" +
         blob_digest.substr(colon + 1) + "." + verity_flavour_name(v) + ".json";
}

std::optional<LayerResult> LayerCache::get(const std::string& blob_digest, VerityFlavour v, bool* corrupt) const {
  const std::string path = entry_path(blob_digest, v);
  if (!file_exists(path)) return std::nullopt;
  try {
    const Json j = parse_json(read_text_file(path, 64 << 20), path);
    const Json& payload = j.at("payload");
    if (j.at("sha256").get<std::string>() != to_hex(digest(Algo::Sha256, payload.dump())))
      throw std::runtime_error("checksum");
    LayerResult r;
    LayerHashes& h = r.hashes;
    h.media_type = payload.at("media_type");
    h.digest = payload.at("digest");
    h.size = payload.at("size");
    h.diff_id = payload.at("diff_id");
    h.uncompressed_size = payload.at("uncompressed_size");
    if (!payload.at("verity_root").is_null()) h.verity_root = payload.at("verity_root");
    if (!payload.at("tarfs_verity_root").is_null()) h.tarfs_verity_root = payload.at("tarfs_verity_root");
    r.etc_passwd = file_from(payload.at("etc_passwd"));
    r.etc_group = file_from(payload.at("etc_group"));
    const bool tarfs = v == VerityFlavour::Tarfs || v == VerityFlavour::TarfsAks;
    if (h.digest != blob_digest || (v == VerityFlavour::Tar && !h.verity_root) || (tarfs && !h.tarfs_verity_root))
      throw std::runtime_error("key");
    return r;
  } catch (const std::exception&) {  // coco::Error or json errors: the entry is not trustworthy
    std::error_code ec;
    fs::remove(path, ec);
    if (corrupt) *corrupt = true;
    return std::nullopt;
  }
}

void LayerCache::put(const LayerResult& r, VerityFlavour v) const {
  const LayerHashes& h = r.hashes;
  const Json payload = {{"algo_version", kCacheAlgoVersion}, {"media_type", h.media_type}, {"digest", h.digest},
                        {"size", h.size}, {"diff_id", h.diff_id}, {"uncompressed_size", h.uncompressed_size},
                        {"verity_root", opt(h.verity_root)}, {"tarfs_verity_root", opt(h.tarfs_verity_root)},
                        {"etc_passwd", file_json(r.etc_passwd)}, {"etc_group", file_json(r.etc_group)}};
  const Json entry = {{"sha256", to_hex(digest(Algo::Sha256, payload.dump()))}, {"payload", payload}};
  const std::string path = entry_path(h.digest, v);
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) fail(path, "cannot create the cache directory: " + ec.message());
  write_file_atomic(path, entry.dump() + "\n");
}

LayerCache::PruneStats LayerCache::usage() const {
  PruneStats s;
  std::error_code ec;
  const fs::path layers = fs::path(dir_) / "layers";
  if (!fs::exists(layers, ec)) return s;
  for (auto it = fs::recursive_directory_iterator(layers, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) ++s.entries, s.bytes += it->file_size(ec);
  return s;
}

LayerCache::PruneStats LayerCache::prune() const {
  const PruneStats s = usage();
  std::error_code ec;
  fs::remove_all(fs::path(dir_) / "layers", ec);
  if (ec) fail(dir_, "cannot remove the cache: " + ec.message());
  return s;
}

}  // namespace coco::oci
