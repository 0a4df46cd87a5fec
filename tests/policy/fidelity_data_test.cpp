// SPDX-License-Identifier: Apache-2.0
// What the policy data binds for requests real nodes send (issue 11 items 1-5, 7-9): read-only
// shared files under readOnlyRootFilesystem, AppArmor profiles, binaryData, service links bound
// in every --service-env mode, resourceFieldRef literals, the sandbox's names, the namespace.
// The decisions these values lead to are evaluated by the engine in rules_engine_test.cpp.
#include <catch2/catch.hpp>
#include <re2/re2.h>

#include "policy/generate.h"
#include "policy/settings.h"
#include "test_images.h"
#include "util/error.h"

using namespace coco;

namespace {

policy::Generated gen(const std::string& yaml, policy::ServiceEnv mode = policy::ServiceEnv::Namespace,
                      const std::string& ns = "default", bool any_namespace = false) {
  policy::GenerateOptions o;
  o.settings = policy::default_settings(policy::Profile::Upstream);
  o.rules = policy::embedded_rules();
  o.service_env = mode;
  o.default_namespace = ns;
  o.any_namespace = any_namespace;
  return policy::generate(yaml, "t.yaml", o, test::test_resolver());
}

Json app(const std::string& yaml, policy::ServiceEnv mode = policy::ServiceEnv::Namespace) {
  return gen(yaml, mode).policy_data.at(0)["containers"][1];
}

std::vector<std::string> env_of(const Json& c) { return c["OCI"]["Process"]["Env"].get<std::vector<std::string>>(); }

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

Json mount_at(const Json& c, const std::string& dest) {
  for (const auto& m : c["OCI"]["Mounts"])
    if (m["destination"] == dest) return m;
  FAIL("no mount " << dest);
  return {};
}

const char* kPodHead = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n";

}  // namespace

TEST_CASE("readOnlyRootFilesystem: /etc/hostname and /etc/resolv.conf are read-only", "[policy][fidelity]") {
  const auto c = app(std::string(kPodHead) +
                     "  containers:\n  - name: app\n    image: registry.example/app:1\n"
                     "    securityContext: {readOnlyRootFilesystem: true}\n");
  CHECK(c["OCI"]["Root"]["Readonly"] == true);
  CHECK(mount_at(c, "/etc/hostname")["options"] == Json::array({"rbind", "rprivate", "ro"}));
  CHECK(mount_at(c, "/etc/resolv.conf")["options"] == Json::array({"rbind", "rprivate", "ro"}));
  CHECK(mount_at(c, "/etc/hosts")["options"] == Json::array({"rbind", "rprivate", "rw"}));  // kubelet's, as captured
  const auto rw = app(std::string(kPodHead) + "  containers:\n  - name: app\n    image: registry.example/app:1\n");
  CHECK(mount_at(rw, "/etc/hostname")["options"] == Json::array({"rbind", "rprivate", "rw"}));
}

TEST_CASE("AppArmor: containerd's profile or none, Localhost exactly, unconfined only when asked", "[policy][fidelity]") {
  const std::string two = "  containers:\n  - name: app\n    image: registry.example/app:1\n";
  CHECK(app(std::string(kPodHead) + two)["apparmor_profiles"] == Json::array({"", "cri-containerd.apparmor.d"}));
  CHECK(gen(std::string(kPodHead) + two).policy_data[0]["containers"][0]["apparmor_profiles"] == Json::array({""}));
  CHECK(app(std::string(kPodHead) + two + "    securityContext: {appArmorProfile: {type: Localhost, localhostProfile: k8s-nginx}}\n")
            ["apparmor_profiles"] == Json::array({"k8s-nginx"}));
  CHECK(app(std::string(kPodHead) + "  securityContext: {appArmorProfile: {type: Unconfined}}\n" + two)["apparmor_profiles"] ==
        Json::array({"", "unconfined"}));
  CHECK(app("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n"
            "    container.apparmor.security.beta.kubernetes.io/app: localhost/prof\nspec:\n" + two)["apparmor_profiles"] ==
        Json::array({"prof"}));
  CHECK_THROWS_WITH(app(std::string(kPodHead) + two + "    securityContext: {appArmorProfile: {type: Localhost}}\n"),
                    Catch::Contains("needs localhostProfile"));
}

