// SPDX-License-Identifier: Apache-2.0
// skopeo's dir: transport (written here by skopeo itself, the independent writer) read by coco,
// and --platform naming a platform a single-platform image does not have.
#include <catch2/catch.hpp>

#include "oci/fixture.h"
#include "support/support.h"
#include "util/output.h"

using namespace coco;
using coco::test::oci_images;
using coco::test::run_coco;
using coco::test::run_program;

TEST_CASE("dir: reads what skopeo copy writes, layer for layer as the OCI layout", "[oci][cli][dir]") {
  if (!test::have_program("skopeo")) {
    WARN("skopeo is not installed: dir: not exercised");
    return;
  }
  test::TempDir dir;
  const std::string layout = oci_images() + "/layout";
  REQUIRE(run_program({"skopeo", "copy", "-q", "oci:" + layout + ":v1", "dir:" + dir.file("v1")}).exit_code == 0);
  const auto want = run_coco({"image", "hash", "oci:" + layout + ":v1", "--no-cache", "--output", "json"});
  const auto got = run_coco({"image", "hash", "dir:" + dir.file("v1"), "--no-cache", "--output", "json"});
  INFO(got.err);
  REQUIRE(want.exit_code == 0);
  REQUIRE(got.exit_code == 0);
  const Json w = parse_json(want.out, "want"), g = parse_json(got.out, "got");
  CHECK(g["images"][0]["source"] == "dir");
  CHECK(g["images"][0]["layers"] == w["images"][0]["layers"]);
  CHECK(g["images"][0]["config_digest"] == w["images"][0]["config_digest"]);
  CHECK(g["images"][0]["pinned"].get<std::string>().rfind("dir:" + dir.file("v1") + "@sha256:", 0) == 0);

  // skopeo copy --all: an index in manifest.json, each platform's manifest in HEX.manifest.json.
  REQUIRE(run_program({"skopeo", "copy", "-q", "--all", "oci:" + layout + ":multi", "dir:" + dir.file("multi")}).exit_code == 0);
  const auto arm = run_coco({"image", "inspect", "dir:" + dir.file("multi"), "--platform", "linux/arm64/v8", "--output", "json"});
  INFO(arm.err);
  REQUIRE(arm.exit_code == 0);
  CHECK(parse_json(arm.out, "arm")["platform"].get<std::string>().rfind("linux/arm64", 0) == 0);

  // A directory without manifest.json is no image.
  const auto bare = run_coco({"image", "inspect", "dir:" + dir.file("missing")});
  CHECK(bare.exit_code == 1);
  CHECK_THAT(bare.err, Catch::Contains("not a skopeo directory"));
}

TEST_CASE("image hash: --platform that a single-platform image is not is an error", "[oci][cli][hostile]") {
  const std::string empty = "oci:" + oci_images() + "/layout:empty";  // linux/arm64 only
  const auto wrong = run_coco({"image", "inspect", empty, "--platform", "linux/amd64"});
  CHECK(wrong.exit_code == 1);
  CHECK_THAT(wrong.err, Catch::Contains("--platform linux/amd64: the image is single-platform linux/arm64"));
  CHECK(run_coco({"image", "inspect", empty, "--platform", "linux/arm64"}).exit_code == 0);
  CHECK(run_coco({"image", "inspect", empty}).exit_code == 0);  // no --platform: the image as it is
}
