// SPDX-License-Identifier: Apache-2.0
// The requests real nodes sent (issue 11 "Against real requests"): for each of the 9 pods in
// ../shared/vectors/rego/regorus/kata/ (genpolicy policies, the requests an AKS node sent them,
// regorus's answers), the manifest and the images' configs are rebuilt here from genpolicy's
// policy_data and the captured requests (same names, commands, env, users, volumes), coco's
// policy is generated, and every captured request is evaluated in order by the embedded engine.
// Each request genpolicy's policy allowed must be allowed by coco's, unless listed below as a
// deliberate difference with its reason.
//
// Substituted where coco's setting legitimately differs: the node pulled images on the host as
// tarfs layers bound by genpolicy's AKS rules; coco's upstream profile pulls them in the guest,
// so each create's layer storages become the guest pull of the pinned image (the rootfs moves to
// /run/kata-containers/<id>/rootfs), and CreateSandbox loses the virtio-fs share it then has no
// use for. Ids, IPs, names, mount sources and every other field are the node's.
#include <catch2/catch.hpp>
#include <iostream>
#include <map>
#include <set>

#include "agent_harness.h"
#include "policy/generate.h"
#include "policy/settings.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"

using namespace coco;

namespace {

const std::string kPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

policy::ImageInfo image(const std::string& ref, std::vector<std::string> env, std::vector<std::string> cmd,
                        const std::string& group = "root:x:0:\n") {
  policy::ImageInfo i;
  i.reference = ref;
  i.pinned = ref.substr(0, ref.rfind(':')) + "@sha256:" + to_hex(digest(Algo::Sha256, ref));
  i.env = std::move(env);
  i.cmd = std::move(cmd);
  i.etc_passwd = "root:x:0:0:root:/root:/bin/sh\n";
  i.etc_group = group;
  return i;
}

// The images' configs as the captured requests show them (env, command, supplementary groups).
std::map<std::string, policy::ImageInfo> images() {
  const std::string wheel = "root:x:0:\nwheel:x:10:root\n";
  const std::string alpine = "root:x:0:root\nbin:x:1:root,bin,daemon\ndaemon:x:2:root,bin,daemon\nsys:x:3:root,bin,adm\n"
                             "adm:x:4:root,adm,daemon\ndisk:x:6:root,adm\nwheel:x:10:root\nfloppy:x:11:root\n"
                             "dialout:x:20:root\ntape:x:26:root\nvideo:x:27:root\n";
  std::map<std::string, policy::ImageInfo> m;
  for (auto i : {image("quay.io/prometheus/busybox:latest", {kPath}, {"sh"}, wheel),
                 image("quay.io/sjenning/nginx:1.15-alpine", {kPath, "NGINX_VERSION=1.15.12"}, {"nginx", "-g", "daemon off;"}, alpine),
                 image("mcr.microsoft.com/aks/e2e/library-busybox:master.220314.1-linux-amd64", {kPath}, {"sh"}, wheel),
                 image("quay.io/footloose/ubuntu18.04:latest", {kPath, "container=docker"}, {"/sbin/init"}),
                 image("mcr.microsoft.com/cbl-mariner/base/nginx:1.22.1-9-cm2.0.20230904-amd64", {kPath}, {"nginx"}),
                 image("quay.io/baselibrary/python:latest",
                       {kPath, "DEBIAN_FRONTEND=noninteractive", "LANG=en_US.UTF-8", "LANGUAGE=en_US:UTF-8", "LC_ALL=en_US.UTF-8",
                        "PYTHON_MAJOR=3.3", "PYTHON_VERSION=3.3.6-4+xenial1", "PYTHONIOENCODING=UTF-8"},
                       {"python3"}),
                 image("quay.io/k0sproject/bootloose-ubuntu22.04:latest", {kPath, "container=docker"}, {"/sbin/init"})})
    m[i.reference] = i;
  return m;
}

const char* kBusybox = "mcr.microsoft.com/aks/e2e/library-busybox:master.220314.1-linux-amd64";

std::string loop(const std::string& what, int seconds = 10) {
  return "[/bin/sh, -c, 'while true; do echo " + what + "; sleep " + std::to_string(seconds) + "; done']";
}

// The manifests, rebuilt from genpolicy's policy_data and the captured requests.
std::map<std::string, std::string> captured_manifests() {
  const std::string ns = "kata-containers-k8s-tests";
  std::map<std::string, std::string> m;
  m["k8s-policy-job"] =
      "apiVersion: batch/v1\nkind: Job\nmetadata: {name: policy-job, namespace: " + ns + "}\nspec:\n  template:\n    spec:\n"
      "      restartPolicy: Never\n      containers:\n      - name: hello\n        image: quay.io/prometheus/busybox:latest\n"
      "        command: [/bin/sh, -c, sleep 120]\n        env: [{name: var1, value: val1}]\n"
      "        securityContext: {readOnlyRootFilesystem: true}\n";
  m["k8s-policy-pod"] =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: policy-pod, namespace: " + ns + "}\nspec:\n  containers:\n"
      "  - name: busybox\n    image: quay.io/prometheus/busybox:latest\n"
      "    env: [{name: KUBE_CONFIG_1, value: value-1}, {name: KUBE_CONFIG_2, value: value-2}]\n";
  m["k8s-policy-rc"] =
      "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: policy-rc-test, namespace: " + ns + "}\nspec:\n"
      "  template:\n    spec:\n      volumes: [{name: host-empty-vol, emptyDir: {}}]\n      containers:\n"
      "      - name: nginxtest\n        image: quay.io/sjenning/nginx:1.15-alpine\n"
      "        volumeMounts: [{name: host-empty-vol, mountPath: /host/cache}]\n";
  m["pod-cm1"] =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config-map1}\ndata: {data-1: value1}\n---\n"
      "apiVersion: v1\nkind: Pod\nmetadata: {name: cm1}\nspec:\n  securityContext: {runAsUser: 2000}\n  containers:\n  - name: busybox\n    image: " + std::string(kBusybox) +
      "\n    command: " + loop("hello") + "\n    securityContext: {privileged: true}\n"
      "    env: [{name: CONFIG_MAP_VALUE1, valueFrom: {configMapKeyRef: {name: config-map1, key: data-1}}}]\n";
  std::string cm2 = "apiVersion: v1\nkind: Pod\nmetadata: {name: cm2}\nspec:\n  shareProcessNamespace: true\n"
                    "  volumes: [{name: cm2, configMap: {name: cm2}}, {name: cm3, configMap: {name: cm3}}]\n  containers:\n";
  for (const auto& [name, uid] : {std::pair<const char*, int>{"busybox", 123}, {"busybox2", 321}})
    cm2 += "  - name: " + std::string(name) + "\n    image: " + kBusybox + "\n    command: " + loop("hello") +
           "\n    securityContext: {runAsUser: " + std::to_string(uid) + "}\n"
           "    volumeMounts: [{name: cm2, mountPath: /cm2}, {name: cm3, mountPath: /cm3, readOnly: true}]\n";
  m["pod-cm2"] = cm2;
  m["pod-lifecycle"] =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: pod-lifecycle}\nspec:\n  containers:\n  - name: busybox\n    image: " +
      std::string(kBusybox) + "\n    command: " + loop("$(POD_NAME)") + "\n    securityContext: {privileged: true}\n"
      "    lifecycle: {postStart: {exec: {command: [echo, hello from postStart hook]}}}\n    env:\n"
      "    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}\n"
      "    - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}\n"
      "    - {name: SERVICE_ACCOUNT, valueFrom: {fieldRef: {fieldPath: spec.serviceAccountName}}}\n"
      "    - {name: ISTIO_META_CLUSTER_ID, value: Kubernetes}\n"
      "    - {name: POD_NAMESPACE, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}\n"
      "    - {name: PROXY_CONFIG, value: \"{}\\n\"}\n"
      "    - {name: ISTIO_META_POD_PORTS, value: \"[\\n]\"}\n"
      "    - {name: ISTIO_META_APP_CONTAINERS, value: serviceaclient}\n"
      "    - {name: ISTIO_META_NODE_NAME, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}\n";
  m["pod-many-layers"] =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: many-layers}\nspec:\n  containers:\n"
      "  - {name: footloose, image: 'quay.io/footloose/ubuntu18.04:latest', command: [sh, -c, 'while true; do echo go; sleep 25; done']}\n"
      "  - {name: nginx, image: 'mcr.microsoft.com/cbl-mariner/base/nginx:1.22.1-9-cm2.0.20230904-amd64', command: [sh, -c, 'while true; do echo nginx; sleep 10; done']}\n"
      "  - {name: python, image: 'quay.io/baselibrary/python:latest', command: [sh, -c, 'while true; do echo python; sleep 15; done']}\n"
      "  - {name: bootloose, image: 'quay.io/k0sproject/bootloose-ubuntu22.04:latest', command: [sh, -c, 'while true; do echo go; sleep 25; done']}\n";
  std::string same =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: same-containers\n  annotations:\n"
      "    io.katacontainers.config.agent.policyOption.execCommands: W3siY29udGFpbmVyTmFtZSI6ImJ1c3lib3gyIiwiZXhlY0NvbW1hbmRzIjpbImRoIC1oIiwicHMgLWVmIl19LCB7ImNvbnRhaW5lck5hbWUiOiJidXN5Ym94MyIsImV4ZWNDb21tYW5kcyI6WyJscyJdfV0=\n"
      "spec:\n  containers:\n";
  for (const char* name : {"busybox1", "busybox2", "busybox3"})
    same += "  - name: " + std::string(name) + "\n    image: " + kBusybox + "\n    command: " + loop("hello") +
            "\n    securityContext: {privileged: true}\n" +
            (std::string(name) == "busybox1" ? "    tty: true\n" : "") +
            "    env:\n    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}\n"
            "    - {name: POD_NAMESPACE, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}\n"
            "    - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}\n";
  m["pod-same-containers"] = same;
  m["web"] =
      "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: web}\nspec:\n  serviceName: nginx\n  template:\n    spec:\n"
      "      containers:\n      - name: nginx\n        image: mcr.microsoft.com/cbl-mariner/base/nginx:1.22.1-9-cm2.0.20230904-amd64\n"
      "        command: " + loop("$(META_NAME)") + "\n"
      "        env: [{name: META_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]\n"
      "        volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]\n"
      "  volumeClaimTemplates:\n  - metadata: {name: www}\n    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n";
  return m;
}

