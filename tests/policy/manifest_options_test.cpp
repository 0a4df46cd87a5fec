// SPDX-License-Identifier: Apache-2.0
// Issue 15 items 11-13 at the library: an existing initdata annotation is merged (its TOML read
// by coco and by Python's tomllib must agree), --runtime-class selects pods and leaves the others
// byte for byte, and what a pod shares with the host is reported per pod.
#include <catch2/catch.hpp>

#include "k8s/manifest.h"
#include "policy/confidentiality.h"
#include "policy/generate.h"
#include "policy/initdata.h"
#include "policy/settings.h"
#include "support/support.h"
#include "test_images.h"
#include "util/encoding.h"
#include "util/error.h"

using namespace coco;

namespace {

policy::GenerateOptions options() {
  policy::GenerateOptions o;
  o.settings = policy::default_settings(policy::Profile::Upstream);
  o.rules = policy::embedded_rules();
  return o;
}

std::string annotation_of(const std::string& toml) { return to_base64(as_bytes(policy::gzip(toml))); }

std::string pod_with_initdata(const std::string& toml) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: merged  # keep me\n  annotations:\n"
         "    io.katacontainers.config.hypervisor.cc_init_data: " + annotation_of(toml) + "\n"
         "spec:\n  containers:\n  - name: app\n    image: registry.example/app:1\n";
}

// A hand-written initdata as a user or another tool would have it: comments, every string form.
const std::string kTheirs =
    "# written by hand\nversion = \"0.1.0\"\nalgorithm = 'sha256'   # digest\n\n[data]\n"
    "\"aa.toml\" = '''\n[token_configs.kbs]\nurl = \"https://kbs.example:8080\"\n'''\n"
    "'cdh.toml' = \"\"\"\nsocket = \"unix:///run/cdh.sock\"\\n\\\n   [kbc]\\tname = \\\"cc_kbc\\\"\\u00e9\"\"\"\n"
    "'policy.rego' = \"package old\"\n";

}  // namespace

TEST_CASE("initdata TOML reader agrees with tomllib on a hand-written document", "[policy][initdata]") {
  const policy::Initdata i = policy::parse_initdata_toml(kTheirs, "theirs.toml");
  CHECK(i.version == "0.1.0");
  CHECK(i.algorithm == "sha256");
  CHECK(i.unsupported.empty());
  test::TempDir dir;
  const auto r = test::run_program(
      {"python3", "-c", "import json,sys,tomllib\nprint(json.dumps(tomllib.load(open(sys.argv[1],'rb'))['data'], sort_keys=True))",
       dir.write("t.toml", kTheirs)});
  REQUIRE(r.exit_code == 0);
  Json ours = Json::object();
  for (const auto& [k, v] : i.data) ours[k] = v;
  CHECK(ours == parse_json(r.out, "tomllib"));
  // coco's own output reads back to what it wrote
  const std::map<std::string, std::string> data{{"policy.rego", "package p\n'''x\n"}, {"aa.toml", "a\tb\x01"}};
  CHECK(policy::parse_initdata_toml(policy::initdata_toml(Algo::Sha512, data), "own").data == data);
}

TEST_CASE("initdata TOML reader names what it cannot write back and the line of an error", "[policy][initdata][hostile]") {
  const auto i = policy::parse_initdata_toml("version = \"0.1.0\"\nalgorithm = \"sha256\"\nextra = 1\n[other]\nx = \"y\"\n"
                                             "[data]\na.b = \"c\"\n", "x.toml");
  CHECK(i.unsupported == std::vector<std::string>{"line 3: extra is not a string", "line 4: [other]", "line 7: dotted key a.…"});
  struct Bad { const char* toml; const char* error; };
  for (const Bad& b : {Bad{"[data]\nk = \"open\n", "line 2: a single-line string runs past the line end"},
                       Bad{"[data]\nk = '''never closed\n", "line 2: unterminated string"},
                       Bad{"[data]\nk = \"\\q\"\n", "line 2: unknown escape \\q"},
                       Bad{"[data]\nk = \"\\ud800\"\n", "not a Unicode scalar value"},
                       Bad{"[data]\nk = \"a\" junk\n", "line 2: unexpected 'j' after the value"},
                       Bad{"[data]\nk = \"a\"\nk = \"b\"\n", "line 3: duplicate key 'k'"},
                       Bad{"[[data]]\n", "arrays of tables"}}) {
    INFO(b.toml);
    CHECK_THROWS_WITH(policy::parse_initdata_toml(b.toml, "bad.toml"), Catch::Contains("bad.toml: initdata TOML") &&
                                                                          Catch::Contains(b.error));
  }
  // every prefix of a document either parses or fails with a coco error
  for (std::size_t n = 0; n <= kTheirs.size(); ++n) {
    try {
      policy::parse_initdata_toml(kTheirs.substr(0, n), "cut.toml");
    } catch (const Error& e) {
      CHECK_THAT(e.what(), Catch::StartsWith("cut.toml: initdata TOML line "));
    }
  }
}

