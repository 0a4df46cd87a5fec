// SPDX-License-Identifier: Apache-2.0
// End-to-end: `coco policy test | explain` and the generator's self-check through the binary,
// with images from the OCI layout umoci wrote (tests/registry/make_images.sh).
#include <catch2/catch.hpp>

#include "oci/fixture.h"
#include "support/support.h"
#include "util/file.h"
#include "util/output.h"

using coco::Json;
using coco::test::run_coco;
using Catch::Contains;

namespace {

const char* kProbePod = R"(apiVersion: v1
kind: Pod
metadata:
  name: layout-pod
  namespace: ns1
spec:
  containers:
    - name: app
      image: registry.example/app:1
      env: [{name: MODE, value: fast}]
      livenessProbe: {exec: {command: [cat, /tmp/ok]}}
)";

// Writes the annotated pod into `dir` and returns its path.
std::string generated(const coco::test::TempDir& dir) {
  const std::string in = dir.write("pod.yaml", kProbePod), out = dir.file("out.yaml");
  const auto r = run_coco({"policy", "generate", "-f", in, "--image-source", coco::test::app_image_source(), "-o", out, "--cache-dir",
                           dir.file("cache"), "-q"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return out;
}

}  // namespace

TEST_CASE("policy test: a generated pod passes, with near misses, as JSON", "[policy][ptest][cli]") {
  coco::test::TempDir dir;
  const std::string out = generated(dir);
  for (const char* shim : {"go", "rs"}) {
    INFO(shim);
    const auto r = run_coco({"policy", "test", "-f", out, "--image-source", coco::test::app_image_source(), "--cache-dir", dir.file("cache"),
                             "--negative", "--shim", shim, "--output", "json"});
    INFO(r.err << r.out.substr(0, 4000));
    CHECK(coco::test::schema_errors("policy-test.schema.json", r.out) == "");
    const Json j = coco::parse_json(r.out, "stdout");
    std::size_t misses = 0, execs = 0;
    for (const auto& q : j["pods"][0]["requests"]) {
      misses += q["near_miss"].get<bool>();
      execs += q["request"] == "ExecProcessRequest" && !q["near_miss"].get<bool>();
      CHECK(q["ok"] == true);
    }
    CHECK(j["failures"] == 0);
    CHECK(r.exit_code == 0);
    CHECK(misses >= 8);
    CHECK(execs == 1);
  }
  const auto text = run_coco({"policy", "test", "-f", out, "--image-source", coco::test::app_image_source(), "--cache-dir", dir.file("cache")});
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Contains("Pod ns1/layout-pod") && Contains("needed requests allowed") && Contains("ok"));
}