// Requests genpolicy's policy allowed that coco's denies on purpose, and why ("" when not one).
std::string deliberate(const std::string& ep) {
  if (ep == "UpdateEphemeralMountsRequest")
    return "off in coco's settings (request_defaults.UpdateEphemeralMountsRequest): it lets the host remount a pod's "
           "ephemeral storage; the genpolicy settings that made these policies turn it on";
  return "";
}

struct Figures {
  std::size_t requests = 0, genpolicy_allowed = 0, coco_allowed = 0, deliberate = 0, both_denied = 0;
};

}  // namespace

TEST_CASE("captured requests of 9 real pods: coco allows what genpolicy allowed", "[policy][engine][captured]") {
  if (!test::shared_available("vectors/rego/regorus/kata")) return;
  const auto imgs = images();
  const auto resolve = [&imgs](const std::string& ref, const std::string& where) {
    for (const auto& [k, v] : imgs)
      if (k == ref || v.pinned == ref) return v;
    fail(where, "image " + ref + " is not one of the captured pods' images");
  };
  policy::GenerateOptions o;
  // The captured node used shared-fs emptyDirs (a "local" storage in the sandbox's rootfs).
  o.settings = policy::load_settings(policy::Profile::Upstream, R"({"cluster_config": {"emptydir_type": "shared-fs"}})", "test");
  o.rules = policy::embedded_rules();
  Figures total;
  std::set<std::string> reasons;
  for (const auto& [pod, yaml] : captured_manifests()) {
    INFO("pod " << pod);
    const auto reqs = test::captured(pod);
    // The OCI version is the node's containerd's (settings kata_config.oci_version).
    o.settings["kata_config"]["oci_version"] = test::first(reqs, "CreateContainerRequest", "sandbox")["OCI"]["Version"];
    const auto g = policy::generate(yaml, pod + ".yaml", o, resolve);
    REQUIRE(g.policies.size() == 1);
    test::Agent agent(g.policies[0]);
    const auto outputs = parse_json(read_text_file(test::shared_path("vectors/rego/regorus/kata/" + pod + "/outputs.json")), "outputs.json");
    REQUIRE(reqs.size() == outputs.size());
    Figures f;
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      auto [ep, req] = reqs[i];
      if (ep == "CreateSandboxRequest") {
        Json kept = Json::array();
        for (const auto& s : req["storages"])
          if (s["driver"] != "virtio-fs") kept.push_back(s);
        req["storages"] = kept;
      } else if (ep == "CreateContainerRequest") {
        const bool sandbox = req["OCI"]["Annotations"]["io.kubernetes.cri.container-type"] == "sandbox";
        Json others = Json::array();
        for (const auto& s : req["storages"])
          if (s["fstype"] != "tar" && s["driver"] != "overlayfs") others.push_back(s);
        std::string pinned = "pause";
        if (!sandbox) pinned = resolve(req["OCI"]["Annotations"]["io.kubernetes.cri.image-name"], pod).pinned;
        req = test::guest_pull(req, req["container_id"], req["OCI"]["Annotations"]["io.kubernetes.cri.sandbox-id"], pinned);
        for (const auto& s : others) req["storages"].push_back(s);
        if (!sandbox) req["OCI"]["Annotations"]["io.kubernetes.cri.image-name"] = pinned;
      }
      const Json& want = outputs[i];
      const bool genpolicy = want.is_boolean() ? want.get<bool>() : want.value("allowed", false);
      const bool coco = agent.ask(ep, req);
      ++f.requests;
      f.genpolicy_allowed += genpolicy;
      f.coco_allowed += coco;
      if (!genpolicy && !coco) ++f.both_denied;
      if (genpolicy && !coco) {
        const std::string reason = deliberate(ep);
        INFO("request #" << i << " " << ep << ": " << req.dump().substr(0, 2000));
        CHECK(!reason.empty());
        if (!reason.empty()) {
          ++f.deliberate;
          reasons.insert(reason);
        }
      }
    }
    std::cout << "captured " << pod << ": " << f.requests << " requests, genpolicy allowed " << f.genpolicy_allowed
              << ", coco allowed " << f.coco_allowed << ", denied on purpose " << f.deliberate << ", both denied "
              << f.both_denied << "\n";
    total.requests += f.requests;
    total.genpolicy_allowed += f.genpolicy_allowed;
    total.coco_allowed += f.coco_allowed;
    total.deliberate += f.deliberate;
    total.both_denied += f.both_denied;
  }
  std::cout << "captured total: " << total.requests << " requests, genpolicy allowed " << total.genpolicy_allowed
            << ", coco allowed " << total.coco_allowed << ", denied on purpose " << total.deliberate << ", both denied " << total.both_denied << "\n";
  for (const auto& r : reasons) std::cout << "  denied on purpose: " << r << "\n";
  CHECK(total.requests == 315);
}
