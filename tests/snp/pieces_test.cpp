// SPDX-License-Identifier: Apache-2.0
// Unit tests of the pieces of the SNP launch digest, with the intermediate values of
// specs/snp.md §1.12 (computed by the reference tool on ovmf_AmdSev_suffix.bin).
#include <catch2/catch.hpp>

#include "snp/cpu_sig.h"
#include "snp/kernel_hashes.h"
#include "snp/launch.h"
#include "snp/page_info.h"
#include "snp/vmsa.h"
#include "snp/firmware_fixtures.h"
#include "support/support.h"
#include "util/digest.h"
#include "util/encoding.h"

using namespace coco;
using namespace coco::snp;

namespace {
std::string hex(Bytes b) { return to_hex(b); }
}  // namespace

TEST_CASE("snp.md §1.12 PAGE_INFO #0 of ovmf_AmdSev_suffix.bin", "[snp][vector]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  const ByteVec fw = test::read_shared(test::kAmdSevOvmf);
  const Digest48 page = sha384_page(fw);
  CHECK(hex(page) == "161ace084859674ded7322ad102eb33f49457e0f7845a8f9ad0e03a59eac3e3e360f8b78345363feaeac956ebba2d894");
  const PageInfo r = page_info(Digest48{}, page, PageType::Normal, 0xFFFFF000);
  CHECK(hex(r) == std::string(96, '0') + hex(page) + "7000010000000000" + "00f0ffff00000000");
  static_assert(sizeof(PageInfo) == 0x70);
}

TEST_CASE("snp.md §1.12 intermediate digests of ovmf_AmdSev_suffix.bin", "[snp][vector]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  const ByteVec fw = test::read_shared(test::kAmdSevOvmf);
  LaunchParams p;
  p.vcpus = 1;
  p.vcpu_sig = cpu_signature(23, 1, 2);
  const LaunchResult r = compute_launch_digest(p, Reader(fw, "AmdSev.bin"));
  CHECK(hex(*r.after_ovmf_pages) == "086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa16aff8c374c2a55c467a50da6d466b74");
  CHECK(hex(*r.after_metadata) == "2a436bb1f7bd08b3888d20579f83961e6cd34b45f10bfa96bfb8086d15e258e407b2b04f62e1e6536aa64ba1b16dd65c");
  // §3.2 snp_without_kernel_feature_snp_only
  CHECK(hex(r.digest) == "19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6013b26869a5fc6ecabe033c48dd6f6db5d6d76e7c5df632d");
  CHECK(r.ovmf_gpa == 0xFFFFF000);
  // 1 OVMF page; metadata: 9 + 3 + 1 + 1 + 1 (SVSM_CAA) + 1 (hashes, zero) + 15; 1 VMSA
  CHECK(r.pages == 1 + 9 + 3 + 1 + 1 + 1 + 1 + 15 + 1);
}

TEST_CASE("snp.md §1.12 VMSA page hashes for QEMU, EC2 and GCE", "[snp][vector]") {
  const std::uint32_t sig = 0x800F12, ap = 0x80B004;
  struct Case {
    VmmType vmm;
    const char* bsp;
    const char* ap;
  };
  for (const Case& c : {Case{VmmType::Qemu, "77920c4c629ff47e90c0e174fc1ad0eb6fa664f88cd4739488058a8c6cb1a77b3856f55378e9518d0da99452d51c553a",
                             "8413b852790765a310d95867a8b00bfca3a802b5a80830044b45e253fe96222657e11e53fcf63eb0e0afd722385bf7b4"},
                        Case{VmmType::Ec2, "d08442e8bcdb6a5dcd7f22e4f7fd6979beffb9f0bb54a9d1977407fe84f482abf23c1baae6ce95a6a9e7a94c3c51f412",
                             "acff2d22db95b8eb82272d844aa2ad1f8f84218ccbab003697acade12228a6e901256e160d41713c22fed92e0a1ed0e1"},
                        Case{VmmType::Gce, "f9e03177dad7f4819ee193af7cfb70507d8a923ab513412e908bc73460a9dfdaa54215d58952816118ffb2ec281e7fd2",
                             "5302d262c88780a7a13159a327fa99cf188cab234c680e1f3b6729171380a4312511813a354cab136d69c778050c245a"}}) {
    INFO(to_string(c.vmm));
    CHECK(hex(sha384_page(build_vmsa({c.vmm, kBspEip, 0x1, sig}))) == c.bsp);
    CHECK(hex(sha384_page(build_vmsa({c.vmm, ap, 0x1, sig}))) == c.ap);
  }
}

