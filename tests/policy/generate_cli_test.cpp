// SPDX-License-Identifier: Apache-2.0
// End-to-end: `coco policy generate | digest | settings` through the binary, with images read
// from an OCI layout that umoci wrote (tests/registry/make_images.sh); expected digests come from
// the layout's index.json, openssl and coreutils, never from coco's earlier output.
#include <catch2/catch.hpp>
#include <filesystem>

#include "k8s/manifest.h"
#include "oci/fixture.h"
#include "support/support.h"
#include "util/file.h"
#include "util/output.h"

using coco::Json;
using coco::test::run_coco;
using coco::test::run_program;
using coco::test::source_path;

namespace {

std::string layout_digest(const std::string& tag) {  // what umoci recorded for the tag
  const Json index = coco::parse_json(coco::read_text_file(coco::test::oci_images() + "/layout/index.json"), "index.json");
  for (const auto& m : index["manifests"])
    if (m["annotations"]["org.opencontainers.image.ref.name"] == tag) return m["digest"];
  FAIL("no tag " << tag);
  return "";
}

const char* kLayoutPod = R"(apiVersion: v1
kind: Pod
metadata:
  name: layout-pod
  namespace: ns1
spec:
  containers:
    - name: app
      image: registry.example/app:1
)";

}  // namespace

