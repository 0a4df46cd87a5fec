// SPDX-License-Identifier: Apache-2.0
// coco measure snp end to end: JSON that matches its schema, --explain, the reference tool's
// text forms, and bad input (flags, files, mutated firmware) through the binary.
#include <catch2/catch.hpp>
#include <random>

#include "snp/firmware_fixtures.h"
#include "support/support.h"
#include "util/file.h"
#include "util/output.h"

using namespace coco;
using test::run_coco;

namespace {
std::string fixture(const std::string& name) { return test::shared_path("fixtures/sev-snp-measure/" + name); }
const std::string kAmdSevPath = test::shared_path(test::kAmdSevOvmf);
}  // namespace

TEST_CASE("measure snp --output json matches its schema and records every input", "[snp][cli]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  test::TempDir dir;
  const std::string kernel = dir.write("vmlinuz", std::string(10000, 'k'));
  const std::vector<std::vector<std::string>> runs = {
      {"--mode", "snp", "--vcpus", "4", "--vcpu-type", "EPYC-Milan", "--ovmf", kAmdSevPath, "--kernel", kernel, "--append", "console=ttyS0"},
      {"--mode", "snp", "--vmm-type", "ec2", "--vcpus", "2", "--ovmf", kAmdSevPath},
      {"--mode", "snp", "--vmm-type", "QEMU", "--vcpus", "1", "--vcpu-sig", "0xa00f11", "--ovmf", kAmdSevPath,
       "--snp-ovmf-hash", std::string(96, 'a')},
      {"--mode", "snp:ovmf-hash", "--ovmf", kAmdSevPath},
      {"--mode", "seves", "--vcpus", "2", "--vcpu-family", "25", "--vcpu-model", "1", "--vcpu-stepping", "1", "--ovmf", kAmdSevPath},
      {"--mode", "sev", "--ovmf", kAmdSevPath, "--kernel", kernel, "--initrd", kernel},
      {"--mode", "snp:svsm", "--vcpus", "2", "--vcpu-type", "EPYC-v4", "--ovmf", fixture("svsm_ovmf.fd"), "--svsm",
       fixture("svsm.bin"), "--vars-size", "540672"},
  };
  for (auto args : runs) {
    args.insert(args.begin(), {"measure", "snp", "--output", "json"});
    INFO(args[5]);
    const auto r = run_coco(args);
    REQUIRE(r.exit_code == 0);
    CHECK(test::schema_errors("measure-snp.schema.json", r.out) == "");
  }
  const Json j = parse_json(run_coco({"measure", "snp", "--output", "json", "--mode", "snp", "--vcpus", "4", "--vcpu-type",
                                      "EPYC-Milan", "--ovmf", kAmdSevPath, "--kernel", kernel, "--append", "console=ttyS0"})
                                .out,
                            "stdout");
  CHECK(j["mode"] == "snp");
  CHECK(j["vcpu"]["signature"] == "0xa00f11");
  CHECK(j["vcpu"]["type"] == "EPYC-Milan");
  CHECK(j["guest_features"] == "0x1");
  CHECK(j["ovmf"]["sha256"] == "8f765dfabc127fc0a938a0744a3103ec15864d7d794eb4c398aa976b6d6ab16c");
  CHECK(j["ovmf"]["reset_eip"] == "0x80b004");
  CHECK(j["ovmf"]["sev_metadata"]["sections"].size() == 7);
  CHECK(j["kernel_hashes"]["page_gpa"] == "0x810000");
  CHECK(j["kernel_hashes"]["table_gpa"] == "0x810c00");
  CHECK(j["kernel_hashes"]["initrd"]["sha256"] == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(j["stages"]["after_ovmf_pages"] == "086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa16aff8c374c2a55c467a50da6d466b74");
  CHECK(test::schema_errors("measure-snp.schema.json", R"({"mode": "snp"})") != "");
}

TEST_CASE("measure snp text forms: hex, base64, -v, --explain", "[snp][cli]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  const std::vector<std::string> base = {"measure", "snp", "--mode", "snp", "--vcpus", "4", "--vcpu-type", "EPYC-Milan", "--ovmf", kAmdSevPath};
  auto with = [&](std::vector<std::string> extra) {
    auto a = base;
    a.insert(a.end(), extra.begin(), extra.end());
    return run_coco(a);
  };
  // snp.tsv line 34 / 9
  CHECK(with({"--output-format", "base64"}).out == "BaiY2xLPBUmsvKQdXuiKySYOgPNqyYuOI5Ouf4Aw/bAPzmNTBmkhYiCzjTkIaMg0\n");  // snp.tsv line 34
  CHECK(with({"-v"}).out == "Calculated SEV_SNP guest measurement: "
                             "05a898db12cf0549acbca41d5ee88ac9260e80f36ac98b8e2393ae7f8030fdb00fce6353066921622"
                             "0b38d390868c834\n");  // snp.tsv line 9
  const auto explain = with({"--explain"});
  CHECK(explain.exit_code == 0);
  for (const char* s : {"vcpu signature    0xa00f11 (from --vcpu-type, EPYC-Milan)", "reset eip (APs)   0x80b004",
                        "SNP_KERNEL_HASHES at 0x810000, 0x1000 bytes: ZERO x1", "after ovmf pages  086e2e91",
                        "guest features    0x1"})
    CHECK_THAT(explain.out, Catch::Contains(s));
  const auto ovmf_hash = run_coco({"measure", "snp", "--mode", "snp:ovmf-hash", "--ovmf", kAmdSevPath, "--output-format", "base64"});
  CHECK(ovmf_hash.out == "086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa16aff8c374c2a55c467a50da6d466b74\n");
}

TEST_CASE("measure snp: bad flags and files exit 1 or 2 and name the flag or file", "[snp][cli][hostile]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  test::TempDir dir;
  const std::string empty = dir.write("empty.fd", "");
  const std::string tiny = dir.write("tiny.fd", std::string(40, 'x'));
  const ByteVec fw = read_binary_file(kAmdSevPath);
  const std::string cut = dir.write("cut.fd", std::string(fw.begin() + 0x100, fw.end()));
  const std::string snp4 = "--mode snp --vcpus 4 --vcpu-type EPYC-v4 --ovmf " + kAmdSevPath;
  struct Case {
    std::string args;
    int exit;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"--mode snp --vcpus 0 --vcpu-type EPYC-v4 --ovmf " + kAmdSevPath, 2, "--vcpus 0: a guest needs at least one vCPU"},
      {"--mode snp --vcpus four --vcpu-type EPYC-v4 --ovmf " + kAmdSevPath, 2, "--vcpus: 'four' is not a whole number"},
      {"--mode snp --vcpus 99999999 --vcpu-type EPYC-v4 --ovmf " + kAmdSevPath, 2, "--vcpus: '99999999'"},
      {"--mode snp --vcpus 1 --vcpu-type EPYC-Naples --ovmf " + kAmdSevPath, 2, "--vcpu-type"},
      {"--mode snp --vcpus 1 --vcpu-sig 0xZZ --ovmf " + kAmdSevPath, 2, "--vcpu-sig: '0xZZ' is not a number"},
      {"--mode snp --vcpus 1 --vcpu-sig 0x100000000 --ovmf " + kAmdSevPath, 2, "--vcpu-sig: '0x100000000'"},
      {"--mode snp --vcpus 1 --vcpu-family 25 --ovmf " + kAmdSevPath, 2, "--vcpu-family, --vcpu-model and --vcpu-stepping go together"},
      {"--mode snp --vcpus 1 --vcpu-family 25 --vcpu-model 1 --vcpu-stepping 16 --ovmf " + kAmdSevPath, 2, "--vcpu-stepping: '16'"},
      {snp4 + " --guest-features nope", 2, "--guest-features: 'nope'"},
      {snp4 + " --snp-ovmf-hash 1234", 2, "--snp-ovmf-hash: expected 96 hex digits"},
      {snp4 + " --snp-ovmf-hash " + std::string(95, 'a') + "g", 2, "--snp-ovmf-hash: expected 96 hex digits"},
      {"--mode seves --vcpus 1 --vcpu-type EPYC-v4 --snp-ovmf-hash " + std::string(96, 'a') + " --ovmf " + kAmdSevPath, 2,
       "--snp-ovmf-hash applies only to --mode snp"},
      {snp4 + " --initrd /dev/null", 2, "--initrd needs --kernel"},
      {snp4 + " --append quiet", 2, "--append needs --kernel"},
      {snp4 + " --svsm /dev/null", 2, "--svsm applies only to --mode snp:svsm"},
      {snp4 + " --vars-size 4096", 2, "--vars-size applies only to --mode snp:svsm"},
      {"--mode snp:ovmf-hash --ovmf " + kAmdSevPath + " --kernel /dev/null", 2, "--kernel applies only to modes snp, seves and sev"},
      {"--mode snp:svsm --vcpus 1 --vcpu-type EPYC-v4 --ovmf " + kAmdSevPath + " --svsm " + kAmdSevPath, 2, "needs the OVMF_VARS size"},
      {"--mode snp:svsm --vcpus 1 --vcpu-type EPYC-v4 --ovmf " + kAmdSevPath + " --svsm " + kAmdSevPath + " --vars-size 1 --vars-file /dev/null", 2,
       "--vars-size and --vars-file are alternatives"},
      {"--mode snp:svsm --vmm-type ec2 --vcpus 1 --ovmf " + kAmdSevPath + " --svsm " + kAmdSevPath + " --vars-size 4096", 2, "QEMU only"},
      {"--mode snp --vmm-type kvm --vcpus 1 --ovmf " + kAmdSevPath, 2, "--vmm-type"},
      {"--mode tdx --ovmf " + kAmdSevPath, 2, "--mode"},
      {"--mode snp --vcpus 1 --vcpu-type EPYC-v4", 2, "--ovmf"},
      {snp4 + " --kernel " + dir.file("no-such-kernel"), 1, "no-such-kernel: cannot open"},
      {snp4 + " --kernel /dev/null --initrd " + dir.file("no-such-initrd"), 1, "no-such-initrd: cannot open"},
      {"--mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf " + dir.file("missing.fd"), 1, "missing.fd: cannot open"},
      {"--mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf " + dir.path().string(), 1, "is a directory"},
      {"--mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf " + empty, 1, "empty.fd: offset 0x0: image is 0 bytes"},
      {"--mode sev --ovmf " + tiny, 1, "tiny.fd: offset 0x0: image is 40 bytes; an OVMF footer needs at least 50"},
      {"--mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf " + cut, 1, "cut.fd: "},
      {"--mode snp:svsm --vcpus 1 --vcpu-type EPYC-v4 --ovmf " + kAmdSevPath + " --svsm " + kAmdSevPath + " --vars-size 4096", 1,
       "no SVSM info entry"},
      {"--mode snp:svsm --vcpus 1 --vcpu-type EPYC-v4 --ovmf " + fixture("svsm_ovmf.fd") + " --svsm " + fixture("svsm.bin") +
           " --vars-size 0xfff00000", 1, "--vars-size: 0xfff00000 does not fit below the OVMF image"},
      {"--mode snp:svsm --vcpus 1 --vcpu-type EPYC-v4 --ovmf " + fixture("svsm_ovmf.fd") + " --svsm " + fixture("svsm.bin") +
           " --vars-size 0xffc00000", 1, "svsm.bin: is 1138688 bytes; it does not fit below 0x"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"measure", "snp"};
    for (std::size_t at = 0; at < c.args.size();) {
      const auto sp = c.args.find(' ', at);
      args.push_back(c.args.substr(at, sp - at));
      if (sp == std::string::npos) break;
      at = sp + 1;
    }
    INFO(c.args);
    const auto r = run_coco(args);
    CHECK(r.exit_code == c.exit);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::StartsWith("coco: ") && Catch::Contains(c.message));
    CHECK_THAT(r.err, !Catch::Contains("internal error"));
  }
}

