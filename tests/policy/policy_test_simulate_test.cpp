// SPDX-License-Identifier: Apache-2.0
// The simulated node requests (lib/policy/node.h, simulate.h): field shapes against requests a
// real node sent (../shared/vectors/rego/regorus/kata/*/inputs.txt), the order the runtime sends
// them in, and the values kubelet and containerd put in them.
#include <catch2/catch.hpp>
#include <set>

#include "k8s/manifest.h"
#include "k8s/workload.h"
#include "policy/recorded.h"
#include "policy/settings.h"
#include "policy/simulate.h"
#include "support/support.h"
#include "test_images.h"
#include "util/file.h"

using namespace coco;

namespace {

struct Loaded {
  std::vector<k8s::Document> docs;
  std::vector<k8s::PodTemplate> templates;
  k8s::Objects objects;
};

Loaded load(const std::string& yaml, const std::string& name = "m.yaml") {
  Loaded l;
  l.docs = k8s::load_documents(yaml, name);
  l.templates = k8s::find_pod_templates(l.docs, name);
  l.objects = k8s::collect_objects(l.docs, name);
  return l;
}

std::vector<policy::Request> simulate(const Loaded& l, std::size_t pod = 0, policy::Shim shim = policy::Shim::Go,
                                      bool negative = false) {
  static const auto resolve = test::test_resolver();
  policy::SimulateOptions o;
  o.node.shim = shim;
  o.negative = negative;
  const auto& t = l.templates.at(pod);
  return policy::simulate_pod(l.docs[t.document].value[t.item], t, l.objects, resolve, o);
}

Loaded golden(const std::string& stem) {
  return load(read_text_file(test::source_path("testdata/policy/" + stem + ".expected.yaml")), stem + ".yaml");
}

const policy::Request& find(const std::vector<policy::Request>& rs, const std::string& kind, const std::string& container) {
  for (const auto& r : rs)
    if (r.kind == kind && r.container == container && r.must_allow) return r;
  FAIL("no " << kind << " for " << container);
  throw;
}

// Every key of `captured` (objects, recursively; arrays by their first element) is in `ours`.
void same_fields(const Json& captured, const Json& ours, const std::string& path) {
  INFO(path);
  if (!captured.is_object()) return;
  REQUIRE(ours.is_object());
  for (const auto& [k, v] : captured.items()) {
    INFO("field " << path << "." << k);
    CHECK(ours.contains(k));
    if (!ours.contains(k)) continue;
    if (v.is_object() && ours[k].is_object()) same_fields(v, ours[k], path + "." + k);
    if (v.is_array() && !v.empty() && ours[k].is_array() && !ours[k].empty()) same_fields(v[0], ours[k][0], path + "." + k + "[0]");
  }
}

std::vector<policy::RecordedRequest> recorded_requests(const std::string& pod) {
  const std::string rel = "vectors/rego/regorus/kata/" + pod + "/inputs.txt";
  const ByteVec b = test::read_shared(rel);
  return policy::parse_requests(std::string(b.begin(), b.end()), rel);
}

const Json& first_of(const std::vector<policy::RecordedRequest>& rs, const std::string& kind, std::size_t nth = 0) {
  for (const auto& r : rs)
    if (r.request.kind == kind && nth-- == 0) return r.request.input;
  FAIL("no captured " << kind);
  throw;
}

}  // namespace

TEST_CASE("simulated requests carry every field a real node sends", "[policy][simulate][vector]") {
  if (!test::shared_available("vectors/rego/regorus/kata")) return;
  const auto real = recorded_requests("pod-lifecycle");
  const auto l = golden("21-probes-lifecycle");
  const auto rs = simulate(l);
  same_fields(first_of(real, "CreateSandboxRequest"), find(rs, "CreateSandboxRequest", "").input, "CreateSandbox");
  same_fields(first_of(real, "CreateContainerRequest", 0), find(rs, "CreateContainerRequest", "pause").input, "pause");
  same_fields(first_of(real, "CreateContainerRequest", 1), find(rs, "CreateContainerRequest", "web").input, "web");
  same_fields(first_of(real, "ExecProcessRequest"), find(rs, "ExecProcessRequest", "web").input, "exec");
  same_fields(first_of(real, "CopyFileRequest"), find(rs, "CopyFileRequest", "pause").input, "copy");
  same_fields(first_of(real, "UpdateInterfaceRequest"), find(rs, "UpdateInterfaceRequest", "").input, "iface");
  same_fields(first_of(real, "UpdateRoutesRequest"), find(rs, "UpdateRoutesRequest", "").input, "routes");
  same_fields(first_of(real, "WaitProcessRequest"), find(rs, "WaitProcessRequest", "pause").input, "wait");
  // The captured mounts of a container, kubelet's files included, in the same shape.
  const Json& mounts = find(rs, "CreateContainerRequest", "web").input["OCI"]["Mounts"];
  std::vector<std::string> dests;
  for (const auto& m : mounts) dests.push_back(m["destination"]);
  CHECK(dests == std::vector<std::string>{"/proc", "/dev", "/dev/pts", "/dev/mqueue", "/sys", "/sys/fs/cgroup", "/etc/hosts",
                                          "/dev/termination-log", "/etc/hostname", "/etc/resolv.conf", "/dev/shm",
                                          "/var/run/secrets/kubernetes.io/serviceaccount"});
}