TEST_CASE("policy generate: OCI layout image, JSON report, digest, re-run", "[policy][cli]") {
  coco::test::TempDir dir;
  const std::string in = dir.write("pod.yaml", kLayoutPod), out = dir.file("out.yaml");
  const auto r = run_coco({"policy", "generate", "-f", in, "--image-source", coco::test::app_image_source(), "-o", out, "--output",
                           "json", "--cache-dir", dir.file("cache")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(coco::test::schema_errors("policy-generate.schema.json", r.out) == "");
  const Json report = coco::parse_json(r.out, "stdout");
  const std::string pinned = "registry.example/app@" + layout_digest("v1");
  CHECK(report["pods"][0]["images"] == Json::array({pinned}));
  CHECK(report["pods"][0]["kind"] == "Pod");
  CHECK(report["pods"][0]["namespace"] == "ns1");

  // The manifest now names the pinned image; the policy inside has the image's user and config.
  const std::string yaml = coco::read_text_file(out);
  const Json pod = coco::k8s::load_documents(yaml, "out.yaml")[0].value;
  CHECK(pod["spec"]["containers"][0]["image"] == pinned);
  const std::string b64 = pod["metadata"]["annotations"]["io.katacontainers.config.hypervisor.cc_init_data"];
  const auto toml = run_program({"/bin/sh", "-c", "base64 -d | gunzip"}, b64);
  REQUIRE(toml.exit_code == 0);
  const auto data_at = toml.out.find("policy_data := ");
  REQUIRE(data_at != std::string::npos);
  const Json data = coco::parse_json(toml.out.substr(data_at + 15, toml.out.rfind("'''") - data_at - 15), "policy_data");
  const Json& app = data["containers"][1]["OCI"]["Process"];
  CHECK(app["User"]["UID"] == 1000);  // USER app, from the image's merged /etc/passwd
  CHECK(app["User"]["GID"] == 1000);
  CHECK(app["Args"] == Json::array({"/bin/sh", "/bin/hi"}));
  CHECK(app["Cwd"] == "/opt");
  CHECK(app["Env"][0] == "PATH=/bin:/usr/bin");
  // the image's VOLUME /data becomes a shared read-write mount
  bool data_mount = false;
  for (const auto& m : data["containers"][1]["OCI"]["Mounts"]) data_mount = data_mount || m["destination"] == "/data";
  CHECK(data_mount);

  // The digest command recomputes the same values; openssl agrees on the TOML bytes.
  const auto d = run_coco({"policy", "digest", out, "--output", "json"});
  REQUIRE(d.exit_code == 0);
  CHECK(coco::test::schema_errors("policy-digest.schema.json", d.out) == "");
  const Json dj = coco::parse_json(d.out, "digest");
  CHECK(dj["pods"][0]["initdata_digest"] == report["pods"][0]["initdata_digest"]);
  CHECK(dj["pods"][0]["tdx_mrconfigid"] == report["pods"][0]["tdx_mrconfigid"]);
  const auto dgst = run_program({"openssl", "dgst", "-sha256", "-r", dir.write("t.toml", toml.out)});
  CHECK(dgst.out.substr(0, 64) == report["pods"][0]["initdata_digest"]);

  // Re-running on the output (the image is now pinned) gives the same bytes; so does --in-place.
  const auto again = run_coco({"policy", "generate", "-f", out, "--image-source", coco::test::app_image_source(), "-o",
                               dir.file("again.yaml"), "--cache-dir", dir.file("cache")});
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(coco::read_text_file(dir.file("again.yaml")) == yaml);
  const auto inplace = run_coco({"policy", "generate", "-f", in, "--image-source", coco::test::app_image_source(), "--in-place", "-q",
                                 "--cache-dir", dir.file("cache")});
  REQUIRE(inplace.exit_code == 0);
  CHECK(coco::read_text_file(in) == yaml);
  // stdout: the manifests; the report goes to stderr
  const auto piped = run_coco({"policy", "generate", "-f", "-", "--image-source", coco::test::app_image_source(), "--cache-dir",
                               dir.file("cache")}, kLayoutPod);
  REQUIRE(piped.exit_code == 0);
  CHECK(piped.out == yaml);
  CHECK_THAT(piped.err, Catch::Contains("SNP HOSTDATA"));
}

TEST_CASE("policy generate: a pinned image whose source has another digest is refused", "[policy][cli][hostile]") {
  coco::test::TempDir dir;
  std::string pod = kLayoutPod;
  pod.replace(pod.find("registry.example/app:1"), 22, "registry.example/app@sha256:" + std::string(64, 'a'));
  const auto r = run_coco({"policy", "generate", "-f", dir.write("p.yaml", pod), "--image-source",
                           coco::test::app_image_source(), "-o", dir.file("o.yaml"), "--cache-dir", dir.file("cache")});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("not the pinned digest"));
  CHECK_FALSE(coco::file_exists(dir.file("o.yaml")));
}

TEST_CASE("policy settings: profiles validate against the schema, bad settings name the key", "[policy][cli]") {
  for (const char* p : {"upstream", "aks"}) {
    const auto r = run_coco({"policy", "settings", "--profile", p});
    REQUIRE(r.exit_code == 0);
    CHECK(coco::test::schema_errors("settings.schema.json", r.out) == "");
  }
  CHECK(coco::test::schema_errors("settings.schema.json", R"({"kata_config": {}})") != "");
  coco::test::TempDir dir;
  struct Bad { const char* json; const char* error; };
  for (const Bad& b : {Bad{R"({"cluster_config": {"guest_pull": "yes"}})", "cluster_config.guest_pull: expected a boolean"},
                       Bad{R"({"kata_config": {"oci_versoin": "1.2.0"}})", "kata_config.oci_versoin: unknown setting"},
                       Bad{R"({"common": {"cpath": null}})", "common.cpath: required setting removed"},
                       Bad{R"({"request_defaults": {"ExecProcessRequest": {"allowed_commands": ["sh"]}}})",
                           "allowed_commands.0: expected an array"},
                       Bad{R"({"cluster_config": {"emptydir_type": "nfs"}})", "emptydir_type: 'nfs'"},
                       Bad{R"({"common": {"image_layer_verification": "bogus"}})", "image_layer_verification: 'bogus'"},
                       Bad{R"({"cluster_config": {"guest_pull": false}})", "nothing would bind the container images"},
                       Bad{R"({"default_sysctls": {"kernel.shm_rmid_forced": 1}})", "default_sysctls.kernel.shm_rmid_forced: expected a string"},
                       Bad{R"({"request_defaults": {"AddARPNeighborsRequest": {"allowed_states": ["x"]}}})",
                           "allowed_states.0: expected an integer"},
                       Bad{R"([1, 2])", "settings must be a JSON object"},
                       Bad{R"({"common": )", "byte "}}) {
    INFO(b.json);
    const auto r = run_coco({"policy", "settings", "--settings", dir.write("s.json", b.json)});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("s.json") && Catch::Contains(b.error));
  }
  const auto ok = run_coco({"policy", "settings", "--settings", dir.write("s.json", R"({"kata_config": {"oci_version": "1.2.1"}})")});
  REQUIRE(ok.exit_code == 0);
  CHECK(coco::parse_json(ok.out, "out")["kata_config"]["oci_version"] == "1.2.1");
}

