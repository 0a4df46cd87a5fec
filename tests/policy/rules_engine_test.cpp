// SPDX-License-Identifier: Apache-2.0
// Item-level decisions of coco's rules (issue 11), evaluated by the embedded Rego engine: the
// requests a real node sends are allowed, each near miss is denied. The requests start from a
// real capture (../shared/vectors/rego/regorus/kata/k8s-policy-job: a Job's busybox container
// on an AppArmor host, read-only root, exec from the Go shim) adapted to guest pull, then one
// field is changed per near miss.
#include <catch2/catch.hpp>

#include "policy/generate.h"
#include "policy/settings.h"
#include "agent_harness.h"
#include "rego/rego.h"
#include "support/support.h"
#include "util/error.h"
#include "util/file.h"

using namespace coco;

namespace {

using test::Agent;
using test::captured;
using test::first;

const std::string kSandboxId(64, 'a'), kCid(64, 'c');
const std::string kPinned = "quay.io/prometheus/busybox@sha256:" + std::string(64, 'e');

policy::ImageInfo busybox() {
  policy::ImageInfo i;
  i.reference = "quay.io/prometheus/busybox:latest";
  i.pinned = kPinned;
  i.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  i.cmd = {"sh"};
  i.etc_passwd = "root:x:0:0:root:/root:/bin/sh\n";
  i.etc_group = "root:x:0:\nwheel:x:10:root\n";
  return i;
}

std::string policy_for(const std::string& yaml, policy::ServiceEnv mode = policy::ServiceEnv::Namespace) {
  policy::GenerateOptions o;
  o.settings = policy::default_settings(policy::Profile::Upstream);
  o.rules = policy::embedded_rules();
  o.service_env = mode;
  const auto g = policy::generate(yaml, "job.yaml", o, [](const std::string& ref, const std::string& where) {
    if (ref != busybox().reference && ref != kPinned) fail(where, "unknown image " + ref);
    return busybox();
  });
  REQUIRE(g.policies.size() == 1);
  return g.policies[0];
}

// The captured Job: the container as the manifest must have said it.
std::string job(const std::string& container_extra = "", const std::string& pod_extra = "", const std::string& objects = "") {
  return objects +
         "apiVersion: batch/v1\nkind: Job\nmetadata: {name: policy-job, namespace: kata-containers-k8s-tests}\n"
         "spec:\n  template:\n    spec:\n      restartPolicy: Never\n" + pod_extra +
         "      containers:\n      - name: hello\n        image: quay.io/prometheus/busybox:latest\n"
         "        command: [/bin/sh, -c, sleep 120]\n        env: [{name: var1, value: val1}]\n"
         "        securityContext: {readOnlyRootFilesystem: true}\n"
         "        livenessProbe: {exec: {command: [cat, /tmp/healthy]}}\n" + container_extra;
}

struct Pod {
  Json sandbox, pause, app, exec;
};

Pod pod_requests() {
  const auto reqs = captured("k8s-policy-job");
  Pod p;
  p.sandbox = first(reqs, "CreateSandboxRequest");
  p.sandbox["sandbox_id"] = kSandboxId;
  p.sandbox["storages"] = Json::array({p.sandbox["storages"][1]});  // guest pull: no virtio-fs share
  p.pause = test::guest_pull(first(reqs, "CreateContainerRequest", "sandbox"), kSandboxId, kSandboxId, "pause");
  p.app = test::guest_pull(first(reqs, "CreateContainerRequest", "container"), kCid, kSandboxId, kPinned);
  p.app["OCI"]["Annotations"]["io.kubernetes.cri.image-name"] = kPinned;
  // The Go shim's exec (pod-lifecycle's capture): no capabilities, NoNewPrivileges unset.
  p.exec = first(captured("pod-lifecycle"), "ExecProcessRequest");
  p.exec["container_id"] = kCid;
  p.exec["process"]["Args"] = Json::array({"cat", "/tmp/healthy"});
  p.exec["process"]["Env"] = p.app["OCI"]["Process"]["Env"];
  p.exec["process"]["User"] = p.app["OCI"]["Process"]["User"];
  return p;
}

// Replays the pod up to the app container; `app` replaces the captured one.
bool replay(Agent& a, const Pod& p, const Json& app) {
  return a.ask("CreateSandboxRequest", p.sandbox) && a.ask("CreateContainerRequest", p.pause) &&
         a.ask("CreateContainerRequest", app);
}

void set_env(Json& req, const std::string& name, const std::string& value) {
  for (auto& e : req["OCI"]["Process"]["Env"])
    if (e.get<std::string>().rfind(name + "=", 0) == 0) {
      e = name + "=" + value;
      return;
    }
  req["OCI"]["Process"]["Env"].push_back(name + "=" + value);
}

Json& mount(Json& req, const std::string& dest) {
  for (auto& m : req["OCI"]["Mounts"])
    if (m["destination"] == dest) return m;
  FAIL("no mount " << dest);
  return req;
}

}  // namespace