TEST_CASE("measure snp: mutated firmware files through the binary", "[snp][cli][hostile]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  test::TempDir dir;
  const ByteVec fw = read_binary_file(kAmdSevPath);
  std::mt19937 rng(7);
  int ok = 0;
  for (int i = 0; i < 40; ++i) {
    ByteVec bad = fw;
    for (int k = 0; k < 3; ++k) bad[0xA00 + rng() % 0x600] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    const std::string path = dir.write("m.fd", std::string(bad.begin(), bad.end()));
    const auto r = run_coco({"measure", "snp", "--mode", "snp", "--vcpus", "2", "--vcpu-type", "EPYC-v4", "--ovmf", path, "--kernel", "/dev/null"});
    INFO(r.err);
    CHECK((r.exit_code == 0 || r.exit_code == 1));
    if (r.exit_code == 0) ++ok;
    else CHECK_THAT(r.err, Catch::StartsWith("coco: " + path + ": ") && !Catch::Contains("internal error"));
  }
  CHECK(ok < 40);
}

TEST_CASE("measure snp: no firmware metadata gets a warning", "[snp][cli]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  test::TempDir dir;
  const ByteVec fw = read_binary_file(fixture("ovmf_OvmfX64_suffix.bin"));
  ByteVec bad = fw;
  for (std::size_t i = 0; i + 16 <= bad.size(); ++i)  // hide the metadata GUID (dc886566-…)
    if (bad[i] == 0x66 && bad[i + 1] == 0x65 && bad[i + 2] == 0x88 && bad[i + 3] == 0xdc) bad[i] ^= 1;
  const auto r = run_coco({"measure", "snp", "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC-v4", "--ovmf",
                           dir.write("nometa.fd", std::string(bad.begin(), bad.end()))});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("warning: ") && Catch::Contains("no SEV metadata"));
}

