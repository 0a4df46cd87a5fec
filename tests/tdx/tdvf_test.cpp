// SPDX-License-Identifier: Apache-2.0
// TDVF metadata (specs/tdx.md §1.2-1.3): Debian's OVMF.fd as the spec lists it, a synthetic
// image, and every kind of bad metadata named at its offset.
#include <catch2/catch.hpp>
#include <random>

#include "firmware/tdvf.h"
#include "tdx/inputs.h"
#include "tdx/mrtd.h"
#include "tdx/td_hob.h"
#include "tdx/tdvf_builder.h"
#include "util/error.h"

using namespace coco;
namespace t = coco::test::tdx;
using firmware::TdvfSectionType;

TEST_CASE("tdx.md §1.3: Debian OVMF.fd metadata in file order", "[tdx][vector]") {
  const auto path = t::debian_ovmf();
  if (!path) {
    WARN("Debian OVMF.fd not installed: skipped");
    return;
  }
  const MappedFile f(*path);
  const auto m = firmware::parse_tdvf_metadata(f.reader("OVMF.fd"));
  REQUIRE(m.sections.size() == 6);
  struct Want { TdvfSectionType type; std::uint32_t off, raw; std::uint64_t gpa, size; std::uint32_t attr; };
  const Want want[] = {{TdvfSectionType::Bfv, 0x20000, 0x1e0000, 0xffe20000, 0x1e0000, 1},
                       {TdvfSectionType::Cfv, 0, 0x20000, 0xffe00000, 0x20000, 0},
                       {TdvfSectionType::TempMem, 0, 0, 0x810000, 0x10000, 0},
                       {TdvfSectionType::TempMem, 0, 0, 0x80b000, 0x2000, 0},
                       {TdvfSectionType::TdHob, 0, 0, 0x809000, 0x2000, 0},
                       {TdvfSectionType::TempMem, 0, 0, 0x800000, 0x6000, 0}};
  for (std::size_t i = 0; i < 6; ++i) {
    INFO("section " << i);
    CHECK(m.sections[i].type == want[i].type);
    CHECK(m.sections[i].data_offset == want[i].off);
    CHECK(m.sections[i].raw_data_size == want[i].raw);
    CHECK(m.sections[i].memory_address == want[i].gpa);
    CHECK(m.sections[i].memory_data_size == want[i].size);
    CHECK(m.sections[i].attributes == want[i].attr);
  }
  tdx::MrtdStats stats;
  tdx::compute_mrtd(f.reader("OVMF.fd"), m, tdx::PageAddOrder::SinglePass, &stats);
  CHECK(stats.page_adds == 538);  // §1.4: 538 PAGE.ADD records
  CHECK(stats.extends == 7680);   // 480 BFV pages × 16
}

TEST_CASE("TDVF metadata of a synthetic image", "[tdx]") {
  const ByteVec fw = t::build_tdvf();
  const auto m = firmware::parse_tdvf_metadata(Reader(fw, "synth.fd"));
  CHECK(m.descriptor_offset == t::kSynthDescriptor);
  REQUIRE(m.sections.size() == 4);
  CHECK(m.sections[0].mr_extend());
  CHECK(m.first(TdvfSectionType::TdHob)->memory_address == 0x809000);
  CHECK(m.sections[3].record_offset == t::record_at(3, 0));
}