TEST_CASE("simulated requests come in the order the runtime sends them", "[policy][simulate]") {
  const auto rs = simulate(golden("21-probes-lifecycle"));
  std::vector<std::string> kinds;
  for (const auto& r : rs) kinds.push_back(r.kind + (r.container.empty() ? "" : "/" + r.container));
  const std::vector<std::string> head = {"UpdateInterfaceRequest", "UpdateRoutesRequest", "CreateSandboxRequest",
                                         "GuestDetailsRequest", "CopyFileRequest/pause", "CreateContainerRequest/pause",
                                         "StartContainerRequest/pause", "WaitProcessRequest/pause", "GetOOMEventRequest"};
  REQUIRE(kinds.size() > head.size());
  CHECK(std::vector<std::string>(kinds.begin(), kinds.begin() + head.size()) == head);
  // postStart hook, startup and liveness probes (readiness is HTTP), preStop hook: four execs, each waited for.
  std::vector<std::string> execs;
  for (const auto& r : rs)
    if (r.kind == "ExecProcessRequest") execs.push_back(r.input["process"]["Args"].dump());
  CHECK(execs == std::vector<std::string>{R"(["/bin/sh","-c","touch /tmp/healthy"])",
                                          R"(["sh","-c","test -f /tmp/started && echo 'started ok'"])",
                                          R"(["cat","/tmp/healthy"])", R"(["nginx","-s","quit"])"});
  CHECK(kinds.back() == "DestroySandboxRequest");
  for (const auto& r : rs) CHECK(r.must_allow);
}

TEST_CASE("simulated environment follows kubelet: sources, expansion, service links", "[policy][simulate]") {
  const auto rs = simulate(golden("14-env-valuefrom"));
  const Json& env = find(rs, "CreateContainerRequest", "api").input["OCI"]["Process"]["Env"];
  auto has = [&](const std::string& kv) {
    for (const auto& e : env)
      if (e == kv) return true;
    return false;
  };
  CHECK(has("HOSTNAME=env-sources"));
  CHECK(has("UPSTREAM=http://backend:8080"));
  CHECK(has("TOKEN=token-123"));
  CHECK(has("POD_NAME=env-sources"));
  CHECK(has("POD_NAMESPACE=default"));
  CHECK(has("TIER=api"));
  CHECK(has("SA=api-runner"));
  CHECK(has("MEM_LIMIT=134217728"));  // 128Mi, divisor 1
  CHECK(has("GREETING=pod env-sources in default, $(UNDEFINED) stays, $(ESCAPED) too"));
  CHECK(has("URL=http://backend:8080/v1"));
  CHECK(has("KUBERNETES_SERVICE_HOST=10.96.0.1"));
  CHECK(has("KUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443"));
  for (const auto& e : env) CHECK(e.get<std::string>().rfind("MISSING_OK=", 0) != 0);
  const Json& args = find(rs, "CreateContainerRequest", "api").input["OCI"]["Process"]["Args"];
  CHECK(args.back() == "exec api --upstream=http://backend:8080 --name=env-sources --cost=$(price)");
}

TEST_CASE("resourceFieldRef is the limit divided by the divisor, rounded up", "[policy][simulate]") {
  const auto l = load(R"(apiVersion: v1
kind: Pod
metadata: {name: res}
spec:
  containers:
    - name: c
      image: registry.example/busybox:1.36
      resources: {limits: {memory: 128Mi, cpu: 250m}, requests: {cpu: 100m}}
      env:
        - {name: MEM_MI, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
        - {name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}
        - {name: CPU_M, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}}
        - {name: REQ_M, valueFrom: {resourceFieldRef: {resource: requests.cpu, divisor: 1m}}}
        - {name: EPH, valueFrom: {resourceFieldRef: {resource: limits.ephemeral-storage}}}
)");
  const auto rs = simulate(l);
  const Json& env = find(rs, "CreateContainerRequest", "c").input["OCI"]["Process"]["Env"];
  std::vector<std::string> mine;
  for (const auto& e : env)
    for (const char* k : {"MEM_MI=", "CPU=", "CPU_M=", "REQ_M=", "EPH="})
      if (e.get<std::string>().rfind(k, 0) == 0) mine.push_back(e);
  CHECK(mine == std::vector<std::string>{"MEM_MI=128", "CPU=1", "CPU_M=250", "REQ_M=100", "EPH=0"});
}

