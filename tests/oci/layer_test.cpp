// SPDX-License-Identifier: Apache-2.0
// The layer pipeline on hand-built and mutated inputs: tar headers (ustar, pax, GNU), gzip
// members, whiteouts, and the hostile cases (truncation, bombs, garbage sizes, path traversal,
// dangling hard links, random mutations). Expected names come from Python's tarfile.
#include <catch2/catch.hpp>
#include <zlib.h>

#include <random>

#include "oci/fixture.h"
#include "oci/ustar_builder.h"
#include "oci/layer.h"
#include "oci/tar_stream.h"
#include "support/support.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"

using namespace coco;
using oci::LayerFile;

namespace {

// One ustar header (+ data, padded): enough to build the hostile cases byte by byte.
ByteVec tar_entry(const std::string& name, char type, const std::string& data, const std::string& link = "",
                  const std::string& size_field = "") {
  ByteVec out = test::ustar_header(name, type, data.size(), link, size_field);
  out.insert(out.end(), data.begin(), data.end());
  out.resize((out.size() + 511) / 512 * 512, 0);
  return out;
}
ByteVec tar_of(std::initializer_list<ByteVec> entries) {
  ByteVec out;
  for (const auto& e : entries) out.insert(out.end(), e.begin(), e.end());
  out.resize(out.size() + 1024, 0);
  return out;
}
ByteVec gzip(Bytes data, int level = 6) {
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  ByteVec out(deflateBound(&z, data.size()) + 64);
  z.next_in = const_cast<Bytef*>(data.data());
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}
std::string sha(Bytes b) { return "sha256:" + to_hex(digest(Algo::Sha256, b)); }

oci::LayerResult hash_layer(Bytes blob, const std::string& media_type, std::size_t piece = 4096,
                            std::uint64_t limit = std::uint64_t{1} << 30) {
  oci::LayerJob job;
  job.media_type = media_type;
  job.digest = sha(blob);
  job.size = blob.size();
  job.max_uncompressed = limit;
  job.name = "test-layer";
  oci::LayerHasher h(job);
  for (std::size_t off = 0; off < blob.size(); off += piece) h.update(blob.subspan(off, std::min(piece, blob.size() - off)));
  return h.finish();
}
const char* const kTar = "application/vnd.oci.image.layer.v1.tar";
const char* const kGzip = "application/vnd.oci.image.layer.v1.tar+gzip";

}  // namespace

TEST_CASE("tar stream: pax and GNU long names, hard links, offsets, in pieces of any size", "[oci]") {
  for (const char* layer : {"l0", "l1", "l2"}) {
    const std::string path = test::oci_images() + "/layers/" + layer + ".tar";
    const auto expected = test::run_program(
        {"python3", "-c", "import sys,tarfile\nfor m in tarfile.open(sys.argv[1]): print(m.name, m.type.decode(), m.size, m.offset_data)", path});
    REQUIRE(expected.exit_code == 0);
    const ByteVec tar = read_binary_file(path);
    for (std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{512}, std::size_t{100000}}) {
      std::string got;
      oci::TarStream ts("t", [&](const oci::TarEntry& e) {
        std::string name = e.path;  // Python's tarfile drops a directory's trailing '/'
        if (name.size() > 1 && name.back() == '/') name.pop_back();
        got += name + " " + std::string(1, e.type) + " " + std::to_string(e.size) + " " + std::to_string(e.data_offset) + "\n";
        return false;
      });
      for (std::size_t off = 0; off < tar.size(); off += piece)
        ts.update(Bytes(tar).subspan(off, std::min(piece, tar.size() - off)));
      ts.finish();
      INFO(layer << " in pieces of " << piece);
      CHECK(got == expected.out);
      CHECK(ts.saw_end());
    }
  }
}

TEST_CASE("layer: diff_id and etc files of a multi-member gzip", "[oci]") {
  const ByteVec tar = tar_of({tar_entry("etc/", '5', ""), tar_entry("etc/passwd", '0', "root:x:0:0::/:/bin/sh\n"),
                              tar_entry("etc/.wh.group", '0', "")});
  ByteVec blob = gzip(Bytes(tar).first(1024));  // two gzip members, as eStargz writes
  const ByteVec second = gzip(Bytes(tar).subspan(1024));
  blob.insert(blob.end(), second.begin(), second.end());
  const auto r = hash_layer(blob, kGzip, 13);
  CHECK(r.hashes.diff_id == sha(tar));
  CHECK(r.hashes.uncompressed_size == tar.size());
  CHECK(r.hashes.digest == sha(blob));
  CHECK(r.etc_passwd.state == LayerFile::State::Present);
  CHECK(r.etc_passwd.content == "root:x:0:0::/:/bin/sh\n");
  CHECK(r.etc_group.state == LayerFile::State::Removed);
  // Sniffed (legacy docker save gives no media type).
  CHECK(hash_layer(blob, "").hashes.diff_id == sha(tar));
  CHECK(hash_layer(tar, "").hashes.diff_id == sha(tar));
}

