// SPDX-License-Identifier: Apache-2.0
// The pieces the RTMR events are made of: TD HOB bytes (specs/tdx.md §2.3), MR.EXTEND and
// PAGE.ADD records (§1.1), CHAR16 text and UEFI structures (§2.2, §2.6), QEMU's setup-header
// rewrite (§2.5) and memory sizes.
#include <catch2/catch.hpp>

#include "tdx/events.h"
#include "tdx/mrtd.h"
#include "tdx/qemu_kernel.h"
#include "tdx/td_hob.h"
#include "tdx/tdvf_builder.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"

using namespace coco;
namespace t = coco::test::tdx;

TEST_CASE("TD HOB bytes for 1 GiB and 3 GiB", "[tdx]") {
  const ByteVec fw = t::build_tdvf();
  const auto m = firmware::parse_tdvf_metadata(Reader(fw, "synth.fd"));
  const auto hob = tdx::build_td_hob(m, 1ull << 30, "synth.fd");
  // PHIT then 5 descriptors: [0, 0x809000) unaccepted, HOB accepted, gap, TempMem accepted, rest.
  const std::string want =
      "01003800000000000900000000000000" "00000000000000000000000000000000" "00000000000000000000000000000000"
      "3091800000000000"  // EfiEndOfHobList = 0x809000 + 56 + 5*48 + 8
      "0300300000000000" "00000000000000000000000000000000" "0700000007000000" "0000000000000000" "0090800000000000"
      "0300300000000000" "00000000000000000000000000000000" "0000000007000000" "0090800000000000" "0020000000000000"
      "0300300000000000" "00000000000000000000000000000000" "0700000007000000" "00b0800000000000" "0050000000000000"
      "0300300000000000" "00000000000000000000000000000000" "0000000007000000" "0000810000000000" "0000010000000000"
      "0300300000000000" "00000000000000000000000000000000" "0700000007000000" "0000820000000000" "00007e3f00000000";
  CHECK(to_hex(hob.measured) == want);
  const auto big = tdx::build_td_hob(m, 3ull << 30, "synth.fd");
  REQUIRE(big.ranges.size() == 6);
  CHECK(big.ranges[4].start + big.ranges[4].length == 2ull << 30);  // low RAM capped at 2 GiB
  CHECK(big.ranges[5].start == 4ull << 30);
  CHECK(big.ranges[5].length == 1ull << 30);
  CHECK(tdx::q35_ram_split(0xb0000000 - (1 << 20)).below_4g == 0xb0000000 - (1 << 20));
  CHECK(tdx::q35_ram_split(0xb0000000).below_4g == 2ull << 30);
  CHECK_THROWS_WITH(tdx::build_td_hob(m, 8ull << 20, "synth.fd"), Catch::Contains("not inside the guest RAM of 8M"));
}

TEST_CASE("memory sizes: whole MiB, QEMU units", "[tdx][hostile]") {
  CHECK(tdx::parse_memory_size("2G") == 2ull << 30);
  CHECK(tdx::parse_memory_size("2816M") == 0xb0000000);
  CHECK(tdx::parse_memory_size("2048") == 2ull << 30);
  CHECK(tdx::parse_memory_size("4GiB") == 4ull << 30);
  CHECK(tdx::parse_memory_size("1T") == 1ull << 40);
  CHECK(tdx::parse_memory_size("3072K") == 3ull << 20);
  CHECK_THROWS_WITH(tdx::parse_memory_size("1536K"), Catch::Contains("whole number of MiB"));
  for (const char* bad : {"", "G", "1.5G", "-1G", "0", "2Q", "99999999999999999999", "18446744073709551615G"}) {
    INFO(bad);
    CHECK_THROWS_AS(tdx::parse_memory_size(bad), Error);
  }
  CHECK(tdx::memory_size_text(0xb0000000) == "2816M");
}

TEST_CASE("PAGE.ADD and MR.EXTEND records, single vs two-pass", "[tdx]") {
  const auto add = tdx::page_add_record(0xffe20000);
  CHECK(to_hex(Bytes(add).first(24)) == "4d454d2e504147452e414444000000000000e2ff00000000");
  for (std::size_t i = 24; i < 128; ++i) REQUIRE(add[i] == 0);
  const auto ext = tdx::mr_extend_record(0x1234500);
  CHECK(to_hex(Bytes(ext).first(24)) == "4d522e455854454e44000000000000000045230100000000");
  // One BFV page of the synthetic image by hand: ADD then 16 × (EXTEND + 256 bytes).
  std::vector<t::TdvfSectionSpec> one = {{0x1000, 0x2000, 0xffff9000, 0x2000, 0, 1}, {0, 0, 0x809000, 0x1000, 2, 0}};
  const ByteVec fw = t::build_tdvf(one);
  const Reader r(fw, "one.fd");
  const auto m = firmware::parse_tdvf_metadata(r);
  auto extend_page = [&](Hasher& h, std::uint64_t p) {
    for (std::uint64_t c = 0; c < 4096; c += 256) {
      h.update(tdx::mr_extend_record(0xffff9000 + p * 4096 + c));
      h.update(Bytes(fw).subspan(0x1000 + p * 4096 + c, 256));
    }
  };
  Hasher single(Algo::Sha384), two(Algo::Sha384);
  for (std::uint64_t p = 0; p < 2; ++p) single.update(tdx::page_add_record(0xffff9000 + p * 4096)), extend_page(single, p);
  for (std::uint64_t p = 0; p < 2; ++p) two.update(tdx::page_add_record(0xffff9000 + p * 4096));
  for (std::uint64_t p = 0; p < 2; ++p) extend_page(two, p);
  single.update(tdx::page_add_record(0x809000));
  two.update(tdx::page_add_record(0x809000));
  const ByteVec s = single.finish(), w = two.finish();
  CHECK(tdx::compute_mrtd(r, m, tdx::PageAddOrder::SinglePass) == s);
  CHECK(tdx::compute_mrtd(r, m, tdx::PageAddOrder::TwoPass) == w);
  CHECK(s != w);
  CHECK(tdx::parse_page_add_order("single") == tdx::PageAddOrder::SinglePass);
  CHECK_THROWS_AS(tdx::parse_page_add_order("three"), Error);
}

