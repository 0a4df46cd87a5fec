// SPDX-License-Identifier: Apache-2.0
// NodePod: CreateContainer, the files the runtime copies for a container, and exec (node.h).
#include <algorithm>

#include "policy/node.h"
#include "policy/node_internal.h"
#include "util/encoding.h"
#include "util/error.h"

namespace coco::policy {

using namespace node_internal;
using k8s::member_or_null;
using k8s::string_field;

namespace {

constexpr const char* kAppArmorProfile = "cri-containerd.apparmor.d";
constexpr const char* kServiceAccount = "/var/run/secrets/kubernetes.io/serviceaccount";
// The ..data directory kubelet's atomic writer publishes a volume's files through.
constexpr const char* kVolumeStamp = "..2026_12_01_00_00_00.1887069138";
// File modes as the runtime sends them (Go os.FileMode bits for dir_mode).
constexpr unsigned kRegularMode = 0100644, kDirMode = 040755, kSymlinkMode = 0120777;  // S_IF* | permissions
constexpr unsigned long long kParentDirMode = 0x80000000ULL | 0750;

const std::vector<std::string> kAllCaps = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
    "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
    "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"};


std::vector<std::string> strings(const Json& v) {
  std::vector<std::string> out;
  if (v.is_array())
    for (const auto& s : v) out.push_back(s.is_string() ? s.get<std::string>() : s.dump());
  return out;
}

// containerd's oci.WithEnv: a variable already present is replaced in place, others appended.
void replace_or_append(std::vector<std::string>& env, const std::string& kv) {
  const std::string key = kv.substr(0, kv.find('='));
  for (auto& e : env)
    if (e.substr(0, e.find('=')) == key) {
      e = kv;
      return;
    }
  env.push_back(kv);
}

Json copy_request(const std::string& path, const std::string& type, unsigned mode, std::size_t size,
                  const std::string& target = "") {
  return {{"path", path},          {"file_size", size}, {"file_mode", mode},  {"dir_mode", kParentDirMode},
          {"uid", 0},              {"gid", 0},          {"offset", 0},        {"symlink_src", target},
          {"file_type", type},     {"symlink_target", target}};
}

}  // namespace

