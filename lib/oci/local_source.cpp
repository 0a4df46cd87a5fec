// SPDX-License-Identifier: Apache-2.0
// Local image sources (plumbing.md §1.4): an OCI image layout directory, a tar of one
// (oci-archive:), `docker save` archives (docker-archive:), legacy and Docker ≥ 25, and skopeo's
// directory (dir:): manifest.json, each blob in a file named by its hex digest, a `version` file
// ("Directory Transport Version: 1.1"), and with `skopeo copy --all` each platform's manifest in
// HEX.manifest.json beside the index in manifest.json.
#include <archive.h>
#include <archive_entry.h>

#include <filesystem>
#include <utility>

#include "oci/image_facts.h"
#include "oci/media_types.h"
#include "oci/source.h"
#include "oci/tar_stream.h"
#include "util/error.h"
#include "util/file.h"
#include "util/output.h"

namespace coco::oci {

ResolvedImage resolve_from(const std::string& body, const std::string& digest, const std::string& content_type,
                           const Platform& platform, const BlobReader& read, const std::string& where) {
  ResolvedImage r;
  std::string doc = body, doc_digest = digest, type = document_type(body, content_type, where);
  for (int depth = 0; is_index_type(type); ++depth) {  // Docker ≥ 25 nests index → index → manifest
    if (depth == 4) fail(where, "indexes nest more than 4 deep");
    if (!r.index_digest) r.index_digest = doc_digest;
    const Index index = parse_index(doc, where);
    const Descriptor d = select_platform(index, platform, where + " (index " + doc_digest + ")");
    doc = read(d);
    doc_digest = d.digest;
    type = document_type(doc, d.media_type, where + " (manifest " + d.digest + ")");
  }
  const Manifest m = parse_manifest(doc, where + " (manifest " + doc_digest + ")");
  if (m.config.media_type != kOciConfig && m.config.media_type != kDockerConfig)
    fail(where, "manifest " + doc_digest + " is not a container image (config media type " + m.config.media_type + ")");
  r.manifest_digest = doc_digest;
  r.manifest_media_type = type;
  r.config_digest = m.config.digest;
  r.config_body = read(m.config);
  r.layers = m.layers;
  return r;
}

ResolvedImage resolve_layout(const std::string& index_json, const std::string& tag, const Platform& platform,
                             const BlobReader& read, const std::string& where) {
  const Index top = parse_index(index_json, where + ": index.json");
  const Descriptor* pick = nullptr;
  std::string tags;
  for (const Descriptor& d : top.manifests) {
    const auto name = d.annotations.find("org.opencontainers.image.ref.name");
    const std::string t = name == d.annotations.end() ? "" : name->second;
    tags += (tags.empty() ? "" : ", ") + (t.empty() ? d.digest : t);
    if (!pick && !tag.empty() && (t == tag || d.digest == tag)) pick = &d;
  }
  if (tag.empty() && top.manifests.size() == 1) pick = &top.manifests.front();
  if (!pick) {
    if (top.manifests.empty()) fail(where, "index.json lists no images");
    fail(where, (tag.empty() ? std::string("the layout holds several images; name one as :TAG")
                             : "no image tagged '" + tag + "'") + " (it has: " + tags + ")");
  }
  ResolvedImage r = resolve_from(read(*pick), pick->digest, pick->media_type, platform, read, where);
  const auto image_name = pick->annotations.find("io.containerd.image.name");
  if (image_name != pick->annotations.end()) {
    try {
      r.pinned = parse_reference(image_name->second).pinned(pick->digest);
    } catch (const Error&) {  // not a reference: no name to pin
    }
  }
  return r;
}

namespace {

std::string blob_path(const std::string& dir, const std::string& digest) {
  const auto colon = digest.find(':');  // descriptors were checked: alg and lower-case hex only
  return dir + "/blobs/" + digest.substr(0, colon) + "/" + digest.substr(colon + 1);
}

class OciLayout : public ImageSource {
 public:
  explicit OciLayout(Source s) : s_(std::move(s)) {
    const std::string marker = s_.path + "/oci-layout";
    if (!file_exists(marker)) fail(s_.text, "not an OCI image layout: " + marker + " is missing");
    const Json j = parse_json(read_text_file(marker, 1 << 16), marker);
    if (!j.is_object() || !j.contains("imageLayoutVersion") || !j["imageLayoutVersion"].is_string())
      fail(marker, "no imageLayoutVersion");
  }
  ResolvedImage resolve(const Platform& platform) override {
    const std::string index = read_text_file(s_.path + "/index.json", kMaxManifestBytes);
    ResolvedImage r = resolve_layout(index, s_.ref, platform, [&](const Descriptor& d) { return read(d); }, s_.text);
    if (r.pinned.empty()) r.pinned = "oci:" + s_.path + "@" + r.index_digest.value_or(r.manifest_digest);
    return r;
  }
  void stream_blob(const Descriptor& d, const std::function<void(Bytes)>& sink, const std::function<void()>&) override {
    const std::string path = blob_path(s_.path, d.digest);
    if (!file_exists(path)) fail(s_.text, "blob " + d.digest + " is missing (" + path + ")");
    for_each_chunk(path, sink, 256 * 1024);
  }