TEST_CASE("CHAR16 text and UEFI structures", "[tdx]") {
  // OVMF widens each byte of the ASCII -append text; Latin-1 bytes stay single code units.
  CHECK(to_hex(tdx::char16_widen("a =\xe9", true)) == "610020003d00e9000000");
  CHECK(to_hex(tdx::char16_widen("", true)) == "0000");
  CHECK(to_hex(tdx::char16_widen("ab", false)) == "61006200");
  const auto pk = tdx::uefi_variable_data(firmware::guid("8be4df61-93ca-11d2-aa0d-00e098032b8c"), "PK", {});
  CHECK(to_hex(pk) == "61dfe48bca93d211aa0d00e098032b8c" "0200000000000000" "0000000000000000" "50004b00");
  const auto opt = tdx::efi_load_option(0x109, "A", tdx::device_path_end());
  CHECK(to_hex(opt) == "09010000" "0400" "41000000" "7fff0400");
  ByteVec r(48, 0);
  tdx::rtmr_extend(r, ByteVec(48, 1));
  CHECK(r == digest(Algo::Sha384, [] { ByteVec b(48, 0); b.resize(96, 1); return b; }()));
}

TEST_CASE("QEMU setup-header rewrite per boot protocol", "[tdx]") {
  ByteVec k(0x400, 0);
  store_le<std::uint32_t>(k, 0x202, 0x53726448);  // "HdrS"
  SECTION("protocol 2.15, loaded high, can load above 4G: initrd below the RAM limit") {
    store_le<std::uint16_t>(k, 0x206, 0x20f);
    k[0x211] = 0x01;
    store_le<std::uint16_t>(k, 0x236, 0x2);
    const auto h = tdx::qemu_patched_head(Reader(k, "k"), {"console=ttyS0 vga=ext", 0x100000, 2ull << 30});
    const Reader r(h, "h");
    CHECK(h[0x210] == 0xb0);
    CHECK(h[0x211] == 0x81);
    CHECK(r.le<std::uint32_t>(0x228) == 0x20000);
    CHECK(r.le<std::uint16_t>(0x224) == 0x20000 - 0x10000 - 0x200);
    CHECK(r.le<std::uint16_t>(0x1fa) == 0xfffe);
    CHECK(r.le<std::uint32_t>(0x218) == ((0x80000000 - 0x28000 - 1 - 0x100000) & ~0xfffu));
    CHECK(r.le<std::uint32_t>(0x21c) == 0x100000);
  }
  SECTION("protocol 2.03 without XLF bit 1 uses initrd_addr_max; vga=0x317") {
    store_le<std::uint16_t>(k, 0x206, 0x20c);
    k[0x211] = 0x01;
    store_le<std::uint16_t>(k, 0x236, 0x40);  // only XLF_5LEVEL: not "above 4G"
    store_le<std::uint32_t>(k, 0x22c, 0x7fffffff);
    const auto h = tdx::qemu_patched_head(Reader(k, "k"), {"vga=0x317", 0x1000, 16ull << 30});
    const Reader r(h, "h");
    CHECK(r.le<std::uint32_t>(0x218) == 0x7fffe000);
    CHECK(r.le<std::uint16_t>(0x1fa) == 0x317);
  }
  SECTION("protocol 2.01, low kernel: cmdline offset at 0x20/0x22") {
    store_le<std::uint16_t>(k, 0x206, 0x201);
    const auto h = tdx::qemu_patched_head(Reader(k, "k"), {"abc", std::nullopt, 1ull << 30});
    const Reader r(h, "h");
    CHECK(r.le<std::uint16_t>(0x20) == 0xa33f);
    CHECK(r.le<std::uint16_t>(0x22) == 0x9a000 - 16 - 0x90000);
    CHECK(r.le<std::uint16_t>(0x224) == 0x9a000 - 16 - 0x90000 - 0x200);
    CHECK(r.le<std::uint32_t>(0x228) == 0);
    CHECK(r.le<std::uint32_t>(0x21c) == 0);
  }
  SECTION("bad inputs") {
    CHECK_THROWS_WITH(tdx::qemu_patched_head(Reader(Bytes(k).first(0x200), "short"), {}), Catch::Contains("short: offset 0x0"));
    store_le<std::uint16_t>(k, 0x206, 0x20f);
    k[0x211] = 0x01;
    CHECK_THROWS_WITH(tdx::qemu_patched_head(Reader(k, "k"), {"", 0x7fffffff, 1ull << 30}), Catch::Contains("initrd is too large"));
  }
}