TEST_CASE("ConfigMap binaryData: never env, and no internal error on bytes that are not UTF-8", "[policy][fidelity]") {
  const std::string cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {greeting: hi}\n"
                         "binaryData: {blob: //79/A==}\n---\n";
  const std::string pod = std::string(kPodHead) +
                          "  volumes: [{name: v, configMap: {name: cm}}]\n"
                          "  containers:\n  - name: app\n    image: registry.example/app:1\n"
                          "    envFrom: [{configMapRef: {name: cm}}]\n    volumeMounts: [{name: v, mountPath: /cfg}]\n";
  const auto c = app(cm + pod);
  const auto env = env_of(c);
  CHECK(has(env, "greeting=hi"));
  CHECK(std::none_of(env.begin(), env.end(), [](const std::string& e) { return e.rfind("blob=", 0) == 0; }));
  CHECK(mount_at(c, "/cfg")["options"] == Json::array({"rbind", "rprivate", "ro"}));
  const std::string keyref = std::string(kPodHead) +
                             "  containers:\n  - name: app\n    image: registry.example/app:1\n"
                             "    env: [{name: B, valueFrom: {configMapKeyRef: {name: cm, key: blob}}}]\n";
  CHECK_THROWS_WITH(app(cm + keyref), Catch::Contains("has key 'blob' only in binaryData"));
  const std::string secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: //79/A==}\n---\n";
  const std::string from_secret = std::string(kPodHead) +
                                  "  containers:\n  - name: app\n    image: registry.example/app:1\n"
                                  "    env: [{name: K, valueFrom: {secretKeyRef: {name: s, key: k}}}]\n";
  CHECK_THROWS_WITH(app(secret + from_secret), Catch::Contains("Secret 's' key 'k' is not UTF-8 text"));
}

TEST_CASE("service links: the input's services are bound in every mode", "[policy][fidelity]") {
  const std::string services =
      "apiVersion: v1\nkind: Service\nmetadata: {name: redis-primary}\n"
      "spec: {clusterIP: 10.96.0.5, ports: [{name: redis, port: 6379}]}\n---\n"
      "apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec: {clusterIP: None, ports: [{port: 5432}]}\n---\n";
  const std::string pod = std::string(kPodHead) + "  containers:\n  - name: app\n    image: registry.example/app:1\n";
  for (const auto mode : {policy::ServiceEnv::Strict, policy::ServiceEnv::Namespace, policy::ServiceEnv::Any}) {
    INFO("mode " << int(mode));
    const auto g = gen(services + pod, mode);
    const Json& data = g.policy_data[0];
    const auto env = env_of(data["containers"][1]);
    for (const char* e : {"REDIS_PRIMARY_SERVICE_HOST=10.96.0.5", "REDIS_PRIMARY_SERVICE_PORT=6379",
                          "REDIS_PRIMARY_SERVICE_PORT_REDIS=6379", "REDIS_PRIMARY_PORT=tcp://10.96.0.5:6379",
                          "REDIS_PRIMARY_PORT_6379_TCP_ADDR=10.96.0.5", "KUBERNETES_SERVICE_PORT=443"}) {
      INFO(e);
      CHECK(has(env, e));
    }
    CHECK(data["containers"][1]["env_patterns"].contains("KUBERNETES_SERVICE_HOST"));  // the cluster's IP
    CHECK(std::none_of(env.begin(), env.end(), [](const std::string& e) { return e.rfind("DB_", 0) == 0; }));
    CHECK(data["pod"]["services"] == Json::array({"REDIS_PRIMARY", "DB", "KUBERNETES"}));
    const auto& patterns = data["request_defaults"]["CreateContainerRequest"]["allow_env_regex"];
    CHECK(patterns.empty() == (mode == policy::ServiceEnv::Strict));
  }
  // enableServiceLinks: false leaves only KUBERNETES_*, and no pattern, in every mode.
  const std::string off = std::string(kPodHead) + "  enableServiceLinks: false\n"
                          "  containers:\n  - name: app\n    image: registry.example/app:1\n";
  for (const auto mode : {policy::ServiceEnv::Strict, policy::ServiceEnv::Namespace, policy::ServiceEnv::Any}) {
    const auto g = gen(services + off, mode);
    const auto env = env_of(g.policy_data[0]["containers"][1]);
    CHECK_FALSE(has(env, "REDIS_PRIMARY_SERVICE_HOST=10.96.0.5"));
    CHECK(has(env, "KUBERNETES_SERVICE_PORT=443"));
    CHECK(g.policy_data[0]["request_defaults"]["CreateContainerRequest"]["allow_env_regex"].empty());
  }
}

