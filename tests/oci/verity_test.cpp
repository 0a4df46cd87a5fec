// SPDX-License-Identifier: Apache-2.0
// dm-verity roots: policy.md §3.5 step 3 vectors, and veritysetup (cryptsetup-bin) on the same bytes.
#include <catch2/catch.hpp>
#include <random>

#include "oci/verity.h"
#include "support/support.h"
#include "util/encoding.h"
#include "util/file.h"

using coco::ByteVec;
using coco::oci::VerityTree;

namespace {
ByteVec pattern(std::size_t blocks) {  // data byte k = k mod 251
  ByteVec v(blocks * 4096);
  for (std::size_t k = 0; k < v.size(); ++k) v[k] = static_cast<std::uint8_t>(k % 251);
  return v;
}
std::string root_of(const ByteVec& data, std::size_t piece) {
  VerityTree t;
  for (std::size_t off = 0; off < data.size(); off += piece)
    t.update(coco::Bytes(data).subspan(off, std::min(piece, data.size() - off)));
  return coco::to_hex(t.finish());
}
std::string root_of_random_pieces(const ByteVec& data, unsigned seed) {  // 0 to 300 KiB each, and empty ones
  std::mt19937 rng(seed);
  VerityTree t;
  for (std::size_t off = 0; off < data.size();) {
    const std::size_t piece = std::min<std::size_t>(rng() % (300 * 1024), data.size() - off);
    t.update(coco::Bytes(data).subspan(off, piece));
    t.update(coco::Bytes{});  // empty, with a null pointer
    off += piece;
  }
  return coco::to_hex(t.finish());
}
std::string veritysetup_root(const std::string& data_path, const std::string& hash_path) {
  const auto r = coco::test::run_program({"veritysetup", "format", "--no-superblock", "--format=1", "--hash=sha256",
                                          "--data-block-size=4096", "--hash-block-size=4096",
                                          "--salt=" + std::string(64, '0'), data_path, hash_path});
  REQUIRE(r.exit_code == 0);
  const auto at = r.out.find("Root hash:");
  REQUIRE(at != std::string::npos);
  return r.out.substr(r.out.find_first_not_of(" \t", at + 10), 64);
}
}  // namespace

TEST_CASE("policy.md §3.5 verity vectors (byte k = k mod 251)", "[oci][vector]") {
  struct Row { std::size_t blocks; const char* root; };
  for (const Row& row : {Row{2, "1556a4eae5a733f51227dc4e90c5fa9b749a565b9f9fc381fa182248086a8717"},
                         Row{129, "a971469b9f357b484bf722edfac8b108ef508806a56865b468eb824742d9f058"},
                         Row{16385, "a11eb9634252f4acbc9d705dacaac8ed1b396facf8802639d0ced856d857c460"}}) {
    INFO("policy.md §3.5 vector n=" << row.blocks);
    const ByteVec data = pattern(row.blocks);
    CHECK(root_of(data, data.size()) == row.root);
    CHECK(root_of(data, 1000) == row.root);  // pieces that straddle blocks
    CHECK(root_of(data, 16 * 4096) == row.root);  // whole batches of leaves
    CHECK(root_of(data, 16 * 4096 + 4096 * 3 + 5) == row.root);  // whole batches, then a carry
    CHECK(root_of_random_pieces(data, static_cast<unsigned>(row.blocks)) == row.root);
  }
}

TEST_CASE("verity roots match veritysetup, tails zero-padded to a block", "[oci][vector]") {
  if (!coco::test::have_program("veritysetup")) { WARN("veritysetup (cryptsetup-bin) is not installed: skipped"); return; }
  coco::test::TempDir dir;
  std::mt19937 rng(7);
  // 1 block (no tree), level boundaries (128, 129, 16384, 16385) and tar-like sizes (10240 = 2.5 blocks).
  for (const std::size_t bytes : {std::size_t{4096}, std::size_t{10240}, std::size_t{128 * 4096},
                                  std::size_t{129 * 4096}, std::size_t{16384 * 4096}, std::size_t{16385 * 4096 + 512},
                                  std::size_t{3 * 4096 + 1}}) {
    ByteVec data(bytes);
    for (auto& b : data) b = static_cast<std::uint8_t>(rng());
    ByteVec padded = data;
    padded.resize((bytes + 4095) / 4096 * 4096, 0);
    coco::write_file_atomic(dir.file("data"), coco::as_chars(padded));
    INFO("size " << bytes);
    CHECK(root_of(data, 65536 + 17) == veritysetup_root(dir.file("data"), dir.file("hash")));
  }
}
