// SPDX-License-Identifier: Apache-2.0
// isa-l and zlib side by side: every gzip stream here goes through both backends, in pieces of
// several sizes, and both must give the same bytes (digest and size) or both refuse it the same
// way ("truncated" or "corrupt"). The streams: the test images' real layer blobs, members with
// every optional header field, multi-member streams, trailing garbage, and broken checksums.
#include <catch2/catch.hpp>
#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <memory>
#include <random>

#include "oci/decompress.h"
#include "oci/fixture.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"

using namespace coco;
using oci::Compression;
using oci::GzipBackend;

namespace {

ByteVec deflate_raw(Bytes data, int level) {
  z_stream z{};
  deflateInit2(&z, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
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

// One gzip member (RFC 1952) built by hand, so the optional header fields can be chosen.
struct Member {
  bool extra = false, name = false, comment = false, header_crc = false;
  std::uint8_t reserved_flags = 0;
  int level = 6;
};
ByteVec gzip_member(Bytes data, const Member& m = {}) {
  ByteVec out = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
  out[3] = static_cast<std::uint8_t>((m.header_crc ? 2 : 0) | (m.extra ? 4 : 0) | (m.name ? 8 : 0) |
                                     (m.comment ? 16 : 0) | m.reserved_flags);
  if (m.extra) append(out, Bytes(std::initializer_list<std::uint8_t>{6, 0, 'A', 'B', 2, 0, 'x', 'y'}));
  if (m.name) append(out, as_bytes(std::string_view("layer.tar\0", 10)));
  if (m.comment) append(out, as_bytes(std::string_view("made by hand\0", 13)));
  if (m.header_crc) {
    const auto crc = static_cast<std::uint32_t>(crc32(0, out.data(), static_cast<uInt>(out.size())));
    put_le(out, static_cast<std::uint16_t>(crc & 0xffff));
  }
  append(out, deflate_raw(data, m.level));
  put_le(out, static_cast<std::uint32_t>(crc32(0, data.data(), static_cast<uInt>(data.size()))));
  put_le(out, static_cast<std::uint32_t>(data.size()));
  return out;
}

// What one backend made of a stream: the digest and size of the output, or the kind of error.
struct Outcome {
  std::string result;
  std::string message;
};
Outcome run(GzipBackend backend, Bytes blob, std::size_t piece) {
  Hasher h(Algo::Sha256);
  oci::Decompressor d(Compression::Gzip, "blob", [&](Bytes b) { h.update(b); }, std::uint64_t{1} << 32, backend);
  try {
    for (std::size_t off = 0; off < blob.size(); off += piece) d.update(blob.subspan(off, std::min(piece, blob.size() - off)));
    d.finish();
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.find("truncated") != std::string::npos) return {"error: truncated", what};
    if (what.find("corrupt") != std::string::npos) return {"error: corrupt", what};
    return {"error: other", what};
  }
  return {to_hex(h.finish()) + " " + std::to_string(d.out_bytes()), ""};
}

// Both backends, three piece sizes: one outcome for all six runs. Returns it.
std::string same_outcome(Bytes blob) {
  const std::string expected = run(GzipBackend::Zlib, blob, 1 << 20).result;
  for (const std::size_t piece : {std::size_t{1} << 20, std::size_t{4093}, std::size_t{7}}) {
    if (piece == 7 && blob.size() > (1 << 20)) continue;  // byte-sized pieces only for small streams
    for (const GzipBackend b : {GzipBackend::Zlib, GzipBackend::Isal}) {
      if (!oci::gzip_backend_available(b)) continue;
      const Outcome o = run(b, blob, piece);
      INFO(oci::gzip_backend_name(b) << " in pieces of " << piece << ": " << o.message);
      CHECK(o.result == expected);
    }
  }
  return expected;
}

// Text-like data that compresses the way layers do, with long matches and literals.
ByteVec sample_data(std::size_t size, unsigned seed) {
  std::mt19937 rng(seed);
  ByteVec out;
  const std::string words[] = {"usr/lib/", "x86_64-linux-gnu", "\0\0\0\0", "libfoo.so.1 ", "#include <", "0644 root "};
  while (out.size() < size) {
    if (rng() % 4 == 0) out.push_back(static_cast<std::uint8_t>(rng()));
    else append(out, as_bytes(words[rng() % std::size(words)]));
  }
  out.resize(size);
  return out;
}

}  // namespace

TEST_CASE("decompress: the gzip backend in use is named", "[oci][decompress]") {
  CHECK(oci::gzip_backend_available(GzipBackend::Zlib));
  CHECK(oci::gzip_backend_available(GzipBackend::Auto));
  CHECK(oci::gzip_backend_name(GzipBackend::Auto) ==
        (oci::gzip_backend_available(GzipBackend::Isal) ? "isa-l" : "zlib"));
  if (!oci::gzip_backend_available(GzipBackend::Isal)) {
    WARN("built without isa-l: only zlib is compared with itself");
    CHECK_THROWS_WITH(oci::Decompressor(Compression::Gzip, "x", [](Bytes) {}, 1, GzipBackend::Isal),
                      Catch::Contains("without isa-l"));
  }
}

TEST_CASE("decompress: isa-l and zlib agree on members with every header field", "[oci][decompress]") {
  const ByteVec data = sample_data(3 << 20, 1);
  const std::string whole = to_hex(digest(Algo::Sha256, data)) + " " + std::to_string(data.size());
  for (const Member& m : {Member{}, Member{true, true, true, true}, Member{false, true, false, false},
                          Member{true, false, true, false, 0, 1}, Member{false, false, false, true, 0, 9},
                          Member{false, false, false, false, 0, 0}}) {
    CHECK(same_outcome(gzip_member(data, m)) == whole);
  }
  const ByteVec empty;
  CHECK(same_outcome(gzip_member(empty)) == to_hex(digest(Algo::Sha256, empty)) + " 0");
  // A stored (level 0) member and one that is all zeros (long runs, the bomb shape).
  CHECK(same_outcome(gzip_member(data, Member{false, false, false, false, 0, 0})) == whole);
  const ByteVec zeros(5 << 20, 0);
  CHECK(same_outcome(gzip_member(zeros, Member{false, false, false, false, 0, 9})) ==
        to_hex(digest(Algo::Sha256, zeros)) + " " + std::to_string(zeros.size()));
}

TEST_CASE("decompress: isa-l and zlib agree on multi-member streams and trailing bytes", "[oci][decompress]") {
  const ByteVec a = sample_data(700 << 10, 2), b = sample_data(1 << 20, 3);
  ByteVec ab = a;
  append(ab, b);
  ByteVec two = gzip_member(a);
  append(two, gzip_member(b, Member{false, true, false, false}));
  const std::string both = to_hex(digest(Algo::Sha256, ab)) + " " + std::to_string(ab.size());
  CHECK(same_outcome(two) == both);
  ByteVec with_empty = gzip_member(a);  // an empty member between two (eStargz ends with one)
  append(with_empty, gzip_member(ByteVec{}));
  append(with_empty, gzip_member(b));
  CHECK(same_outcome(with_empty) == both);

  // Whatever follows a member is read as the next member: garbage, zeros and a lone magic are refused.
  const std::vector<std::pair<std::string, ByteVec>> tails = {
      {"zeros", ByteVec(512, 0)},       {"one zero", ByteVec{0}},
      {"text", ByteVec{'h', 'e', 'l', 'l', 'o'}}, {"magic only", ByteVec{0x1f, 0x8b}},
      {"header only", ByteVec{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3}},
      {"bad method", ByteVec{0x1f, 0x8b, 7, 0, 0, 0, 0, 0, 0, 3, 1, 0, 0, 0xff, 0xff}},
  };
  for (const auto& [name, tail] : tails) {
    INFO("trailing " << name);
    ByteVec blob = two;
    append(blob, tail);
    CHECK(same_outcome(blob).starts_with("error: "));
  }
}

TEST_CASE("decompress: isa-l and zlib refuse broken checksums and every truncation alike", "[oci][decompress]") {
  const ByteVec data = sample_data(300 << 10, 4);
  const ByteVec good = gzip_member(data, Member{true, true, true, true});
  const auto broken = [&](std::size_t from_end) {
    ByteVec b = good;
    b[b.size() - from_end] ^= 0x40;
    return b;
  };
  CHECK(same_outcome(broken(8)) == "error: corrupt");  // CRC-32
  CHECK(same_outcome(broken(4)) == "error: corrupt");  // ISIZE
  ByteVec header = good;
  header[30] ^= 1;  // inside the comment: the header CRC no longer matches
  CHECK(same_outcome(header) == "error: corrupt");
  CHECK(same_outcome(gzip_member(data, Member{false, false, false, false, 0x20})) == "error: corrupt");  // reserved flag
  ByteVec body = good;
  body[body.size() / 2] ^= 0x10;  // a flipped bit in the deflate data: refused, one way or the other
  CHECK(same_outcome(body).starts_with("error: "));
  for (std::size_t n = 0; n < good.size(); n += 1 + n / 3) CHECK(same_outcome(Bytes(good).first(n)) == "error: truncated");
}

TEST_CASE("decompress: isa-l and zlib agree on the test images' layer blobs", "[oci][decompress]") {
  std::size_t gzip_blobs = 0;
  for (const auto& e : std::filesystem::directory_iterator(test::oci_images() + "/layout/blobs/sha256")) {
    const ByteVec blob = read_binary_file(e.path().string(), 256 << 20);
    if (blob.size() < 2 || blob[0] != 0x1f || blob[1] != 0x8b) continue;
    ++gzip_blobs;
    INFO(e.path().filename().string());
    CHECK_FALSE(same_outcome(blob).starts_with("error"));
  }
  CHECK(gzip_blobs >= 2);
}

// The hashes downstream (verity leaves sixteen blocks at a time) rely on whole pieces: every
// piece but a member's last is kDecompressChunk bytes, however the input is cut, and a member's
// output is all handed on before the member counts as done.
TEST_CASE("decompress: output comes in whole pieces, each member's before the next", "[oci][decompress]") {
  const ByteVec first = sample_data(3 * oci::kDecompressChunk + 12345, 11);
  const ByteVec second = sample_data(oci::kDecompressChunk / 2 + 7, 12);
  ByteVec two = gzip_member(first);
  append(two, gzip_member(second));
  ByteVec zstd(ZSTD_compressBound(first.size()));
  zstd.resize(ZSTD_compress(zstd.data(), zstd.size(), first.data(), first.size(), 3));
  struct Case { Compression c; GzipBackend b; const ByteVec* blob; };
  for (const Case& k : {Case{Compression::Gzip, GzipBackend::Zlib, &two}, Case{Compression::Gzip, GzipBackend::Isal, &two},
                        Case{Compression::Zstd, GzipBackend::Auto, &zstd}}) {
    if (!oci::gzip_backend_available(k.b)) continue;
    for (const std::size_t piece : {std::size_t{1} << 20, std::size_t{4093}}) {
      INFO(oci::compression_name(k.c) << " " << oci::gzip_backend_name(k.b) << " in pieces of " << piece);
      std::vector<std::size_t> sizes;
      std::uint64_t first_member = 0;
      std::unique_ptr<oci::Decompressor> d;
      d = std::make_unique<oci::Decompressor>(k.c, "blob", [&](Bytes b) {
        sizes.push_back(b.size());
        if (d->gzip_members_done() == 0) first_member += b.size();
      }, std::uint64_t{1} << 32, k.b);
      const Bytes blob(*k.blob);
      for (std::size_t off = 0; off < blob.size(); off += piece) d->update(blob.subspan(off, std::min(piece, blob.size() - off)));
      d->finish();
      CHECK(first_member == first.size());  // zstd has no members: all of it counts as the first
      const std::vector<std::size_t> want =
          k.c == Compression::Zstd
              ? std::vector<std::size_t>{oci::kDecompressChunk, oci::kDecompressChunk, oci::kDecompressChunk, 12345}
              : std::vector<std::size_t>{oci::kDecompressChunk, oci::kDecompressChunk, oci::kDecompressChunk, 12345,
                                         second.size()};
      CHECK(sizes == want);
    }
  }
}