TEST_CASE("policy generate: bad input fails with the place named and writes nothing", "[policy][cli][hostile]") {
  coco::test::TempDir dir;
  struct Case { std::string yaml; const char* error; };
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c)
    bomb += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" +
            char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + "]\n";
  const std::string deep = std::string(3000, '[') + std::string(3000, ']') + "\n";
  const std::string deep_map = [] {
    std::string s;
    for (int i = 0; i < 100; ++i) s += std::string(2 * i, ' ') + "k:\n";
    return s + std::string(200, ' ') + "v\n";
  }();
  const std::vector<Case> cases = {
      {"kind: Pod\nmetadata: {name: x\n", "in.yaml:"},
      {"kind: Pod\nmetadata:\n  name: x\n  name: y\n", "in.yaml:4:3: duplicate key 'name'"},
      {bomb, "alias bomb"},
      {deep, "in.yaml:"},
      {deep_map, "nesting deeper than 64 levels"},
      {"kind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n    - name: c\n", "containers[0] (c): container without an image"},
      {"kind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n    - name: c\n      image: registry.example/app:1\n"
       "      env:\n        - name: A\n          valueFrom: {configMapKeyRef: {name: nope, key: k}}\n",
       "env[0]: ConfigMap 'nope' is not in the input"},
      {"kind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n    - name: c\n      image: registry.example/app:1\n"
       "      envFrom:\n        - secretRef: {name: nope}\n",
       "envFrom[0]: Secret 'nope' is not in the input"},
      {"kind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n    - name: c\n      image: registry.example/app:1\n"
       "      volumeMounts:\n        - {name: v, mountPath: /v}\n",
       "volume 'v' is not defined"},
      {"kind: Pod\nmetadata: {name: x}\nspec:\n  volumes:\n    - name: v\n      nfs: {server: s, path: /}\n  containers:\n"
       "    - name: c\n      image: registry.example/app:1\n      volumeMounts:\n        - {name: v, mountPath: /v}\n",
       "has type nfs, which coco does not model"},
      {"kind: Deployment\nmetadata: {name: d}\nspec: {}\n", "missing pod spec"},
      {"kind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n    - name: c\n      image: registry.example/other:1\n",
       "registry.example/other:1"},
  };
  for (const auto& c : cases) {
    INFO(c.yaml.substr(0, 200));
    const std::string out = dir.file("out.yaml");
    const auto r = run_coco({"policy", "generate", "-f", dir.write("in.yaml", c.yaml), "--image-source", coco::test::app_image_source(),
                             "-o", out, "--cache-dir", dir.file("cache")});
    CHECK((r.exit_code == 1 || r.exit_code == 3));
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains(c.error));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_FALSE(coco::file_exists(out));
  }
  // Unknown kinds pass through; a manifest with no pods is returned byte for byte (issue 15.10).
  const auto pass = run_coco({"policy", "generate", "-f", dir.write("in.yaml", "kind: Widget\nspec: {a: 1}\n")});
  CHECK(pass.exit_code == 0);
  CHECK(pass.out == "kind: Widget\nspec: {a: 1}\n");
  // usage errors
  CHECK(run_coco({"policy", "generate", "-f", "-", "--in-place"}).exit_code == 2);
  CHECK(run_coco({"policy", "generate", "-f", dir.file("in.yaml"), "--output", "json"}).exit_code == 2);
  CHECK(run_coco({"policy", "generate", "-f", dir.file("in.yaml"), "--service-env", "some"}).exit_code == 2);
  CHECK(run_coco({"policy", "generate", "-f", dir.file("in.yaml"), "--image-source", "noequals"}).exit_code == 2);
  CHECK(run_coco({"policy", "generate", "-f", dir.file("in.yaml"), "--initdata-extra", "policy.rego=" + dir.file("in.yaml")}).exit_code == 2);
}