TEST_CASE("engine: the captured Job is allowed as the node sent it", "[policy][engine]") {
  if (!test::shared_available("vectors/rego/regorus/kata")) return;
  const Pod p = pod_requests();
  Agent a(policy_for(job()));
  CHECK(a.ask("CreateSandboxRequest", p.sandbox));
  CHECK(a.ask("CreateContainerRequest", p.pause));
  CHECK(a.ask("CreateContainerRequest", p.app));  // AppArmor profile, ro /etc/hostname and resolv.conf
  CHECK(a.ask("ExecProcessRequest", p.exec));     // Go shim shape
}

TEST_CASE("engine: item 1 read-only root filesystem", "[policy][engine]") {
  if (!test::shared_available("vectors/rego/regorus/kata")) return;
  const Pod p = pod_requests();
  const std::string policy = policy_for(job());
  Json hosts_ro = p.app;
  mount(hosts_ro, "/etc/hosts")["options"] = Json::array({"rbind", "rprivate", "ro"});
  Json hostname_rw = p.app;
  mount(hostname_rw, "/etc/hostname")["options"] = Json::array({"rbind", "rprivate", "rw"});
  Json root_rw = p.app;
  root_rw["OCI"]["Root"]["Readonly"] = false;
  struct Case { const char* what; const Json& req; bool allowed; };
  for (const Case& c : {Case{"hosts ro", hosts_ro, true}, Case{"hostname rw", hostname_rw, false}, Case{"root rw", root_rw, false}}) {
    INFO(c.what);
    Agent a(policy);
    CHECK(replay(a, p, c.req) == c.allowed);
  }
}

TEST_CASE("engine: item 2 both shims' exec shapes", "[policy][engine]") {
  if (!test::shared_available("vectors/rego/regorus/kata")) return;
  const Pod p = pod_requests();
  const std::string policy = policy_for(job());
  Json app = p.app;
  Agent a(policy);
  REQUIRE(replay(a, p, app));
  Json go = p.exec;  // Capabilities null, NoNewPrivileges false
  CHECK(a.ask("ExecProcessRequest", go));
  Json rs = p.exec;
  rs["process"]["Capabilities"] = app["OCI"]["Process"]["Capabilities"];
  rs["process"]["NoNewPrivileges"] = app["OCI"]["Process"]["NoNewPrivileges"];
  CHECK(a.ask("ExecProcessRequest", rs));
  Json more = rs;
  more["process"]["Capabilities"]["Effective"].push_back("CAP_SYS_ADMIN");
  CHECK_FALSE(a.ask("ExecProcessRequest", more));
  Json other = go;
  other["process"]["Args"] = Json::array({"sh"});
  CHECK_FALSE(a.ask("ExecProcessRequest", other));
}

TEST_CASE("engine: item 2 exec without NoNewPrivileges where the container has it", "[policy][engine]") {
  if (!test::shared_available("vectors/rego/regorus/kata")) return;
  Pod p = pod_requests();
  std::string yaml = job();
  yaml.replace(yaml.find("{readOnlyRootFilesystem: true}"), 30, "{readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}");
  Agent a(policy_for(yaml));
  Json app = p.app;
  app["OCI"]["Process"]["NoNewPrivileges"] = true;
  REQUIRE(replay(a, p, app));
  CHECK(a.ask("ExecProcessRequest", p.exec));  // the Go shim leaves it unset
  Json rs = p.exec;
  rs["process"]["Capabilities"] = app["OCI"]["Process"]["Capabilities"];
  CHECK_FALSE(a.ask("ExecProcessRequest", rs));  // runtime-rs shape sends the container's true
  rs["process"]["NoNewPrivileges"] = true;
  CHECK(a.ask("ExecProcessRequest", rs));
}