 private:
  std::string read(const Descriptor& d) {
    if (d.size > kMaxManifestBytes) fail(s_.text, "blob " + d.digest + " of " + std::to_string(d.size) + " bytes is too large for a manifest or config");
    const std::string path = blob_path(s_.path, d.digest);
    if (!file_exists(path)) fail(s_.text, "blob " + d.digest + " is missing (" + path + ")");
    std::string body = read_text_file(path, kMaxManifestBytes);
    verify_digest(body, d.digest, s_.text + ": " + path);
    return body;
  }
  Source s_;
};

class SkopeoDir : public ImageSource {
 public:
  explicit SkopeoDir(Source s) : s_(std::move(s)) {
    if (!file_exists(s_.path + "/manifest.json"))
      fail(s_.text, "not a skopeo directory: " + s_.path + "/manifest.json is missing");
    const std::string version_file = s_.path + "/version";
    if (file_exists(version_file)) {
      const std::string v = read_text_file(version_file, 256);
      if (!v.starts_with("Directory Transport Version: 1."))
        fail(version_file, "unknown directory transport version '" + v.substr(0, v.find('\n')) + "' (coco reads 1.x)");
    }
  }
  ResolvedImage resolve(const Platform& platform) override {
    const std::string body = read_text_file(s_.path + "/manifest.json", kMaxManifestBytes);
    ResolvedImage r = resolve_from(body, sha256_digest(body), "", platform, [&](const Descriptor& d) { return read(d); },
                                   s_.text);
    r.pinned = "dir:" + s_.path + "@" + r.index_digest.value_or(r.manifest_digest);
    return r;
  }
  void stream_blob(const Descriptor& d, const std::function<void(Bytes)>& sink, const std::function<void()>&) override {
    const std::string path = blob_file(d.digest);
    if (!file_exists(path)) fail(s_.text, "blob " + d.digest + " is missing (" + path + ")");
    for_each_chunk(path, sink, 256 * 1024);
  }

 private:
  std::string blob_file(const std::string& digest) const {
    return s_.path + "/" + digest.substr(digest.find(':') + 1);  // descriptors were checked: lower-case hex
  }
  std::string read(const Descriptor& d) {
    if (d.size > kMaxManifestBytes)
      fail(s_.text, "blob " + d.digest + " of " + std::to_string(d.size) + " bytes is too large for a manifest or config");
    std::string path = blob_file(d.digest) + ".manifest.json";  // a platform's manifest under an index
    if (!file_exists(path)) path = blob_file(d.digest);
    if (!file_exists(path)) fail(s_.text, "blob " + d.digest + " is missing (" + blob_file(d.digest) + ")");
    std::string body = read_text_file(path, kMaxManifestBytes);
    verify_digest(body, d.digest, s_.text + ": " + path);
    return body;
  }
  Source s_;
};

// A tar archive read with libarchive. Entries are found by scanning headers; for a regular file
// libarchive seeks over data it skips, so a scan costs little.
class TarArchive {
 public:
  explicit TarArchive(std::string path) : path_(std::move(path)) {}
  struct Info { std::uint64_t size; bool found; };
  // Calls `sink` with the data of `name` (links inside the archive are followed). Returns false
  // when there is no such entry.
  bool read_entry(const std::string& name, const std::function<void(Bytes)>& sink, std::uint64_t* size = nullptr) const {
    std::string want;
    clean_tar_path(name, want);
    for (int hops = 0; hops < 8; ++hops) {
      std::string link;
      const bool found = scan(want, sink, size, link);
      if (found && link.empty()) return true;
      if (!found) return false;
      std::string base = std::filesystem::path(want).parent_path().string();
      std::string next;
      if (!clean_tar_path(link.starts_with("/") ? link : (base.empty() ? link : base + "/" + link), next))
        fail(path_, "link '" + want + "' points outside the archive");
      want = next;
    }
    fail(path_, "too many links to follow for '" + name + "'");
  }
  std::string read_small(const std::string& name, std::uint64_t limit) const {
    std::string out;
    std::uint64_t size = 0;
    const bool found = read_entry(name, [&](Bytes b) {
      if (out.size() + b.size() > limit) fail(path_, "'" + name + "' is larger than " + std::to_string(limit) + " bytes");
      out.append(as_chars(b));
    }, &size);
    if (!found) fail(path_, "the archive has no '" + name + "'");
    return out;
  }
  bool has(const std::string& name) const {
    std::string link;
    std::string want;
    clean_tar_path(name, want);
    return scan(want, nullptr, nullptr, link);
  }

