// SPDX-License-Identifier: Apache-2.0
#include "oci/layer.h"

#include <exception>
#include <unordered_set>
#include <utility>

#include "oci/hash_worker.h"
#include "oci/media_types.h"
#include "oci/tar_stream.h"
#include "oci/tarfs.h"
#include "oci/verity.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"

namespace coco::oci {

std::string verity_flavour_name(VerityFlavour v) {
  switch (v) {
    case VerityFlavour::None: return "none";
    case VerityFlavour::Tar: return "tar";
    case VerityFlavour::Tarfs: return "tarfs";
    case VerityFlavour::TarfsAks: return "tarfs-aks";
  }
  return "?";
}

VerityFlavour parse_verity_flavour(const std::string& name) {
  for (VerityFlavour v : {VerityFlavour::None, VerityFlavour::Tar, VerityFlavour::Tarfs, VerityFlavour::TarfsAks})
    if (verity_flavour_name(v) == name) return v;
  usage_error("unknown --verity flavour '" + name + "' (none, tar, tarfs, tarfs-aks)");
}

std::optional<Compression> layer_compression(const std::string& media_type, const std::string& where) {
  if (media_type.empty()) return std::nullopt;  // sniff
  if (media_type.ends_with("+encrypted"))
    fail(where, "layer media type " + media_type + " is encrypted (ocicrypt): its diff_id and verity root need the key");
  if (media_type == kOciLayer || media_type == kOciLayerNondist) return Compression::None;
  if (media_type == kOciLayerGzip || media_type == kDockerLayerGzip || media_type == kOciLayerNondistGzip ||
      media_type == kDockerLayerForeignGzip)
    return Compression::Gzip;
  if (media_type == kOciLayerZstd || media_type == kOciLayerNondistZstd) return Compression::Zstd;
  fail(where, "unknown layer media type '" + media_type + "'");
}

namespace {

// The algorithm of a layer's "algorithm:hex" digest (the hex is compared as text at the end).
Algo digest_algo_or_fail(const std::string& d, const std::string& where) {
  const auto colon = d.find(':');
  if (colon == std::string::npos) fail(where, "'" + d + "' is not a digest (algorithm:hex)");
  const std::string alg = d.substr(0, colon);
  if (alg != "sha256" && alg != "sha512") fail(where, "digest algorithm '" + alg + "' is not supported (sha256, sha512)");
  return parse_algo(alg);
}

const char* const kEtcPasswd = "etc/passwd";
const char* const kEtcGroup = "etc/group";

}  // namespace

struct LayerHasher::Impl {
  LayerJob job;
  Algo blob_algo;
  Hasher blob;
  Hasher diff{Algo::Sha256};
  std::optional<VerityTree> tar_verity;
  // --verity tarfs/tarfs-aks: the node's view of the layer (first gzip member, Rust tar reader),
  // which also supplies /etc/passwd and /etc/group then; the Go-style walk is not run.
  std::optional<TarfsLayer> tarfs;
  std::unique_ptr<Decompressor> decompressor;
  std::optional<Compression> compression;
  ByteVec head;  // first bytes, kept only until the compression is known
  std::uint64_t blob_bytes = 0;
  TarStream tar;
  LayerFile passwd, group;
  LayerFile* capturing = nullptr;
  std::unordered_set<std::string> files;  // regular files so far, for hard-link targets
  // A decoding error waits until the blob digest is known: bytes that are not the blob the
  // manifest names are reported as a digest mismatch, not as whatever they fail to decode as.
  std::exception_ptr decode_error;
  std::unique_ptr<HashWorker> worker;  // last: it stops before the hashes it feeds go away

  void decode(Bytes b) {
    if (decode_error) return;
    try {
      decompressor->update(b);
    } catch (const Error&) {
      decode_error = std::current_exception();
    }
  }

  explicit Impl(LayerJob j)
      : job(std::move(j)),
        blob_algo(digest_algo_or_fail(job.digest, job.name)),
        blob(blob_algo),
        tar(job.name + ": uncompressed tar",
            [this](const TarEntry& e) { return on_entry(e); },
            [this](const TarEntry&, Bytes data) { on_data(data); }) {
    compression = layer_compression(job.media_type, job.name);
    if (job.verity == VerityFlavour::Tar) tar_verity.emplace();
    if (job.verity == VerityFlavour::TarfsAks && job.media_type != kOciLayerGzip && job.media_type != kDockerLayerGzip)
      fail(job.name, "layer media type '" + job.media_type + "' cannot be indexed by the AKS tardev-snapshotter (it reads " +
                         kOciLayerGzip + " and " + kDockerLayerGzip + " only): no tarfs-aks root");
    if (job.verity == VerityFlavour::Tarfs || job.verity == VerityFlavour::TarfsAks)
      tarfs.emplace(job.name + ": uncompressed tar",
                    job.verity == VerityFlavour::TarfsAks ? TarfsVariant::Aks : TarfsVariant::Upstream,
                    [this](const TarfsEntry& e) { on_tarfs_entry(e); }, [this](Bytes data) { on_data(data); });
    if (job.pipeline) worker = std::make_unique<HashWorker>([this](Bytes b) { hash_tar_bytes(b); });
    if (compression) start();
  }

  void start() {
    decompressor = std::make_unique<Decompressor>(
        *compression, job.name, [this](Bytes b) { on_tar_bytes(b); }, job.max_uncompressed);
  }