TEST_CASE("an existing initdata annotation keeps its other entries and gets the new policy", "[policy][initdata]") {
  const auto resolve = test::test_resolver();
  const std::string yaml = pod_with_initdata(kTheirs);
  const auto g = policy::generate(yaml, "pod.yaml", options(), resolve);
  REQUIRE(g.pods.size() == 1);
  const Json out = k8s::load_documents(g.manifests(), "out")[0].value;
  const auto init = policy::decode_initdata_annotation(out["metadata"]["annotations"][policy::kInitdataAnnotation], "out");
  const auto theirs = policy::parse_initdata_toml(kTheirs, "theirs");
  CHECK(init.data.at("aa.toml") == theirs.data.at("aa.toml"));
  CHECK(init.data.at("cdh.toml") == theirs.data.at("cdh.toml"));
  CHECK(init.data.at("policy.rego") == g.policies[0]);
  CHECK(init.data.size() == 3);
  // the digest binds the merged TOML as coco writes it
  CHECK(to_hex(g.pods[0].binding.digest) == to_hex(digest(Algo::Sha256, policy::initdata_toml(Algo::Sha256, init.data))));
  REQUIRE(g.notes.size() == 1);
  CHECK_THAT(g.notes[0], Catch::Contains("merged into the existing initdata: kept aa.toml, cdh.toml, policy.rego replaced"));
  CHECK(g.manifests().find("name: merged  # keep me\n") != std::string::npos);
  // a re-run keeps them again, byte for byte
  CHECK(policy::generate(g.manifests(), "out.yaml", options(), resolve).manifests() == g.manifests());
}

TEST_CASE("a conflicting initdata annotation is an error unless --force", "[policy][initdata][hostile]") {
  const auto resolve = test::test_resolver();
  struct Conflict { std::string toml; std::map<std::string, std::string> extra; policy::AnnotationKind kind; const char* what; };
  const std::string head = "version = \"0.1.0\"\nalgorithm = \"sha256\"\n[data]\n";
  for (const Conflict& c :
       {Conflict{"version = \"0.2.0\"\nalgorithm = \"sha256\"\n", {}, policy::AnnotationKind::Initdata, "version '0.2.0'"},
        Conflict{"version = \"0.1.0\"\nalgorithm = \"sha384\"\n", {}, policy::AnnotationKind::Initdata,
                 "algorithm 'sha384' (--initdata-algorithm sha256)"},
        Conflict{head + "\"aa.toml\" = \"theirs\"\n", {{"aa.toml", "ours"}}, policy::AnnotationKind::Initdata,
                 "aa.toml differs from --initdata-extra aa.toml"},
        Conflict{head + "\"cdh.toml\" = \"x\"\n", {}, policy::AnnotationKind::AgentPolicy,
                 "cdh.toml (--annotation agent-policy replaces the initdata annotation)"},
        Conflict{head + "[more]\n", {}, policy::AnnotationKind::Initdata, "line 4: [more] (coco cannot write it back)"}}) {
    INFO(c.toml);
    auto o = options();
    o.initdata_extra = c.extra;
    o.annotation = c.kind;
    const std::string yaml = pod_with_initdata(c.toml);
    CHECK_THROWS_WITH(policy::generate(yaml, "pod.yaml", o, resolve),
                      Catch::Contains("annotation io.katacontainers.config.hypervisor.cc_init_data: the existing initdata "
                                      "conflicts with the new one: ") &&
                          Catch::Contains(c.what) && Catch::Contains("--force"));
    o.force = true;
    const auto g = policy::generate(yaml, "pod.yaml", o, resolve);
    REQUIRE(!g.notes.empty());
    CHECK_THAT(g.notes[0], Catch::Contains("--force: replaced") && Catch::Contains(c.what));
    const Json ann = k8s::load_documents(g.manifests(), "out")[0].value["metadata"]["annotations"];
    if (c.kind == policy::AnnotationKind::AgentPolicy) {
      CHECK_FALSE(ann.contains(policy::kInitdataAnnotation));
    } else {
      const auto init = policy::decode_initdata_annotation(ann[policy::kInitdataAnnotation], "out");
      CHECK(init.version == "0.1.0");
      CHECK(init.algorithm == "sha256");
      if (!c.extra.empty()) CHECK(init.data.at("aa.toml") == "ours");
    }
  }
}

