#include <catch2/catch.hpp>
#include <memory>
#include <mutex>

#include "oci/fixture.h"
#include "support/support.h"

namespace coco::test {

const std::string& oci_images() {
  static std::once_flag once;
  static std::unique_ptr<TempDir> dir;
  static std::string path;
  std::call_once(once, [] {
    dir = std::make_unique<TempDir>();
    path = dir->path().string();
    const auto r = run_program({source_path("tests/registry/make_images.sh"), path});
    if (r.exit_code != 0) FAIL("make_images.sh failed: " << r.err);
  });
  return path;
}

std::string sha256sum(const std::string& path) {
  const auto r = run_program({"sha256sum", path});
  REQUIRE(r.exit_code == 0);
  return r.out.substr(0, 64);
}

}  // namespace coco::test

// The images are the inputs of every OCI test: if a rebuild gave other bytes, expected values
// derived from them in one run could not be compared with another.
TEST_CASE("make_images.sh builds the same layout twice", "[oci][slow]") {
  coco::test::TempDir again;
  REQUIRE(coco::test::run_program({coco::test::source_path("tests/registry/make_images.sh"), again.path().string()})
              .exit_code == 0);
  const auto diff = coco::test::run_program(
      {"diff", "-r", coco::test::oci_images() + "/layout", again.path().string() + "/layout"});
  CHECK(diff.exit_code == 0);
  CHECK(diff.out == "");
}