TEST_CASE("controller pod names, hostnames and labels", "[policy][simulate]") {
  const auto deploy = simulate(golden("03-deployment"));
  const Json& sb = find(deploy, "CreateSandboxRequest", "").input;
  CHECK(sb["hostname"].get<std::string>().size() > 0);
  const Json& anno = find(deploy, "CreateContainerRequest", "pause").input["OCI"]["Annotations"];
  const std::string name = anno["io.kubernetes.cri.sandbox-name"];
  CHECK(name.find("-6d4cf56db6-x7k2q") != std::string::npos);
  CHECK(sb["hostname"] == name);
  const auto sts = simulate(golden("04-statefulset"));
  CHECK(find(sts, "CreateSandboxRequest", "").input["hostname"].get<std::string>().ends_with("-0"));
}

TEST_CASE("shims differ in exec: Go sends no capabilities and no NoNewPrivileges", "[policy][simulate]") {
  const auto l = load(R"(apiVersion: v1
kind: Pod
metadata: {name: nnp}
spec:
  containers:
    - name: c
      image: registry.example/busybox:1.36
      securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true}
      livenessProbe: {exec: {command: [cat, /tmp/ok]}}
)");
  const auto go = simulate(l, 0, policy::Shim::Go);
  const auto rs = simulate(l, 0, policy::Shim::Rs);
  const Json& create = find(go, "CreateContainerRequest", "c").input;
  CHECK(create["OCI"]["Process"]["NoNewPrivileges"] == true);
  CHECK(create["OCI"]["Root"]["Readonly"] == true);
  for (const auto& m : create["OCI"]["Mounts"])  // containerd: kubelet's /etc files read-only too
    if (m["destination"] == "/etc/hosts" || m["destination"] == "/etc/hostname" || m["destination"] == "/etc/resolv.conf")
      CHECK(m["options"].back() == "ro");
  const Json& ego = find(go, "ExecProcessRequest", "c").input["process"];
  const Json& ers = find(rs, "ExecProcessRequest", "c").input["process"];
  CHECK(ego["NoNewPrivileges"] == false);
  CHECK(ego["Capabilities"].is_null());
  CHECK(ers["NoNewPrivileges"] == true);
  CHECK(ers["Capabilities"] == create["OCI"]["Process"]["Capabilities"]);
  CHECK(ego["Env"] == create["OCI"]["Process"]["Env"]);  // the container's whole env, as captured
}

TEST_CASE("near misses: one of each kind per container, all to be denied", "[policy][simulate]") {
  const auto rs = simulate(golden("25-guestbook"), 0, policy::Shim::Go, true);
  std::size_t misses = 0;
  std::set<std::string> whats;
  for (const auto& r : rs)
    if (!r.must_allow) {
      ++misses;
      whats.insert(r.what);
    }
  CHECK(misses >= 9);
  for (const char* w : {"with another image", "pulling another image", "with an extra env variable", "with a changed argument",
                        "privileged", "with an extra capability", "with a host mount", "exec a shell", "guest hook"}) {
    bool found = false;
    for (const auto& x : whats) found = found || x.find(w) != std::string::npos;
    INFO(w);
    CHECK(found);
  }
  // Without --negative there are none.
  for (const auto& r : simulate(golden("25-guestbook"))) CHECK(r.must_allow);
}

TEST_CASE("simulating a manifest with a missing volume or image names the pod", "[policy][simulate][hostile]") {
  const auto l = load(R"(apiVersion: v1
kind: Pod
metadata: {name: bad}
spec:
  containers:
    - name: c
      image: registry.example/busybox:1.36
      volumeMounts: [{name: nowhere, mountPath: /x}]
)");
  CHECK_THROWS_WITH(simulate(l), Catch::Contains("m.yaml: document 1") && Catch::Contains("nowhere"));
  const auto m = load(R"(apiVersion: v1
kind: Pod
metadata: {name: bad}
spec:
  containers: [{name: c, image: registry.example/absent:1}]
)");
  CHECK_THROWS_WITH(simulate(m), Catch::Contains("registry.example/absent:1"));
}
