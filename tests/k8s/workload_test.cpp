// SPDX-License-Identifier: Apache-2.0
// Generated pod names and hostnames (issue 11 item 6, 8, 9): the patterns the controllers' names
// really follow, with exact lengths, checked with RE2 (the agent's regex dialect) on names from
// real clusters and on near misses.
#include <catch2/catch.hpp>
#include <re2/re2.h>

#include "k8s/manifest.h"
#include "k8s/workload.h"

using namespace coco;

namespace {

k8s::PodTemplate only_template(const std::string& yaml, const std::string& ns = "default") {
  const auto docs = k8s::load_documents(yaml, "t.yaml");
  const auto t = k8s::find_pod_templates(docs, "t.yaml", ns);
  REQUIRE(t.size() == 1);
  return t[0];
}

bool matches(const std::string& regex, const std::string& s) {
  const RE2 re(regex);
  REQUIRE(re.ok());
  return RE2::FullMatch(s, re);
}

std::string workload(const std::string& kind, const std::string& name, const std::string& extra = "") {
  const std::string tmpl = "      spec:\n        containers: [{name: c, image: i}]\n";
  if (kind == "Pod") return "kind: Pod\nmetadata: {" + name + "}\nspec:\n  containers: [{name: c, image: i}]\n" + extra;
  if (kind == "CronJob")
    return "kind: CronJob\nmetadata: {name: " + name + "}\nspec:\n  jobTemplate:\n    spec:\n" + extra +
           "      template:\n        spec:\n          containers: [{name: c, image: i}]\n";
  return "kind: " + kind + "\nmetadata: {name: " + name + "}\nspec:\n" + extra + "  template:\n    spec:\n      containers: [{name: c, image: i}]\n";
}

}  // namespace

TEST_CASE("generated names: 5 suffix characters of the apiserver's alphabet", "[k8s][names]") {
  const auto t = only_template(workload("Pod", "generateName: web-"));
  CHECK(matches(t.sandbox_name_regex, "web-x2j4k"));
  CHECK(t.hostname_regex == t.sandbox_name_regex);
  CHECK(t.hostname_is_name);
  for (const char* miss : {"web-x2j4", "web-x2j4kz", "web-x2j4a", "web-X2J4K", "webx2j4k", "web-x2j-k"}) {
    INFO(miss);
    CHECK_FALSE(matches(t.sandbox_name_regex, miss));
  }
}

TEST_CASE("generated names: Deployment pod-template-hash and suffix", "[k8s][names]") {
  const auto t = only_template(workload("Deployment", "nginx-deployment"));
  // Names from real clusters (pod-template-hash is SafeEncodeString of a decimal uint32).
  CHECK(matches(t.sandbox_name_regex, "nginx-deployment-66b6c48dd5-4jw2p"));
  CHECK(matches(t.sandbox_name_regex, "nginx-deployment-7c5ddbdf54-x9z2t"));
  CHECK(matches(t.sandbox_name_regex, "nginx-deployment-5d59d67564-bcdfg"));
  for (const char* miss : {"nginx-deployment-66b6c48dd5-4jw2pq",   // 6-character suffix
                           "nginx-deployment-66b6c48dd5-4jw2",     // 4
                           "nginx-deployment-66b6c48dd5a-4jw2p",   // hash of 11 characters
                           "nginx-deployment-66a6c48dd5-4jw2p",    // 'a' is in no hash
                           "nginx-deployment-4jw2p",               // no hash
                           "other-66b6c48dd5-4jw2p"}) {
    INFO(miss);
    CHECK_FALSE(matches(t.sandbox_name_regex, miss));
  }
}

TEST_CASE("generated names: a long Deployment name is cut to 58 characters before the suffix", "[k8s][names]") {
  const std::string name(52, 'd');  // "<52>-" + hash + "-" is longer than 58
  const auto t = only_template(workload("Deployment", name));
  const std::string hash = "66b6c48dd5";
  const std::string base = (name + "-" + hash + "-").substr(0, 58);
  CHECK(matches(t.sandbox_name_regex, base + "4jw2p"));
  CHECK_FALSE(matches(t.sandbox_name_regex, name + "-" + hash + "-4jw2p"));  // uncut: 69 characters
  CHECK_FALSE(matches(t.sandbox_name_regex, base + "4jw2"));
  // A short hash is not cut.
  CHECK(matches(t.sandbox_name_regex, name + "-5d-4jw2p"));
}

TEST_CASE("generated names: ReplicaSet, DaemonSet, Job, CronJob, StatefulSet", "[k8s][names]") {
  struct Case {
    std::string kind, extra;
    std::vector<std::string> good, bad;
  };
  const Case cases[] = {
      {"ReplicaSet", "", {"frontend-b2zdv"}, {"frontend-b2zdvx", "frontend-66b6c48dd5-b2zdv"}},
      {"ReplicationController", "", {"frontend-7k8jc"}, {"frontend-7k8j"}},
      {"DaemonSet", "", {"frontend-9xkdz"}, {"frontend-9xkdz2"}},
      {"Job", "", {"frontend-fs4zq"}, {"frontend-0-fs4zq", "frontend-fs4z"}},
      {"CronJob", "", {"frontend-29348730-7h2xk"}, {"frontend-2934873-7h2xk", "frontend-29348730-7h2x", "frontend-7h2xk"}},
      {"StatefulSet", "", {"frontend-0", "frontend-12"}, {"frontend-01", "frontend-", "frontend-x"}},
  };
  for (const auto& c : cases) {
    const auto t = only_template(workload(c.kind, "frontend", c.extra));
    for (const auto& g : c.good) {
      INFO(c.kind << " " << g);
      CHECK(matches(t.sandbox_name_regex, g));
      CHECK(matches(t.hostname_regex, g));
    }
    for (const auto& b : c.bad) {
      INFO(c.kind << " " << b);
      CHECK_FALSE(matches(t.sandbox_name_regex, b));
    }
  }
}

