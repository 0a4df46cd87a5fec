// SPDX-License-Identifier: Apache-2.0
#include "policy/mounts.h"

#include "k8s/workload.h"
#include "util/error.h"

namespace coco::policy {
namespace {

using k8s::regex_escape;
using k8s::string_field;


std::string basename(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

Json mount(const std::string& dest, const std::string& source, const std::string& type, Json options) {
  return Json{{"destination", dest}, {"source", source}, {"type_", type}, {"options", std::move(options)}};
}

const Json* find_volume(const Json& pod_spec, const std::string& name) {
  if (!pod_spec.contains("volumes") || !pod_spec["volumes"].is_array()) return nullptr;
  for (const auto& v : pod_spec["volumes"])
    if (string_field(v, "name") == name) return &v;
  return nullptr;
}

bool automount_token(const Json& pod_spec, const std::string& where) {
  return k8s::bool_field(pod_spec, "automountServiceAccountToken", true, where);
}

}  // namespace

MountsAndStorages container_mounts(const Json& container, const Json& pod_spec, const Json& settings,
                                   bool privileged, bool read_only_root, const std::string& where) {
  MountsAndStorages out;
  // containerd's defaults; a privileged container gets /sys read-write.
  for (Json m : settings["default_mounts"]) {
    if (privileged && m["destination"] == "/sys") m["options"] = Json::array({"nosuid", "noexec", "nodev", "rw"});
    out.mounts.push_back(std::move(m));
  }
  std::vector<std::string> yaml_dests;
  if (container.contains("volumeMounts") && container["volumeMounts"].is_array())
    for (const auto& vm : container["volumeMounts"]) yaml_dests.push_back(string_field(vm, "mountPath"));
  auto taken = [&](const std::string& d) { return std::find(yaml_dests.begin(), yaml_dests.end(), d) != yaml_dests.end(); };
  // Mounts the runtime adds to every container; a volume at the same path replaces them.
  const std::string term = string_field(container, "terminationMessagePath");
  for (Json m : settings["other_container"]["Mounts"]) {
    std::string dest = m["destination"];
    if (dest == "/dev/termination-log" && !term.empty() && term != dest) {
      m["destination"] = term;
      m["source"] = "$(sfprefix)" + regex_escape(basename(term)) + "$";
      dest = term;
    }
    if (privileged && dest == "/sys/fs/cgroup") m["options"] = Json::array({"nosuid", "noexec", "nodev", "relatime", "rw"});
    // containerd: Readonly = readOnlyRootFilesystem for the files it shares from the sandbox.
    // (kubelet's own /etc/hosts stays rw; the rules also accept it ro.)
    if (read_only_root && (dest == "/etc/hostname" || dest == "/etc/resolv.conf"))
      for (auto& o : m["options"])
        if (o == "rw") o = "ro";
    if (!taken(dest)) out.mounts.push_back(std::move(m));
  }
  const Json& sa = settings["other_container"]["service_account_mount"];
  if (automount_token(pod_spec, where) && !taken(sa["destination"])) out.mounts.push_back(sa);

  if (!container.contains("volumeMounts") || !container["volumeMounts"].is_array()) return out;
  const std::string emptydir_type = settings["cluster_config"]["emptydir_type"];
  for (std::size_t i = 0; i < container["volumeMounts"].size(); ++i) {
    const Json& vm = container["volumeMounts"][i];
    const std::string here = where + ".volumeMounts[" + std::to_string(i) + "]";
    const std::string name = string_field(vm, "name"), dest = string_field(vm, "mountPath");
    if (dest.empty() || dest[0] != '/') fail(here, "mountPath must be an absolute path");
    if (vm.contains("subPath") || vm.contains("subPathExpr"))
      fail(here, "subPath is not supported by Kata Containers (the agent cannot bind a sub-directory of a shared volume)");
    const Json* vol = find_volume(pod_spec, name);
    if (vol == nullptr) fail(here, "volume '" + name + "' is not defined in spec.volumes");
    const bool ro = k8s::bool_field(vm, "readOnly", false, here);
    const std::string prop = string_field(vm, "mountPropagation");
    const std::string propagation = prop == "Bidirectional" ? "rshared" : prop == "HostToContainer" ? "rslave" : "rprivate";
    const std::string shared = "$(sfprefix)" + regex_escape(basename(dest)) + "$";
    auto bind = [&](const std::string& source, bool read_only) {
      out.mounts.push_back(mount(dest, source, "bind", Json::array({"rbind", propagation, read_only ? "ro" : "rw"})));
    };
    if (vol->contains("emptyDir")) {
      const Json ed = (*vol)["emptyDir"].is_object() ? (*vol)["emptyDir"] : Json::object();
      const Json psc = pod_spec.value("securityContext", Json::object());
      const std::int64_t fs_group = psc.contains("fsGroup") && psc["fsGroup"].is_number_integer() ? psc["fsGroup"].get<std::int64_t>() : 0;
      if (string_field(ed, "medium") == "Memory" || emptydir_type == "memory") {
        // A tmpfs in the guest; the runtime passes a non-root fsGroup as a mount option.
        const std::string path = "^/run/kata-containers/sandbox/ephemeral/" + regex_escape(name) + "$";
        Json options = Json::array();
        if (fs_group > 0) options.push_back("fsgid=" + std::to_string(fs_group));
        bind(path, ro);
        out.storages.push_back({{"driver", "ephemeral"}, {"driver_options", Json::array()}, {"source", "tmpfs"},
                                {"fstype", "tmpfs"}, {"options", options}, {"mount_point", path},
                                {"fs_group", nullptr}, {"shared", false}});
      } else if (emptydir_type == "shared-fs") {
        const std::string path = "^$(cpath)/$(sandbox-id)/rootfs/local/" + regex_escape(name) + "$";
        Json options = Json::array({"mode=0777"});
        if (fs_group > 0) options.push_back("fsgid=" + std::to_string(fs_group));
        // The runtime gives a "local" storage's mount the type "local" (as captured from AKS nodes).
        out.mounts.push_back(mount(dest, path, "local", Json::array({"rbind", propagation, ro ? "ro" : "rw"})));
        out.storages.push_back({{"driver", "local"}, {"driver_options", Json::array()}, {"source", "local"},
                                {"fstype", "local"}, {"options", options}, {"mount_point", path},
                                {"fs_group", nullptr}, {"shared", false}});
      } else {
        // block-encrypted: a fresh encrypted disk per mount, created in the guest. The mount has no
        // source of its own: it must be the mount point of a block storage of the same request,
        // which the runtime names after the disk's address ($(b64_device_id)). Upstream's shape.
        bind("", ro);
        Json group = nullptr;
        if (fs_group > 0) group = {{"group_id", fs_group}};
        out.storages.push_back({{"driver", ""},
                                {"driver_options", Json::array({"encryption_key=ephemeral", "create_filesystem"})},
                                {"source", ""}, {"fstype", "ext4"}, {"options", Json::array()},
                                {"mount_point", "$(spath)/$(b64_device_id)"}, {"fs_group", group}, {"shared", true}});
      }
    } else if (vol->contains("configMap") || vol->contains("secret") || vol->contains("projected") ||
               vol->contains("downwardAPI")) {
      bind(shared, true);  // kubelet mounts these read-only whatever the volumeMount says
    } else if (vol->contains("persistentVolumeClaim")) {
      const bool claim_ro = k8s::bool_field((*vol)["persistentVolumeClaim"], "readOnly", false, here);
      bind(shared, ro || claim_ro);
    } else if (vol->contains("hostPath")) {
      const std::string path = string_field((*vol)["hostPath"], "path");
      if (path.empty() || path[0] != '/') fail(here, "hostPath.path must be an absolute path");
      if (path.rfind("/dev/", 0) == 0 || path.rfind("/sys/", 0) == 0)
        bind("^" + regex_escape(path) + "$", ro);  // guest device and sysfs paths, not shared from the host
      else
        bind(shared, ro);
    } else {
      std::string type = "(none)";
      for (const auto& [k, v] : vol->items()) if (k != "name") type = k;
      fail(here, "volume '" + name + "' has type " + type +
                     ", which coco does not model (supported: emptyDir, configMap, secret, projected, downwardAPI, "
                     "persistentVolumeClaim, hostPath)");
    }
  }
  return out;
}

}  // namespace coco::policy
