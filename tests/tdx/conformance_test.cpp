// SPDX-License-Identifier: Apache-2.0
// Every row of ../shared/vectors/tdx.tsv whose inputs exist here: Debian's ovmf package, the
// Debian kernel package the rows name (downloaded in set-up when reachable), synthetic inputs
// and the CCEL fixture. Prints ran/skipped counts; skipping every row fails.
#include <catch2/catch.hpp>
#include <functional>

#include "firmware/tdvf.h"
#include "pe/authenticode.h"
#include "tdx/ccel.h"
#include "tdx/measure.h"
#include "tdx/qemu_kernel.h"
#include "tdx/td_hob.h"
#include "tdx/inputs.h"
#include "tdx/pe_builder.h"

namespace t = coco::test::tdx;
using namespace coco;

namespace {


// A measurement of Debian's OVMF.fd with a small synthetic PE as the kernel: enough to get every
// RTMR0/RTMR1 event that does not depend on the kernel bytes.
tdx::Measurement measure_with(const std::string& layout, std::uint64_t memory, const test::TempDir& dir) {
  const std::string kernel = dir.file("tiny.efi");
  const auto pe = t::build_pe({});
  write_file_atomic(kernel, as_chars(pe.bytes));
  tdx::MeasureInputs in;
  in.firmware = t::kOvmfFd;
  in.kernel = kernel;
  in.memory = memory;
  in.profile = tdx::find_profile("upstream");
  in.profile.ovmf_layout = tdx::parse_ovmf_layout(layout);
  return tdx::measure_tdx(in);
}

std::string event_digest(const tdx::Measurement& m, int rtmr, const std::string& description_start) {
  for (const auto& e : m.events)
    if (e.rtmr == rtmr && e.description.rfind(description_start, 0) == 0 && e.digest) return to_hex(*e.digest);
  return "(no event " + description_start + ")";
}

std::uint64_t hex_param(const std::string& params, const std::string& key) {  // "initrd_size=0x100000"
  const auto at = params.find(key + "=");
  REQUIRE(at != std::string::npos);
  return std::stoull(params.substr(at + key.size() + 1), nullptr, 0);
}

std::uint64_t ram_param(const std::string& params) {  // "RAM=2G" or "RAM 2G"
  auto at = params.find("RAM=");
  if (at == std::string::npos) at = params.find("RAM ");
  REQUIRE(at != std::string::npos);
  std::string v = params.substr(at + 4);
  v = v.substr(0, v.find_first_of(", )"));
  return tdx::parse_memory_size(v);
}

std::string patched_kernel_hash(const std::string& path, std::optional<std::uint64_t> initrd, std::uint64_t ram) {
  const MappedFile k(path);
  const Reader r = k.reader(path);
  const ByteVec head = tdx::qemu_patched_head(r, {"", initrd, tdx::q35_ram_split(ram).below_4g});
  return to_hex(pe::authenticode_hash(r, Algo::Sha384, head));
}

}  // namespace

