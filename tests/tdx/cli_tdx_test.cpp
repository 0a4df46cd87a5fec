// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of coco measure tdx, coco tdx authenticode and coco tdx replay through the
// built binary: JSON against the schemas, folds re-done by python3's hashlib, the messages of
// bad input, and the per-event diff of a log against an expectation.
#include <catch2/catch.hpp>

#include "support/support.h"
#include "tdx/inputs.h"
#include "tdx/pe_builder.h"
#include "util/output.h"

namespace t = coco::test::tdx;
using coco::test::run_coco;
using coco::test::run_program;
using Catch::Contains;

namespace {

// RTMR folds of a `measure tdx` JSON's events, computed by python3 (independent of coco).
std::vector<std::string> python_folds(const std::string& json) {
  const auto r = run_program({"python3", "-c", R"(
import hashlib, json, sys
m = json.load(sys.stdin)
r = [bytes(48)] * 4
for e in m["events"]:
    r[e["register"]] = hashlib.sha384(r[e["register"]] + bytes.fromhex(e["digest"])).digest()
print(" ".join(x.hex() for x in r))
)"}, json);
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> out;
  std::istringstream in(r.out);
  for (std::string s; in >> s;) out.push_back(s);
  return out;
}

std::string openssl_sha384(const std::string& path) {
  const auto r = run_program({"openssl", "dgst", "-sha384", "-r", path});
  REQUIRE(r.exit_code == 0);
  return r.out.substr(0, 96);
}

std::uint32_t type_number(const std::string& name) {
  static const std::map<std::string, std::uint32_t> kTypes = {
      {"EV_SEPARATOR", 4}, {"EV_EVENT_TAG", 6}, {"EV_PLATFORM_CONFIG_FLAGS", 0xa},
      {"EV_EFI_VARIABLE_DRIVER_CONFIG", 0x80000001}, {"EV_EFI_VARIABLE_BOOT", 0x80000002},
      {"EV_EFI_BOOT_SERVICES_APPLICATION", 0x80000003}, {"EV_EFI_ACTION", 0x80000007},
      {"EV_EFI_PLATFORM_FIRMWARE_BLOB2", 0x8000000a}, {"EV_EFI_HANDOFF_TABLES2", 0x8000000b},
      {"EV_EFI_VARIABLE_AUTHORITY", 0x800000e0}};
  return kTypes.at(name);
}

// A crypto-agile log (SHA-384 only) holding the events of a `measure tdx` JSON, as a TD would.
coco::ByteVec ccel_from(const coco::Json& m) {
  using coco::put_le;
  coco::ByteVec log;
  put_le(log, std::uint32_t{0});
  put_le(log, std::uint32_t{3});  // EV_NO_ACTION
  log.insert(log.end(), 20, 0);
  const std::string sig("Spec ID Event03", 16);
  coco::ByteVec spec(sig.begin(), sig.end());
  put_le(spec, std::uint32_t{0});
  spec.insert(spec.end(), {0, 2, 0, 2});
  put_le(spec, std::uint32_t{1});
  put_le(spec, std::uint16_t{0xc});
  put_le(spec, std::uint16_t{48});
  spec.push_back(0);
  put_le(log, static_cast<std::uint32_t>(spec.size()));
  coco::append(log, spec);
  for (const auto& e : m["events"]) {
    put_le(log, static_cast<std::uint32_t>(e["register"].get<int>() + 1));
    put_le(log, type_number(e["type"].get<std::string>()));
    put_le(log, std::uint32_t{1});
    put_le(log, std::uint16_t{0xc});
    coco::append(log, coco::from_hex(e["digest"].get<std::string>()));
    const std::string data = e["description"].get<std::string>();
    put_le(log, static_cast<std::uint32_t>(data.size()));
    coco::append(log, coco::as_bytes(data));
  }
  log.insert(log.end(), 64, 0xff);  // unused log area
  return log;
}

}  // namespace

TEST_CASE("measure tdx: JSON matches its schema, RTMRs fold as python computes them", "[tdx][cli]") {
  if (!t::debian_ovmf()) {
    WARN("Debian OVMF.fd not installed: skipped");
    return;
  }
  const coco::test::TempDir dir;
  const auto pe = t::build_pe({});
  const std::string kernel = dir.file("vmlinuz.efi");
  coco::write_file_atomic(kernel, coco::as_chars(pe.bytes));
  const std::string initrd = dir.write("initrd.img", std::string(5000, 'i'));
  std::filesystem::create_directories(dir.path() / "acpi");
  dir.write("acpi/table-loader", std::string(4096, 'L'));
  dir.write("acpi/rsdp.bin", "RSD PTR synthetic...");  // the tdx-measure file name also works
  dir.write("acpi/tables", std::string(0x20000, 'T'));

  const auto r = run_coco({"measure", "tdx", "--firmware", t::kOvmfFd, "--kernel", kernel, "--initrd", initrd, "--append",
                           "console=hvc0", "--memory", "4G", "--acpi-tables", dir.file("acpi"), "--output", "json",
                           "--profile", "ubuntu-25.04"});
  REQUIRE(r.exit_code == 0);
  CHECK(coco::test::schema_errors("measure-tdx.schema.json", r.out) == "");
  const coco::Json m = coco::parse_json(r.out, "stdout");
  CHECK(m["mrtd"] == "4c7206f0f483c524f12c366c711e9049030a8d47c471ee5aa9c4999a08de4057fb887fed0744d5631a212967fb231c47");
  CHECK(m["profile"]["name"] == "ubuntu-25.04");
  CHECK(m["profile"]["kernel_header"] == "qemu-rewrite");
  CHECK(m["inputs"]["memory_bytes"] == 4ull << 30);
  const auto folds = python_folds(r.out);
  REQUIRE(folds.size() == 4);
  for (int i = 0; i < 4; ++i) CHECK(m["rtmr"][i] == folds[static_cast<std::size_t>(i)]);
  // The three ACPI events are the blobs' SHA-384, in QEMU's order, as openssl computes them.
  std::vector<std::string> acpi;
  for (const auto& e : m["events"])
    if (e["description"].get<std::string>().rfind("ACPI DATA", 0) == 0) acpi.push_back(e["digest"]);
  REQUIRE(acpi.size() == 3);
  CHECK(acpi[0] == openssl_sha384(dir.file("acpi/table-loader")));
  CHECK(acpi[1] == openssl_sha384(dir.file("acpi/rsdp.bin")));
  CHECK(acpi[2] == openssl_sha384(dir.file("acpi/tables")));
  // RTMR2: the initrd event is the file's SHA-384.
  CHECK(m["events"].back()["digest"] == openssl_sha384(initrd));

  SECTION("--explain lists every event; a flag overrides the profile") {
    const auto text = run_coco({"measure", "tdx", "--firmware", t::kOvmfFd, "--kernel", kernel, "--acpi-tables",
                                dir.file("acpi"), "--profile", "ubuntu-25.04", "--page-add-order", "two-pass", "--explain"});
    REQUIRE(text.exit_code == 0);
    CHECK_THAT(text.out, Contains("page-add two-pass") && Contains("ubuntu-25.04"));
    CHECK_THAT(text.out, Contains("MRTD     acccbcc870a381adab0d3919d90a7f268ac3b036"));
    CHECK_THAT(text.out, Contains("EV_EFI_HANDOFF_TABLES2") && Contains("ACPI DATA: etc/acpi/tables") &&
                             Contains("Exit Boot Services Returned with Success"));
  }
  SECTION("missing ACPI blobs are named and RTMR0 is null, not guessed") {
    std::filesystem::remove(dir.path() / "acpi" / "rsdp.bin");
    const auto j = run_coco({"measure", "tdx", "--firmware", t::kOvmfFd, "--kernel", kernel, "--acpi-tables",
                             dir.file("acpi"), "--output", "json"});
    REQUIRE(j.exit_code == 0);
    CHECK(coco::test::schema_errors("measure-tdx.schema.json", j.out) == "");
    const coco::Json mj = coco::parse_json(j.out, "stdout");
    CHECK(mj["rtmr"][0].is_null());
    CHECK(mj["rtmr"][1].is_string());
    CHECK_THAT(j.err, Contains("RTMR0 is not computable") && Contains("etc/acpi/rsdp") && !Contains("etc/table-loader ("));
    const auto none = run_coco({"measure", "tdx", "--firmware", t::kOvmfFd, "--kernel", kernel});
    CHECK_THAT(none.err, Contains("no --acpi-tables DIR given") && Contains("etc/table-loader") && Contains("etc/acpi/tables"));
    CHECK_THAT(none.out, Contains("RTMR0    not computable"));
  }
}

TEST_CASE("measure tdx: bad input gets a clear message and exit code", "[tdx][cli][hostile]") {
  for (const char* fd : {"/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_CODE.fd"}) {
    if (!coco::file_exists(fd)) continue;
    const auto r = run_coco({"measure", "tdx", "--firmware", fd});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Contains(std::string("coco: ") + fd + ": "));
  }
  if (coco::file_exists("/usr/share/OVMF/OVMF_CODE_4M.fd"))
    CHECK_THAT(run_coco({"measure", "tdx", "--firmware", "/usr/share/OVMF/OVMF_CODE_4M.fd"}).err, Contains("not a TDX firmware"));
  const coco::test::TempDir dir;
  const std::string junk = dir.write("junk.fd", std::string(100, 'x'));
  const auto j = run_coco({"measure", "tdx", "--firmware", junk});
  CHECK(j.exit_code == 1);
  CHECK_THAT(j.err, Contains("junk.fd") && Contains("not a TDX firmware"));
  if (!t::debian_ovmf()) return;
  for (const char* mem : {"1536K", "1.5G", "abc", "0", "2X"}) {
    const auto r = run_coco({"measure", "tdx", "--firmware", t::kOvmfFd, "--memory", mem});
    INFO("--memory " << mem);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("--memory"));
  }
  CHECK_THAT(run_coco({"measure", "tdx", "--firmware", t::kOvmfFd, "--memory", "1536K"}).err, Contains("whole number of MiB"));
  const std::string not_pe = dir.write("vmlinuz", std::string(4096, 'k'));
  const auto k = run_coco({"measure", "tdx", "--firmware", t::kOvmfFd, "--kernel", not_pe});
  CHECK(k.exit_code == 1);
  CHECK_THAT(k.err, Contains("vmlinuz: offset 0x0: no PE signature"));
  // RAM too small for the firmware's TD HOB / TempMem sections: QEMU would refuse.
  const auto pe = t::build_pe({});
  const std::string kernel = dir.file("k.efi");
  coco::write_file_atomic(kernel, coco::as_chars(pe.bytes));
  const auto small = run_coco({"measure", "tdx", "--firmware", t::kOvmfFd, "--kernel", kernel, "--memory", "4M"});
  CHECK(small.exit_code == 1);
  CHECK_THAT(small.err, Contains("not inside the guest RAM of 4M"));
  CHECK(run_coco({"measure", "tdx", "--firmware", t::kOvmfFd, "--profile", "nope"}).exit_code == 2);
}