TEST_CASE("policy generate: images from a registry, unreachable (exit 3) vs missing (exit 1)", "[policy][cli][registry]") {
  if (coco::test::registries().empty()) {
    WARN("docker-registry, skopeo, umoci or htpasswd missing: registry tests skipped");
    return;
  }
  const std::string host = coco::test::registries().at("PLAIN");
  coco::test::TempDir dir;
  const auto generate = [&](const std::string& image) {
    std::string pod = kLayoutPod;
    pod.replace(pod.find("registry.example/app:1"), 22, image);
    return run_coco({"policy", "generate", "-f", dir.write("pod.yaml", pod), "-o", dir.file("out.yaml"),
                     "--insecure-registry", host, "--insecure-registry", "127.0.0.1:1", "--no-cache", "-q"});
  };
  // The image as the registry serves it: pinned to the digest umoci recorded.
  const auto ok = generate(host + "/coco/hello:v1");
  REQUIRE(ok.exit_code == 0);
  CHECK_THAT(coco::read_text_file(dir.file("out.yaml")), Catch::Contains(host + "/coco/hello@" + layout_digest("v1")));
  std::filesystem::remove(dir.file("out.yaml"));
  // The registry answers, the image is not there: a permanent failure naming the image.
  const auto missing = generate(host + "/coco/no-such-image:v1");
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.err, Catch::Contains("coco/no-such-image"));
  CHECK_FALSE(coco::file_exists(dir.file("out.yaml")));
  // Nobody listens: transient, worth a retry by the caller.
  const auto unreachable = generate("127.0.0.1:1/coco/hello:v1");
  CHECK(unreachable.exit_code == 3);
  CHECK_THAT(unreachable.err, Catch::Contains("127.0.0.1:1"));
  CHECK_FALSE(coco::file_exists(dir.file("out.yaml")));
}

TEST_CASE("policy generate --profile aks: tarfs layers of the image and of the pause image, by chain id", "[policy][cli]") {
  coco::test::TempDir dir;
  const std::string in = dir.write("pod.yaml", kLayoutPod), out = dir.file("out.yaml");
  const std::string layout = coco::test::oci_images() + "/layout";
  const auto pause_source = [&](const std::string& tag) {
    return "mcr.microsoft.com/oss/kubernetes/pause:3.6=oci:" + layout + ":" + tag;
  };
  const auto r = run_coco({"policy", "generate", "-f", in, "--profile", "aks", "--image-source", coco::test::app_image_source(),
                           "--image-source", pause_source("empty"), "-o", out, "--no-cache", "-q"});
  REQUIRE(r.exit_code == 0);
  const Json doc = coco::k8s::load_documents(coco::read_text_file(out), "out.yaml")[0].value;
  const auto rego = run_program({"/bin/sh", "-c", "base64 -d"}, doc["metadata"]["annotations"]["io.katacontainers.config.agent.policy"]);
  const Json data = coco::parse_json(rego.out.substr(rego.out.rfind("policy_data := ") + 15), "policy_data");
  // Expected: layer names = sha256 of each OCI chain id, top first, and the tarfs roots, both from
  // `coco image hash` (checked against sha256sum and veritysetup in tests/oci) and sha256sum.
  const auto expected_overlay = [&](const std::string& tag) {
    const auto h = run_coco({"image", "hash", "oci:" + layout + ":" + tag, "--verity", "tarfs-aks", "--no-cache", "--output", "json"});
    REQUIRE(h.exit_code == 0);
    std::vector<std::string> names, roots;
    std::string chain;
    const Json hashed = coco::parse_json(h.out, "hash");
    for (const auto& l : hashed["images"][0]["layers"]) {
      const std::string diff_id = l["diff_id"];
      const auto sum = [](const std::string& text) { return run_program({"sha256sum"}, text).out.substr(0, 64); };
      chain = chain.empty() ? diff_id : "sha256:" + sum(chain + " " + diff_id);
      names.insert(names.begin(), sum(chain));
      roots.insert(roots.begin(), l["tarfs_verity_root"].get<std::string>());
    }
    std::string n, o;
    for (std::size_t i = 0; i < names.size(); ++i) {
      n += (i ? ":" : "") + names[i];
      o += (i ? ":" : "") + roots[i];
    }
    return Json::array({n, o});
  };
  const auto overlay_of = [](const Json& container) {
    for (const auto& s : container["storages"])
      if (s["driver"] == "overlayfs") return s["options"];
    return Json();
  };
  CHECK(overlay_of(data["containers"][1]) == expected_overlay("v1"));
  CHECK(overlay_of(data["containers"][0]) == expected_overlay("empty"));  // the pause image
  // An uncompressed layer is one the AKS snapshotter cannot index: no root to bind (issue 12).
  const auto plain = run_coco({"policy", "generate", "-f", in, "--profile", "aks", "--image-source", coco::test::app_image_source(),
                               "--image-source", pause_source("plain"), "-o", dir.file("plain.yaml"), "--no-cache", "-q"});
  CHECK(plain.exit_code == 1);
  CHECK_THAT(plain.err, Catch::Contains("cannot be indexed by the AKS tardev-snapshotter"));
  // The pause image's source must exist like any other.
  const auto bad = run_coco({"policy", "generate", "-f", in, "--profile", "aks", "--image-source", coco::test::app_image_source(),
                             "--image-source", pause_source("no-such-tag"), "-o", dir.file("bad.yaml"), "--no-cache", "-q"});
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Catch::Contains("pause image") && Catch::Contains("no-such-tag"));
  CHECK_FALSE(coco::file_exists(dir.file("bad.yaml")));
}