void NodePod::mounts(const Json& c, const std::string& cid, bool privileged, bool readonly_root, Json& out,
                     Json& storages, const ImageInfo& image) const {
  std::vector<std::string> taken;
  const Json& vms = member_or_null(c, "volumeMounts");
  if (vms.is_array())
    for (const auto& vm : vms) taken.push_back(string_field(vm, "mountPath"));
  auto is_taken = [&](const std::string& d) { return std::find(taken.begin(), taken.end(), d) != taken.end(); };
  const std::string term = string_field(c, "terminationMessagePath").empty() ? "/dev/termination-log" : string_field(c, "terminationMessagePath");
  // containerd mounts kubelet's files read-only when the root filesystem is (issue 11 item 1).
  const std::string etc_mode = readonly_root ? "ro" : "rw";
  for (const auto& [dest, mode] : {std::pair<std::string, std::string>{"/etc/hosts", etc_mode}, {term, "rw"},
                                   {"/etc/hostname", etc_mode}, {"/etc/resolv.conf", etc_mode}})
    if (!is_taken(dest)) out.push_back(bind_mount_json(dest, shared_source(cid, dest), {"rbind", "rprivate", mode}));
  out.push_back(bind_mount_json("/dev/shm", kShm, {"rbind"}));
  if (member_or_null(spec_, "automountServiceAccountToken") != false && !is_taken(kServiceAccount))
    out.push_back(bind_mount_json(kServiceAccount, shared_source(cid, kServiceAccount), {"rbind", "rprivate", "ro"}));

  Json volumes = Json::object();
  if (member_or_null(spec_, "volumes").is_array())
    for (const auto& v : spec_["volumes"]) volumes[string_field(v, "name")] = v;
  const Json& claims = member_or_null(member_or_null(object_, "spec"), "volumeClaimTemplates");
  if (t_.kind == "StatefulSet" && claims.is_array())
    for (const auto& claim : claims) {
      const std::string n = string_field(member_or_null(claim, "metadata"), "name");
      volumes[n] = {{"persistentVolumeClaim", {{"claimName", n}}}};
    }
  const Json& psc = member_or_null(spec_, "securityContext");
  const long long fs_group = member_or_null(psc, "fsGroup").is_number_integer() ? psc["fsGroup"].get<long long>() : 0;
  std::size_t n = 0;
  if (vms.is_array())
    for (const auto& vm : vms) {
      const std::string name = string_field(vm, "name"), dest = string_field(vm, "mountPath");
      if (!volumes.contains(name)) fail(t_.where, "container " + string_field(c, "name") + ": volumeMount " + name + ": no such volume");
      const Json& vol = volumes[name];
      bool ro = member_or_null(vm, "readOnly") == true;
      const std::string propagation = string_field(vm, "mountPropagation");
      const std::string prop = propagation == "Bidirectional" ? "rshared" : propagation == "HostToContainer" ? "rslave" : "rprivate";
      std::string source;
      bool local_storage = false;
      if (vol.contains("emptyDir") && string_field(member_or_null(vol, "emptyDir"), "medium") == "Memory") {
        source = "/run/kata-containers/sandbox/ephemeral/" + name;
        storages.push_back({{"driver", "ephemeral"}, {"driver_options", Json::array()}, {"source", "tmpfs"},
                            {"fstype", "tmpfs"},
                            {"options", fs_group > 0 ? Json::array({"fsgid=" + std::to_string(fs_group)}) : Json::array()},
                            {"mount_point", source}, {"fs_group", nullptr}, {"shared", false}});
      } else if (vol.contains("emptyDir") && node_.tarfs_pause) {  // shared-fs: a directory of the sandbox's rootfs
        source = std::string(kShared) + "/" + sandbox_id_ + "/rootfs/local/" + name;
        local_storage = true;
        Json opts = {"mode=0777"};
        if (fs_group > 0) opts.push_back("fsgid=" + std::to_string(fs_group));
        storages.push_back({{"driver", "local"}, {"driver_options", Json::array()}, {"source", "local"},
                            {"fstype", "local"}, {"options", opts}, {"mount_point", source}, {"fs_group", nullptr}, {"shared", false}});
      } else if (vol.contains("emptyDir")) {  // block-encrypted: a fresh disk per mount, by PCI path
        char pci[16];
        std::snprintf(pci, sizeof pci, "%02zx/00", n + 2);
        std::string b64 = to_base64url(as_bytes(std::string(pci)));  // Go's URLEncoding: padded
        while (b64.size() % 4) b64 += '=';
        source = std::string(kSandboxStorage) + "/" + b64;
        storages.push_back({{"driver", "blk"}, {"driver_options", {"encryption_key=ephemeral", "create_filesystem"}},
                            {"source", pci}, {"fstype", "ext4"}, {"options", Json::array()}, {"mount_point", source},
                            {"fs_group", fs_group > 0 ? Json{{"group_id", fs_group}} : Json(nullptr)},  // as Kata's test cases
                            {"shared", true}});
      } else if (vol.contains("hostPath") && (string_field(vol["hostPath"], "path").rfind("/dev/", 0) == 0 ||
                                              string_field(vol["hostPath"], "path").rfind("/sys/", 0) == 0)) {
        source = string_field(vol["hostPath"], "path");
      } else {
        source = shared_source(cid, dest);
        for (const char* k : {"configMap", "secret", "projected", "downwardAPI"}) ro = ro || vol.contains(k);
        ro = ro || member_or_null(member_or_null(vol, "persistentVolumeClaim"), "readOnly") == true;
      }
      ++n;
      Json m = bind_mount_json(dest, source, {"rbind", prop, ro ? "ro" : "rw"});
      if (local_storage) m["type_"] = "local";  // the runtime mounts a "local" storage with type local
      out.push_back(std::move(m));
    }
  for (std::string v : image.volumes) {  // the image's VOLUMEs the pod does not cover
    while (v.size() > 1 && v[0] == '/' && v[1] == '/') v.erase(0, 1);
    bool covered = false;
    for (const auto& m : out) covered = covered || m["destination"] == v;
    if (!covered) out.push_back(bind_mount_json(v, shared_source(cid, v), {"rbind", "rprivate", "rw"}));
  }
  (void)privileged;
}

