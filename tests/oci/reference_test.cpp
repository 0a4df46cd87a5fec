// SPDX-License-Identifier: Apache-2.0
// Image references and sources: what is malformed or unsupported fails at once with exit 1 or 2,
// before any network traffic, never as a "transient" exit 3 after retries (issue 18.4).
#include <catch2/catch.hpp>
#include <chrono>

#include "oci/reference.h"
#include "support/support.h"
#include "util/error.h"

using namespace coco;
using coco::test::run_coco;

TEST_CASE("image references: registry hosts with illegal characters are malformed", "[oci][hostile]") {
  for (const char* bad : {"ex_ample.com/app", "exa!mple.com/app:1", "-lead.io/app", "host.io:port/app",
                          "host.io:123456/app", "[zz::1]:5000/app"}) {
    INFO(bad);
    CHECK_THROWS_WITH(oci::parse_reference(bad), Catch::Contains("is malformed"));
  }
  for (const char* good : {"ghcr.io/org/app:1", "localhost:5000/x", "Registry.Example.COM/a/b", "[::1]:5000/app",
                           "10.0.0.1:443/a@sha256:" "0000000000000000000000000000000000000000000000000000000000000000"}) {
    INFO(good);
    CHECK_NOTHROW(oci::parse_reference(good));
  }
  CHECK(oci::parse_reference("dir:latest").name() == "docker.io/library/dir");  // an image named dir
}

TEST_CASE("image sources: unsupported transports are named", "[oci][hostile]") {
  for (const char* bad : {"containers-storage:[overlay@/var/lib]nginx", "docker-daemon:nginx:latest",
                          "containers-storage:nginx", "docker-daemon:latest", "https://ghcr.io/org/app",
                          "ftp://registry.invalid/app"}) {
    INFO(bad);
    try {
      oci::parse_source(bad);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == Exit::Usage);
      CHECK_THAT(std::string(e.what()), Catch::Contains("transport"));
    }
  }
}

TEST_CASE("a malformed image reference exits at once, not 3 after retries", "[oci][cli][hostile]") {
  for (const char* ref : {"ex_ample.invalid/app:1", "containers-storage:x", "ftp://registry.invalid/app"}) {
    INFO(ref);
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = run_coco({"image", "inspect", ref});
    const auto took = std::chrono::steady_clock::now() - t0;
    CHECK(r.exit_code == 2);
    CHECK(took < std::chrono::seconds(2));
    CHECK_THAT(r.err, Catch::StartsWith("coco: "));
  }
}