 private:
  bool scan(const std::string& want, const std::function<void(Bytes)>& sink, std::uint64_t* size, std::string& link) const {
    struct Closer { void operator()(archive* a) const { archive_read_free(a); } };
    std::unique_ptr<archive, Closer> a(archive_read_new());
    archive_read_support_format_tar(a.get());
    archive_read_support_filter_all(a.get());
    if (archive_read_open_filename(a.get(), path_.c_str(), 256 * 1024) != ARCHIVE_OK)
      fail(path_, std::string("cannot open archive: ") + archive_error_string(a.get()));
    archive_entry* e = nullptr;
    while (true) {
      const int rc = archive_read_next_header(a.get(), &e);
      if (rc == ARCHIVE_EOF) return false;
      if (rc < ARCHIVE_WARN) fail(path_, std::string("corrupt archive: ") + archive_error_string(a.get()));
      std::string p;
      const char* raw = archive_entry_pathname(e);
      if (!raw || !clean_tar_path(raw, p) || p != want) continue;
      if (const char* hl = archive_entry_hardlink(e)) { link = std::string("/") + hl; return true; }
      if (archive_entry_filetype(e) == AE_IFLNK) { link = archive_entry_symlink(e) ? archive_entry_symlink(e) : ""; return true; }
      if (size) *size = static_cast<std::uint64_t>(archive_entry_size(e));
      if (!sink) return true;
      const void* buf = nullptr;
      size_t len = 0;
      la_int64_t off = 0;
      while (true) {
        const int r = archive_read_data_block(a.get(), &buf, &len, &off);
        if (r == ARCHIVE_EOF) return true;
        if (r < ARCHIVE_WARN) fail(path_, "'" + want + "': " + archive_error_string(a.get()));
        sink(Bytes(static_cast<const std::uint8_t*>(buf), len));
      }
    }
  }
  std::string path_;
};

class Archive : public ImageSource {
 public:
  explicit Archive(Source s) : s_(std::move(s)), tar_(s_.path) {
    if (!file_exists(s_.path)) fail(s_.text, "no such file: " + s_.path);
  }
  ResolvedImage resolve(const Platform& platform) override {
    const BlobReader read = [&](const Descriptor& d) {
      if (d.size > kMaxManifestBytes) fail(s_.text, "blob " + d.digest + " is too large for a manifest or config");
      std::string body = tar_.read_small(blob_name(d.digest), kMaxManifestBytes);
      verify_digest(body, d.digest, s_.text + ": " + blob_name(d.digest));
      return body;
    };
    if (s_.kind == SourceKind::OciArchive) {
      ResolvedImage r = resolve_layout(tar_.read_small("index.json", kMaxManifestBytes), s_.ref, platform, read, s_.text);
      if (r.pinned.empty()) r.pinned = "oci-archive:" + s_.path + "@" + r.index_digest.value_or(r.manifest_digest);
      return r;
    }
    return resolve_docker(read);
  }
  void stream_blob(const Descriptor& d, const std::function<void(Bytes)>& sink, const std::function<void()>&) override {
    const auto name = layer_names_.find(d.digest);
    const std::string entry = name != layer_names_.end() ? name->second : blob_name(d.digest);
    if (!tar_.read_entry(entry, sink)) fail(s_.text, "the archive has no '" + entry + "' (layer " + d.digest + ")");
  }