TEST_CASE("tdx authenticode: value, JSON schema, rejects non-PE", "[tdx][cli]") {
  const coco::test::TempDir dir;
  const auto pe = t::build_pe({.trailing = 3, .cert_size = 0});
  const std::string f = dir.file("odd.efi");
  coco::write_file_atomic(f, coco::as_chars(pe.bytes));
  const auto j = run_coco({"tdx", "authenticode", f, "--output", "json", "--hash", "sha256"});
  REQUIRE(j.exit_code == 0);
  CHECK(coco::test::schema_errors("tdx-authenticode.schema.json", j.out) == "");
  if (const auto kernel = t::debian_kernel()) {
    const auto k = run_coco({"tdx", "authenticode", *kernel});
    CHECK(k.out == "85ac7473fe81fb47666a5c08d32d8e7a62af347ddae9567dff0781f954a9b06670accfcfa714830329b1e45cfa9e541c\n");
  }
  const auto bad = run_coco({"tdx", "authenticode", dir.write("x", "MZ")});
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Contains("x: offset 0x"));
  CHECK(run_coco({"tdx", "authenticode", f, "--hash", "md5"}).exit_code == 2);
}

TEST_CASE("tdx replay: the dstack sample log, JSON schema, diff against an expectation", "[tdx][cli]") {
  if (!coco::test::shared_available("fixtures/ccel/dstack-sample-ccel.bin")) return;
  const std::string ccel = coco::test::shared_path("fixtures/ccel/dstack-sample-ccel.bin");
  const auto r = run_coco({"tdx", "replay", "--ccel", ccel, "--output", "json"});
  REQUIRE(r.exit_code == 0);
  CHECK(coco::test::schema_errors("tdx-replay.schema.json", r.out) == "");
  const coco::Json j = coco::parse_json(r.out, "stdout");
  CHECK(j["rtmr"][0] == "274c2344116db7c663470693b5ba62b8621eac28cb41d2f816ddf188f9f423f900a1c44d32386fd3c993dc814e62af9d");
  CHECK(j["events"][0]["type"] == "EV_EFI_HANDOFF_TABLES2");
  CHECK(j["events"][0]["description"] == "TdxTable");

  if (!t::debian_ovmf()) return;
  const coco::test::TempDir dir;
  const auto pe = t::build_pe({});
  const std::string kernel = dir.file("k.efi");
  coco::write_file_atomic(kernel, coco::as_chars(pe.bytes));
  std::filesystem::create_directories(dir.path() / "acpi");
  for (const char* f : {"acpi/table-loader", "acpi/rsdp", "acpi/tables"}) dir.write(f, f);
  const auto measured = run_coco({"measure", "tdx", "--firmware", t::kOvmfFd, "--kernel", kernel, "--acpi-tables",
                                  dir.file("acpi"), "--append", "quiet", "--output", "json"});
  REQUIRE(measured.exit_code == 0);
  const std::string expected = dir.write("expected.json", measured.out);

  SECTION("another firmware's log diverges at its first RTMR0 event, both sides described") {
    const auto d = run_coco({"tdx", "replay", "--ccel", ccel, "--expected", expected, "--output", "json"});
    CHECK(d.exit_code == 1);
    CHECK(coco::test::schema_errors("tdx-replay.schema.json", d.out) == "");
    const coco::Json dj = coco::parse_json(d.out, "stdout");
    CHECK(dj["diff"][0]["match"] == false);
    CHECK(dj["diff"][0]["first_divergence"]["index"] == 0);
    CHECK(dj["diff"][0]["first_divergence"]["log"]["description"] == "EV_EFI_HANDOFF_TABLES2 TdxTable");
    CHECK_THAT(dj["diff"][0]["first_divergence"]["expected"]["description"].get<std::string>(), Contains("TD HOB"));
    const auto text = run_coco({"tdx", "replay", "--ccel", ccel, "--expected", expected});
    CHECK(text.exit_code == 1);
    CHECK_THAT(text.out, Contains("RTMR0  MISMATCH") && Contains("first divergence at event 1"));
  }
  SECTION("a log of exactly the expected events matches; one changed event is named") {
    coco::Json m = coco::parse_json(measured.out, "expected");
    const std::string good = dir.file("good.ccel");
    coco::write_file_atomic(good, coco::as_chars(ccel_from(m)));
    const auto ok = run_coco({"tdx", "replay", "--ccel", good, "--expected", expected});
    CHECK(ok.exit_code == 0);
    CHECK_THAT(ok.out, Contains("RTMR0  match") && Contains("RTMR2  match"));
    std::size_t at = 0, within = 0;  // RTMR1's separator
    for (std::size_t i = 0, n1 = 0; i < m["events"].size(); ++i)
      if (m["events"][i]["register"] == 1) {
        if (m["events"][i]["type"] == "EV_SEPARATOR") at = i, within = n1;
        ++n1;
      }
    REQUIRE(at > 0);
    m["events"][at]["digest"] = std::string(96, 'a');
    const std::string bad = dir.file("bad.ccel");
    coco::write_file_atomic(bad, coco::as_chars(ccel_from(m)));
    const auto no = run_coco({"tdx", "replay", "--ccel", bad, "--expected", expected, "--output", "json"});
    CHECK(no.exit_code == 1);
    const coco::Json nj = coco::parse_json(no.out, "stdout");
    CHECK(nj["diff"][0]["match"] == true);
    CHECK(nj["diff"][1]["match"] == false);
    CHECK(nj["diff"][1]["first_divergence"]["index"] == within);
    CHECK(nj["diff"][1]["first_divergence"]["log"]["description"] == "EV_SEPARATOR separator");
  }
}

TEST_CASE("tdx replay: a truncated or corrupt log is an error naming the offset", "[tdx][cli][hostile]") {
  if (!coco::test::shared_available("fixtures/ccel/dstack-sample-ccel.bin")) return;
  const auto log = coco::test::read_shared("fixtures/ccel/dstack-sample-ccel.bin");
  const coco::test::TempDir dir;
  const std::string cut = dir.file("cut.bin");
  coco::write_file_atomic(cut, std::string_view(reinterpret_cast<const char*>(log.data()), 0x100));
  const auto r = run_coco({"tdx", "replay", "--ccel", cut});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Contains("cut.bin: offset 0x"));
  const auto e = run_coco({"tdx", "replay", "--ccel", dir.write("e.bin", "")});
  CHECK(e.exit_code == 1);
  const auto bad_expect = run_coco({"tdx", "replay", "--ccel", coco::test::shared_path("fixtures/ccel/dstack-sample-ccel.bin"),
                                    "--expected", dir.write("x.json", R"({"rtmr": [null, null, null]})")});
  CHECK(bad_expect.exit_code == 1);
  CHECK_THAT(bad_expect.err, Contains("x.json"));
}
