// SPDX-License-Identifier: Apache-2.0
// The AMD KDS request for a report: product from CPUID or --product, hwID and the SPLs in the
// layout of the product (Turin: 8-byte hwID, fmcSPL first). The requests themselves are tested
// against a loopback KDS/PCS in fetch_test.py.
#include <catch2/catch.hpp>

#include "evidence/fetch.h"
#include "util/encoding.h"
#include "util/error.h"

using namespace coco;

namespace {

// A version 3 report with the given CPUID family/model, chip_id 00 01 02 … and a TCB_VERSION
// whose bytes are 1..8, so every SPL shows where it was read from.
evidence::SnpReport report_with_cpuid(std::uint8_t fam, std::uint8_t mod, std::uint32_t version = 3) {
  evidence::SnpReport r;
  r.raw.assign(0x4A0, 0);
  r.version = version;
  r.cpuid_fam = fam;
  r.cpuid_mod = mod;
  r.reported_tcb = 0x0807060504030201ULL;
  for (int i = 0; i < 64; ++i) r.raw[0x1A0 + i] = static_cast<std::uint8_t>(i);
  return r;
}

}  // namespace

TEST_CASE("evidence fetch: the KDS product and VCEK URL follow the report", "[evidence][fetch]") {
  const auto milan = report_with_cpuid(0x19, 0x01);
  CHECK(evidence::snp_product(milan, "", "r") == "Milan");
  CHECK(evidence::snp_product(milan, "milan", "r") == "Milan");
  CHECK(evidence::snp_product(report_with_cpuid(0x19, 0x11), "", "r") == "Genoa");
  CHECK(evidence::snp_product(report_with_cpuid(0x1A, 0x02), "", "r") == "Turin");
  CHECK_THROWS_WITH(evidence::snp_product(milan, "Genoa", "r"), Catch::Contains("CPUID says Milan"));
  CHECK_THROWS_WITH(evidence::snp_product(milan, "Rome", "r"), Catch::Contains("not Milan, Genoa or Turin"));
  const auto v2 = report_with_cpuid(0, 0, 2);
  CHECK_THROWS_WITH(evidence::snp_product(v2, "", "r"), Catch::Contains("give --product"));
  CHECK(evidence::snp_product(v2, "TURIN", "r") == "Turin");

  const std::string hwid = to_hex(milan.chip_id());
  CHECK(hwid.substr(0, 8) == "00010203");
  CHECK(evidence::vcek_url(milan, "Milan", "https://kds.example/") ==
        "https://kds.example/vcek/v1/Milan/" + hwid + "?blSPL=1&teeSPL=2&snpSPL=7&ucodeSPL=8");
  CHECK(evidence::vcek_url(milan, "Turin", "https://kds.example") ==
        "https://kds.example/vcek/v1/Turin/0001020304050607?fmcSPL=1&blSPL=2&teeSPL=3&snpSPL=4&ucodeSPL=8");
  CHECK(evidence::ca_chain_url("Genoa", true, "https://kds.example") == "https://kds.example/vlek/v1/Genoa/cert_chain");
}
