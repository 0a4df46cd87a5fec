// SPDX-License-Identifier: Apache-2.0
// Inputs are parsed and validated before any network access (issue 12.7): a manifest error in a
// later pod is reported at once, not after the registry of an earlier pod was retried.
#include <catch2/catch.hpp>
#include <chrono>

#include "support/support.h"

using coco::test::run_coco;
using Catch::Contains;

TEST_CASE("policy generate reports a manifest error before any registry attempt", "[cli][hostile][policy]") {
  coco::test::TempDir dir;
  // 127.0.0.1:9 refuses connections: each try is instant, but the retries with backoff take seconds.
  const std::string manifest = dir.write("pods.yaml", R"(apiVersion: v1
kind: Pod
metadata:
  name: first
spec:
  containers:
  - name: app
    image: 127.0.0.1:9/app:1
---
apiVersion: v1
kind: Pod
metadata:
  name: second
spec:
  containers:
  - image: 127.0.0.1:9/other:1
)");
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = run_coco({"policy", "generate", "-f", manifest, "-o", dir.file("out.yaml")});
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("second") && Contains("container without a name"));
  CHECK(took < std::chrono::seconds(3));
  CHECK_FALSE(coco::test::run_program({"test", "-e", dir.file("out.yaml")}).exit_code == 0);

  // A malformed image reference in any pod is an input error too, named with its container.
  const std::string bad_ref = dir.write("bad.yaml", R"(apiVersion: v1
kind: Pod
metadata:
  name: third
spec:
  containers:
  - name: a
    image: 127.0.0.1:9/app:1
  - name: b
    image: Not/Valid!
)");
  const auto t1 = std::chrono::steady_clock::now();
  const auto b = run_coco({"policy", "generate", "-f", bad_ref, "-o", dir.file("out.yaml")});
  CHECK(b.exit_code == 1);
  CHECK_THAT(b.err, Contains("(b)") && Contains("not a valid image reference"));
  CHECK(std::chrono::steady_clock::now() - t1 < std::chrono::seconds(3));
}
