// SPDX-License-Identifier: Apache-2.0
#include "policy/confidentiality.h"

#include "k8s/workload.h"

namespace coco::policy {
namespace {

bool is_true(const Json& obj, const char* key) {
  return obj.is_object() && obj.contains(key) && obj[key].is_boolean() && obj[key].get<bool>();
}

}  // namespace

std::vector<std::string> confidentiality_warnings(const Json& spec, const Json& settings) {
  std::vector<std::string> out;
  if (!spec.is_object()) return out;
  if (is_true(spec, "hostNetwork"))
    out.push_back("spec.hostNetwork: the pod uses the host's network namespace; the host sees its traffic");
  if (is_true(spec, "hostPID"))
    out.push_back("spec.hostPID: the pod shares the host's process namespace");
  if (is_true(spec, "hostIPC"))
    out.push_back("spec.hostIPC: the pod shares the host's IPC namespace (shared memory, semaphores)");
  for (const char* list : {"initContainers", "containers"}) {
    const Json& containers = k8s::member_or_null(spec, list);
    if (!containers.is_array()) continue;
    for (std::size_t i = 0; i < containers.size(); ++i)
      if (is_true(k8s::member_or_null(containers[i], "securityContext"), "privileged"))
        out.push_back("spec." + std::string(list) + "[" + std::to_string(i) + "] (" + k8s::string_field(containers[i], "name") +
                      "): privileged: the container gets every guest device and no masked paths");
  }
  const Json& volumes = k8s::member_or_null(spec, "volumes");
  if (!volumes.is_array()) return out;
  const Json& cluster = k8s::member_or_null(settings, "cluster_config");
  const bool emptydir_on_host = k8s::string_field(cluster, "emptydir_type") == "shared-fs";
  for (std::size_t i = 0; i < volumes.size(); ++i) {
    const Json& v = volumes[i];
    const std::string here = "spec.volumes[" + std::to_string(i) + "] (" + k8s::string_field(v, "name") + ")";
    if (v.is_object() && v.contains("hostPath")) {
      const std::string path = k8s::string_field(v["hostPath"], "path");
      // /dev/… and /sys/… are bound from the guest itself (mounts.cpp), not shared from the host.
      if (path.rfind("/dev/", 0) != 0 && path.rfind("/sys/", 0) != 0)
        out.push_back(here + ": hostPath " + path + ": files shared with the host, which can read and change them");
    }
    if (emptydir_on_host && v.is_object() && v.contains("emptyDir") &&
        k8s::string_field(k8s::member_or_null(v, "emptyDir"), "medium") != "Memory")
      out.push_back(here + ": emptyDir on the host's disk (emptydir_type shared-fs), readable and writable by the host; "
                           "medium: Memory keeps it in the guest");
  }
  return out;
}

}  // namespace coco::policy