TEST_CASE("runtime classes: with --runtime-class only pods of the named classes get a policy, the rest pass through", "[policy][runtime-class]") {
  const auto resolve = test::test_resolver();
  const std::string snp = "kind: Pod\nmetadata:\n  name: snp\nspec:\n  runtimeClassName: kata-qemu-snp\n  containers:\n"
                          "  - name: app\n    image: registry.example/app:1\n";
  const std::string runc = "# plain runc\nkind: Pod\nmetadata: {name: runc}\nspec:\n  runtimeClassName: runc\n"
                           "  containers:\n  - {name: app, image: registry.example/app:1}\n";
  const std::string none = "kind: Deployment\nmetadata:\n  name: none\nspec:\n  template:\n    spec:\n      containers:\n"
                           "      - name: app\n        image: registry.example/app:1   # as is\n";
  const std::string yaml = snp + "---\n" + runc + "---\n" + none;
  auto o = options();
  o.runtime_classes = {"kata-qemu-tdx", "kata-qemu-snp"};
  const auto g = policy::generate(yaml, "mixed.yaml", o, resolve);
  REQUIRE(g.pods.size() == 1);
  CHECK(g.pods[0].name == "snp");
  // the other two documents are byte for byte what they were
  const std::string rest = "---\n" + runc + "---\n" + none;
  REQUIRE(g.manifests().size() > rest.size());
  CHECK(g.manifests().substr(g.manifests().size() - rest.size()) == rest);
  CHECK(g.manifests().find("io.katacontainers.config.hypervisor.cc_init_data") < g.manifests().find("---"));
  REQUIRE(g.notes.size() == 2);
  CHECK_THAT(g.notes[0], Catch::Contains("Pod runc)") && Catch::Contains("runtimeClassName 'runc' is not one of "
                                                                          "--runtime-class kata-qemu-tdx, kata-qemu-snp: left unchanged, no policy"));
  CHECK_THAT(g.notes[1], Catch::Contains("Deployment none)") && Catch::Contains("runtimeClassName (none)"));
  // no class given: every pod
  CHECK(policy::generate(yaml, "mixed.yaml", options(), resolve).pods.size() == 3);
  // none selected: the file comes back unchanged
  o.runtime_classes = {"other"};
  const auto none_selected = policy::generate(yaml, "mixed.yaml", o, resolve);
  CHECK(none_selected.pods.empty());
  CHECK(none_selected.manifests() == yaml);
}

TEST_CASE("confidentiality warnings name what a pod shares with the host", "[policy][warnings]") {
  const Json spec = parse_json(R"({
    "hostNetwork": true, "hostPID": true, "hostIPC": false,
    "initContainers": [{"name": "init", "securityContext": {"privileged": true}}],
    "containers": [{"name": "app", "securityContext": {"privileged": false}}],
    "volumes": [{"name": "data", "hostPath": {"path": "/var/data"}}, {"name": "kmsg", "hostPath": {"path": "/dev/kmsg"}},
                {"name": "scratch", "emptyDir": {}}, {"name": "fast", "emptyDir": {"medium": "Memory"}}]})", "spec");
  const auto upstream = policy::confidentiality_warnings(spec, policy::default_settings(policy::Profile::Upstream));
  const std::vector<std::string> expected{
      "spec.hostNetwork: the pod uses the host's network namespace; the host sees its traffic",
      "spec.hostPID: the pod shares the host's process namespace",
      "spec.initContainers[0] (init): privileged: the container gets every guest device and no masked paths",
      "spec.volumes[0] (data): hostPath /var/data: files shared with the host, which can read and change them"};
  CHECK(upstream == expected);  // block-encrypted emptyDirs stay in the guest; /dev/kmsg is the guest's
  const auto aks = policy::confidentiality_warnings(spec, policy::default_settings(policy::Profile::Aks));
  REQUIRE(aks.size() == 5);
  CHECK_THAT(aks[4], Catch::StartsWith("spec.volumes[2] (scratch): emptyDir on the host's disk (emptydir_type shared-fs)"));
  CHECK(policy::confidentiality_warnings(Json::object(), Json::object()).empty());
  Json host_ipc = spec;
  host_ipc["hostIPC"] = true;
  CHECK(policy::confidentiality_warnings(host_ipc, Json::object())[2] ==
        "spec.hostIPC: the pod shares the host's IPC namespace (shared memory, semaphores)");

  // the generator reports them per pod, in the report's JSON too
  const auto resolve = test::test_resolver();
  const std::string yaml = "kind: Pod\nmetadata:\n  name: shares\nspec:\n  hostNetwork: true\n  containers:\n"
                           "  - name: app\n    image: registry.example/app:1\n";
  const auto g = policy::generate(yaml, "pod.yaml", options(), resolve);
  REQUIRE(g.pods.size() == 1);
  CHECK(g.pods[0].warnings == std::vector<std::string>{expected[0]});
  CHECK(policy::report_json(g.pods)["pods"][0]["warnings"] == Json::array({expected[0]}));
}
