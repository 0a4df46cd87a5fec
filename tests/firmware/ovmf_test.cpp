// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "firmware/ovmf.h"
#include "support/support.h"
#include "util/error.h"

using namespace coco;
using namespace coco::firmware;

TEST_CASE("GUID text and stored forms", "[firmware]") {
  static_assert(kFooterTableGuid[0] == 0xde && kFooterTableGuid[3] == 0x96 && kFooterTableGuid[4] == 0xb2);
  CHECK(to_string(kFooterTableGuid) == "96b582de-1fb2-45f7-baea-a366c55a082d");
}

// snp.md §1.3 worked example: last 4 KiB of edk2-stable202405 AmdSevX64.
TEST_CASE("snp.md §1.3 footer table of ovmf_AmdSev_suffix.bin", "[firmware][vector]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  const auto fw = test::read_shared("fixtures/sev-snp-measure/ovmf_AmdSev_suffix.bin");
  const Reader image(fw, "ovmf_AmdSev_suffix.bin");
  const FooterTable t = parse_footer_table(image);
  CHECK(t.footer_offset == 0xFCE);
  CHECK(sev_es_reset_eip(t, image) == 0x80B004);
  REQUIRE(t.find(kSevSecretBlockGuid));
  CHECK(entry_u32(*t.find(kSevSecretBlockGuid), 0) == 0x810000);
  CHECK(entry_u32(*t.find(kSevSecretBlockGuid), 4) == 0xC00);
  CHECK(entry_u32(*t.find(kSevHashTableBlockGuid), 0) == 0x810C00);
  CHECK(entry_u32(*t.find(kSevMetadataGuid)) == 0x554);
  CHECK(entry_u32(*t.find(kTdxMetadataOffsetGuid)) == 0x9D0);
}

TEST_CASE("footer table: a bad size names its offset", "[firmware][hostile]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  const auto fw = test::read_shared("fixtures/sev-snp-measure/ovmf_AmdSev_suffix.bin");
  struct Poke {
    std::size_t at;
    std::uint8_t value;
    const char* error;
  };
  for (const Poke& p : {Poke{0xFCE, 0x01, "x.fd: offset 0xfce: footer table size 0x1"},
                        Poke{0xFCF, 0xFF, "x.fd: offset 0xfce: footer table size 0xff88 does not fit"},
                        Poke{0xFBC, 0x03, "x.fd: offset 0xfbc: footer entry size 0x3"}}) {
    auto bad = fw;
    bad[p.at] = p.value;
    INFO("byte " << p.at << " := " << int(p.value));
    CHECK_THROWS_WITH(parse_footer_table(Reader(bad, "x.fd")), Catch::StartsWith(p.error));
  }
}

TEST_CASE("footer table: every truncation parses or names the cut file", "[firmware][hostile]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  const auto fw = test::read_shared("fixtures/sev-snp-measure/ovmf_AmdSev_suffix.bin");
  for (std::size_t n = 0; n <= fw.size(); ++n) {
    try {
      parse_footer_table(Reader(Bytes(fw).last(n), "cut.fd"));
    } catch (const Error& e) {
      INFO(n);
      CHECK(std::string(e.what()).rfind("cut.fd: offset 0x", 0) == 0);
    }
  }
}

TEST_CASE("no footer GUID means an empty table, not an error", "[firmware]") {
  const ByteVec zeros(4096, 0);
  CHECK(parse_footer_table(Reader(zeros, "zeros.fd")).empty());
  CHECK_THROWS_WITH(sev_es_reset_eip(FooterTable{}, Reader(zeros, "zeros.fd")), Catch::StartsWith("zeros.fd: no SEV-ES reset block"));
}