 private:
  static std::string blob_name(const std::string& digest) {
    const auto colon = digest.find(':');
    return "blobs/" + digest.substr(0, colon) + "/" + digest.substr(colon + 1);
  }

  // docker save: manifest.json [{"Config", "RepoTags", "Layers"}] (plumbing.md §1.4). Legacy
  // archives have no manifest, so the image is identified by its config digest and diff_ids.
  ResolvedImage resolve_docker(const BlobReader&) {
    const std::string where = s_.text + ": manifest.json";
    const Json list = parse_json(tar_.read_small("manifest.json", kMaxManifestBytes), where);
    if (!list.is_array() || list.empty()) fail(where, "expected a non-empty array");
    const Json* pick = nullptr;
    std::string tags;
    for (const Json& e : list) {
      if (!e.is_object() || !e.contains("Config") || !e["Config"].is_string() || !e.contains("Layers") ||
          !e["Layers"].is_array())
        fail(where, "an entry lacks Config or Layers");
      if (e.contains("RepoTags") && e["RepoTags"].is_array())
        for (const Json& t : e["RepoTags"]) {
          if (!t.is_string()) continue;
          tags += (tags.empty() ? "" : ", ") + t.get<std::string>();
          if (!pick && !s_.ref.empty() && parse_reference(t.get<std::string>()).str() == parse_reference(s_.ref).str())
            pick = &e;
        }
    }
    if (s_.ref.empty() && list.size() == 1) pick = &list[0];
    if (!pick)
      fail(where, (s_.ref.empty() ? std::string("several images; name one as :REF") : "no image tagged '" + s_.ref + "'") +
                      " (it has: " + (tags.empty() ? "no tags" : tags) + ")");
    ResolvedImage r;
    const std::string config_name = (*pick)["Config"];
    r.config_body = tar_.read_small(config_name, kMaxManifestBytes);
    r.config_digest = sha256_digest(r.config_body);
    std::string stem;
    clean_tar_path(config_name, stem);
    for (const std::string prefix : {"blobs/sha256/", ""}) {  // the name states the digest: check it
      std::string hex = stem.starts_with(prefix) ? stem.substr(prefix.size()) : "";
      if (hex.ends_with(".json")) hex.resize(hex.size() - 5);
      if (hex.size() == 64 && hex.find_first_not_of("0123456789abcdef") == std::string::npos)
        verify_digest(r.config_body, "sha256:" + hex, s_.text + ": " + config_name);
    }
    const ConfigBlob config = parse_config(r.config_body, s_.text + ": " + config_name);
    const Json& layers = (*pick)["Layers"];
    if (layers.size() != config.diff_ids.size())
      fail(where, std::to_string(layers.size()) + " layers but the config lists " + std::to_string(config.diff_ids.size()) + " diff_ids");
    for (std::size_t i = 0; i < layers.size(); ++i) {
      if (!layers[i].is_string()) fail(where, "Layers[" + std::to_string(i) + "] is not a string");
      const std::string name = layers[i];
      std::string clean;
      clean_tar_path(name, clean);
      Descriptor d;
      // Docker ≥ 25 names layers by blob digest; older archives hold uncompressed tars whose
      // blob digest is the diff_id.
      d.digest = clean.starts_with("blobs/sha256/") && clean.size() == 13 + 64 ? "sha256:" + clean.substr(13) : config.diff_ids[i];
      std::uint64_t size = 0;
      if (!tar_.read_entry(name, nullptr, &size)) fail(where, "layer '" + name + "' is not in the archive");
      d.size = size;
      layer_names_[d.digest] = name;
      r.layers.push_back(d);
    }
    r.manifest_media_type = "";
    return r;
  }

  Source s_;
  TarArchive tar_;
  std::map<std::string, std::string> layer_names_;
};

}  // namespace

std::unique_ptr<ImageSource> open_oci_layout(const Source& s) {
  if (s.kind == SourceKind::Dir) return std::make_unique<SkopeoDir>(s);
  return std::make_unique<OciLayout>(s);
}
std::unique_ptr<ImageSource> open_archive(const Source& s) { return std::make_unique<Archive>(s); }

}  // namespace coco::oci
