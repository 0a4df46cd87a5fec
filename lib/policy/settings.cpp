// SPDX-License-Identifier: Apache-2.0
#include "policy/settings.h"

#include <algorithm>
#include <set>

#include "policy/pattern.h"
#include "util/error.h"

namespace coco::policy {
namespace {

// Defaults shared by both profiles. Paths are the Kata agent's (kata-containers src/agent); the
// default mounts and capability sets are containerd's CRI defaults (pkg/oci/mounts.go, caps.go).
constexpr const char* kCommon = R"json({
  "kata_config": {"oci_version": "1.1.0"},
  "cluster_config": {
    "pause_container_image": "registry.k8s.io/pause:3.10",
    "guest_pull": true,
    "emptydir_type": "block-encrypted",
    "cgroup_mount_extras_allowed": ["nsdelegate", "memory_recursiveprot"]
  },
  "devices": {"vfio": {"device_path": "/dev/vfio/devices/vfio"}},
  "common": {
    "cpath": "/run/kata-containers/shared/containers",
    "spath": "/run/kata-containers/sandbox/storage",
    "root_path": "/run/kata-containers/$(bundle-id)/rootfs",
    "sfprefix": "^$(cpath)/$(bundle-id)-[a-z0-9]{16}-",
    "ip_p": "[0-9]{1,5}",
    "ipv4_a": "(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])",
    "ipv6_a": "[0-9a-fA-F:]*:[0-9a-fA-F:.]*",
    "svc_name_downward_env": "[A-Z](?:[A-Z0-9_]{0,61}[A-Z0-9])?",
    "dns_label": "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?",
    "image_layer_verification": "none",
    "dns_subdomain": "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*",
    "default_caps": ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
                     "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
                     "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"],
    "privileged_caps": ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
                        "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
                        "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
                        "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
                        "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
                        "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
                        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
                        "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
                        "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"]
  },
  "default_env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
  "default_mounts": [
    {"destination": "/proc", "source": "proc", "type_": "proc", "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/dev", "source": "tmpfs", "type_": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/dev/pts", "source": "devpts", "type_": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
    {"destination": "/dev/mqueue", "source": "mqueue", "type_": "mqueue", "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/sys", "source": "sysfs", "type_": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]}
  ],
  "pause_container": {
    "Args": ["/pause"],
    "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
    "UID": 65535,
    "GID": 65535,
    "Mounts": [
      {"destination": "/dev/shm", "source": "/run/kata-containers/sandbox/shm", "type_": "bind", "options": ["rbind"]},
      {"destination": "/etc/resolv.conf", "source": "$(sfprefix)resolv.conf$", "type_": "bind", "options": ["rbind", "ro", "nosuid", "nodev", "noexec"]}
    ],
    "Annotations": {
      "io.kubernetes.cri.container-type": "sandbox",
      "io.katacontainers.pkg.oci.container_type": "pod_sandbox",
      "io.kubernetes.cri.sandbox-id": "^[a-z0-9]{64}$",
      "nerdctl/network-namespace": "^/var/run/netns/cni(test)?-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
      "io.kubernetes.cri.sandbox-log-directory": "^/var/log/pods/$(sandbox-namespace)_$(sandbox-name)_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
      "io.katacontainers.pkg.oci.bundle_path": "^/run/containerd/io\\.containerd\\.runtime\\.v2\\.task/k8s\\.io/$(bundle-id)$"
    }
  },
  "other_container": {
    "Mounts": [
      {"destination": "/sys/fs/cgroup", "source": "cgroup", "type_": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]},
      {"destination": "/etc/hosts", "source": "$(sfprefix)hosts$", "type_": "bind", "options": ["rbind", "rprivate", "rw"]},
      {"destination": "/dev/termination-log", "source": "$(sfprefix)termination-log$", "type_": "bind", "options": ["rbind", "rprivate", "rw"]},
      {"destination": "/etc/hostname", "source": "$(sfprefix)hostname$", "type_": "bind", "options": ["rbind", "rprivate", "rw"]},
      {"destination": "/etc/resolv.conf", "source": "$(sfprefix)resolv.conf$", "type_": "bind", "options": ["rbind", "rprivate", "rw"]},
      {"destination": "/dev/shm", "source": "/run/kata-containers/sandbox/shm", "type_": "bind", "options": ["rbind"]}
    ],
    "service_account_mount": {"destination": "/var/run/secrets/kubernetes.io/serviceaccount", "source": "$(sfprefix)serviceaccount$", "type_": "bind", "options": ["rbind", "rprivate", "ro"]},
    "Annotations": {
      "io.kubernetes.cri.container-type": "container",
      "io.katacontainers.pkg.oci.container_type": "pod_container",
      "io.kubernetes.cri.sandbox-id": "^[a-z0-9]{64}$",
      "io.katacontainers.pkg.oci.bundle_path": "^/run/containerd/io\\.containerd\\.runtime\\.v2\\.task/k8s\\.io/$(bundle-id)$"
    }
  },
  "masked_paths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                   "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                   "/proc/scsi"],
  "readonly_paths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
  "default_sysctls": {"net.ipv4.ip_unprivileged_port_start": "0", "net.ipv4.ping_group_range": "0 2147483647"},
  "sandbox": {
    "storages": [
      {"driver": "ephemeral", "driver_options": [], "source": "shm", "fstype": "tmpfs",
       "options": ["noexec", "nosuid", "nodev", "mode=1777", "size=67108864"],
       "mount_point": "/run/kata-containers/sandbox/shm", "fs_group": null, "shared": false}
    ]
  },
  "request_defaults": {
    "CreateContainerRequest": {"allow_env_regex": []},
    "CopyFileRequest": ["$(sfprefix)"],
    "ExecProcessRequest": {"allowed_commands": [], "regex": []},
    "UpdateInterfaceRequest": {"allow_raw_flags": 128, "forbidden_names": ["lo"], "forbidden_hw_addrs": ["00:00:00:00:00:00"]},
    "UpdateRoutesRequest": {"forbidden_device_names": ["lo"],
                            "forbidden_source_regex": ["^(?:0{0,4}:){0,7}0{0,3}1$", "^127\\.(?:[0-9]{1,3}\\.){2}[0-9]{1,3}$"]},
    "AddARPNeighborsRequest": {"forbidden_device_names": ["lo"],
                               "forbidden_cidrs_regex": ["^127\\.(?:[0-9]{1,3}\\.){2}[0-9]{1,3}$"],
                               "allowed_states": [2, 128]},
    "CloseStdinRequest": false,
    "GetDiagnosticDataRequest": false,
    "ReadStreamRequest": false,
    "UpdateEphemeralMountsRequest": false,
    "WriteStreamRequest": false
  }
})json";