  void hash_tar_bytes(Bytes b) {
    diff.update(b);
    if (tar_verity) tar_verity->update(b);
  }

  void on_tar_bytes(Bytes b) {
    if (worker) worker->push(b);
    else hash_tar_bytes(b);
    // The node's flate2 GzDecoder stops after the first gzip member.
    if (tarfs) {
      if (decompressor->gzip_members_done() == 0) tarfs->update(b);
    } else {
      tar.update(b);
    }
  }

  // OCI image-spec layer.md: whiteouts (.wh.<name>) and opaque markers (.wh..wh..opq) hide the
  // layers below; within one layer a real file wins over a whiteout of the same path.
  static void remove(LayerFile& f) {
    if (f.state == LayerFile::State::Untouched) f.state = LayerFile::State::Removed;
  }

  bool on_entry(const TarEntry& e) {
    std::string path;
    if (!clean_tar_path(e.path, path))
      fail(job.name, "tar entry at offset " + hex_number(e.header_offset) + " names '" + e.path +
                         "', which climbs out of the root (path traversal)");
    const bool regular = e.type == '0' || e.type == '7';
    if (e.type == '1') {
      std::string target;
      if (!clean_tar_path(e.linkname, target) || !files.count(target))
        fail(job.name, "hard link '" + e.path + "' at offset " + hex_number(e.header_offset) + " points to '" +
                           e.linkname + "', which is not an earlier file of this layer");
    }
    if (regular || e.type == '1') files.insert(path);
    return track(path, e.type, regular, e.size);
  }

  // The node's reader: what it skips (names above the root, unparsable modes) is not in the
  // container's root file system either.
  void on_tarfs_entry(const TarfsEntry& e) {
    std::string path;
    capturing = nullptr;
    if (!e.mode || !clean_tar_path(e.path, path)) return;
    track(path, e.type, e.type == '0' || e.type == '\0', e.size);
  }

  bool track(const std::string& path, char type, bool regular, std::uint64_t size) {
    capturing = nullptr;
    for (auto [name, file] : {std::pair{kEtcPasswd, &passwd}, std::pair{kEtcGroup, &group}}) {
      const std::string base = std::string(name).substr(4);  // "passwd" / "group"
      if (path == name) {
        if (regular) {
          if (size > kMaxEtcFile)
            fail(job.name, "/" + std::string(name) + " is " + std::to_string(size) + " bytes (limit " +
                               std::to_string(kMaxEtcFile) + ")");
          file->state = LayerFile::State::Present;
          file->content.clear();
          capturing = file;
        } else {
          file->state = LayerFile::State::Removed;  // a link, directory or device: no readable file
          file->content.clear();
        }
      } else if (path == "etc/.wh." + base || path == "etc/.wh..wh..opq" || path == ".wh.etc" ||
                 path == ".wh..wh..opq" || (path == "etc" && type != '5')) {
        remove(*file);
      }
    }
    return capturing != nullptr;
  }

  void on_data(Bytes data) {
    if (capturing) capturing->content.append(as_chars(data));
  }
};

LayerHasher::LayerHasher(LayerJob job) : impl_(std::make_unique<Impl>(std::move(job))) {}
LayerHasher::~LayerHasher() = default;

void LayerHasher::update(Bytes b) {
  Impl& m = *impl_;
  if (b.size() > m.job.size - m.blob_bytes)  // never m.blob_bytes + size: it can wrap
    fail(m.job.name, "blob is longer than the " + std::to_string(m.job.size) + " bytes its descriptor declares");
  m.blob_bytes += b.size();
  m.blob.update(b);
  if (!m.decompressor) {  // sniffing: wait for the magic bytes
    m.head.insert(m.head.end(), b.begin(), b.end());
    if (m.head.size() < 4) return;
    m.compression = sniff_compression(m.head);
    m.start();
    const ByteVec head = std::move(m.head);
    m.decode(head);
    return;
  }
  m.decode(b);
}

LayerResult LayerHasher::finish() {
  Impl& m = *impl_;
  if (m.blob_bytes != m.job.size)
    fail(m.job.name, "blob has " + std::to_string(m.blob_bytes) + " bytes, its descriptor declares " +
                         std::to_string(m.job.size) + " (truncated)");
  const std::string got = algo_name(m.blob_algo) + ":" + to_hex(m.blob.finish());
  if (got != m.job.digest) fail(m.job.name, "blob digest mismatch: expected " + m.job.digest + ", got " + got);
  if (!m.decompressor) {  // fewer than 4 bytes in all
    m.compression = sniff_compression(m.head);
    m.start();
    m.decode(m.head);
  }
  if (m.decode_error) std::rethrow_exception(m.decode_error);
  m.decompressor->finish();
  if (!m.tarfs) m.tar.finish();
  if (m.worker) m.worker->finish();
  LayerResult r;
  LayerHashes& h = r.hashes;
  h.media_type = m.job.media_type;
  h.digest = m.job.digest;
  h.size = m.blob_bytes;
  h.diff_id = "sha256:" + to_hex(m.diff.finish());
  h.uncompressed_size = m.decompressor->out_bytes();
  if (m.tar_verity) h.verity_root = to_hex(m.tar_verity->finish());
  if (m.tarfs) h.tarfs_verity_root = m.tarfs->finish();
  r.etc_passwd = std::move(m.passwd);
  r.etc_group = std::move(m.group);
  return r;
}

}  // namespace coco::oci
