// SPDX-License-Identifier: Apache-2.0
// CCEL parsing and replay (specs/tdx.md §2.9) on dstack's sample log, and hostile logs.
#include <catch2/catch.hpp>
#include <random>

#include "support/support.h"
#include "tdx/ccel.h"
#include "util/encoding.h"
#include "util/error.h"

using namespace coco;

namespace {
ByteVec sample() { return test::read_shared("fixtures/ccel/dstack-sample-ccel.bin"); }
}  // namespace

TEST_CASE("CCEL: dstack sample log events and replay", "[tdx][ccel][vector]") {
  if (!coco::test::shared_available("fixtures/ccel/dstack-sample-ccel.bin")) return;
  const ByteVec log = sample();
  const auto parsed = tdx::parse_ccel(Reader(log, "ccel.bin"));
  REQUIRE(parsed.algorithms.size() == 1);
  CHECK(parsed.algorithms[0] == std::pair<std::uint16_t, std::uint16_t>{0xc, 48});
  REQUIRE(parsed.events.size() >= 10);
  CHECK(parsed.events[0].offset == 0x41);
  CHECK(parsed.events[0].mr_index == 1);
  CHECK(parsed.events[0].type == tdx::kEvEfiHandoffTables2);
  CHECK(parsed.events[0].description == "TdxTable");
  CHECK(parsed.events[1].description == "Fv(XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX)");
  // tdx.tsv cfv-blank-4m: the CFV event of that log is the blank 4M variable store.
  CHECK(to_hex(*parsed.events[1].sha384) ==
        "344bc51c980ba621aaa00da3ed7436f7d6e549197dfe699515dfa2c6583d95e6412af21c097d473155875ffd561d6790");
  CHECK(parsed.events[2].description == "SecureBoot (not enrolled)");
  CHECK(parsed.events.back().description == "Exit Boot Services Returned with Success");
  const auto r = tdx::replay(parsed);
  CHECK(to_hex(r[0]) == "274c2344116db7c663470693b5ba62b8621eac28cb41d2f816ddf188f9f423f900a1c44d32386fd3c993dc814e62af9d");
  CHECK(to_hex(r[1]).rfind("bdcf4ee0", 0) == 0);  // spec §2.9 quotes RTMR1 as bdcf4ee0…6b26
  CHECK(to_hex(r[1]).substr(92) == "6b26");
}

TEST_CASE("CCEL: defects are named at their offset", "[tdx][ccel][hostile]") {
  if (!coco::test::shared_available("fixtures/ccel/dstack-sample-ccel.bin")) return;
  struct Poke { std::uint64_t at; int width; std::uint64_t value; const char* error; };
  const Poke pokes[] = {
      {4, 4, 1, "offset 0x4: first event is type 0x1"},
      {32, 1, 'X', "offset 0x20: no \"Spec ID Event03\""},
      {0x38, 4, 0, "lists 0 algorithms"},
      {0x3c, 2, 0xb, "records no SHA-384 digests"},
      {0x3e, 2, 32, "SHA-384 digest size 32"},
      {0x49, 4, 2, "offset 0x49: event digest count 2"},
      {0x49, 4, 0, "event digest count 0"},
      {0x4d, 2, 0xb, "offset 0x4d: digest algorithm 0xb is not listed"},
      {0x7f, 4, 0x7fffffff, "offset 0x83: needs 2147483647 bytes"},
      {28, 4, 0xffff0, "needs 1048560 bytes"},
      {0, 4, 0x4c454343, "offset 0x0: this is the ACPI CCEL table"},
  };
  for (const Poke& p : pokes) {
    ByteVec log = sample();
    for (int i = 0; i < p.width; ++i) log[p.at + i] = static_cast<std::uint8_t>(p.value >> (8 * i));
    INFO("poke at " << hex_number(p.at) << " := " << hex_number(p.value));
    CHECK_THROWS_WITH(tdx::parse_ccel(Reader(log, "bad.ccel")), Catch::StartsWith("bad.ccel: ") && Catch::Contains(p.error));
  }
}

TEST_CASE("CCEL: every truncation and random mutation fails cleanly or replays", "[tdx][ccel][hostile]") {
  if (!coco::test::shared_available("fixtures/ccel/dstack-sample-ccel.bin")) return;
  const ByteVec log = sample();
  const std::size_t used = tdx::parse_ccel(Reader(log, "x")).end;
  for (std::size_t n = 0; n <= used + 8; ++n) {
    try {
      tdx::replay(tdx::parse_ccel(Reader(Bytes(log).first(n), "cut.ccel")));
    } catch (const Error& e) {
      REQUIRE(std::string(e.what()).rfind("cut.ccel: ", 0) == 0);
    }
  }
  std::mt19937 rng(7);
  int ok = 0;
  const ByteVec head(log.begin(), log.begin() + static_cast<std::ptrdiff_t>(used + 16));
  for (int iter = 0; iter < 4000; ++iter) {
    ByteVec m = head;
    for (int k = 0, flips = 1 + static_cast<int>(rng() % 4); k < flips; ++k) m[rng() % m.size()] = static_cast<std::uint8_t>(rng());
    try {
      tdx::replay(tdx::parse_ccel(Reader(m, "mut.ccel")));
      ++ok;
    } catch (const Error& e) {
      REQUIRE(std::string(e.what()).rfind("mut.ccel: ", 0) == 0);
    }
  }
  CHECK(ok > 0);
}