TEST_CASE("tdx.tsv: every row whose inputs are available", "[tdx][vector]") {
  if (!coco::test::shared_available("vectors/tdx.tsv") || !coco::test::shared_available("fixtures/ccel/dstack-sample-ccel.bin")) return;
  const auto ovmf = t::debian_ovmf();
  const auto kernel = t::debian_kernel();
  const test::TempDir dir;
  std::optional<tdx::Measurement> m2024_2g, m2025_2g;
  auto layout2024 = [&]() -> const tdx::Measurement& {
    if (!m2024_2g) m2024_2g = measure_with("2024", 2ull << 30, dir);
    return *m2024_2g;
  };
  auto layout2025 = [&]() -> const tdx::Measurement& {
    if (!m2025_2g) m2025_2g = measure_with("2025", 2ull << 30, dir);
    return *m2025_2g;
  };
  const std::string zero_initrd = dir.file("initrd-1m");
  write_file_atomic(zero_initrd, std::string(0x100000, '\0'));

  int ran = 0;
  std::vector<std::string> skipped;
  for (const auto& row : t::read_vectors()) {
    const std::string id = row["id"];
    const std::string want = row["expected_hex"];
    const std::string params = row["parameters"];
    INFO("tdx.tsv line " << row.line << ": " << id << " (" << params << ")");
    auto skip = [&](const std::string& why) { skipped.push_back(id + ": " + why); };
    auto needs_ovmf = [&] { if (!ovmf) skip("Debian ovmf OVMF.fd not installed"); return ovmf.has_value(); };
    auto needs_kernel = [&] { if (!kernel) skip("Debian kernel package not downloadable"); return kernel.has_value(); };
    std::string got;

    if (id == "mrtd-deb-single" || id == "mrtd-deb-two") {
      if (!needs_ovmf()) continue;
      const MappedFile f(*ovmf);
      const Reader image = f.reader(*ovmf);
      got = to_hex(tdx::compute_mrtd(image, firmware::parse_tdvf_metadata(image),
                                     id == "mrtd-deb-single" ? tdx::PageAddOrder::SinglePass : tdx::PageAddOrder::TwoPass));
    } else if (id == "cfv-deb") {
      if (!needs_ovmf()) continue;
      got = event_digest(layout2024(), 0, "CFV");
    } else if (id == "cfv-blank-4m") {
      const auto vars = t::debian_file("/usr/share/OVMF/OVMF_VARS_4M.fd", row["input_sha256"]);
      if (!vars) { skip("OVMF_VARS_4M.fd not installed"); continue; }
      got = to_hex(digest_file(Algo::Sha384, *vars));
    } else if (id.rfind("tdhob-deb-", 0) == 0) {
      if (!needs_ovmf()) continue;
      got = event_digest(measure_with("2024", tdx::parse_memory_size(id.substr(10)), dir), 0, "TD HOB");
    } else if (id.rfind("var-empty-", 0) == 0) {
      if (!needs_ovmf()) continue;
      got = event_digest(layout2024(), 0, id.substr(10) + " ");
    } else if (id == "separator") {
      if (!needs_ovmf()) continue;
      got = event_digest(layout2024(), 0, "separator");
      CHECK(event_digest(layout2024(), 1, "separator") == want);
    } else if (id == "bootorder-0000") {
      if (!needs_ovmf()) continue;
      got = event_digest(layout2024(), 0, "BootOrder");
      CHECK(event_digest(layout2025(), 0, "fw_cfg BootMenu") == want);
    } else if (id == "boot0000-uiapp") {
      if (!needs_ovmf()) continue;
      got = event_digest(layout2024(), 0, "Boot0000");
    } else if (id == "bootorder-0000-0001") {
      if (!needs_ovmf()) continue;
      got = event_digest(layout2025(), 0, "BootOrder");
    } else if (id == "boot0000-bootmanagermenu") {
      if (!needs_ovmf()) continue;
      got = event_digest(layout2025(), 0, "Boot0000");
    } else if (id == "boot0001-firmwaresetup") {
      if (!needs_ovmf()) continue;
      got = event_digest(layout2025(), 0, "Boot0001");
    } else if (id == "fwcfg-bootorder-linuxboot") {
      if (!needs_ovmf()) continue;
      got = event_digest(layout2025(), 0, "fw_cfg bootorder");
    } else if (id == "var-authority-202505") {
      if (!needs_ovmf()) continue;
      got = event_digest(layout2025(), 0, "variable authority");
    } else if (id == "efi-action-calling") {
      if (!needs_ovmf()) continue;
      got = event_digest(layout2024(), 1, "Calling EFI Application");
    } else if (id == "efi-action-exit-invocation") {
      if (!needs_ovmf()) continue;
      got = event_digest(layout2024(), 1, "Exit Boot Services Invocation");
    } else if (id == "efi-action-exit-success") {
      if (!needs_ovmf()) continue;
      got = event_digest(layout2024(), 1, "Exit Boot Services Returned");
    } else if (id == "authenticode-kernel-unsigned" || id == "authenticode-kernel-sha256") {
      if (!needs_kernel()) continue;
      const MappedFile k(*kernel);
      got = to_hex(pe::authenticode_hash(k.reader(*kernel), id.find("sha256") != std::string::npos ? Algo::Sha256 : Algo::Sha384));
    } else if (id.rfind("kernel-qemu-patched-", 0) == 0) {
      if (!needs_kernel()) continue;
      // initrd_size=0x0 is the no-initrd case (Fraunhofer's "no-initrd" column): QEMU leaves 0x218/0x21c.
      const std::uint64_t size = hex_param(params, "initrd_size");
      got = patched_kernel_hash(*kernel, size == 0 ? std::nullopt : std::optional<std::uint64_t>(size), ram_param(params));
    } else if (id == "kernel-xlf-bit1-only") {
      if (!needs_kernel()) continue;
      const ByteVec original = read_binary_file(*kernel, 64 << 20);
      ByteVec modified = original;
      modified[0x236] = 0x3f;
      REQUIRE(to_hex(digest(Algo::Sha256, modified)) == row["input_sha256"]);
      const std::string path = dir.file("vmlinuz-xlf");
      write_file_atomic(path, as_chars(modified));
      got = patched_kernel_hash(path, 0x100000, 2ull << 30);
    } else if (id == "rtmr1-direct-patched-2G" || id == "rtmr1-direct-patched-2G-pre202411" || id == "rtmr2-direct") {
      if (!needs_ovmf() || !needs_kernel()) continue;
      REQUIRE(t::file_sha256(*kernel) == t::kKernelSha256);
      tdx::MeasureInputs in;
      in.firmware = *ovmf;
      in.kernel = *kernel;
      in.initrd = zero_initrd;
      in.memory = 2ull << 30;
      in.profile = tdx::find_profile("ubuntu-25.04");
      if (id == "rtmr2-direct") {
        REQUIRE(t::file_sha256(zero_initrd) == row["input_sha256"]);
        in.append = "console=ttyS0 root=/dev/vda1";
      }
      if (id == "rtmr1-direct-patched-2G-pre202411") in.profile.ovmf_layout = tdx::OvmfLayout::Legacy;
      const auto m = tdx::measure_tdx(in);
      got = to_hex(*m.rtmr[id == "rtmr2-direct" ? 2 : 1]);
      if (id == "rtmr2-direct") {
        const std::string cmdline_event = row["notes"].substr(row["notes"].rfind(' ') + 1);
        CHECK(event_digest(m, 2, "LOADED_IMAGE::LoadOptions") == cmdline_event);
      }
    } else if (id == "ccel-dstack-sample-rtmr0") {
      const ByteVec log = test::read_shared("fixtures/ccel/dstack-sample-ccel.bin");
      REQUIRE(to_hex(digest(Algo::Sha256, log)) == row["input_sha256"]);
      const auto r = tdx::replay(tdx::parse_ccel(Reader(log, "ccel.bin")));
      got = to_hex(r[0]);
      CHECK(r[2] == ByteVec(48, 0));  // notes: RTMR2/RTMR3 replay to zero
      CHECK(r[3] == ByteVec(48, 0));
    } else if (id.rfind("neg-", 0) == 0) {
      const std::string path = "/usr/share/OVMF/" + id.substr(4);
      const auto fw = t::debian_file(path, row["input_sha256"]);
      if (!fw) { skip(path + " not installed"); continue; }
      const MappedFile f(*fw);
      const std::string expect = id.find("_4M") != std::string::npos ? "no TDX metadata offset entry" : "exceeds the file size 0x1e0000";
      CHECK_THROWS_WITH(firmware::parse_tdvf_metadata(f.reader(*fw)), Catch::Contains(expect));
      ++ran;
      continue;
    } else if (id == "authenticode-odd-padded") {
      skip("records the dstack-family 8-byte padding that EDK2 (and coco) do not do; its input file is not shipped");
      continue;
    } else if (id == "tdshim-param") {
      skip("td-shim payload measurement is outside coco's OVMF/QEMU model");
      continue;
    } else if (id.rfind("ext-", 0) == 0) {
      skip("external: " + row["input"].substr(0, 60) + "… is not obtainable offline");
      continue;
    } else {
      FAIL_CHECK("tdx.tsv line " << row.line << ": no handler for row " << id);
      continue;
    }
    CHECK(got == want);
    ++ran;
  }
  std::cout << "tdx.tsv: " << ran << " rows ran, " << skipped.size() << " skipped\n";
  for (const auto& s : skipped) std::cout << "  skipped " << s << '\n';
  REQUIRE(ran > 0);
}
