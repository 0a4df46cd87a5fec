// SPDX-License-Identifier: Apache-2.0
// The tarfs index (policy.md §3.5 step 2) on a hand-built tar whose expected index was worked
// out by hand from that description (no independent tarfs oracle runs here), and the tarfs verity
// root against veritysetup over tar + index.
#include <catch2/catch.hpp>

#include "oci/layer.h"
#include "oci/ustar_builder.h"
#include "oci/tarfs.h"
#include "support/support.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/file.h"

using namespace coco;

namespace {
using test::ustar_header;
void add(ByteVec& tar, const ByteVec& h, const std::string& data = "") {
  tar.insert(tar.end(), h.begin(), h.end());
  tar.insert(tar.end(), data.begin(), data.end());
  tar.resize((tar.size() + 511) / 512 * 512, 0);
}
ByteVec index_of(const ByteVec& tar, oci::TarfsVariant v) {
  oci::TarfsIndex idx(v);
  oci::TarfsReader reader("t", [&](const oci::TarfsEntry& e) { idx.add(e); });
  reader.update(tar);
  reader.finish();
  return idx.finish(tar.size());
}
ByteVec inode(std::uint16_t mode, std::uint8_t flags, std::uint64_t size, std::uint64_t offset) {
  ByteVec r;
  put_le<std::uint16_t>(r, mode);
  r.push_back(flags);
  r.push_back(0);                 // mtime >> 32
  put_le<std::uint32_t>(r, 0);    // uid
  put_le<std::uint32_t>(r, 0);    // gid
  put_le<std::uint32_t>(r, 0);    // mtime
  put_le<std::uint64_t>(r, size);
  put_le<std::uint64_t>(r, offset);
  return r;
}
ByteVec dirent(std::uint64_t ino, std::uint64_t name_off, std::uint64_t len, std::uint8_t type) {
  ByteVec r;
  put_le<std::uint64_t>(r, ino);
  put_le<std::uint64_t>(r, name_off);
  put_le<std::uint64_t>(r, len);
  r.push_back(type);
  r.resize(32, 0);
  return r;
}
}  // namespace

TEST_CASE("tarfs index of a hand-built tar, worked out from policy.md §3.5", "[oci][vector]") {
  ByteVec tar;
  add(tar, ustar_header("./", '5', 0));              // header 0: replaces the root
  add(tar, ustar_header("a", '0', 2), "hi");         // header 512, data 1024
  add(tar, ustar_header("d/", '5', 0));              // 1536
  add(tar, ustar_header("d/l", '2', 0, "a"));        // 2048: symlink, target in the header at 2048+157
  add(tar, ustar_header("d/h", '1', 0, "a"));        // 2560: hard link, shares a's inode
  add(tar, ustar_header(".wh.x", '0', 0));           // 3072: x becomes a char device 0/0
  add(tar, ustar_header("d/.wh..wh..opq", '0', 0));  // 3584: d is opaque
  tar.resize(tar.size() + 1024, 0);            // end marker: N = 5120
  REQUIRE(tar.size() == 5120);
  // BFS inodes: 1 root, 2 a, 3 d, 4 x, 5 l (h is inode 2 again). Dirents from 5120 + 5*32 = 5280:
  // root's three at 5280, d's two at 5376; names from S = 5440: "a" "d" "x" "h" "l" (L = 5);
  // E = roundup4096(5440 + 2*5) = 8192; the file ends at E + 4096 = 12288; superblock at 11776.
  ByteVec want;
  for (const ByteVec& r : {inode(040644, 0, 96, 5280), inode(0100644, 0, 2, 1024), inode(040644, 1, 64, 5376),
                           inode(020000, 0, 0, 0), inode(0120644, 0, 1, 2048 + 157),
                           dirent(2, 5440, 1, 8), dirent(3, 5441, 1, 4), dirent(4, 5442, 1, 2),
                           dirent(2, 5443, 1, 8), dirent(5, 5444, 1, 10)})
    append(want, r);
  append(want, as_bytes(std::string("adxhl")));
  want.resize(12288 - 5120, 0);
  store_le<std::uint64_t>(want, 11776 - 5120, 5120);
  store_le<std::uint64_t>(want, 11776 - 5120 + 8, 5);
  const ByteVec got = index_of(tar, oci::TarfsVariant::Upstream);
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (got[i] == want[i]) continue;
    FAIL_CHECK("index byte " << i << " (file offset " << 5120 + i << "): got " << int(got[i]) << ", want " << int(want[i]));
    break;
  }
  // No long symlinks here, so both variants agree.
  CHECK(index_of(tar, oci::TarfsVariant::Aks) == got);

  // The layer pipeline appends the same index and hashes tar + index like veritysetup does.
  if (!test::have_program("veritysetup")) {
    WARN("veritysetup missing: skipped");
    return;
  }
  test::TempDir dir;
  ByteVec image = tar;
  append(image, got);
  write_file_atomic(dir.file("img"), as_chars(image));
  const auto vs = test::run_program({"veritysetup", "format", "--no-superblock", "--format=1", "--hash=sha256",
                                     "--data-block-size=4096", "--hash-block-size=4096",
                                     "--salt=" + std::string(64, '0'), dir.file("img"), dir.file("hash")});
  REQUIRE(vs.exit_code == 0);
  oci::LayerJob job;
  job.media_type = "application/vnd.oci.image.layer.v1.tar";
  job.digest = "sha256:" + to_hex(digest(Algo::Sha256, tar));
  job.size = tar.size();
  job.verity = oci::VerityFlavour::Tarfs;
  job.name = "t";
  oci::LayerHasher h(job);
  h.update(tar);
  const auto r = h.finish();
  REQUIRE(r.hashes.tarfs_verity_root);
  CHECK_THAT(vs.out, Catch::Contains("Root hash:      \t" + *r.hashes.tarfs_verity_root) ||
                         Catch::Contains(*r.hashes.tarfs_verity_root));
}