TEST_CASE("layer: whiteouts and a real file in the same layer", "[oci]") {
  // OCI layer.md: a whiteout hides lower layers only; a file in the same layer stays.
  const ByteVec tar = tar_of({tar_entry("etc/.wh..wh..opq", '0', ""), tar_entry("etc/group", '0', "g:x:1:\n")});
  const auto r = hash_layer(tar, kTar);
  CHECK(r.etc_group.state == LayerFile::State::Present);
  CHECK(r.etc_passwd.state == LayerFile::State::Removed);
  const auto link = hash_layer(tar_of({tar_entry("etc/passwd", '2', "", "/elsewhere")}), kTar);
  CHECK(link.etc_passwd.state == LayerFile::State::Removed);  // a symlink is no readable file
  CHECK(hash_layer(tar_of({tar_entry("./opt/x", '0', "x")}), kTar).etc_passwd.state == LayerFile::State::Untouched);
}

TEST_CASE("layer: hostile tars and streams give clear errors", "[oci][hostile]") {
  struct Case { const char* what; ByteVec blob; const char* media; const char* error; };
  ByteVec bad_checksum = tar_of({tar_entry("a", '0', "x")});
  bad_checksum[0] = 'b';
  ByteVec huge_size = tar_of({tar_entry("a", '0', "x")});
  const Case cases[] = {
      {"garbage size field", tar_of({tar_entry("a", '0', "x", "", "zzzzzzzzzzz")}), kTar, "size field is malformed"},
      {"size beyond the stream", tar_of({tar_entry("a", '0', "x", "", "77777777777")}), kTar, "bytes missing (truncated)"},
      {"checksum", bad_checksum, kTar, "offset 0x0: tar header checksum mismatch"},
      {"path traversal", tar_of({tar_entry("../../etc/shadow", '0', "x")}), kTar, "climbs out of the root"},
      {"dangling hard link", tar_of({tar_entry("bin/sh", '1', "", "bin/busybox")}), kTar, "not an earlier file of this layer"},
      {"not gzip", tar_of({tar_entry("a", '0', "x")}), kGzip, "gzip data is corrupt"},
      {"encrypted", tar_of({}), "application/vnd.oci.image.layer.v1.tar+gzip+encrypted", "encrypted (ocicrypt)"},
      {"unknown type", tar_of({}), "application/x-unknown", "unknown layer media type"},
      {"big /etc/passwd", tar_of({tar_entry("etc/passwd", '0', std::string(oci::kMaxEtcFile + 1, 'x'))}), kTar, "/etc/passwd is"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    CHECK_THROWS_WITH(hash_layer(c.blob, c.media), Catch::Contains(c.error) && Catch::StartsWith("test-layer"));
  }
  // A pax record may not be unbounded.
  const ByteVec pax = tar_of({tar_entry("p", 'x', std::string(oci::kMaxMetaRecord + 1, 'a'))});
  CHECK_THROWS_WITH(hash_layer(pax, kTar), Catch::Contains("exceeds the"));
  // The blob bytes are checked first: wrong bytes are a digest mismatch, whatever they decode to.
  oci::LayerJob job;
  job.media_type = kGzip;
  job.digest = sha(as_bytes(std::string("something else")));
  job.size = 4;
  job.name = "L";
  oci::LayerHasher h(job);
  h.update(as_bytes(std::string("junk")));
  CHECK_THROWS_WITH(h.finish(), Catch::Contains("blob digest mismatch"));
  oci::LayerHasher longer(job);
  CHECK_THROWS_WITH(longer.update(as_bytes(std::string("junk!"))), Catch::Contains("longer than the 4 bytes"));
}

TEST_CASE("layer: a decompression bomb stops at the limit", "[oci][hostile]") {
  const ByteVec zeros(64 << 20, 0);  // 64 MiB of zeros: ~64 KiB of gzip
  const ByteVec blob = gzip(zeros, 9);
  CHECK(blob.size() < zeros.size() / 500);
  CHECK_THROWS_WITH(hash_layer(blob, kGzip, 65536, 8 << 20),
                    Catch::Contains("exceeds the limit of 8388608 bytes") && Catch::Contains("--max-layer-size"));
}

TEST_CASE("layer: every truncation of a gzip layer fails", "[oci][hostile]") {
  // Layer 1 of the v1 image, found through its manifest by Python.
  const auto layer = test::run_program(
      {"python3", "-c",
       "import json,sys; d=sys.argv[1]+'/blobs/sha256/'; i=json.load(open(sys.argv[1]+'/index.json'));"
       "m=json.load(open(d+i['manifests'][0]['digest'][7:])); print(d+m['layers'][1]['digest'][7:])",
       test::oci_images() + "/layout"});
  REQUIRE(layer.exit_code == 0);
  const ByteVec blob = read_binary_file(layer.out.substr(0, layer.out.size() - 1));
  REQUIRE(blob.size() > 100);
  CHECK(hash_layer(blob, kGzip).hashes.diff_id == "sha256:" + test::sha256sum(test::oci_images() + "/layers/l1.tar"));
  for (std::size_t n = 0; n < blob.size(); ++n) {
    INFO("cut at " << n);
    CHECK_THROWS_WITH(hash_layer(Bytes(blob).first(n), kGzip), Catch::Contains("truncated") || Catch::Contains("corrupt"));
  }
}

TEST_CASE("layer: random mutations of gzip and tar layers never crash", "[oci][hostile]") {
  const ByteVec tar = read_binary_file(test::oci_images() + "/layers/l0.tar");
  const ByteVec gz = gzip(tar);
  std::mt19937 rng(20261127);
  int ok = 0, failed = 0;
  for (int i = 0; i < 3000; ++i) {
    ByteVec m = (i % 2) ? tar : gz;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) m[rng() % m.size()] = static_cast<std::uint8_t>(rng());
    if (rng() % 8 == 0) m.resize(rng() % m.size());
    try {
      hash_layer(m, (i % 2) ? kTar : kGzip, 1 + rng() % 9000);
      ++ok;
    } catch (const Error& e) {
      CHECK(std::string(e.what()).rfind("test-layer", 0) == 0);
      ++failed;
    }
  }
  CHECK(ok + failed == 3000);
  CHECK(failed > 0);
}