TEST_CASE("engine: item 3 AppArmor profiles", "[policy][engine]") {
  if (!test::shared_available("vectors/rego/regorus/kata")) return;
  const Pod p = pod_requests();
  struct Case { std::string yaml, profile; bool allowed; };
  const std::string localhost = "        securityContext: {readOnlyRootFilesystem: true, appArmorProfile: {type: Localhost, localhostProfile: k8s-x}}\n";
  std::string local_yaml = job();
  local_yaml.replace(local_yaml.find("        securityContext: {readOnlyRootFilesystem: true}\n"), 55, localhost);
  for (const Case& c : {Case{job(), "cri-containerd.apparmor.d", true}, Case{job(), "", true}, Case{job(), "unconfined", false},
                        Case{job(), "k8s-x", false}, Case{local_yaml, "k8s-x", true}, Case{local_yaml, "cri-containerd.apparmor.d", false}}) {
    INFO(c.profile);
    Agent a(policy_for(c.yaml));
    Json app = p.app;
    app["OCI"]["Process"]["ApparmorProfile"] = c.profile;
    CHECK(replay(a, p, app) == c.allowed);
  }
}

TEST_CASE("engine: item 5 service links bound", "[policy][engine]") {
  if (!test::shared_available("vectors/rego/regorus/kata")) return;
  const Pod p = pod_requests();
  const std::string svcs =
      "apiVersion: v1\nkind: Service\nmetadata: {name: redis-primary, namespace: kata-containers-k8s-tests}\n"
      "spec: {clusterIP: 10.96.0.5, ports: [{port: 6379}]}\n---\n"
      "apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: kata-containers-k8s-tests}\n"
      "spec: {clusterIP: None, ports: [{port: 5432}]}\n---\n";
  Json base = p.app;
  for (const char* e : {"REDIS_PRIMARY_SERVICE_HOST=10.96.0.5", "REDIS_PRIMARY_SERVICE_PORT=6379",
                        "REDIS_PRIMARY_PORT=tcp://10.96.0.5:6379", "REDIS_PRIMARY_PORT_6379_TCP=tcp://10.96.0.5:6379",
                        "REDIS_PRIMARY_PORT_6379_TCP_PROTO=tcp", "REDIS_PRIMARY_PORT_6379_TCP_PORT=6379",
                        "REDIS_PRIMARY_PORT_6379_TCP_ADDR=10.96.0.5"})
    base["OCI"]["Process"]["Env"].push_back(e);
  struct Case { const char* what; policy::ServiceEnv mode; std::string var; bool allowed; };
  for (const Case& c : {Case{"defined", policy::ServiceEnv::Namespace, "", true},
                        Case{"other ip", policy::ServiceEnv::Namespace, "REDIS_PRIMARY_SERVICE_HOST=10.96.0.6", false},
                        Case{"other ip any", policy::ServiceEnv::Any, "REDIS_PRIMARY_SERVICE_HOST=10.96.0.6", false},
                        Case{"other port", policy::ServiceEnv::Namespace, "REDIS_PRIMARY_SERVICE_PORT=6380", false},
                        Case{"headless", policy::ServiceEnv::Namespace, "DB_SERVICE_HOST=10.96.0.7", false},
                        Case{"headless any", policy::ServiceEnv::Any, "DB_SERVICE_HOST=10.96.0.7", false},
                        Case{"undefined", policy::ServiceEnv::Namespace, "CACHE_SERVICE_HOST=10.96.0.8", true},
                        Case{"undefined strict", policy::ServiceEnv::Strict, "CACHE_SERVICE_HOST=10.96.0.8", false},
                        Case{"other kubernetes ip", policy::ServiceEnv::Namespace, "KUBERNETES_SERVICE_PORT=444", false}}) {
    INFO(c.what);
    Agent a(policy_for(job("", "", svcs), c.mode));
    Json app = base;
    if (!c.var.empty()) set_env(app, c.var.substr(0, c.var.find('=')), c.var.substr(c.var.find('=') + 1));
    CHECK(replay(a, p, app) == c.allowed);
  }
  // enableServiceLinks: false: only KUBERNETES_*.
  Agent off(policy_for(job("", "      enableServiceLinks: false\n", svcs)));
  Json undefined = p.app;
  set_env(undefined, "CACHE_SERVICE_HOST", "10.96.0.8");
  CHECK_FALSE(replay(off, p, undefined));
  Agent off2(policy_for(job("", "      enableServiceLinks: false\n", svcs)));
  CHECK(replay(off2, p, p.app));
  Agent off3(policy_for(job("", "      enableServiceLinks: false\n", svcs)));
  CHECK_FALSE(replay(off3, p, base));
}