TEST_CASE("measure snp streams the kernel: peak memory stays flat", "[snp][cli][slow]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  if (!test::have_program("/usr/bin/time")) {
    WARN("skipped: needs /usr/bin/time (Debian package time)");
    return;
  }
  test::TempDir dir;
  const std::string big = dir.file("big.img");
  REQUIRE(test::run_program({"truncate", "-s", "256M", big}).exit_code == 0);  // sparse: costs no disk
  auto peak_kib = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {"/usr/bin/time", "-f", "maxrss_kib=%M", COCO_BINARY, "measure", "snp", "--mode", "snp",
                                     "--vcpus", "1", "--vcpu-type", "EPYC-v4", "--ovmf", kAmdSevPath};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const auto r = test::run_program(argv);
    REQUIRE(r.exit_code == 0);
    const auto at = r.err.rfind("maxrss_kib=");
    REQUIRE(at != std::string::npos);
    return std::stol(r.err.substr(at + 11));
  };
  // The same command without kernel and initrd is the baseline: what the binary needs anyway
  // (under ASan well over 100 MiB of shadow and allocator state before any input is read).
  const long baseline = peak_kib({});
  const long kib = peak_kib({"--kernel", big, "--initrd", big});
  INFO("peak RSS " << kib << " KiB for a 256 MiB kernel and initrd, " << baseline << " KiB without them");
  CHECK(kib - baseline < 24 * 1024);  // streamed: far below the 512 MiB read
