// SPDX-License-Identifier: Apache-2.0
#include "evidence/roots.h"

#include "util/encoding.h"

namespace coco::evidence {
namespace {

struct Pin {
  const char* product;
  const char* spki_sha256;
};

constexpr Pin kAmdRoots[] = {
    {"Milan", "9f056bee44377e29308cb5ffa895bdfb62d18881fa6bed8d6f075b0204089cb9"},
    {"Genoa", "429a69c9422aa258ee4d8db5fcda9c6470ef15f8cd5a9cebd6cbc7d90b863831"},
    {"Turin", "4f125410563a2ab9a50356f9243f6fe0b6f73de98603f53f90339c70e9d7ad08"},
};

constexpr const char* kIntelSgxRoot = "a0af031289f5d5d4132f9186068a7fc13628633ba235777472e29b6b6c67a49e";

}  // namespace

std::string amd_root_product(Bytes fp) {
  const std::string h = to_hex(fp);
  for (const auto& p : kAmdRoots)
    if (h == p.spki_sha256) return p.product;
  return "";
}

bool is_intel_sgx_root(Bytes fp) { return to_hex(fp) == kIntelSgxRoot; }

}  // namespace coco::evidence