TEST_CASE("resourceFieldRef with a limit is a literal in the env", "[policy][fidelity]") {
  const auto c = app(std::string(kPodHead) +
                     "  containers:\n  - name: app\n    image: registry.example/app:1\n"
                     "    resources: {limits: {memory: 128Mi, cpu: 500m}}\n"
                     "    env:\n    - {name: MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}\n"
                     "    - {name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}}\n"
                     "    - {name: EPH, valueFrom: {resourceFieldRef: {resource: limits.ephemeral-storage}}}\n");
  const auto env = env_of(c);
  CHECK(has(env, "MEM=128"));
  CHECK(has(env, "CPU=500"));
  CHECK_FALSE(c["env_patterns"].contains("MEM"));
  CHECK(c["env_patterns"]["EPH"] == "^[0-9]+$");  // no limit: the node's allocatable
}

TEST_CASE("the sandbox's names: HOSTNAME and POD_NAME are the sandbox's own", "[policy][fidelity]") {
  const std::string deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n"
                             "      containers:\n      - name: app\n        image: registry.example/app:1\n"
                             "        env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]\n";
  const auto g = gen(deploy);
  const Json& data = g.policy_data[0];
  CHECK(data["pod"]["hostname_is_name"] == true);
  CHECK(data["containers"][1]["env_patterns"]["HOSTNAME"] == "^$(sandbox-hostname)$");
  CHECK(data["containers"][1]["env_patterns"]["POD_NAME"] == "^$(sandbox-name)$");
  CHECK(RE2::FullMatch("web-66b6c48dd5-4jw2p", RE2(data["pod"]["hostname"].get<std::string>())));
  CHECK_FALSE(RE2::FullMatch("web-66b6c48dd5-4jw2pq", RE2(data["pod"]["hostname"].get<std::string>())));
}

TEST_CASE("namespace: kubectl's default, -n, and --any-namespace", "[policy][fidelity]") {
  const std::string pod = std::string(kPodHead) + "  containers:\n  - name: app\n    image: registry.example/app:1\n";
  auto g = gen(pod);
  CHECK(g.policy_data[0]["pod"]["namespace"] == "default");
  CHECK(g.pods[0].namespace_ == "default");
  CHECK(g.policy_data[0]["containers"][1]["OCI"]["Annotations"]["io.kubernetes.cri.sandbox-namespace"] == "default");
  g = gen(pod, policy::ServiceEnv::Namespace, "team-a");
  CHECK(g.policy_data[0]["pod"]["namespace"] == "team-a");
  CHECK(policy::report_text(g.pods).find("warning") == std::string::npos);
  g = gen(pod, policy::ServiceEnv::Namespace, "default", true);
  CHECK(g.policy_data[0]["pod"]["namespace"] == "");
  CHECK(policy::report_text(g.pods).find("warning          any namespace") != std::string::npos);
  CHECK_THROWS_WITH(gen(pod, policy::ServiceEnv::Namespace, "Bad_NS"), Catch::Contains("not a namespace name"));
}

TEST_CASE("settings: a pattern RE2 cannot compile is named with its key", "[policy][fidelity][hostile]") {
  CHECK_THROWS_WITH(policy::load_settings(policy::Profile::Upstream, R"({"common": {"svc_name_downward_env": "[A-Z"}})", "s.json"),
                    Catch::StartsWith("s.json: common.svc_name_downward_env: pattern '[A-Z' does not compile: missing ]"));
  CHECK_THROWS_WITH(policy::load_settings(policy::Profile::Upstream,
                                          R"j({"request_defaults": {"ExecProcessRequest": {"regex": ["^ok$", "(?<=x)"]}}})j", "s.json"),
                    Catch::Contains("request_defaults.ExecProcessRequest.regex[1]: pattern '(?<=x)' does not compile"));
  // Go/RE2 syntax the defaults use compiles.
  CHECK_NOTHROW(policy::load_settings(policy::Profile::Upstream, "{}", "s.json"));
}
