// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "firmware/sev_metadata.h"
#include "support/support.h"
#include "util/error.h"

using namespace coco;
using namespace coco::firmware;

namespace {
const char* kAmdSev = "fixtures/sev-snp-measure/ovmf_AmdSev_suffix.bin";
constexpr std::size_t kAsev = 0xAAC;  // the "ASEV" header in that fixture (snp.md §1.3)

std::optional<SevMetadata> parse(const ByteVec& fw, const std::string& name = "x.fd") {
  const Reader image(fw, name);
  return parse_sev_metadata(parse_footer_table(image), image);
}
}  // namespace

// snp.md §1.3 worked example.
TEST_CASE("snp.md §1.3 SEV metadata of ovmf_AmdSev_suffix.bin", "[firmware][vector]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  const auto m = parse(test::read_shared(kAmdSev));
  REQUIRE(m);
  CHECK(m->offset == kAsev);
  struct S {
    std::uint32_t gpa, size;
    SevSectionType type;
  };
  const S want[] = {{0x800000, 0x9000, SevSectionType::SnpSecMem},   {0x80A000, 0x3000, SevSectionType::SnpSecMem},
                    {0x80D000, 0x1000, SevSectionType::SnpSecrets},  {0x80E000, 0x1000, SevSectionType::Cpuid},
                    {0x80F000, 0x1000, SevSectionType::SvsmCaa},     {0x810000, 0x1000, SevSectionType::SnpKernelHashes},
                    {0x811000, 0xF000, SevSectionType::SnpSecMem}};
  REQUIRE(m->sections.size() == std::size(want));
  for (std::size_t i = 0; i < std::size(want); ++i) {
    INFO("section " << i);
    CHECK(m->sections[i].gpa == want[i].gpa);
    CHECK(m->sections[i].size == want[i].size);
    CHECK(m->sections[i].type == want[i].type);
  }
}

TEST_CASE("no SEV metadata entry is not an error", "[firmware]") {
  const ByteVec zeros(4096, 0);
  CHECK_FALSE(parse(zeros));
}

TEST_CASE("SEV metadata: each defect names its offset", "[firmware][hostile]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  const ByteVec fw = test::read_shared(kAmdSev);
  struct Poke {
    std::size_t at;
    std::vector<std::uint8_t> bytes;
    const char* error;
  };
  const std::size_t d0 = kAsev + 16;  // descriptor 0 {base, length, type}
  for (const Poke& p : {
           Poke{kAsev, {'X'}, "x.fd: offset 0xaac: SEV metadata signature is not \"ASEV\""},
           Poke{kAsev + 8, {2}, "x.fd: offset 0xab4: SEV metadata version 2"},
           Poke{kAsev + 4, {0x70}, "x.fd: offset 0xab0: SEV metadata size 0x70 does not match 7 descriptors"},
           Poke{kAsev + 12, {0xFF, 0xFF, 0xFF, 0x0F}, "x.fd: offset 0xab0: SEV metadata size 0x64 does not match"},
           Poke{d0 + 8, {5}, "x.fd: offset 0xac4: unknown SEV metadata section type 0x5"},
           Poke{d0 + 1, {0x01}, "x.fd: offset 0xabc: SEV metadata section 0 (SNP_SEC_MEM at GPA 0x800100"},
           Poke{d0 + 4, {0x01}, "not a multiple of 4 KiB"},
           Poke{d0 + 4, {0x00, 0xB0}, "x.fd: offset 0xac8: SEV metadata section 1 (SNP_SEC_MEM at GPA 0x80a000, 0x3000 bytes): overlaps SNP_SEC_MEM at GPA 0x800000"},
           Poke{d0 + 3, {0xFF, 0x00, 0x90, 0x00, 0x01}, "SNP_SEC_MEM at GPA 0xff800000, 0x1009000 bytes): ends above 4 GiB"},
           Poke{0xF6E, {0xFF, 0xFF, 0x00, 0x00}, "x.fd: offset 0xf6e: SEV metadata offset 0xffff from the end does not fit"},
           Poke{0xF6E, {0x30, 0x00, 0x00, 0x00}, "x.fd: offset 0xfd0: SEV metadata signature"},
           Poke{0xF6E, {0x08, 0x00, 0x00, 0x00}, "x.fd: offset 0xf6e: SEV metadata offset 0x8"},
       }) {
    ByteVec bad = fw;
    std::copy(p.bytes.begin(), p.bytes.end(), bad.begin() + static_cast<std::ptrdiff_t>(p.at));
    INFO("poke at " << p.at);
    CHECK_THROWS_WITH(parse(bad), Catch::Contains(p.error));
  }
}