Json NodePod::create_container(std::size_t index) const {
  const Json& c = containers_.at(index);
  const ImageInfo& image = image_of(index);
  const std::string where = t_.where + ": container " + string_field(c, "name");
  const std::string cid = container_id(index);
  const Env env = kubelet_env(c, where);
  std::vector<std::string> argv;
  const auto command = strings(member_or_null(c, "command")), args = strings(member_or_null(c, "args"));
  for (const auto& a : command) argv.push_back(kubelet_expand(a, env.vars));
  if (command.empty()) argv = image.entrypoint;
  if (!args.empty() || !command.empty())
    for (const auto& a : args) argv.push_back(kubelet_expand(a, env.vars));
  else
    argv.insert(argv.end(), image.cmd.begin(), image.cmd.end());

  const Json& csc = member_or_null(c, "securityContext");
  const bool privileged = member_or_null(csc, "privileged") == true;
  std::vector<std::string> caps = privileged ? kAllCaps : kDefaultCaps;
  const auto drop = strings(member_or_null(member_or_null(csc, "capabilities"), "drop"));
  const auto add = strings(member_or_null(member_or_null(csc, "capabilities"), "add"));
  if (std::find(drop.begin(), drop.end(), "ALL") != drop.end()) caps.clear();
  std::erase_if(caps, [&](const std::string& cap) { return std::find(drop.begin(), drop.end(), cap.substr(4)) != drop.end(); });
  for (const auto& a : add) {
    const std::string cap = a.rfind("CAP_", 0) == 0 ? a : "CAP_" + a;
    if (std::find(caps.begin(), caps.end(), cap) == caps.end()) caps.push_back(cap);
  }

  // containerd: the image's env, HOSTNAME, TERM for a tty, then kubelet's list.
  std::vector<std::string> full = image.env;
  if (full.empty()) full.push_back(kDefaultPath);
  replace_or_append(full, "HOSTNAME=" + hostname_);
  const bool tty = member_or_null(c, "tty") == true;
  if (tty) replace_or_append(full, "TERM=xterm");
  for (const auto& e : env.list) replace_or_append(full, e);
  const bool nnp = !privileged && member_or_null(csc, "allowPrivilegeEscalation") == false;
  std::string cwd = string_field(c, "workingDir");
  if (cwd.empty()) cwd = image.working_dir.empty() ? "/" : image.working_dir;
  const std::string apparmor = node_.apparmor && !privileged ? kAppArmorProfile : "";
  Json process = {{"Terminal", tty},
                  {"ConsoleSize", nullptr},
                  {"User", user(c, image, where)},
                  {"Args", argv},
                  {"Env", full},
                  {"Cwd", cwd},
                  {"Capabilities", {{"Bounding", caps}, {"Effective", caps}, {"Inheritable", Json::array()},
                                    {"Permitted", caps}, {"Ambient", Json::array()}}},
                  {"Rlimits", Json::array()},
                  {"NoNewPrivileges", nnp},
                  {"ApparmorProfile", apparmor},
                  {"OOMScoreAdj", 1000},
                  {"SelinuxLabel", ""}};
  const bool readonly_root = member_or_null(csc, "readOnlyRootFilesystem") == true;
  Json mount_list = default_mounts_json(privileged, true);
  Json storages = Json::array();
  mounts(c, cid, privileged, readonly_root, mount_list, storages, image);
  Json anno = common_annotations();
  anno["io.katacontainers.pkg.oci.bundle_path"] = "/run/containerd/io.containerd.runtime.v2.task/k8s.io/" + cid;
  anno["io.katacontainers.pkg.oci.container_type"] = "pod_container";
  anno["io.kubernetes.cri.container-name"] = string_field(c, "name");
  anno["io.kubernetes.cri.container-type"] = "container";
  anno["io.kubernetes.cri.image-name"] = string_field(c, "image");
  Json sysctls = Json::object();
  const Json& psc = member_or_null(spec_, "securityContext");
  if (member_or_null(psc, "sysctls").is_array())
    for (const auto& s : psc["sysctls"]) sysctls[string_field(s, "name")] = member_or_null(s, "value").is_string() ? s["value"] : Json(s["value"].dump());
  return create_request(cid, anno, process, mount_list, sysctls, string_field(c, "image"), readonly_root, privileged, storages,
                        &image);
}

