// SPDX-License-Identifier: Apache-2.0
// The Rust tar crate's field parsing as TarfsReader reproduces it (values from the crate's rules:
// octal_from, numeric_extended_from, PaxExtensions), and the push-mode reader's independence
// from how the bytes are cut.
#include <catch2/catch.hpp>

#include "oci/tarfs_reader.h"
#include "oci/ustar_builder.h"
#include "util/error.h"

using namespace coco;
namespace tc = coco::oci::tar_crate;

namespace {
std::optional<std::uint64_t> octal(const std::string& s) {
  return tc::octal(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}
std::optional<std::uint64_t> number(const std::string& s) {
  return tc::number(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}
}  // namespace

TEST_CASE("tar crate octal fields: NUL-truncated, Unicode-trimmed, a leading plus", "[oci][tarfs]") {
  CHECK(octal(std::string("0000644\0", 8)) == 0644u);
  CHECK(octal("  644   ") == 0644u);
  CHECK(octal(std::string("\t755\n\0\0\0", 8)) == 0755u);
  CHECK(octal(std::string("+755\0\0\0\0", 8)) == 0755u);
  CHECK(octal("\xc2\xa0" "17 ") == 017u);  // U+00A0 is whitespace to str::trim
  CHECK_FALSE(octal(std::string(8, '\0')));  // empty: no number
  CHECK_FALSE(octal("        "));
  CHECK_FALSE(octal(std::string("+\0", 2)));
  CHECK_FALSE(octal(std::string("-1\0", 3)));
  CHECK_FALSE(octal(std::string("07x5\0", 5)));
  CHECK_FALSE(octal(std::string("7 5\0", 4)));
  CHECK_FALSE(octal(std::string("\xff\xfe\0", 3)));  // not UTF-8
  CHECK_FALSE(octal("7777777777777777777777777"));  // beyond 64 bits
}

TEST_CASE("tar crate numbers: base-256 keeps the first byte of 8-byte fields, the last 8 of longer ones", "[oci][tarfs]") {
  CHECK(number(std::string("\x80\0\0\0\x7f\xff\xff\xff", 8)) == 0x7fffffffu);
  CHECK(number(std::string("\x81\0\0\0\0\0\0\x05", 8)) == 0x0100000000000005u);
  CHECK(number(std::string("\x80\x12\x34\x56\0\0\0\0\0\0\0\x0a", 12)) == 10u);  // bytes 1-3 are dropped
  CHECK(number(std::string("0000644\0", 8)) == 0644u);
}

TEST_CASE("tar crate pax records: lines split on newlines, the first well-formed key wins", "[oci][tarfs]") {
  CHECK(tc::pax_value("11 path=ab\n", "path") == "ab");
  CHECK(tc::pax_value("99 path=wrong\n13 path=good\n", "path") == "good");  // bad length passed over
  CHECK(tc::pax_value("11 path=ab\n11 path=cd\n", "path") == "ab");
  CHECK(tc::pax_value("13 path=a\nb\n", "path") == std::nullopt);  // the record is cut at its newline
  CHECK(tc::pax_value("\n11 path=ab\n", "path") == std::nullopt);  // an empty line ends the records
  CHECK(tc::pax_value("+11 path=a\n", "path") == "a");
  CHECK(tc::pax_value("11 path=ab", "path") == "ab");  // a missing last newline goes unnoticed
  CHECK(tc::pax_size("9 size=5\n") == 5u);
  CHECK(tc::pax_size("99 path=x\n9 size=5\n") == std::nullopt);  // stops at the malformed record
  CHECK(tc::pax_size("11 size=3x\n") == std::nullopt);
  CHECK(tc::pax_size("11 size=+3\n") == 3u);
}

TEST_CASE("tarfs reader: the same entries whatever the piece size, and the crate's refusals", "[oci][tarfs][hostile]") {
  ByteVec tar = test::ustar_header("d/", '5', 5);  // a directory with data: skipped like any other
  tar.resize(1024, 'z');
  const ByteVec file = test::ustar_header("d/f", '0', 3);
  tar.insert(tar.end(), file.begin(), file.end());
  tar.insert(tar.end(), {'a', 'b', 'c'});
  tar.resize(2048, 0);
  tar.resize(3072, 0);
  const auto read = [&](const ByteVec& bytes, std::size_t piece) {
    std::vector<std::string> seen;
    std::string data;
    oci::TarfsReader r("t", [&](const oci::TarfsEntry& e) {
      seen.push_back(e.path + "@" + std::to_string(e.header_pos) + "+" + std::to_string(e.size));
    }, [&](Bytes b) { data.append(as_chars(b)); });
    for (std::size_t off = 0; off < bytes.size(); off += piece)
      r.update(Bytes(bytes).subspan(off, std::min(piece, bytes.size() - off)));
    r.finish();
    seen.push_back(data);
    return seen;
  };
  const std::vector<std::string> want{"d/@0+5", "d/f@1024+3", std::string(5, 'z') + "abc"};
  for (std::size_t piece : {1, 7, 512, 4096}) CHECK(read(tar, piece) == want);
  ByteVec truncated(tar.begin(), tar.begin() + 1536 + 2);
  CHECK_THROWS_WITH(read(truncated, 100), Catch::Contains("unexpected EOF during skip"));
  ByteVec torn(tar.begin(), tar.begin() + 1100);
  CHECK_THROWS_WITH(read(torn, 100), Catch::Contains("failed to read entire block"));
  ByteVec bad = tar;
  bad[1024 + 124] = 'x';  // d/f's size field
  CHECK_THROWS_WITH(read(bad, 512), Catch::Contains("checksum mismatch") && Catch::Contains("offset 0x400"));
}