TEST_CASE("generated names: an Indexed Job's pods and hostnames", "[k8s][names]") {
  const auto t = only_template(workload("Job", "work", "  completionMode: Indexed\n  completions: 3\n"));
  CHECK(t.indexed_job);
  CHECK(matches(t.sandbox_name_regex, "work-2-fs4zq"));
  CHECK_FALSE(matches(t.sandbox_name_regex, "work-12-fs4zq"));  // completions 3: one digit
  CHECK_FALSE(matches(t.sandbox_name_regex, "work-2-fs4zqq"));
  CHECK(matches(t.hostname_regex, "work-2"));
  CHECK_FALSE(t.hostname_is_name);
}

TEST_CASE("hostnames: spec.hostname, a literal Pod name, and a name cut to 63", "[k8s][names]") {
  auto t = only_template(workload("Pod", "name: web", "  hostname: front\n"));
  CHECK(t.hostname_regex == "^front$");
  CHECK_FALSE(t.hostname_is_name);
  t = only_template(workload("Pod", "name: web"));
  CHECK(t.hostname_regex == "^web$");
  CHECK(t.hostname_is_name);
  const std::string long_name = std::string(62, 'a') + "-b";
  t = only_template(workload("Pod", "name: " + long_name));
  CHECK(t.hostname_regex == "^" + std::string(62, 'a') + "$");
  CHECK_FALSE(t.hostname_is_name);
  // The StatefulSet controller sets each pod's hostname to its name, whatever the template says.
  t = only_template(workload("StatefulSet", "db", "  serviceName: db\n"));
  CHECK(t.hostname_is_name);
}

TEST_CASE("namespace: objects that name none get kubectl's namespace", "[k8s][namespace]") {
  const std::string yaml = workload("Pod", "name: web") + "---\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {a: b}\n"
                           "---\nkind: ConfigMap\nmetadata: {name: cm2, namespace: other}\ndata: {a: b}\n";
  const auto docs = k8s::load_documents(yaml, "t.yaml");
  CHECK(k8s::find_pod_templates(docs, "t.yaml", "team-a")[0].namespace_ == "team-a");
  CHECK(k8s::find_pod_templates(docs, "t.yaml", "")[0].namespace_ == "");
  const auto objects = k8s::collect_objects(docs, "t.yaml", "team-a");
  CHECK(objects.config_maps.count("team-a/cm") == 1);
  CHECK(objects.config_maps.count("other/cm2") == 1);
  CHECK(objects.config_maps.count("/cm") == 0);
  CHECK(k8s::is_dns_label("team-a"));
  CHECK_FALSE(k8s::is_dns_label("Team"));
  CHECK_FALSE(k8s::is_dns_label("-a"));
  CHECK_FALSE(k8s::is_dns_label(std::string(64, 'a')));
}

TEST_CASE("services: headless and ExternalName services are kept without links", "[k8s][services]") {
  const std::string yaml =
      "kind: Service\nmetadata: {name: db}\nspec: {clusterIP: None, ports: [{port: 5432}]}\n---\n"
      "kind: Service\nmetadata: {name: ext}\nspec: {type: ExternalName, externalName: x.example}\n---\n"
      "kind: Service\nmetadata: {name: web}\nspec: {clusterIP: 10.0.0.7, ports: [{port: 80}]}\n";
  const auto objects = k8s::collect_objects(k8s::load_documents(yaml, "s.yaml"), "s.yaml", "default");
  REQUIRE(objects.services.size() == 3);
  CHECK_FALSE(objects.services[0].links);
  CHECK_FALSE(objects.services[1].links);
  CHECK(objects.services[2].links);
  CHECK(objects.services[2].cluster_ip == "10.0.0.7");
  CHECK(objects.services[2].namespace_ == "default");
}

TEST_CASE("ConfigMap binaryData stays apart from data", "[k8s]") {
  const std::string yaml = "kind: ConfigMap\nmetadata: {name: cm}\ndata: {text: hello}\nbinaryData: {blob: /w==}\n";
  const auto objects = k8s::collect_objects(k8s::load_documents(yaml, "c.yaml"), "c.yaml", "default");
  const auto& cm = objects.config_maps.at("default/cm");
  CHECK(cm.values.count("text") == 1);
  CHECK(cm.values.count("blob") == 0);
  REQUIRE(cm.binary.count("blob") == 1);
  CHECK(cm.binary.at("blob") == ByteVec{0xff});
}