// What differs on AKS (policy.md §1.3, §3.5, §4.4): host-pulled layers bound by tarfs dm-verity
// roots, the AKS pause image, shared-fs emptyDirs.
constexpr const char* kAksPatch = R"json({
  "cluster_config": {
    "pause_container_image": "mcr.microsoft.com/oss/kubernetes/pause:3.6",
    "guest_pull": false,
    "emptydir_type": "shared-fs"
  },
  "common": {"root_path": "/run/kata-containers/shared/containers/$(bundle-id)/rootfs",
             "mount_source_cpath": "/run/kata-containers/shared/containers",
             "image_layer_verification": "host-tarfs-dm-verity"}
})json";

// Objects whose keys are data, not settings: any key may appear.
const std::set<std::string> kFreeMaps = {"/pause_container/Annotations", "/other_container/Annotations",
                                         "/default_sysctls"};

std::string type_name(const Json& v) {
  switch (v.type()) {
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "an integer";
    case Json::value_t::number_float: return "a number";
    case Json::value_t::null: return "null";
    default: return "a value";
  }
}

// Element shapes of arrays whose default is empty.
const Json& empty_array_element(const std::string& path) {
  static const Json kString = "";
  static const Json kArgv = Json::array({""});
  if (path.size() >= 17 && path.substr(path.size() - 17) == "/allowed_commands") return kArgv;
  return kString;
}

bool same_kind(const Json& want, const Json& got) {
  if (want.is_number_integer() || want.is_number_unsigned()) return got.is_number_integer() || got.is_number_unsigned();
  if (want.is_null()) return true;  // nullable defaults (fs_group) take anything
  return want.type() == got.type();
}