TEST_CASE("TDVF metadata: each defect is named at its offset", "[tdx][hostile]") {
  struct Poke { std::uint64_t at; int width; std::uint64_t value; const char* error; };
  const Poke pokes[] = {
      {t::record_at(2, 24), 4, 9, "offset 0x2068: unknown TDVF section type 9"},
      {t::record_at(2, 28), 4, 4, "reserved TDVF attribute bits"},
      {t::record_at(2, 8), 8, 0x809000, "section at GPA 0x809000+0x10000"},
      {t::record_at(3, 8), 8, 0x809800, "not 4 KiB aligned"},
      {t::record_at(0, 0), 4, 0x7000, "exceeds the file size 0x8000"},
      {t::record_at(0, 4), 4, 0xffffffff, "offset 0x2020: BFV section memory size 0x7000 is smaller"},
      {t::record_at(1, 16), 8, 0x2000, "must be non-zero and equal its memory size"},
      {t::record_at(3, 4), 4, 0x10, "TD_HOB section must have no raw data"},
      {t::record_at(2, 16), 8, 0x200000000ull, "more than coco accepts"},
      {t::record_at(2, 8), 8, 0xfffffffffffff000ull, "wraps around"},
      {t::kSynthDescriptor, 4, 0x12345678, "offset 0x2000: TDVF descriptor signature is 0x12345678"},
      {t::kSynthDescriptor + 4, 4, 0x30, "does not match 4 sections"},
      {t::kSynthDescriptor + 8, 4, 2, "version 2"},
      {t::kSynthDescriptor + 12, 4, 0, "lists no sections"},
      {t::kSynthDescriptor - 16, 1, 0, "expected the TDX metadata GUID"},
      {t::kSynthSize - 32 - 18 - 22, 4, 0x9000, "points outside the 32768-byte image"},
      {t::kSynthSize - 32 - 18 - 16, 1, 0, "no TDX metadata offset entry"},
      {t::kSynthSize - 32 - 16, 1, 0, "no OVMF footer GUID table"},
  };
  for (const Poke& p : pokes) {
    ByteVec fw = t::build_tdvf();
    for (int i = 0; i < p.width; ++i) fw[p.at + i] = static_cast<std::uint8_t>(p.value >> (8 * i));
    INFO("poke at " << hex_number(p.at) << " := " << hex_number(p.value));
    CHECK_THROWS_WITH(firmware::parse_tdvf_metadata(Reader(fw, "bad.fd")), Catch::StartsWith("bad.fd: ") && Catch::Contains(p.error));
  }
}

TEST_CASE("TDVF metadata: every truncation parses or fails cleanly", "[tdx][hostile]") {
  const ByteVec fw = t::build_tdvf();
  for (std::size_t n = 0; n <= fw.size(); ++n) {
    for (const Bytes cut : {Bytes(fw).last(n), Bytes(fw).first(n)}) {
      try {
        const Reader r(cut, "cut.fd");
        const auto m = firmware::parse_tdvf_metadata(r);
        tdx::compute_mrtd(r, m, tdx::PageAddOrder::TwoPass);
      } catch (const Error& e) {
        REQUIRE(std::string(e.what()).rfind("cut.fd: ", 0) == 0);
      }
    }
  }
}

TEST_CASE("TDVF, MRTD and TD HOB survive random mutation", "[tdx][hostile]") {
  const ByteVec original = t::build_tdvf();
  std::mt19937 rng(20261127);
  int parsed = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    ByteVec fw = original;
    const int flips = 1 + static_cast<int>(rng() % 6);
    for (int k = 0; k < flips; ++k) {
      // Mostly the metadata and the footer, where the parser looks.
      const std::uint64_t at = rng() % 3 == 0 ? rng() % fw.size()
                               : rng() % 2   ? t::kSynthDescriptor - 16 + rng() % 160
                                             : fw.size() - 80 + rng() % 80;
      fw[at] = static_cast<std::uint8_t>(rng());
    }
    try {
      const Reader r(fw, "mut.fd");
      const auto m = firmware::parse_tdvf_metadata(r);
      tdx::compute_mrtd(r, m, iter % 2 ? tdx::PageAddOrder::SinglePass : tdx::PageAddOrder::TwoPass);
      tdx::build_td_hob(m, 2ull << 30, "mut.fd");
      ++parsed;
    } catch (const Error& e) {
      REQUIRE(std::string(e.what()).rfind("mut.fd: ", 0) == 0);
    }
  }
  CHECK(parsed > 0);  // the loop also exercised the success paths
}