// kubectl's namespace (issue 11 item 9): -n, else the current kubeconfig context's, else
// "default"; --any-namespace leaves it to the host and the report says so.
TEST_CASE("policy generate: -n, the kubeconfig's namespace, and --any-namespace", "[policy][cli][namespace]") {
  coco::test::TempDir dir;
  std::string pod = kLayoutPod;
  pod.erase(pod.find("  namespace: ns1\n"), 16);
  const std::string in = dir.write("p.yaml", pod);
  const std::string kubeconfig = dir.write("kubeconfig", "apiVersion: v1\nkind: Config\ncurrent-context: dev\n"
                                                         "contexts:\n- name: dev\n  context: {cluster: c, namespace: team-a}\n");
  auto generate = [&](std::vector<std::string> extra, const std::vector<std::string>& env) {
    std::vector<std::string> args = {"policy", "generate", "-f", in, "--image-source", coco::test::app_image_source(), "-o", dir.file("o.yaml"),
                                     "--cache-dir", dir.file("cache")};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_coco(args, "", env);
  };
  auto r = generate({"--output", "json"}, {"KUBECONFIG=" + kubeconfig});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(coco::parse_json(r.out, "stdout")["pods"][0]["namespace"] == "team-a");
  r = generate({"--output", "json", "-n", "prod"}, {"KUBECONFIG=" + kubeconfig});
  REQUIRE(r.exit_code == 0);
  CHECK(coco::parse_json(r.out, "stdout")["pods"][0]["namespace"] == "prod");
  r = generate({"--output", "json"}, {"KUBECONFIG=" + dir.file("none"), "HOME=" + dir.file("nohome")});
  REQUIRE(r.exit_code == 0);
  CHECK(coco::parse_json(r.out, "stdout")["pods"][0]["namespace"] == "default");
  r = generate({"--any-namespace"}, {"KUBECONFIG=" + kubeconfig});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("warning          any namespace"));
  CHECK_THAT(r.err, Catch::Contains("--any-namespace"));
  r = generate({"--any-namespace", "-n", "x"}, {});
  CHECK(r.exit_code == 2);
  r = generate({"-n", "Not_A_Namespace"}, {});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("not a namespace name"));
}