TEST_CASE("layer: hashing on a second thread gives the same diff_id and verity roots", "[oci][pipeline]") {
  for (const char* name : {"l0", "l1", "l2"}) {
    const ByteVec tar = read_binary_file(test::oci_images() + "/layers/" + name + ".tar", 256 << 20);
    // Bigger than the worker's ring (8 × 256 KiB), so the inflating thread waits for it at times.
    ByteVec big = tar;
    while (big.size() < (5 << 20)) big.insert(big.end() - 1024, tar.begin(), tar.end() - 1024);
    const ByteVec blob = gzip(big);
    for (const auto verity : {oci::VerityFlavour::Tar, oci::VerityFlavour::Tarfs}) {
      const auto run = [&](bool pipeline, std::size_t piece) {
        oci::LayerJob job;
        job.media_type = kGzip;
        job.digest = sha(blob);
        job.size = blob.size();
        job.verity = verity;
        job.name = name;
        job.pipeline = pipeline;
        oci::LayerHasher h(job);
        for (std::size_t off = 0; off < blob.size(); off += piece) h.update(Bytes(blob).subspan(off, std::min(piece, blob.size() - off)));
        return h.finish().hashes;
      };
      const auto one = run(false, 1 << 20), two = run(true, 1 << 20), small = run(true, 777);
      CHECK(one.diff_id == sha(big));
      for (const auto& h : {two, small}) {
        CHECK(h.diff_id == one.diff_id);
        CHECK(h.uncompressed_size == big.size());
        CHECK(h.verity_root == one.verity_root);
        CHECK(h.tarfs_verity_root == one.tarfs_verity_root);
      }
    }
  }
  // A layer that fails half-way stops its hashing thread cleanly (no hang, no leak under ASan).
  const ByteVec tar = read_binary_file(test::oci_images() + "/layers/l1.tar", 256 << 20);
  ByteVec blob = gzip(tar);
  blob.resize(blob.size() / 2);
  oci::LayerJob job;
  job.media_type = kGzip;
  job.digest = sha(blob);
  job.size = blob.size();
  job.verity = oci::VerityFlavour::Tar;
  job.name = "cut";
  job.pipeline = true;
  oci::LayerHasher h(job);
  h.update(blob);
  CHECK_THROWS_WITH(h.finish(), Catch::Contains("truncated"));
}
