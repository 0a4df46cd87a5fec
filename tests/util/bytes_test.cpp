// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "support/support.h"
#include "util/bytes.h"
#include "util/error.h"
#include "util/file.h"

using namespace coco;

TEST_CASE("Reader reads little-endian fields and names the place of a short read", "[util]") {
  const ByteVec b{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};
  const Reader r(b, "fw.fd");
  CHECK(r.le<std::uint16_t>(0) == 0x0201);
  CHECK(r.le<std::uint32_t>(1) == 0x05040302);
  CHECK(r.le<std::uint64_t>(1) == 0x0908070605040302ull);
  const Reader sub = r.sub(4, 4);
  CHECK(sub.base() == 4);
  CHECK_THROWS_WITH(sub.le<std::uint32_t>(2), "fw.fd: offset 0x6: needs 4 bytes, the input has 2 left");
  CHECK_THROWS_WITH(r.bytes(~0ull, 2), Catch::Contains("needs 2 bytes"));  // no wrap-around
  CHECK_THROWS_WITH(r.bytes(2, ~0ull - 1), Catch::Contains("offset 0x2"));
}

TEST_CASE("put_le and store_le write little-endian", "[util]") {
  ByteVec out;
  put_le<std::uint32_t>(out, 0xA1B2C3D4);
  CHECK(out == ByteVec{0xD4, 0xC3, 0xB2, 0xA1});
  store_le<std::uint16_t>(out, 1, 0xBEEF);
  CHECK(out == ByteVec{0xD4, 0xEF, 0xBE, 0xA1});
}

TEST_CASE("atomic writes replace the file whole and leave no temporary behind", "[util]") {
  test::TempDir dir;
  const std::string p = dir.file("out.json");
  write_file_atomic(p, "first");
  write_file_atomic(p, "second", 0600);
  CHECK(read_text_file(p) == "second");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++entries;
  CHECK(entries == 1);
  CHECK((std::filesystem::status(p).permissions() & std::filesystem::perms::group_read) ==
        std::filesystem::perms::none);
  CHECK_THROWS_WITH(write_file_atomic(dir.file("missing/dir/x"), "x"), Catch::Contains("missing/dir/x: cannot create"));
}

TEST_CASE("file readers name the file and enforce size limits", "[util][hostile]") {
  test::TempDir dir;
  const std::string p = dir.write("big", std::string(1000, 'x'));
  CHECK_THROWS_WITH(read_text_file(p, 999), Catch::Contains("more than the 999"));
  CHECK_THROWS_WITH(read_text_file(dir.path().string()), Catch::Contains("is a directory"));
  CHECK_THROWS_WITH(MappedFile("/nonexistent.fd"), Catch::StartsWith("/nonexistent.fd: cannot open"));
  const MappedFile empty(dir.write("empty", ""));
  CHECK(empty.bytes().empty());
  std::uint64_t seen = 0;
  CHECK(for_each_chunk(p, [&](Bytes b) { seen += b.size(); }, 64) == 1000);
  CHECK(seen == 1000);
}
