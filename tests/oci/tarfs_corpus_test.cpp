// SPDX-License-Identifier: Apache-2.0
// coco's tarfs verity roots against the node's own indexer on the edge-case corpus: the layers in
// testdata/tarfs/corpus (written by gen_corpus.py there) and the roots (or the refusal) that
// tardev-snapshotter's tarindex produced for them, upstream and AKS (expected.tsv; README.md says
// how they were made). Every layer goes through LayerHasher as `--verity tarfs/tarfs-aks` does.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "oci/layer.h"
#include "oci/media_types.h"
#include "support/support.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"

using namespace coco;

namespace {

const std::filesystem::path kDir = std::filesystem::path(COCO_SOURCE_DIR) / "testdata" / "tarfs";

struct Expected {
  std::string layer, profile, root;  // root: 64 hex digits, or "error…" when the node fails
};

std::vector<Expected> expected_roots() {
  std::vector<Expected> out;
  std::istringstream in(test::slurp(kDir / "expected.tsv"));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    REQUIRE(t2 != std::string::npos);
    out.push_back({line.substr(0, t1), line.substr(t1 + 1, t2 - t1 - 1), line.substr(t2 + 1)});
  }
  return out;
}

// The root as LayerHasher computes it, fed in pieces of `piece` bytes; "error: …" when it refuses.
std::string coco_root(const std::string& layer, oci::VerityFlavour flavour, const std::string& media_type,
                      std::size_t piece) {
  const std::string blob = test::slurp(kDir / "corpus" / layer);
  oci::LayerJob job;
  job.media_type = media_type;
  job.digest = "sha256:" + to_hex(digest(Algo::Sha256, as_bytes(blob)));
  job.size = blob.size();
  job.verity = flavour;
  job.name = layer;
  try {
    oci::LayerHasher h(job);
    const Bytes b = as_bytes(blob);
    for (std::size_t off = 0; off < b.size(); off += piece) h.update(b.subspan(off, std::min(piece, b.size() - off)));
    return h.finish().hashes.tarfs_verity_root.value_or("no root");
  } catch (const Error& e) {
    return std::string("error: ") + e.what();
  }
}

}  // namespace

TEST_CASE("tarfs roots equal the node's tarindex on every layer of the edge-case corpus", "[oci][tarfs][vector]") {
  const auto expected = expected_roots();
  REQUIRE(expected.size() == 412);  // 206 layers, two profiles each
  std::size_t matched = 0;
  for (const auto& e : expected) {
    const auto flavour = oci::parse_verity_flavour(e.profile);
    // Uneven pieces: headers and gzip members straddle the calls.
    const std::string got = coco_root(e.layer, flavour, oci::kOciLayerGzip, 777);
    const bool node_fails = e.root.starts_with("error");
    INFO(e.layer << " " << e.profile << ": node " << e.root << ", coco " << got);
    if (node_fails) CHECK(got.starts_with("error: "));
    else CHECK(got == e.root);
    matched += node_fails ? got.starts_with("error: ") : got == e.root;
  }
  CHECK(matched == expected.size());
}

TEST_CASE("tarfs-aks refuses layers the AKS snapshotter cannot index", "[oci][tarfs]") {
  const std::string layer = "plain-files.tar.gz";
  for (const char* media : {oci::kOciLayerZstd, oci::kOciLayer, oci::kOciLayerNondistGzip, ""}) {
    INFO(media);
    CHECK_THAT(coco_root(layer, oci::VerityFlavour::TarfsAks, media, 4096),
               Catch::StartsWith("error: ") && Catch::Contains("AKS tardev-snapshotter"));
  }
  // Both gzip media types are indexed; upstream takes whatever the layer hasher can read.
  const std::string root = coco_root(layer, oci::VerityFlavour::TarfsAks, oci::kDockerLayerGzip, 4096);
  CHECK(root.size() == 64);
  CHECK(coco_root(layer, oci::VerityFlavour::TarfsAks, oci::kOciLayerGzip, 4096) == root);
}

TEST_CASE("tarfs modes read /etc/passwd as the node's reader sees the layer", "[oci][tarfs]") {
  const auto hash = [](const std::string& layer, oci::VerityFlavour flavour) {
    const std::string blob = test::slurp(kDir / "corpus" / layer);
    oci::LayerJob job;
    job.media_type = oci::kOciLayerGzip;
    job.digest = "sha256:" + to_hex(digest(Algo::Sha256, as_bytes(blob)));
    job.size = blob.size();
    job.verity = flavour;
    job.name = layer;
    oci::LayerHasher h(job);
    h.update(as_bytes(blob));
    return h.finish();
  };
  for (const auto flavour : {oci::VerityFlavour::None, oci::VerityFlavour::Tarfs, oci::VerityFlavour::TarfsAks}) {
    const auto r = hash("plain-files.tar.gz", flavour);
    CHECK(r.etc_passwd.state == oci::LayerFile::State::Present);
    CHECK(r.etc_passwd.content == "root:x:0:0::/root:/bin/sh\n");
    CHECK(r.etc_group.state == oci::LayerFile::State::Untouched);
  }
  // A name above the root is refused by the Go-style walk and skipped by the node's reader.
  CHECK_THROWS_WITH(hash("name-escapes-root.tar.gz", oci::VerityFlavour::None), Catch::Contains("path traversal"));
  CHECK(hash("name-escapes-root.tar.gz", oci::VerityFlavour::Tarfs).hashes.tarfs_verity_root);
}