#ifndef __SANITIZE_ADDRESS__
  CHECK(kib < 32 * 1024);
#endif
}

TEST_CASE("measure snp --ovmf alone: defaults snp, 1 vCPU, EPYC-v4, and says so", "[snp][cli]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  const auto r = run_coco({"measure", "snp", "--ovmf", kAmdSevPath});
  CHECK(r.exit_code == 0);
  // snp.tsv line 5: --mode=snp --vcpus=1 --vcpu-type=EPYC-v4
  CHECK(r.out == "19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6013b26869a5fc6ecabe033c48dd6f6db5d6d76e7c5df632d\n");
  CHECK_THAT(r.err, Catch::Contains("warning: measured with defaults --vcpus 1 --vcpu-type EPYC-v4"));
  CHECK(run_coco({"measure", "snp", "--ovmf", kAmdSevPath, "-q"}).err.empty());
  const Json j = parse_json(run_coco({"measure", "snp", "--ovmf", kAmdSevPath, "--output", "json"}).out, "stdout");
  CHECK(j["defaults_applied"] == Json::array({"--vcpus 1", "--vcpu-type EPYC-v4"}));
  CHECK(j["vcpu"]["source"] == "default --vcpu-type");
  const Json given = parse_json(
      run_coco({"measure", "snp", "--ovmf", kAmdSevPath, "--vcpus", "2", "--vcpu-sig", "0x800f12", "--output", "json"}).out, "stdout");
  CHECK(given["defaults_applied"].empty());
}

