// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>
#include <memory>
#include <mutex>
#include <sstream>
#include <unistd.h>

#include "oci/fixture.h"
#include "support/support.h"
#include "util/file.h"

namespace coco::test {

std::string oci_layout(const std::string& tag) { return "oci:" + oci_images() + "/layout:" + tag; }

std::string app_image_source() { return "registry.example/app:1=" + oci_layout("v1"); }

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

namespace {
struct RegistryFixture {
  TempDir dir;
  std::map<std::string, std::string> env;
  std::string missing_tool;  // set: the tests skip (outside CI)
  std::string start_error;   // set: registry.sh failed on every base tried
  RegistryFixture() {
    for (const char* tool : {"docker-registry", "skopeo", "umoci", "htpasswd"})
      if (!have_program(tool)) {
        missing_tool = tool;
        return;
      }
    const std::string images = oci_images();
    // Ports: a random base, retried when busy (parallel test processes start their own). All
    // seven lie below Linux's ephemeral range (32768 up), where an outgoing connection could hold
    // one as its source port.
    for (unsigned attempt = 0; attempt < 8 && env.empty(); ++attempt) {
      const unsigned base = 10000 + static_cast<unsigned>((::getpid() * 7919 + attempt * 104729) % 22000);
      const auto r = run_program({source_path("tests/registry/registry.sh"), "start", dir.path().string(),
                                  std::to_string(base)},
                                 "", {"IMAGES=" + images, "WATCH_PID=" + std::to_string(::getpid())});
      if (r.exit_code != 0) {
        start_error = r.err;
        continue;
      }
      std::istringstream in(read_text_file(dir.file("registry.env")));
      for (std::string line; std::getline(in, line);)
        if (const auto eq = line.find('='); eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
    }
    if (!env.empty()) start_error.clear();
  }
  ~RegistryFixture() { run_program({source_path("tests/registry/registry.sh"), "stop", dir.path().string()}); }
};
}  // namespace

const std::map<std::string, std::string>& registries() {
  static RegistryFixture fixture;
  // With every tool present, a registry that does not start is a failure, never a skip.
  if (!fixture.start_error.empty()) FAIL("registry.sh start failed on 8 port bases; the last said: " << fixture.start_error);
  if (!fixture.missing_tool.empty() && under_ci())
    FAIL(fixture.missing_tool << " is missing, and CI must not skip the registry tests");
  return fixture.env;
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
