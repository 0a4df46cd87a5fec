// SPDX-License-Identifier: Apache-2.0
// coco policy generate --sign-key: the bundle's subjects are each pod's initdata digest (the value
// behind SNP HOSTDATA / TDX MRCONFIGID), checked against the initdata the manifest now carries,
// with openssl computing the digest; @sigstore/verify checks the signature.
#include <catch2/catch.hpp>

#include "attest/sigstore_js.h"
#include "k8s/manifest.h"
#include "oci/fixture.h"
#include "support/support.h"
#include "util/encoding.h"
#include "util/file.h"
#include "util/output.h"

using coco::Json;
using coco::test::run_coco;
using coco::test::run_program;
using Catch::Contains;

TEST_CASE("policy generate --sign-key signs each pod's initdata digest", "[attest][policy][cli]") {
  coco::test::TempDir dir;
  const std::string pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: signed-pod\n  namespace: ns1\nspec:\n"
                          "  containers:\n    - name: app\n      image: registry.example/app:1\n";
  const std::string in = dir.write("pod.yaml", pod), out = dir.file("out.yaml");
  REQUIRE(run_coco({"key", "generate", "-o", dir.file("p.key")}).exit_code == 0);
  const std::string source = "registry.example/app:1=oci:" + coco::test::oci_images() + "/layout:v1";
  const auto r = run_coco({"policy", "generate", "-f", in, "--image-source", source, "-o", out, "--sign-key",
                           dir.file("p.key"), "--cache-dir", dir.file("cache"), "--output", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string bundle = out + ".sigstore.json";
  CHECK(coco::test::schema_errors("bundle.schema.json", coco::read_text_file(bundle)) == "");

  // The initdata the manifest carries: annotation = base64(gzip(toml)); its sha256 is the subject.
  const Json manifest = coco::k8s::load_documents(coco::read_text_file(out), "out.yaml")[0].value;
  const std::string b64 = manifest["metadata"]["annotations"]["io.katacontainers.config.hypervisor.cc_init_data"];
  const std::string gz = dir.write("initdata.gz", std::string(coco::as_chars(coco::from_base64(b64))));
  const auto toml = run_program({"gzip", "-dc", gz});
  REQUIRE(toml.exit_code == 0);
  const std::string initdata = dir.write("signed-pod.initdata.toml", toml.out);
  const auto v = run_coco({"verify", initdata, "--bundle", bundle, "--key", dir.file("p.pub"), "--predicate-type",
                           "https://coco-tools.github.io/attestation/pod-policy/v1", "--output", "json"});
  CHECK(v.exit_code == 0);
  const Json verdict = coco::parse_json(v.out, "verify");
  CHECK(verdict["files"][0]["digest"] == "sha256:" + run_program({"sha256sum", initdata}).out.substr(0, 64));
  const Json report = coco::parse_json(r.out, "report");
  CHECK(verdict["files"][0]["digest"] == "sha256:" + report["pods"][0]["initdata_digest"].get<std::string>());
  CHECK(coco::test::sigstore_js_verify(bundle, dir.file("p.pub")).rfind("failed", 0) != 0);

  // The predicate records the pinned image.
  const Json b = coco::parse_json(coco::read_text_file(bundle), "bundle");
  const Json st = coco::parse_json(coco::as_chars(coco::from_base64(b["dsseEnvelope"]["payload"].get<std::string>())), "p");
  CHECK(st["subject"][0]["name"] == "ns1/Pod/signed-pod.initdata.toml");
  CHECK(st["predicate"]["pods"][0]["images"] == report["pods"][0]["images"]);

  const auto no_target = run_coco({"policy", "generate", "-f", in, "--image-source", source, "--sign-key",
                                   dir.file("p.key"), "--cache-dir", dir.file("cache")});
  CHECK(no_target.exit_code == 2);
  CHECK_THAT(no_target.err, Contains("--bundle"));
}