TEST_CASE("tarfs: a long symlink target is skipped upstream and kept by the AKS variant", "[oci][vector]") {
  const std::string target(150, 't');
  const std::string pax_record = "164 linkpath=" + target + "\n";  // 3 + 1 + 9 + 150 + 1 = 164
  REQUIRE(pax_record.size() == 164);
  ByteVec tar;
  add(tar, ustar_header("PaxHeaders/s", 'x', pax_record.size()), pax_record);  // header 0, record 512..1024
  add(tar, ustar_header("s", '2', 0, "short"));                                // 1024
  tar.resize(tar.size() + 1024, 0);                                     // N = 2560
  // Upstream: only the root (no children): I = 1, no dirents, S = 2592, E = 4096.
  const ByteVec up = index_of(tar, oci::TarfsVariant::Upstream);
  REQUIRE(up.size() == 4096 + 4096 - 2560);
  CHECK(Reader(up, "up").le<std::uint64_t>(8) == 0);  // root size: no dirents
  // AKS: root + s. Dirent at 2560 + 64 = 2624; S = 2656 holds the target (150 bytes), the
  // names start at S' = 2806; E = roundup4096(2806 + 2*1 + 150) = 4096.
  const ByteVec aks = index_of(tar, oci::TarfsVariant::Aks);
  const Reader r(aks, "aks");
  CHECK(r.le<std::uint16_t>(32) == 0120644);
  CHECK(r.le<std::uint64_t>(32 + 16) == 150);   // size = target length
  CHECK(r.le<std::uint64_t>(32 + 24) == 2656);  // offset = S
  CHECK(r.le<std::uint64_t>(64 + 8) == 2806);   // the dirent's name offset = S'
  CHECK(as_chars(r.bytes(2656 - 2560, 150)) == target);
  CHECK(as_chars(r.bytes(2806 - 2560, 1)) == "s");
  CHECK(aks.size() == 4096 + 4096 - 2560);
  CHECK(r.le<std::uint64_t>(8192 - 512 - 2560) == 2560);
  CHECK(r.le<std::uint64_t>(8192 - 512 - 2560 + 8) == 2);
}

TEST_CASE("tarfs: a hard link to its own parent is an error, not a cycle", "[oci][hostile]") {
  // The node's breadth-first walk would never leave such a cycle: no root can be computed.
  for (const auto v : {oci::TarfsVariant::Upstream, oci::TarfsVariant::Aks}) {
    const auto index_with = [&](const std::vector<std::pair<std::string, std::string>>& links) {
      ByteVec tar;
      add(tar, ustar_header("a", '0', 2), "hi");
      add(tar, ustar_header("z", '0', 1), "z");
      for (const auto& [name, target] : links) add(tar, ustar_header(name, '1', 0, target));
      tar.resize(tar.size() + 1024, 0);
      return index_of(tar, v);
    };
    CHECK_THROWS_WITH(index_with({{"a/b", "a"}}), Catch::Contains("cycle") && Catch::Contains("'a/b'"));
    CHECK_THROWS_WITH(index_with({{"q", "a"}, {"q/x/y", "./a"}}), Catch::Contains("cycle"));
    // A different file's child is no cycle: root, a (= q = z/w), z.
    const ByteVec got = index_with({{"q", "a"}, {"z/w", "a"}});
    CHECK(Reader(got, "idx").le<std::uint64_t>(got.size() - 512 + 8) == 3);
  }
}

TEST_CASE("tarfs: a path nested 100,000 deep is indexed and freed without deep recursion", "[oci][hostile]") {
  std::string path;
  for (int i = 0; i < 100000; ++i) path += "d/";
  path += "f";
  const std::string record = " path=" + path + "\n";
  const std::string pax = std::to_string(record.size() + 6) + record;  // the length counts its own 6 digits
  REQUIRE(std::to_string(pax.size()).size() == 6);
  ByteVec tar;
  add(tar, ustar_header("PaxHeaders/f", 'x', pax.size()), pax);
  add(tar, ustar_header("f", '0', 1), "x");
  tar.resize(tar.size() + 1024, 0);
  const ByteVec got = index_of(tar, oci::TarfsVariant::Upstream);
  CHECK(Reader(got, "idx").le<std::uint64_t>(got.size() - 512 + 8) == 100002);
}
