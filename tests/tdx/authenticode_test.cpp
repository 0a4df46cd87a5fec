// SPDX-License-Identifier: Apache-2.0
// EDK2's Authenticode image hash (specs/tdx.md §6) on hand-built PE files. The expected value is
// each case's byte ranges written out from the spec, hashed in one piece.
#include <catch2/catch.hpp>
#include <random>

#include "pe/authenticode.h"
#include "tdx/pe_builder.h"
#include "util/error.h"

using namespace coco;
namespace t = coco::test::tdx;

namespace {

ByteVec hash_of(const ByteVec& file, std::initializer_list<std::pair<std::uint64_t, std::uint64_t>> ranges, Algo a = Algo::Sha384) {
  ByteVec joined;
  for (const auto& [off, end] : ranges) joined.insert(joined.end(), file.begin() + off, file.begin() + end);
  return digest(a, joined);
}

ByteVec pe_hash(const ByteVec& f, Algo a = Algo::Sha384) { return pe::authenticode_hash(Reader(f, "t.efi"), a); }

}  // namespace

TEST_CASE("Authenticode: signed-looking image with a cert table", "[tdx][pe]") {
  const auto pe = t::build_pe({.raw_sizes = {0x200, 0x400, 0x200}, .cert_size = 0x58});
  const ByteVec& f = pe.bytes;
  const std::uint64_t sections_end = f.size() - 0x58;
  const ByteVec want = hash_of(f, {{0, pe.checksum}, {pe.checksum + 4, pe.cert_dir}, {pe.cert_dir + 8, pe.size_of_headers},
                                   {pe.size_of_headers, sections_end}});
  CHECK(pe_hash(f) == want);
  CHECK(pe_hash(f, Algo::Sha256) == hash_of(f, {{0, pe.checksum}, {pe.checksum + 4, pe.cert_dir},
                                                {pe.cert_dir + 8, pe.size_of_headers}, {pe.size_of_headers, sections_end}},
                                            Algo::Sha256));
  // What signing changes (checksum, cert directory, the certificates) is not hashed.
  ByteVec resigned = f;
  resigned[pe.checksum] ^= 0xff;
  resigned[pe.cert_dir + 4] = 0x58;
  resigned.back() ^= 0xff;
  CHECK(pe_hash(resigned) == want);
  ByteVec code = f;
  code[pe.size_of_headers + 1] ^= 1;
  CHECK(pe_hash(code) != want);
}

TEST_CASE("Authenticode: unsigned image with trailing bytes is hashed without padding", "[tdx][pe]") {
  for (const std::uint32_t trailing : {1u, 3u, 7u, 8u, 13u}) {
    const auto pe = t::build_pe({.raw_sizes = {0x200, 0x200}, .trailing = trailing});
    const ByteVec& f = pe.bytes;
    INFO("trailing " << trailing);
    const ByteVec want = hash_of(f, {{0, pe.checksum}, {pe.checksum + 4, pe.cert_dir}, {pe.cert_dir + 8, f.size()}});
    CHECK(pe_hash(f) == want);
    // The dstack-family variant (zero-pad the input to 8 bytes) differs unless already aligned.
    ByteVec padded_input;
    for (const auto& [a, b] : {std::pair<std::uint64_t, std::uint64_t>{0, pe.checksum}, {pe.checksum + 4, pe.cert_dir},
                               {pe.cert_dir + 8, f.size()}})
      padded_input.insert(padded_input.end(), f.begin() + a, f.begin() + b);
    const bool aligned = padded_input.size() % 8 == 0;
    padded_input.resize((padded_input.size() + 7) / 8 * 8, 0);
    CHECK((digest(Algo::Sha384, padded_input) == want) == aligned);
  }
}