TEST_CASE("measure snp --dump-vmsa writes the pages of snp.md §1.12", "[snp][cli]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  test::TempDir dir;
  const auto r = test::run_program({"sh", "-c", "cd \"$1\" && \"$2\" measure snp --mode snp --vcpus 3 --vcpu-type EPYC-v4 --ovmf \"$3\" --dump-vmsa",
                                    "sh", dir.path().string(), COCO_BINARY, kAmdSevPath});
  REQUIRE(r.exit_code == 0);
  auto sha384 = [&](const std::string& f) { return test::run_program({"openssl", "dgst", "-sha384", "-r", dir.file(f)}).out.substr(0, 96); };
  CHECK(sha384("vmsa0.bin") == "77920c4c629ff47e90c0e174fc1ad0eb6fa664f88cd4739488058a8c6cb1a77b3856f55378e9518d0da99452d51c553a");
  CHECK(sha384("vmsa1.bin") == "8413b852790765a310d95867a8b00bfca3a802b5a80830044b45e253fe96222657e11e53fcf63eb0e0afd722385bf7b4");
  CHECK(sha384("vmsa2.bin") == sha384("vmsa1.bin"));
  CHECK_FALSE(file_exists(dir.file("vmsa3.bin")));
  const auto sev = run_coco({"measure", "snp", "--mode", "sev", "--ovmf", kAmdSevPath, "--dump-vmsa"});
  CHECK(sev.exit_code == 2);
  CHECK_THAT(sev.err, Catch::Contains("--dump-vmsa: mode sev has no VMSA pages"));
}