TEST_CASE("policy test: a tampered policy denies its pod, exit 1, explained", "[policy][ptest][cli]") {
  coco::test::TempDir dir;
  const std::string out = generated(dir);
  // The pod's own policy text, with MODE=fast changed to MODE=slow in its policy_data.
  const auto policy = run_coco({"policy", "test", "-f", out, "--requests", dir.write("none.txt", "{}"), "--kind", "GetOOMEventRequest"});
  CHECK(policy.exit_code == 0);
  const auto rego = coco::test::run_program({"/bin/sh", "-c", "grep -o 'cc_init_data: .*' | cut -d' ' -f2 | base64 -d | gunzip"},
                                            coco::read_text_file(out));
  REQUIRE(rego.exit_code == 0);
  const auto open = rego.out.find("'''\n", rego.out.find("policy.rego")) + 4;
  std::string text = rego.out.substr(open, rego.out.rfind("'''") - open);
  const auto at = text.find("\"MODE=fast\"");
  REQUIRE(at != std::string::npos);
  text.replace(at, 11, "\"MODE=slow\"");
  const std::string bad = dir.write("bad.rego", text);
  const auto r = run_coco({"policy", "test", "-f", out, "--policy", bad, "--image-source", coco::test::app_image_source(), "--cache-dir",
                           dir.file("cache"), "--explain"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Contains("DENIED") && Contains("create container app"));
}

TEST_CASE("policy test --requests with --policy replays regorus captures (exit 1: one entry point is denied)", "[policy][ptest][cli][vector]") {
  if (!coco::test::shared_available("vectors/rego/regorus/kata/web")) return;
  const std::string dir = coco::test::shared_path("vectors/rego/regorus/kata/web/");
  const auto r = run_coco({"policy", "test", "--policy", dir + "policy.rego", "--requests", dir + "inputs.txt", "--output", "json"});
  INFO(r.err);
  CHECK(r.exit_code == 1);  // AllowRequestsFailingPolicy is false, as regorus says
  CHECK(coco::test::schema_errors("policy-test.schema.json", r.out) == "");
  const Json j = coco::parse_json(r.out, "stdout");
  const Json expected = coco::parse_json(coco::read_text_file(dir + "outputs.json"), "outputs.json");
  Json got = Json::array();
  for (const auto& q : j["pods"][0]["requests"]) got.push_back(q["allowed"]);
  CHECK(got == expected);
  CHECK(j["pods"][0]["requests"][3]["request"] == "CreateSandboxRequest");
  CHECK(j["pods"][0]["requests"][3]["index"] == 3);
}

TEST_CASE("policy explain names the field of a denied request", "[policy][ptest][cli][vector]") {
  if (!coco::test::shared_available("vectors/rego/regorus/kata/pod-lifecycle")) return;
  const std::string dir = coco::test::shared_path("vectors/rego/regorus/kata/pod-lifecycle/");
  coco::test::TempDir tmp;
  const Json sandbox = coco::parse_json(
      R"({"hostname":"pod-lifecycle","dns":[],"storages":[],"sandbox_pidns":false,"sandbox_id":"a3e5","guest_hook_path":"/evil/hooks","kernel_modules":[]})",
      "sandbox");
  const std::string req = tmp.write("sandbox.json", sandbox.dump());
  const auto r = run_coco({"policy", "explain", "--policy", dir + "policy.rego", "--request", req, "--kind", "CreateSandboxRequest"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Contains("denied") && Contains("guest_hook_path"));
  const auto v = run_coco({"policy", "explain", "--policy", dir + "policy.rego", "--request", req, "--kind", "CreateSandboxRequest", "-v"});
  CHECK(v.out.size() > r.out.size());
}

TEST_CASE("policy test: bad inputs give clear errors and exit codes", "[policy][ptest][cli][hostile]") {
  coco::test::TempDir dir;
  const std::string pod = dir.write("plain.yaml", kProbePod);
  const auto none = run_coco({"policy", "test", "-f", pod, "--image-source", coco::test::app_image_source()});
  CHECK(none.exit_code == 1);
  CHECK_THAT(none.err, Contains("plain.yaml: document 1") && Contains("no io.katacontainers"));
  CHECK(run_coco({"policy", "test", "-f", pod, "--shim", "java"}).exit_code == 2);
  CHECK(run_coco({"policy", "test"}).exit_code == 2);
  const std::string cut = dir.write("cut.txt", "[\"ep\":\"CreateContainerRequest\",{\"container_id\":");
  const std::string pol = dir.write("p.rego", "package agent_policy\ndefault CreateContainerRequest := true\n");
  const auto t = run_coco({"policy", "test", "--policy", pol, "--requests", cut});
  CHECK(t.exit_code == 1);
  CHECK_THAT(t.err, Contains("cut.txt:1: CreateContainerRequest: the line is cut short"));
  const std::string unknown = dir.write("u.txt", "[\"ep\":\"MakeCoffeeRequest\",{}],");
  const auto u = run_coco({"policy", "test", "--policy", pol, "--requests", unknown});
  CHECK(u.exit_code == 1);
  CHECK_THAT(u.err, Contains("u.txt:1: unknown request name 'MakeCoffeeRequest'"));
  const auto bad_rego = run_coco({"policy", "test", "--policy", dir.write("b.rego", "package agent_policy\nx := {\n"), "--requests",
                                  dir.write("ok.txt", "[\"ep\":\"StartContainerRequest\",{}],")});
  CHECK(bad_rego.exit_code == 1);
  CHECK_THAT(bad_rego.err, Contains("b.rego"));
}

TEST_CASE("policy generate refuses a policy that denies its own pod, --no-check writes it", "[policy][ptest][cli]") {
  coco::test::TempDir dir;
  const std::string in = dir.write("pod.yaml", kProbePod), out = dir.file("out.yaml");
  // coco's rules without the ExecProcessRequest rules: the pod's liveness probe would be denied.
  std::string rules = coco::read_text_file(coco::test::source_path("lib/policy/rules.rego"));
  for (auto at = rules.find("\nExecProcessRequest if {"); at != std::string::npos; at = rules.find("\nExecProcessRequest if {"))
    rules.replace(at, 24, "\nexec_rule_removed if {");
  const std::string bad = dir.write("rules.rego", rules);
  const auto r = run_coco({"policy", "generate", "-f", in, "--image-source", coco::test::app_image_source(), "--rules", bad, "-o", out,
                           "--cache-dir", dir.file("cache")});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("would be denied") && Contains("ExecProcessRequest") && Contains("nothing written"));
  CHECK(!coco::file_exists(out));
  const auto skip = run_coco({"policy", "generate", "-f", in, "--image-source", coco::test::app_image_source(), "--rules", bad, "-o", out,
                              "--cache-dir", dir.file("cache"), "--no-check"});
  CHECK(skip.exit_code == 0);
  CHECK_THAT(skip.err, Contains("--no-check"));
  CHECK(coco::file_exists(out));
}
