// SPDX-License-Identifier: Apache-2.0
// Issue 15 items 10-13 through the binary: the written file keeps the user's bytes, --runtime-class
// leaves other pods alone with a note, warnings and notes go to stderr, and -q silences both.
#include <catch2/catch.hpp>

#include "oci/fixture.h"
#include "support/support.h"
#include "util/file.h"

using coco::test::run_coco;

namespace {

// Comments, flow maps, a quoted image, CRLF line ends: none of it may change.
const char* kTwoPods =
    "# two pods, one confidential\r\n"
    "apiVersion: v1\r\nkind: Pod\r\nmetadata: {name: secret, labels: {app: x}}   # flow\r\n"
    "spec:\r\n  runtimeClassName: kata-qemu-snp\r\n  hostNetwork: true\r\n  containers:\r\n"
    "  - name: app\r\n    image: \"registry.example/app:1\"  # pinned by coco\r\n"
    "---\r\napiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: plain\r\n"
    "spec:\r\n  runtimeClassName: runc\r\n  containers:\r\n  - name: app\r\n    image: registry.example/app:1\r\n";

}  // namespace

TEST_CASE("policy generate keeps the file's bytes and leaves other runtime classes alone", "[policy][cli][runtime-class]") {
  coco::test::TempDir dir;
  const std::string in = dir.write("pods.yaml", kTwoPods), out = dir.file("out.yaml");
  const auto r = run_coco({"policy", "generate", "-f", in, "--image-source", coco::test::app_image_source(), "--runtime-class",
                           "kata-qemu-tdx,kata-qemu-snp", "-o", out, "--cache-dir", dir.file("cache")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string written = coco::read_text_file(out);
  const std::string input = kTwoPods;
  // Before the image line and from the second document on, the bytes are the input's.
  const std::string head = "# two pods, one confidential\r\napiVersion: v1\r\nkind: Pod\r\nmetadata: {name: secret, ";
  CHECK(written.rfind(head, 0) == 0);
  const std::string second = input.substr(input.find("---\r\n"));
  CHECK(written.substr(written.size() - second.size()) == second);
  CHECK(written.find("labels: {app: x}, \"annotations\": {\"io.katacontainers.config.hypervisor.cc_init_data\": \"H4sI") != std::string::npos);
  CHECK(written.find("    image: \"registry.example/app@sha256:") != std::string::npos);
  CHECK(written.find("\"  # pinned by coco\r\n") != std::string::npos);
  CHECK(written.find("\n") == written.find("\r\n") + 1);
  CHECK_THAT(r.err, Catch::Contains("coco: note: " + in + ": document 2 (line 12, Pod plain): runtimeClassName 'runc' "
                                    "is not one of --runtime-class kata-qemu-tdx, kata-qemu-snp: left unchanged, no policy"));
  CHECK_THAT(r.err, Catch::Contains("coco: warning: Pod secret: spec.hostNetwork: the pod uses the host's network namespace"));

  // the JSON report lists the pod's warnings (and validates)
  const auto json = run_coco({"policy", "generate", "-f", in, "--image-source", coco::test::app_image_source(), "--runtime-class",
                              "kata-qemu-snp", "-o", dir.file("j.yaml"), "--cache-dir", dir.file("cache"), "--output", "json"});
  REQUIRE(json.exit_code == 0);
  CHECK(coco::test::schema_errors("policy-generate.schema.json", json.out) == "");
  CHECK_THAT(json.out, Catch::Contains("\"warnings\": [\n        \"spec.hostNetwork: the pod uses the host's network namespace"));

  // -q: neither notes nor warnings
  const auto quiet = run_coco({"policy", "generate", "-f", in, "--image-source", coco::test::app_image_source(), "--runtime-class",
                               "kata-qemu-snp", "-o", dir.file("q.yaml"), "--cache-dir", dir.file("cache"), "-q"});
  REQUIRE(quiet.exit_code == 0);
  CHECK(quiet.err.find("note:") == std::string::npos);
  CHECK(quiet.err.find("warning:") == std::string::npos);
  CHECK(coco::read_text_file(dir.file("q.yaml")) == written);

  // A re-run over the output merges into its own initdata (a note), and changes no byte.
  const auto again = run_coco({"policy", "generate", "-f", out, "--image-source", coco::test::app_image_source(), "--runtime-class",
                               "kata-qemu-snp", "--in-place", "--cache-dir", dir.file("cache")});
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(coco::read_text_file(out) == written);
  CHECK_THAT(again.err, Catch::Contains("merged into the existing initdata: no other entries, policy.rego replaced"));

  // Another algorithm than the existing initdata's: an error that names --force; with it, a note.
  const auto conflict = run_coco({"policy", "generate", "-f", out, "--image-source", coco::test::app_image_source(), "--initdata-algorithm",
                                  "sha384", "-o", dir.file("c.yaml"), "--cache-dir", dir.file("cache")});
  CHECK(conflict.exit_code == 1);
  CHECK_THAT(conflict.err, Catch::Contains("algorithm 'sha256' (--initdata-algorithm sha384)") && Catch::Contains("--force"));
  CHECK_FALSE(coco::file_exists(dir.file("c.yaml")));
  const auto forced = run_coco({"policy", "generate", "-f", out, "--image-source", coco::test::app_image_source(), "--initdata-algorithm",
                                "sha384", "--force", "--runtime-class", "kata-qemu-snp", "-o", dir.file("c.yaml"),
                                "--cache-dir", dir.file("cache")});
  INFO(forced.err);
  REQUIRE(forced.exit_code == 0);
  CHECK_THAT(forced.err, Catch::Contains("--force: replaced algorithm 'sha256'"));
}