TEST_CASE("older hosts and EC2 instances: the legacy VMSA vectors of snp.md §3.3", "[snp][cli][vector]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  auto digest = [](std::vector<std::string> args) {
    args.insert(args.begin(), {"measure", "snp"});
    const auto r = run_coco(args);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    return r.out.substr(0, r.out.find('\n'));
  };
  const std::vector<std::string> qemu = {"--vcpu-type", "EPYC-v4", "--ovmf", kAmdSevPath, "--legacy-vmsa-fpu"};
  auto with = [](std::vector<std::string> a, std::vector<std::string> b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  // "derived here (patched MXCSR = FCW = 0, i.e. pre-INIT2 hosts)"
  CHECK(digest(with(qemu, {"--mode", "snp", "--vcpus", "1"})) ==
        "792ffe9127acff0ba729b21d2f5527c3e437ffaa1cdbf2962a9702842575b0ae94157f1fb1efccb223796c71418b9d5f");
  CHECK(digest(with(qemu, {"--mode", "snp", "--vcpus", "4"})) ==
        "0cfcaa8a4c95884dfe4b87ab92f7585e1a27d2b83434e9cd66927e45b5fcfddf64a7d493f0a903db783b79617b3a366f");
  CHECK(digest(with(qemu, {"--mode", "seves", "--vcpus", "1"})) == "663316335295bd37dd65dbc7e9982f2d12c0b827a3ddbfb1163ff46fb099d214");
  // virtee/sev Rust tests and sev-snp-measure <= 0.0.12: EC2 with RDX 0
  const std::vector<std::string> ec2 = {"--mode", "snp", "--vmm-type", "ec2", "--vcpus", "1", "--ovmf", kAmdSevPath, "--kernel",
                                        "/dev/null", "--initrd", "/dev/null", "--append", "", "--ec2-rdx", "0"};
  CHECK(digest(with(ec2, {"--guest-features", "0x1"})) ==
        "7d3756157c805bf6adf617064c8552e8c1688fa1c8756f11cbf56ba5d25c9270fb69c0505c1cbe1c5c66c0e34c6ed3be");
  CHECK(digest(with(ec2, {"--guest-features", "0x21"})) ==
        "6ae80856486b1396af8c82a40351d6ed76a20c785e9c7fa4ffa27c22d5d6313b4b3b458cd3c9968e6f89fb5d8450d7a6");
  CHECK(run_coco({"measure", "snp", "--mode", "snp", "--vcpus", "1", "--ovmf", kAmdSevPath, "--ec2-rdx", "0"}).exit_code == 2);
  CHECK(run_coco({"measure", "snp", "--mode", "snp", "--vmm-type", "gce", "--vcpus", "1", "--ovmf", kAmdSevPath, "--legacy-vmsa-fpu"}).exit_code == 2);

  // sev-snp-measure-go ovmf_img_{1,2}.json: seed + the metadata of Debian 12's OVMF.fd (five
  // sections 1,1,2,3,1 at 0x800000…, reset EIP 0x80b004), EC2, 2 vCPUs, guest features 0x1.
  const std::string deb = "/usr/share/ovmf/OVMF.fd";
  if (!file_exists(deb)) {
    WARN("skipped the sev-snp-measure-go vectors: " << deb << " is missing (apt-get install ovmf)");
    return;
  }
  const Json facts = parse_json(run_coco({"measure", "snp", "--output", "json", "--ovmf", deb}).out, "stdout");
  REQUIRE(facts["ovmf"]["reset_eip"] == "0x80b004");
  REQUIRE(facts["ovmf"]["sev_metadata"]["sections"].size() == 5);
  struct Go {
    const char* seed;
    const char* rdx0;
    const char* rdx600;
  };
  for (const Go& g : {Go{"a58211791a556a630a4319dc9e2ea96cc0e9784dd9f20a4fadf81b26c98d163fcdcb6703884bbbb80d7b1de45b3d84d0",
                         "4c6e33087d08fa770259484dddbef367086a15c3e2cf10038dc97229d39c942671c2e22b300178f8de594a3f2fa59303",
                         "1c146f3083d66ad1648f842a62a65ad99b9fa4c8fe5b151b677f4923c1686004ce9ce3d1d9eda527f72bba78e6ceef67"},
                      Go{"2027a27bb9f7acfd280e4c7bd68a73973b94bf0756e5b282e004b9395f597b8d0eb4defa7d8f6549375aa4d2b146f0f3",
                         "c2c84b9364fc9f0f54b04534768c860c6e0e386ad98b96e8b98eca46ac8971d05c531ba48373f054c880cfd1f4a0a84e",
                         "ef89452c1af43e29da35f8707836be26dbdb70654e46cd81368d7e130ab583018b70319e90b5890b63e2294eed84e63d"}}) {
    const std::vector<std::string> go = {"--mode", "snp", "--vmm-type", "ec2", "--vcpus", "2", "--ovmf", deb, "--snp-ovmf-hash", g.seed};
    CHECK(digest(with(go, {"--ec2-rdx", "0"})) == g.rdx0);
    CHECK(digest(go) == g.rdx600);
  }
}