TEST_CASE("engine: items 6 and 8 names, hostname and namespace", "[policy][engine]") {
  if (!test::shared_available("vectors/rego/regorus/kata")) return;
  const Pod p = pod_requests();
  const std::string policy = policy_for(job());
  {
    Agent a(policy);
    Json sandbox = p.sandbox;
    sandbox["hostname"] = "policy-job-dx6cbz";  // a 6-character suffix
    CHECK_FALSE(a.ask("CreateSandboxRequest", sandbox));
  }
  {  // the sandbox got another (well-formed) name than the containers say
    Agent a(policy);
    Json sandbox = p.sandbox;
    sandbox["hostname"] = "policy-job-zzzzz";
    REQUIRE(a.ask("CreateSandboxRequest", sandbox));
    CHECK_FALSE(a.ask("CreateContainerRequest", p.pause));
  }
  {  // HOSTNAME in the container differs from the sandbox's
    Agent a(policy);
    Json app = p.app;
    set_env(app, "HOSTNAME", "policy-job-zzzzz");
    CHECK_FALSE(replay(a, p, app));
  }
  {  // another namespace
    Agent a(policy);
    Json app = p.app;
    app["OCI"]["Annotations"]["io.kubernetes.cri.sandbox-namespace"] = "default";
    CHECK_FALSE(replay(a, p, app));
  }
  {  // the app container claims another sandbox name than the pause container's
    Agent a(policy);
    Json app = p.app;
    app["OCI"]["Annotations"]["io.kubernetes.cri.sandbox-name"] = "policy-job-zzzzz";
    set_env(app, "HOSTNAME", "policy-job-zzzzz");
    CHECK_FALSE(replay(a, p, app));
  }
}

TEST_CASE("engine: items 7 and 8 resource values and the pod's own name in env", "[policy][engine]") {
  if (!test::shared_available("vectors/rego/regorus/kata")) return;
  const Pod p = pod_requests();
  const std::string extra = "        resources: {limits: {memory: 128Mi}}\n"
                            "        env:\n        - {name: var1, value: val1}\n"
                            "        - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}\n"
                            "        - {name: MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}\n";
  std::string yaml = job(extra);
  const std::string old_env = "        env: [{name: var1, value: val1}]\n";
  yaml.erase(yaml.find(old_env), old_env.size());
  const std::string policy = policy_for(yaml);
  Json app = p.app;
  set_env(app, "POD_NAME", "policy-job-dx6cb");
  set_env(app, "MEM", "128");
  struct Case { const char* what; const char* name; const char* value; bool allowed; };
  for (const Case& c : {Case{"as sent", "MEM", "128", true}, Case{"another memory value", "MEM", "129", false},
                        Case{"another pod name", "POD_NAME", "policy-job-zzzzz", false},
                        Case{"a 6-character suffix", "POD_NAME", "policy-job-dx6cbz", false}}) {
    INFO(c.what);
    Agent a(policy);
    Json req = app;
    set_env(req, c.name, c.value);
    CHECK(replay(a, p, req) == c.allowed);
  }
  {  // the container's sandbox-name annotation with a 6-character suffix
    Agent a(policy);
    Json req = app;
    req["OCI"]["Annotations"]["io.kubernetes.cri.sandbox-name"] = "policy-job-dx6cbz";
    CHECK(a.ask("CreateSandboxRequest", p.sandbox));
    Json pause = p.pause;
    pause["OCI"]["Annotations"]["io.kubernetes.cri.sandbox-name"] = "policy-job-dx6cbz";
    CHECK_FALSE(a.ask("CreateContainerRequest", pause));
  }
}