TEST_CASE("snp.md §1.6 VMSA field bytes for the BSP and an AP", "[snp]") {
  const VmsaPage bsp = build_vmsa({VmmType::Qemu, kBspEip, 0x21, 0xA00F11});
  const Reader r(bsp, "vmsa");
  CHECK(r.le<std::uint16_t>(vmsa::kCs) == 0xF000);
  CHECK(r.le<std::uint16_t>(vmsa::kCs + 2) == 0x9B);
  CHECK(r.le<std::uint64_t>(vmsa::kCs + 8) == 0xFFFF0000);
  CHECK(r.le<std::uint64_t>(vmsa::kRip) == 0xFFF0);
  CHECK(r.le<std::uint64_t>(vmsa::kRdx) == 0xA00F11);
  CHECK(r.le<std::uint64_t>(vmsa::kSevFeatures) == 0x21);
  CHECK(r.le<std::uint64_t>(vmsa::kGPat) == 0x0007040600070406);
  CHECK(r.le<std::uint32_t>(vmsa::kMxcsr) == 0x1F80);
  CHECK(r.le<std::uint16_t>(vmsa::kX87Fcw) == 0x037F);
  const VmsaPage ap = build_vmsa({VmmType::Ec2, 0x80B004, 0x1, 0xA00F11});
  const Reader a(ap, "vmsa");
  CHECK(a.le<std::uint64_t>(vmsa::kCs + 8) == 0x800000);
  CHECK(a.le<std::uint64_t>(vmsa::kRip) == 0xB004);
  CHECK(a.le<std::uint16_t>(vmsa::kCs + 2) == 0x9B);  // EC2 APs: accessed; the BSP's is 0x9A
  CHECK(a.le<std::uint16_t>(vmsa::kSs + 2) == 0x92);
  CHECK(a.le<std::uint16_t>(vmsa::kTr + 2) == 0x83);
  CHECK(a.le<std::uint64_t>(vmsa::kRdx) == 0x600);
  CHECK(a.le<std::uint32_t>(vmsa::kMxcsr) == 0);
  const VmsaPage ec2_bsp_page = build_vmsa({VmmType::Ec2, kBspEip, 0x1, 0});
  const Reader ec2_bsp(ec2_bsp_page, "vmsa");
  CHECK(ec2_bsp.le<std::uint16_t>(vmsa::kCs + 2) == 0x9A);
  // Nothing beyond the last field (x87 FCW at 0x410) is set.
  for (std::size_t i = 0x412; i < bsp.size(); ++i) REQUIRE(bsp[i] == 0);
  const VmsaPage svsm_page = build_svsm_vmsa(0xFFBFF000ull + 0x100, 0x800F12);
  const Reader svsm(svsm_page, "vmsa");
  CHECK(svsm.le<std::uint64_t>(vmsa::kRip) == 0xFFBFF100);
  CHECK(svsm.le<std::uint16_t>(vmsa::kX87Fcw) == 0);  // the reference tool's misspelt keyword
  CHECK(svsm.le<std::uint64_t>(vmsa::kCr0) == 0x11);
  CHECK(svsm.le<std::uint64_t>(vmsa::kSevFeatures) == 0x1);
}

TEST_CASE("snp.md §1.7 vCPU signatures", "[snp][vector]") {
  CHECK(cpu_signature(14, 1, 2) == 0x0E12);  // upstream test_vcpu_types
  CHECK(cpu_signature(23, 1, 2) == 0x00800F12);
  struct Row {
    const char* name;
    std::uint32_t sig;
  };
  for (const Row& r : {Row{"EPYC", 0x00800F12}, Row{"EPYC-v4", 0x00800F12}, Row{"EPYC-IBPB", 0x00800F12},
                       Row{"EPYC-Rome", 0x00830F10}, Row{"EPYC-Rome-v3", 0x00830F10}, Row{"EPYC-Milan", 0x00A00F11},
                       Row{"EPYC-Milan-v2", 0x00A00F11}, Row{"EPYC-Genoa", 0x00A10F10}, Row{"EPYC-Genoa-v2", 0x00A10F10},
                       Row{"EPYC-Turin", 0x00B00F00}}) {
    INFO(r.name);
    const auto m = find_cpu_model(r.name);
    REQUIRE(m);
    CHECK(cpu_signature(m->family, m->model, m->stepping) == r.sig);
  }
  CHECK_FALSE(find_cpu_model("EPYC-Naples"));
  CHECK_FALSE(find_cpu_model("epyc"));  // QEMU model names are case-sensitive
}

TEST_CASE("snp.md §1.5 kernel-hashes table and page", "[snp][vector]") {
  test::TempDir dir;
  std::string kernel(1000003, '\0'), initrd(300001, '\0');
  for (std::size_t i = 0; i < kernel.size(); ++i) kernel[i] = static_cast<char>(i % 251);
  for (std::size_t i = 0; i < initrd.size(); ++i) initrd[i] = static_cast<char>(0x41 + i % 7);
  const DirectBoot d = hash_direct_boot(dir.write("kernel_a.bin", kernel), dir.write("initrd_a.bin", initrd),
                                        "console=ttyS0 loglevel=7");
  const HashTable t = hash_table(d.hashes);
  CHECK(hex(t) ==
        "06d63894224fc94cb479a793d411fd21a800"
        "d82dd09720bd944caa78e7714d36ab2a3200321c8eec6a77bad179511397f913a083067ad8cb737bb260aacbfe8df70fc50a"
        "31f7ba442f3ad74b9af141e29169781d3200668c3b843964b968df413a99a7724229dd3fe134cf15c054ce90156901328424"
        "3794e74dd2ab7f42b835d5b172d2045b3200a7c4bea888022868c93104055fd56077cc81fe9eb624820fe2f717f313188782"
        "0000000000000000");
  ByteVec page(4096, 0);
  std::copy(t.begin(), t.end(), page.begin() + 0xC00);
  CHECK(hex(sha384_page(page)) == "dd3199e4bb7b8628d9bb08104c1549bebd051efb640762cb191319627fe6472ec5fdbcd4c8999350e876a272ac0531e1");
  // No --append hashes a lone NUL; no --initrd hashes nothing.
  CHECK(hex(cmdline_hash("")) == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  const DirectBoot bare = hash_direct_boot(dir.file("kernel_a.bin"), std::nullopt, "");
  CHECK(hex(bare.hashes.initrd) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK_THROWS_WITH(hash_direct_boot(dir.file("missing"), std::nullopt, ""), Catch::Contains("missing: cannot open"));
  CHECK_THROWS_WITH(hash_direct_boot(dir.file("kernel_a.bin"), dir.file("nope.img"), ""), Catch::Contains("nope.img: cannot open"));
}
