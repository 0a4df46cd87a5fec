// SPDX-License-Identifier: Apache-2.0
// The CFV variable-store check behind RTMR0's secure-boot events (lib/tdx/varstore.h).
#include <catch2/catch.hpp>
#include <random>

#include "tdx/inputs.h"
#include "tdx/measure.h"
#include "tdx/pe_builder.h"
#include "tdx/varstore.h"
#include "util/error.h"

using namespace coco;
namespace t = coco::test::tdx;

namespace {
const char* kMsVars = "/usr/share/OVMF/OVMF_VARS.ms.fd";
const char* kMsVarsSha256 = "13af965841a14cb19f5c3f15a73beb5c7fa82caac7216275122d1c763aac5eb1";
}  // namespace

TEST_CASE("variable store: Debian's blank store and the Microsoft-enrolled one", "[tdx]") {
  const auto ovmf = t::debian_ovmf();
  const auto ms = t::debian_file(kMsVars, kMsVarsSha256);
  if (!ovmf || !ms) {
    WARN("Debian ovmf files not installed: skipped");
    return;
  }
  const MappedFile fw(*ovmf);
  const auto blank = tdx::live_variables(fw.reader("OVMF.fd").sub(0, 0x20000));
  REQUIRE(blank);
  CHECK(blank->empty());
  const ByteVec vars = read_binary_file(*ms);
  const auto enrolled = tdx::live_variables(Reader(vars, "OVMF_VARS.ms.fd"));
  REQUIRE(enrolled);
  std::vector<std::string> names;
  for (const auto& v : *enrolled) names.push_back(v.name);
  for (const char* n : {"PK", "KEK", "db", "dbx", "SecureBootEnable", "Boot0000", "MTC"})
    CHECK(std::find(names.begin(), names.end(), n) != names.end());
  CHECK(std::count(names.begin(), names.end(), "CustomMode") == 1);  // older copies are deleted

  // OVMF.fd with the enrolled store as its CFV: measure refuses and names the PK variable.
  ByteVec image = read_binary_file(*ovmf);
  std::copy(vars.begin(), vars.end(), image.begin());
  const test::TempDir dir;
  const std::string fd = dir.file("OVMF-enrolled.fd");
  write_file_atomic(fd, as_chars(image));
  const std::string kernel = dir.file("k.efi");
  write_file_atomic(kernel, as_chars(t::build_pe({}).bytes));
  tdx::MeasureInputs in;
  in.firmware = fd;
  in.kernel = kernel;
  in.profile = tdx::find_profile("upstream");
  CHECK_THROWS_WITH(tdx::measure_tdx(in), Catch::StartsWith(fd + ": offset 0x") && Catch::Contains("sets db") &&
                                              Catch::Contains("enrolled Secure Boot keys"));
}

TEST_CASE("variable store: mutations never escape as crashes", "[tdx][hostile]") {
  const auto ms = t::debian_file(kMsVars, kMsVarsSha256);
  if (!ms) return;
  const ByteVec vars = read_binary_file(*ms);
  std::mt19937 rng(11);
  for (int iter = 0; iter < 1500; ++iter) {
    ByteVec m(vars.begin(), vars.begin() + 0x6000);
    for (int k = 0; k < 4; ++k) m[rng() % 2 ? rng() % 0x80 : rng() % m.size()] = static_cast<std::uint8_t>(rng());
    try {
      tdx::live_variables(Reader(m, "mut.fd"));
    } catch (const Error& e) {
      REQUIRE(std::string(e.what()).rfind("mut.fd: ", 0) == 0);
    }
  }
}