TEST_CASE("Authenticode: odd sizes, unsorted table, empty sections, PE32, no cert directory", "[tdx][pe]") {
  SECTION("sections hashed in file order, not table order; zero-size ones skipped") {
    const auto pe = t::build_pe({.raw_sizes = {0x1ff, 0, 0x3, 0x201}, .reverse_file_order = true, .trailing = 5});
    const ByteVec& f = pe.bytes;
    CHECK(pe_hash(f) == hash_of(f, {{0, pe.checksum}, {pe.checksum + 4, pe.cert_dir}, {pe.cert_dir + 8, f.size()}}));
  }
  SECTION("NumberOfRvaAndSizes <= 4: no certificate directory to skip") {
    const auto pe = t::build_pe({.rva_count = 4, .trailing = 2});
    const ByteVec& f = pe.bytes;
    CHECK(pe_hash(f) == hash_of(f, {{0, pe.checksum}, {pe.checksum + 4, f.size()}}));
  }
  SECTION("PE32 header offsets") {
    const auto pe = t::build_pe({.pe32_plus = false, .cert_size = 16});
    const ByteVec& f = pe.bytes;
    CHECK(pe.cert_dir == 0x80 + 24 + 128);
    CHECK(pe_hash(f) == hash_of(f, {{0, pe.checksum}, {pe.checksum + 4, pe.cert_dir}, {pe.cert_dir + 8, f.size() - 16}}));
  }
  SECTION("the replaced head is hashed instead of the file's first bytes") {
    const auto pe = t::build_pe({});
    ByteVec head(pe.bytes.begin(), pe.bytes.begin() + 0x40);
    head[0x20] ^= 0x55;
    ByteVec whole = pe.bytes;
    whole[0x20] ^= 0x55;
    CHECK(pe::authenticode_hash(Reader(pe.bytes, "k"), Algo::Sha384, head) == pe_hash(whole));
  }
}

TEST_CASE("Authenticode: malformed headers are named at their offset", "[tdx][pe][hostile]") {
  const auto pe = t::build_pe({.cert_size = 0x20});
  const std::uint64_t o = 0x80 + 24;
  struct Poke { std::uint64_t at; int width; std::uint64_t value; const char* error; };
  const Poke pokes[] = {
      {0x80, 1, 'X', "offset 0x80: no PE signature"},
      {0x3c, 4, 0xfffffff0, "no PE signature"},
      {0x80 + 4 + 16, 2, 0xffff, "offset 0x98: truncated optional header"},
      {0x80 + 4 + 16, 2, 40, "too short for NumberOfRvaAndSizes"},
      {0x80 + 4 + 16, 2, 120, "ends before the certificate directory"},
      {o, 2, 0x10c, "neither PE32 nor PE32+"},
      {0x80 + 4 + 2, 2, 0x4000, "section table of 16384 entries runs past the end of the file"},
      {o + 60, 4, 0x100, "ends before the section table"},
      {o + 60, 4, 0x10000000, "SizeOfHeaders 0x10000000 is past the end"},
      {o + 144, 4, 0xfffff000, "certificate table 0xfffff000+0x20 is outside"},
      {o + 148, 4, 0x21, "is outside the"},
      {o + 240 + 16, 4, 0x7fffffff, "offset 0x198: section raw data 0x200+0x7fffffff is outside"},
  };
  for (const Poke& p : pokes) {
    ByteVec f = pe.bytes;
    for (int i = 0; i < p.width; ++i) f[p.at + i] = static_cast<std::uint8_t>(p.value >> (8 * i));
    INFO("poke at " << hex_number(p.at) << " := " << hex_number(p.value));
    CHECK_THROWS_WITH(pe_hash(f), Catch::StartsWith("t.efi: offset 0x") && Catch::Contains(p.error));
  }
  // A certificate table larger than what follows the hashed image: EDK2 rejects the image.
  ByteVec f = pe.bytes;
  store_le<std::uint32_t>(f, o + 144, static_cast<std::uint32_t>(pe.size_of_headers));
  store_le<std::uint32_t>(f, o + 148, static_cast<std::uint32_t>(f.size() - pe.size_of_headers));
  CHECK_THROWS_WITH(pe_hash(f), Catch::Contains("exceeds the"));
}

TEST_CASE("Authenticode: every truncation and random mutation fails cleanly or hashes", "[tdx][pe][hostile]") {
  const auto pe = t::build_pe({.raw_sizes = {0x200, 0x3, 0x400}, .trailing = 9, .cert_size = 0x30});
  for (std::size_t n = 0; n <= pe.bytes.size(); ++n) {
    try {
      pe::authenticode_hash(Reader(Bytes(pe.bytes).first(n), "cut.efi"), Algo::Sha384);
    } catch (const Error& e) {
      REQUIRE(std::string(e.what()).rfind("cut.efi: ", 0) == 0);
    }
  }
  std::mt19937 rng(4);
  int ok = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    ByteVec f = pe.bytes;
    for (int k = 0, flips = 1 + static_cast<int>(rng() % 4); k < flips; ++k)
      f[rng() % 2 ? 0x80 + rng() % 0x1a0 : rng() % f.size()] = static_cast<std::uint8_t>(rng());
    try {
      pe::authenticode_hash(Reader(f, "mut.efi"), Algo::Sha384);
      ++ok;
    } catch (const Error& e) {
      REQUIRE(std::string(e.what()).rfind("mut.efi: ", 0) == 0);
    }
  }
  CHECK(ok > 0);
}
