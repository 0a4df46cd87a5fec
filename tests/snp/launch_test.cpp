// SPDX-License-Identifier: Apache-2.0
// compute_launch_digest() on hostile firmware: every defect is a coco::Error naming the image,
// never a crash, a hang or a silent digest of garbage.
#include <catch2/catch.hpp>
#include <chrono>
#include <random>

#include "snp/launch.h"
#include "snp/firmware_fixtures.h"
#include "support/support.h"
#include "util/encoding.h"
#include "util/error.h"

using namespace coco;
using namespace coco::snp;

namespace {

LaunchParams snp_params(std::uint32_t vcpus = 2) {
  LaunchParams p;
  p.vcpus = vcpus;
  p.vcpu_sig = 0x800F12;
  return p;
}

// Runs every mode over `fw`; returns how many accepted it. Anything but coco::Error escapes.
int measure_all_modes(const ByteVec& fw, const std::string& name) {
  int accepted = 0;
  const Reader image(fw, name);
  KernelHashes kernel;
  kernel.kernel[0] = 1;
  for (Mode mode : {Mode::Snp, Mode::SnpOvmfHash, Mode::SevEs, Mode::Sev}) {
    for (bool with_kernel : {false, true}) {
      LaunchParams p = snp_params();
      p.mode = mode;
      p.vmm = with_kernel ? VmmType::Ec2 : VmmType::Gce;
      if (with_kernel) p.direct_boot = kernel;
      try {
        const LaunchResult r = compute_launch_digest(p, image);
        CHECK(r.digest.size() == (mode == Mode::Sev || mode == Mode::SevEs ? 32u : 48u));
        ++accepted;
      } catch (const Error& e) {
        const std::string what = e.what();
        if (what.rfind(name + ":", 0) != 0) FAIL("error does not name the image: " << what);
      }
    }
  }
  return accepted;
}
}  // namespace

TEST_CASE("firmware that cannot be measured: the reference tool's errors, clearly", "[snp][hostile]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  const ByteVec x64 = test::read_shared(test::kOvmfX64);
  LaunchParams p = snp_params();
  p.direct_boot = KernelHashes{};
  CHECK_THROWS_WITH(compute_launch_digest(p, Reader(x64, "x64.fd")),
                    "x64.fd: Kernel specified but OVMF metadata doesn't include SNP_KERNEL_HASHES section");
  p.mode = Mode::Sev;
  CHECK_THROWS_WITH(compute_launch_digest(p, Reader(x64, "x64.fd")),
                    "x64.fd: Kernel specified but OVMF doesn't support kernel/initrd/cmdline measurement");

  const ByteVec zeros(8192, 0);  // no footer table: SEV still measures the bytes, SNP needs the reset block
  CHECK_THROWS_WITH(compute_launch_digest(snp_params(1), Reader(zeros, "zeros.fd")), Catch::StartsWith("zeros.fd: no SEV-ES reset block"));
  LaunchParams sev;
  sev.mode = Mode::Sev;
  CHECK(to_hex(compute_launch_digest(sev, Reader(zeros, "zeros.fd")).digest) ==
        "9f1dcbc35c350d6027f98be0f5c8b43b42ca52b7604459c0c42be3aa88913d47");  // sha256sum of 8 KiB of zeros

  const ByteVec fw = test::read_shared(test::kAmdSevOvmf);
  ByteVec odd = fw;
  odd.insert(odd.begin(), 100, 0);  // footer still at the end, but not whole pages
  CHECK_THROWS_WITH(compute_launch_digest(snp_params(), Reader(odd, "odd.fd")),
                    "odd.fd: is 4196 bytes; an SNP guest is loaded in whole 4 KiB pages");
  CHECK_THROWS_WITH(compute_launch_digest(snp_params(), Reader(Bytes{}, "empty.fd")), Catch::StartsWith("empty.fd: offset 0x0: image is 0 bytes"));

  // A hash-table block too close to the end of its page leaves no room for the table.
  ByteVec late = fw;
  for (std::size_t i = 0; i + 4 <= late.size(); ++i)
    if (late[i] == 0x00 && late[i + 1] == 0x0C && late[i + 2] == 0x81 && late[i + 3] == 0x00) late[i] = 0x80, late[i + 1] = 0x0F;  // 0x810F80
  p = snp_params();
  p.direct_boot = KernelHashes{};
  CHECK_THROWS_WITH(compute_launch_digest(p, Reader(late, "late.fd")), Catch::Contains("late.fd: SEV hash-table block at GPA 0x810f80 leaves no room"));
}

TEST_CASE("every truncation of the firmware measures or names the cut file", "[snp][hostile]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  const ByteVec fw = test::read_shared(test::kAmdSevOvmf);
  int accepted = 0;
  for (std::size_t n = 0; n <= fw.size(); n += 7) accepted += measure_all_modes(ByteVec(fw.end() - static_cast<std::ptrdiff_t>(n), fw.end()), "cut.fd");
  CHECK(accepted > 0);
}

TEST_CASE("random mutations of the firmware never crash or hang", "[snp][hostile]") {
  if (!coco::test::shared_available("fixtures/sev-snp-measure")) return;
  std::mt19937 rng(20261127);
  const ByteVec bases[] = {test::read_shared(test::kAmdSevOvmf), test::read_shared(test::kOvmfX64)};
  const auto start = std::chrono::steady_clock::now();
  int accepted = 0, iterations = 0;
  for (; iterations < 3000; ++iterations) {
    ByteVec fw = bases[iterations % 2];
    switch (rng() % 4) {
      case 0:  // bit flips anywhere
        for (unsigned k = 1 + rng() % 8; k > 0; --k) fw[rng() % fw.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        break;
      case 1:  // bit flips in the tables at the end (footer, metadata), where they matter
        for (unsigned k = 1 + rng() % 4; k > 0; --k) fw[0xA00 + rng() % 0x600] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        break;
      case 2:  // truncate from the front or the back
        if (rng() % 2) fw.erase(fw.begin(), fw.begin() + static_cast<std::ptrdiff_t>(rng() % fw.size()));
        else fw.resize(rng() % fw.size());
        break;
      default: {  // inflate a length: a u16 or u32 in the table area becomes huge
        const std::size_t at = 0xA00 + rng() % (0x600 - 4);
        const std::uint32_t big = rng() % 2 ? 0xFFFFu : rng();
        for (int b = 0; b < (rng() % 2 ? 2 : 4); ++b) fw[at + static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(big >> (8 * b));
      }
    }
    INFO("iteration " << iterations);
    accepted += measure_all_modes(fw, "mutant.fd");
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(accepted << " of " << iterations * 8 << " measurements accepted in " << seconds << " s");
  CHECK(accepted > 0);
  CHECK(seconds < 120);
}