void check_shape(const Json& want, const Json& got, const std::string& path, const std::string& where) {
  std::string key = path.empty() ? "(top level)" : path.substr(1);
  std::replace(key.begin(), key.end(), '/', '.');
  if (!same_kind(want, got)) fail(where, key + ": expected " + type_name(want) + ", found " + type_name(got));
  if (want.is_object()) {
    if (kFreeMaps.count(path)) {
      for (const auto& [k, v] : got.items())
        if (!v.is_string()) fail(where, key + "." + k + ": expected a string, found " + type_name(v));
      return;
    }
    for (const auto& [k, v] : want.items())
      if (!got.contains(k)) fail(where, (path.empty() ? "" : key + ".") + k + ": required setting removed");
    for (const auto& [k, v] : got.items()) {
      if (!want.contains(k)) fail(where, (path.empty() ? "" : key + ".") + k + ": unknown setting");
      check_shape(want[k], v, path + "/" + k, where);
    }
  } else if (want.is_array()) {
    for (std::size_t i = 0; i < got.size(); ++i)
      check_shape(want.empty() ? empty_array_element(path) : want[0], got[i], path + "/" + std::to_string(i), where);
  }
}

// Every setting the generator or the rules read as a regular expression (Go/RE2 syntax, as the
// agent's regorus runs them): one that does not compile names its key.
void check_patterns(const Json& s, const std::string& where) {
  for (const char* key : {"ip_p", "ipv4_a", "ipv6_a", "svc_name_downward_env", "dns_label", "dns_subdomain", "sfprefix"})
    check_pattern(s["common"][key].get<std::string>(), where, std::string("common.") + key);
  const std::pair<const char*, const char*> lists[] = {{"CreateContainerRequest", "allow_env_regex"},
                                                       {"ExecProcessRequest", "regex"},
                                                       {"UpdateRoutesRequest", "forbidden_source_regex"},
                                                       {"AddARPNeighborsRequest", "forbidden_cidrs_regex"}};
  for (const auto& [request, key] : lists) {
    const Json& list = s["request_defaults"][request][key];
    for (std::size_t i = 0; i < list.size(); ++i)
      check_pattern(list[i].get<std::string>(), where,
                    std::string("request_defaults.") + request + "." + key + "[" + std::to_string(i) + "]");
  }
  for (const char* container : {"pause_container", "other_container"})
    for (const auto& [k, v] : s[container]["Annotations"].items())
      if (v.get<std::string>().rfind('^', 0) == 0) check_pattern(v.get<std::string>(), where, std::string(container) + ".Annotations." + k);
}

}  // namespace

Profile parse_profile(std::string_view name) {
  if (name == "upstream") return Profile::Upstream;
  if (name == "aks") return Profile::Aks;
  usage_error("--profile: unknown profile '" + std::string(name) + "' (upstream, aks)");
}

std::string profile_name(Profile p) { return p == Profile::Aks ? "aks" : "upstream"; }

Json default_settings(Profile p) {
  Json s = Json::parse(kCommon);
  if (p == Profile::Aks) s.merge_patch(Json::parse(kAksPatch));
  return s;
}

bool binds_tarfs_layers(const Json& settings) {
  return settings["cluster_config"]["guest_pull"] != true &&
         settings["common"]["image_layer_verification"] == "host-tarfs-dm-verity";
}

Json load_settings(Profile p, std::string_view text, const std::string& where) {
  const Json patch = parse_json(text, where);
  if (!patch.is_object()) fail(where, "settings must be a JSON object");
  Json s = default_settings(p);
  const Json shape = s;
  s.merge_patch(patch);  // null deletes a key: the check below then reports it missing
  check_shape(shape, s, "", where);
  check_patterns(s, where);
  const std::string emptydir = s["cluster_config"]["emptydir_type"];
  if (emptydir != "block-encrypted" && emptydir != "shared-fs" && emptydir != "memory")
    fail(where, "cluster_config.emptydir_type: '" + emptydir + "' is not one of block-encrypted, shared-fs, memory");
  const std::string layers = s["common"]["image_layer_verification"];
  if (layers != "none" && layers != "host-tarfs-dm-verity")
    fail(where, "common.image_layer_verification: '" + layers + "' is not one of none, host-tarfs-dm-verity");
  // Without guest pull and without layer roots nothing binds the images: the host would choose
  // every container's root filesystem.
  if (s["cluster_config"]["guest_pull"] != true && layers == "none")
    fail(where, "cluster_config.guest_pull is false and common.image_layer_verification is none: nothing would "
                "bind the container images to the policy; use guest pull or host-tarfs-dm-verity");
  return s;
}

}  // namespace coco::policy
