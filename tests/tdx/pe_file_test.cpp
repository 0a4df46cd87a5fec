// SPDX-License-Identifier: Apache-2.0
// The streamed Authenticode hash (pe/pe_file.h) against the in-memory one (pe/authenticode.h) on
// the same files: equal digests, or the same error message, for hand-built, cut and mutated PE
// images; then peak memory of `measure tdx` and `tdx authenticode` on 64 MiB and 256 MiB kernels.
#include <catch2/catch.hpp>

#include <random>

#include "pe/authenticode.h"
#include "pe/pe_file.h"
#include "support/support.h"
#include "tdx/inputs.h"
#include "tdx/pe_builder.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"

using namespace coco;
namespace t = coco::test::tdx;

namespace {

// "hex digest" or "error: <message>", the file name left out of the message.
std::string outcome(const std::function<ByteVec()>& hash) {
  try {
    return to_hex(hash());
  } catch (const Error& e) {
    const std::string what = e.what();
    return "error:" + what.substr(what.find(": "));
  }
}

std::string in_memory(const ByteVec& f, Bytes head = {}) {
  return outcome([&] { return pe::authenticode_hash(Reader(f, "x.efi"), Algo::Sha384, head); });
}
std::string streamed(const test::TempDir& dir, const ByteVec& f, Bytes head = {}) {
  const std::string path = dir.write("x.efi", std::string(as_chars(f)));
  return outcome([&] { return pe::PeFile(path).authenticode_hash(Algo::Sha384, head); });
}

// Peak RSS in KiB of one coco run (GNU time), which must succeed.
long peak_kib(std::vector<std::string> args) {
  args.insert(args.begin(), {"/usr/bin/time", "-f", "maxrss_kib=%M", COCO_BINARY});
  const auto r = test::run_program(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto at = r.err.rfind("maxrss_kib=");
  REQUIRE(at != std::string::npos);
  return std::stol(r.err.substr(at + 11));
}

}  // namespace

TEST_CASE("PeFile: streamed Authenticode equals the in-memory hash", "[tdx][pe]") {
  test::TempDir dir;
  for (const t::PeSpec& s : {t::PeSpec{}, t::PeSpec{.raw_sizes = {0x200, 0x400, 0x200}, .cert_size = 0x58},
                             t::PeSpec{.pe32_plus = false, .raw_sizes = {0x1000, 0, 0x300}, .trailing = 0x2345},
                             t::PeSpec{.rva_count = 4, .raw_sizes = {0x200, 0x600}, .reverse_file_order = true},
                             t::PeSpec{.raw_sizes = {0x180000, 0x7}, .trailing = 0x100001, .cert_size = 0x10}}) {
    const auto pe = t::build_pe(s);
    const std::string want = in_memory(pe.bytes);
    REQUIRE_FALSE(want.starts_with("error"));
    CHECK(streamed(dir, pe.bytes) == want);
    ByteVec head(Bytes(pe.bytes).first(0x240).begin(), Bytes(pe.bytes).first(0x240).end());
    head[0x210] ^= 0xb0;  // QEMU's rewritten setup header replaces the first bytes
    CHECK(streamed(dir, pe.bytes, head) == in_memory(pe.bytes, head));
    CHECK(streamed(dir, pe.bytes, head) != want);
  }
}

TEST_CASE("PeFile: cut and mutated images fail with the in-memory message or hash alike", "[tdx][pe][hostile]") {
  test::TempDir dir;
  const auto pe = t::build_pe({.raw_sizes = {0x200, 0x3, 0x400}, .trailing = 9, .cert_size = 0x30});
  for (std::size_t n = 0; n <= pe.bytes.size(); n += 1 + n / 16) {
    const ByteVec cut(pe.bytes.begin(), pe.bytes.begin() + static_cast<std::ptrdiff_t>(n));
    INFO("first " << n << " bytes");
    CHECK(streamed(dir, cut) == in_memory(cut));
  }
  std::mt19937 rng(17);
  int hashed = 0;
  for (int iter = 0; iter < 400; ++iter) {
    ByteVec f = pe.bytes;
    for (int k = 0, flips = 1 + static_cast<int>(rng() % 4); k < flips; ++k)
      f[rng() % 2 ? 0x80 + rng() % 0x1a0 : rng() % f.size()] = static_cast<std::uint8_t>(rng());
    const std::string want = in_memory(f);
    hashed += !want.starts_with("error");
    CHECK(streamed(dir, f) == want);
  }
  CHECK(hashed > 0);
  // e_lfanew far past the end, and headers that would end past 16 MiB inside a larger file.
  ByteVec far = pe.bytes;
  store_le<std::uint32_t>(far, 0x3c, 0x7fffff00);
  CHECK(streamed(dir, far) == in_memory(far));
  const std::string big = dir.file("big.efi");
  REQUIRE(test::run_program({"truncate", "-s", "40M", big}).exit_code == 0);
  ByteVec dos(0x40, 0);
  dos[0] = 'M', dos[1] = 'Z';
  store_le<std::uint32_t>(dos, 0x3c, 0x1800000);
  {
    const std::string bytes(as_chars(dos));
    FILE* fp = std::fopen(big.c_str(), "r+b");
    REQUIRE(fp);
    REQUIRE(std::fwrite(bytes.data(), 1, bytes.size(), fp) == bytes.size());
    std::fclose(fp);
  }
  CHECK_THROWS_WITH(pe::PeFile(big), Catch::Contains("past the first 16 MiB"));
}

TEST_CASE("measure tdx and tdx authenticode stream the kernel: peak memory stays flat", "[tdx][cli][slow]") {
  if (!test::have_program("/usr/bin/time")) {
    WARN("skipped: needs /usr/bin/time (Debian package time)");
    return;
  }
  test::TempDir dir;
  const auto pe = t::build_pe({.raw_sizes = {0x200, 0x400}});
  // A small PE whose bytes past the sections (hashed as trailing data) run to the file's size:
  // sparse files, so they cost no disk.
  const auto kernel = [&](const std::string& name, const std::string& size) {
    const std::string path = dir.write(name, std::string(as_chars(pe.bytes)));
    REQUIRE(test::run_program({"truncate", "-s", size, path}).exit_code == 0);
    return path;
  };
  const std::string k64 = kernel("k64.efi", "64M"), k256 = kernel("k256.efi", "256M");
  const auto measure = [&](const std::string& k) {
    return peak_kib({"measure", "tdx", "--firmware", t::kOvmfFd, "--kernel", k, "--append", "console=ttyS0"});
  };
  const long m64 = measure(k64), m256 = measure(k256);
  INFO("measure tdx peak RSS: " << m64 << " KiB with a 64 MiB kernel, " << m256 << " KiB with 256 MiB");
  CHECK(m256 - m64 < 4 * 1024);
  const long a64 = peak_kib({"tdx", "authenticode", k64}), a256 = peak_kib({"tdx", "authenticode", k256});
  INFO("tdx authenticode peak RSS: " << a64 << " KiB with a 64 MiB kernel, " << a256 << " KiB with 256 MiB");
  CHECK(a256 - a64 < 4 * 1024);
#ifndef __SANITIZE_ADDRESS__
  CHECK(m256 < 32 * 1024);
#endif
}