std::vector<Json> NodePod::copy_files(std::size_t index, const Json& create) const {
  std::vector<Json> out;
  if (index == static_cast<std::size_t>(-1)) {
    out.push_back(copy_request(shared_source(sandbox_id_, "/etc/resolv.conf"), "Regular", kRegularMode, 62));
    return out;
  }
  const Json& c = containers_.at(index);
  const std::string cid = container_id(index);
  // kubelet's own files, then every bind from the shared directory that is a volume.
  for (const auto& m : create["OCI"]["Mounts"]) {
    const std::string src = m.value("source", "");
    if (m.value("type_", "") != "bind" || src.rfind(std::string(kShared) + "/" + cid + "-", 0) != 0) continue;
    const std::string dest = m["destination"];
    std::vector<std::string> keys;
    bool volume = dest == kServiceAccount;
    if (volume) keys = {"ca.crt", "namespace", "token"};
    if (member_or_null(c, "volumeMounts").is_array())
      for (const auto& vm : c["volumeMounts"]) {
        if (string_field(vm, "mountPath") != dest || !member_or_null(spec_, "volumes").is_array()) continue;
        for (const auto& v : spec_["volumes"]) {
          if (string_field(v, "name") != string_field(vm, "name")) continue;
          for (const char* kind : {"configMap", "secret", "projected", "downwardAPI"}) volume = volume || v.contains(kind);
          auto add_items = [&](const Json& src, bool config_map) {
            if (member_or_null(src, "items").is_array()) {
              for (const auto& it : src["items"]) keys.push_back(string_field(it, "path"));
              return;
            }
            const std::string obj = string_field(src, config_map ? "name" : "secretName").empty() ? string_field(src, "name") : string_field(src, config_map ? "name" : "secretName");
            const auto& table = config_map ? objects_.config_maps : objects_.secrets;
            for (const auto& [key, d] : table)
              if (key.substr(key.find('/') + 1) == obj)
                for (const auto& [k, val] : d.values) keys.push_back(k);
          };
          if (v.contains("configMap")) add_items(v["configMap"], true);
          if (v.contains("secret")) add_items(v["secret"], false);
          if (v.contains("downwardAPI")) add_items(v["downwardAPI"], true);
          if (member_or_null(member_or_null(v, "projected"), "sources").is_array())
            for (const auto& s : v["projected"]["sources"]) {
              if (s.contains("configMap")) add_items(s["configMap"], true);
              if (s.contains("secret")) add_items(s["secret"], false);
              if (s.contains("downwardAPI")) add_items(s["downwardAPI"], true);
              if (s.contains("serviceAccountToken")) keys.push_back(string_field(s["serviceAccountToken"], "path"));
            }
        }
      }
    if (!volume) {  // kubelet's files are files; a host directory (PVC, image VOLUME) is a directory
      const bool file = dest == "/etc/hosts" || dest == "/etc/hostname" || dest == "/etc/resolv.conf" ||
                        dest == "/dev/termination-log" || dest == string_field(c, "terminationMessagePath");
      out.push_back(file ? copy_request(src, "Regular", kRegularMode, 64) : copy_request(src, "Directory", kDirMode, 0));
      continue;
    }
    out.push_back(copy_request(src, "Directory", kDirMode | 01022, 0));  // kubelet's tmpfs: sticky, 1777
    out.push_back(copy_request(src + "/" + kVolumeStamp, "Directory", kDirMode, 0));
    for (const auto& k : keys) out.push_back(copy_request(src + "/" + kVolumeStamp + "/" + k, "Regular", kRegularMode, 16));
    out.push_back(copy_request(src + "/..data", "Symlink", kSymlinkMode, 0, kVolumeStamp));
    for (const auto& k : keys) {
      const std::string top = k.substr(0, k.find('/'));
      out.push_back(copy_request(src + "/" + top, "Symlink", kSymlinkMode, 0, "..data/" + top));
    }
  }
  return out;
}

Json NodePod::exec_request(const Json& create, const std::vector<std::string>& argv, const std::string& exec_id) const {
  const Json& p = create.at("OCI").at("Process");
  const bool rs = node_.shim == Shim::Rs;
  return {{"container_id", create.at("container_id")},
          {"exec_id", exec_id},
          {"string_user", nullptr},
          {"process",
           {{"Terminal", false},
            {"ConsoleSize", nullptr},
            {"User", p.at("User")},
            {"Args", argv},
            {"Env", p.at("Env")},
            {"Cwd", p.at("Cwd")},
            // The Go shim's exec carries no capabilities and no NoNewPrivileges (issue 11 item 2);
            // runtime-rs passes the container's.
            {"Capabilities", rs ? p.at("Capabilities") : Json(nullptr)},
            {"Rlimits", Json::array()},
            {"NoNewPrivileges", rs ? p.at("NoNewPrivileges") : Json(false)},
            {"ApparmorProfile", rs ? p.at("ApparmorProfile") : Json("")},
            {"OOMScoreAdj", 0},
            {"SelinuxLabel", ""}}}};
}

}  // namespace coco::policy
