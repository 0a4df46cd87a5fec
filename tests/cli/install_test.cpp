// SPDX-License-Identifier: Apache-2.0
// Installation: `cmake --install` and the .deb put the binary, the kubectl plugin names,
// completions and man pages where users and kubectl look for them.
#include <catch2/catch.hpp>
#include <filesystem>

#include "support/support.h"

namespace fs = std::filesystem;
using coco::test::run_program;

namespace {

void check_layout(const fs::path& root) {
  for (const char* f : {"usr/bin/coco", "usr/share/bash-completion/completions/coco",
                        "usr/share/zsh/vendor-completions/_coco", "usr/share/fish/vendor_completions.d/coco.fish",
                        "usr/share/man/man1/coco.1.gz", "usr/share/coco/schemas/version.schema.json"}) {
    INFO(f);
    CHECK(fs::is_regular_file(root / f));
  }
  for (const char* link : {"usr/bin/kubectl-coco", "usr/bin/kubectl_complete-coco"}) {
    INFO(link);
    CHECK(fs::is_symlink(root / link));
    CHECK(fs::read_symlink(root / link) == "coco");
  }
}

}  // namespace

TEST_CASE("cmake --install lays out binary, kubectl links, completions and man pages", "[cli][install]") {
  coco::test::TempDir dest;
  const auto r = run_program({"cmake", "--install", COCO_BUILD_DIR, "--prefix", "/usr"}, "",
                             {"DESTDIR=" + dest.path().string()});
  REQUIRE(r.exit_code == 0);
  check_layout(dest.path());
  const auto plugin = run_program({(dest.path() / "usr/bin/kubectl-coco").string(), "--help"});
  CHECK(plugin.exit_code == 0);
  CHECK_THAT(plugin.out, Catch::Contains("Usage: kubectl coco"));
}

TEST_CASE("cpack builds a .deb with computed library dependencies", "[cli][install][slow]") {
  if (!coco::test::have_program("dpkg-shlibdeps")) {
    WARN("dpkg-dev is not installed: .deb test skipped");
    return;
  }
  coco::test::TempDir out;
  const auto r = run_program({"cpack", "-G", "DEB", "-B", out.path().string(), "--config",
                              std::string(COCO_BUILD_DIR) + "/CPackConfig.cmake"});
  REQUIRE(r.exit_code == 0);
  const std::string deb = (out.path() / "coco_" COCO_VERSION "_amd64.deb").string();
  const auto depends = run_program({"dpkg-deb", "-f", deb, "Depends"});
  REQUIRE(depends.exit_code == 0);
  for (const char* lib : {"libssl3", "libcurl4", "libarchive13", "libyaml-cpp0.7"}) {
    INFO(depends.out);
    CHECK_THAT(depends.out, Catch::Contains(lib));
  }
  coco::test::TempDir root;
  REQUIRE(run_program({"dpkg-deb", "-x", deb, root.path().string()}).exit_code == 0);
  check_layout(root.path());
}
