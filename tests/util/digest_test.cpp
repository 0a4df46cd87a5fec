// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "support/support.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"

using namespace coco;

TEST_CASE("SHA-2 of 'abc' (FIPS 180-2 appendix examples)", "[util][vector]") {
  CHECK(to_hex(digest(Algo::Sha256, "abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(to_hex(digest(Algo::Sha384, "abc")) ==
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
  CHECK(to_hex(digest(Algo::Sha512, "abc")).substr(0, 32) == "ddaf35a193617abacc417349ae204131");
}

TEST_CASE("streaming equals one-shot and the openssl CLI", "[util]") {
  test::TempDir dir;
  std::string data;
  for (int i = 0; i < 3'000'000; ++i) data += static_cast<char>(i * 7 + i / 251);
  const std::string path = dir.write("blob", data);
  Hasher h(Algo::Sha384);
  for (std::size_t i = 0; i < data.size(); i += 4099) h.update(std::string_view(data).substr(i, 4099));
  const std::string streamed = to_hex(h.finish());
  CHECK(streamed == to_hex(digest(Algo::Sha384, data)));
  CHECK(to_hex(digest_file(Algo::Sha384, path)) == streamed);
  const auto r = test::run_program({"openssl", "dgst", "-sha384", "-r", path});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.substr(0, 96) == streamed);
}

TEST_CASE("hashing a missing file names it", "[util][hostile]") {
  CHECK_THROWS_WITH(digest_file(Algo::Sha256, "/nonexistent/kernel"),
                    Catch::StartsWith("/nonexistent/kernel: cannot open"));
  CHECK_THROWS_AS(parse_algo("md5"), Error);
}
