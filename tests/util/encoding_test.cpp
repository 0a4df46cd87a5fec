// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "util/encoding.h"
#include "util/error.h"

using namespace coco;

TEST_CASE("hex round trip and errors", "[util]") {
  const ByteVec b{0x00, 0x7f, 0x80, 0xff};
  CHECK(to_hex(b) == "007f80ff");
  CHECK(from_hex("007F80ff") == b);
  CHECK_THROWS_WITH(from_hex("abc", "--snp-ovmf-hash"), Catch::Contains("--snp-ovmf-hash: odd number"));
  CHECK_THROWS_WITH(from_hex("zz"), Catch::Contains("not a hex digit at position 0"));
  CHECK_THROWS_WITH(from_hex("0g"), Catch::Contains("position 1"));
}

TEST_CASE("base64 against RFC 4648 section 10 vectors", "[util][vector]") {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    INFO(plain);
    CHECK(to_base64(as_bytes(plain)) == encoded);
    const ByteVec back = from_base64(encoded);
    CHECK(std::string(back.begin(), back.end()) == plain);
  }
  CHECK(to_base64url(ByteVec{0xfb, 0xff}) == "-_8");
  CHECK_THROWS_WITH(from_base64("Zm9v!"), Catch::Contains("not base64 at position 4"));
  CHECK_THROWS_WITH(from_base64("Z"), Catch::Contains("truncated"));
  CHECK_THROWS_WITH(from_base64("Zh=="), Catch::Contains("truncated"));  // non-canonical trailing bits
}
