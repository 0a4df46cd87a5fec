// SPDX-License-Identifier: Apache-2.0
#include "policy/node.h"
#include "policy/node_internal.h"

#include <algorithm>
#include <set>

#include "policy/settings.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"

namespace coco::policy {

using namespace node_internal;
using k8s::member_or_null;
using k8s::string_field;

namespace {

const char* const kMasked[] = {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                               "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                               "/proc/scsi"};
const char* const kReadonly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
// Fixed stand-ins for what the cluster decides.
constexpr const char* kPodUid = "3f2a9c1e-7b4d-4e8a-9c2f-1a2b3c4d5e6f";
constexpr const char* kControllerUid = "9c64c5bf-298f-46c4-ad63-e2270a2ff44c";
constexpr const char* kSuffix = "x7k2q";          // rand.String(5) from the suffix alphabet
constexpr const char* kTemplateHash = "6d4cf56db6";  // a Deployment's pod-template-hash
constexpr const char* kCronMinute = "29421360";    // a CronJob's scheduled time in minutes

std::string hexid(const std::string& joined) { return to_hex(digest(Algo::Sha256, joined)); }


std::string scalar_text(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }




Json make_process(const Json& argv, const Json& env, const std::string& cwd, const Json& user,
                  const std::vector<std::string>& caps, bool nnp, bool terminal, const std::string& apparmor,
                  int oom) {
  return {{"Terminal", terminal},
          {"ConsoleSize", nullptr},
          {"User", user},
          {"Args", argv},
          {"Env", env},
          {"Cwd", cwd},
          {"Capabilities",
           {{"Bounding", Json(caps)}, {"Effective", Json(caps)}, {"Inheritable", Json::array()},
            {"Permitted", Json(caps)}, {"Ambient", Json::array()}}},
          {"Rlimits", Json::array()},
          {"NoNewPrivileges", nnp},
          {"ApparmorProfile", apparmor},
          {"OOMScoreAdj", oom},
          {"SelinuxLabel", ""}};
}

Json storage(const std::string& driver, Json driver_options, const std::string& source, const std::string& fstype,
             Json options, const std::string& mount_point, Json fs_group) {
  return {{"driver", driver}, {"driver_options", std::move(driver_options)}, {"source", source},
          {"fstype", fstype}, {"options", std::move(options)}, {"mount_point", mount_point},
          {"fs_group", std::move(fs_group)}, {"shared", false}};
}

// The AKS tardev snapshotter: one tar block device per layer with its dm-verity root, and the
// guest's overlay stacking them (top first), named after sha256 of their OCI chain ids.
Json tarfs_storages(const ImageInfo& image, const std::string& root, const std::string& where) {
  if (image.verity_roots.size() != image.diff_ids.size())
    fail(where, "image " + image.reference + ": tarfs dm-verity roots are needed for every layer");
  std::vector<std::string> names, roots;
  std::string chain;
  for (const auto& d : image.diff_ids) {
    chain = chain.empty() ? d : "sha256:" + hexid(chain + " " + d);
    names.insert(names.begin(), hexid(chain));
  }
  for (auto it = image.verity_roots.rbegin(); it != image.verity_roots.rend(); ++it) {
    if (!*it) fail(where, "image " + image.reference + ": a layer without a tarfs dm-verity root");
    roots.push_back(**it);
  }
  const std::string hash_opt = "io.katacontainers.fs-opt.root-hash=";
  Json out = Json::array();
  for (std::size_t k = 0; k < names.size(); ++k)
    out.push_back(storage("blk", Json::array(), "/dev/vd" + std::string(1, static_cast<char>('b' + k % 24)), "tar",
                          {"ro", "io.katacontainers.fs-opt.block_device=file", "io.katacontainers.fs-opt.is-layer",
                           hash_opt + roots[k]},
                          "/run/kata-containers/sandbox/layers/" + names[k], nullptr));
  const std::string layer =
      "tar,ro,io.katacontainers.fs-opt.block_device=file,io.katacontainers.fs-opt.is-layer," + hash_opt;
  Json options = Json::array(
      {"io.katacontainers.fs-opt.layer-src-prefix=/var/lib/containerd/io.containerd.snapshotter.v1.tardev/layers"});
  std::string lowerdir;
  for (std::size_t k = 0; k < names.size(); ++k) {
    options.push_back("io.katacontainers.fs-opt.layer=" + to_base64(as_bytes(names[k] + "," + layer + roots[k])));
    lowerdir += (k ? ":" : "") + names[k];
  }
  options.push_back("io.katacontainers.fs-opt.overlay-rw");
  options.push_back("lowerdir=" + lowerdir);
  out.push_back(storage("overlayfs", Json::array(), "none", "fuse3.kata-overlay", options, root, nullptr));
  return out;
}


}  // namespace

Json default_mounts_json(bool privileged, bool with_cgroup) {
  const std::string sys_mode = privileged ? "rw" : "ro";
  Json out = Json::array({
      {{"destination", "/proc"}, {"source", "proc"}, {"type_", "proc"}, {"options", {"nosuid", "noexec", "nodev"}}},
      {{"destination", "/dev"}, {"source", "tmpfs"}, {"type_", "tmpfs"},
       {"options", {"nosuid", "strictatime", "mode=755", "size=65536k"}}},
      {{"destination", "/dev/pts"}, {"source", "devpts"}, {"type_", "devpts"},
       {"options", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}}},
      {{"destination", "/dev/mqueue"}, {"source", "mqueue"}, {"type_", "mqueue"},
       {"options", {"nosuid", "noexec", "nodev"}}},
      {{"destination", "/sys"}, {"source", "sysfs"}, {"type_", "sysfs"},
       {"options", {"nosuid", "noexec", "nodev", sys_mode}}},
  });
  if (with_cgroup)
    out.push_back({{"destination", "/sys/fs/cgroup"}, {"source", "cgroup"}, {"type_", "cgroup"},
                   {"options", {"nosuid", "noexec", "nodev", "relatime", sys_mode}}});
  return out;
}

Json bind_mount_json(const std::string& dest, const std::string& source, Json options) {
  return {{"destination", dest}, {"source", source}, {"type_", "bind"}, {"options", std::move(options)}};
}

Shim parse_shim(std::string_view name) {
  if (name == "go") return Shim::Go;
  if (name == "rs") return Shim::Rs;
  usage_error("--shim: expected go or rs, got '" + std::string(name) + "'");
}

NodeOptions node_options(const Json& settings, Shim shim, const ImageResolver& resolve) {
  NodeOptions n;
  n.shim = shim;
  n.oci_version = settings.at("kata_config").at("oci_version").get<std::string>();
  n.pause_image = settings.at("cluster_config").at("pause_container_image").get<std::string>();
  if (binds_tarfs_layers(settings)) n.tarfs_pause = resolve(n.pause_image, "pause image");
  return n;
}

std::string shared_source(const std::string& cid, const std::string& dest) {
  std::string base = dest;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  base = base.substr(base.rfind('/') + 1);
  return std::string(kShared) + "/" + cid + "-" + hexid(cid + "/" + dest).substr(0, 16) + "-" + base;
}

std::string kubelet_expand(const std::string& text, const std::vector<std::pair<std::string, std::string>>& vars) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, 2, "$$") == 0) {
      out += '$';
      i += 2;
    } else if (text.compare(i, 2, "$(") == 0 && text.find(')', i) != std::string::npos) {
      const std::size_t end = text.find(')', i);
      const std::string name = text.substr(i + 2, end - i - 2);
      auto it = std::find_if(vars.rbegin(), vars.rend(), [&](const auto& kv) { return kv.first == name; });
      out += it != vars.rend() ? it->second : text.substr(i, end - i + 1);
      i = end + 1;
    } else {
      out += text[i++];
    }
  }
  return out;
}

NodePod::NodePod(const Json& object, const k8s::PodTemplate& t, const k8s::Objects& objects,
                 const ImageResolver& resolve, const NodeOptions& node)
    : object_(object), t_(t), objects_(objects), resolve_(resolve), node_(node) {
  const Json::json_pointer rel_meta(t.metadata.to_string().substr(t.item.to_string().size()));
  const Json::json_pointer rel_spec(t.spec.to_string().substr(t.item.to_string().size()));
  meta_ = object.contains(rel_meta) ? object[rel_meta] : Json::object();
  spec_ = object.at(rel_spec);
  namespace_name_ = t.namespace_.empty() ? node.default_namespace : t.namespace_;

  // The pod's name as its controller gives it.
  const std::string& n = t.name;
  const std::string job = t.kind == "CronJob" ? n + "-" + kCronMinute : n;
  if (t.kind == "Pod") name_ = n.empty() ? string_field(object.value("metadata", Json::object()), "generateName") + kSuffix : n;
  else if (t.indexed_job) name_ = job + "-1-" + kSuffix;
  else if (t.kind == "Deployment") name_ = n + "-" + kTemplateHash + "-" + kSuffix;
  else if (t.kind == "StatefulSet") name_ = n + "-0";
  else name_ = job + "-" + kSuffix;
  uid_ = kPodUid;
  sandbox_id_ = hexid("sandbox/" + name_);

  // Labels and annotations the controllers add to the pods they create.
  if (meta_.contains("labels") && meta_["labels"].is_object()) labels_ = meta_["labels"];
  if (meta_.contains("annotations") && meta_["annotations"].is_object()) annotations_ = meta_["annotations"];
  if (t.kind == "Deployment") {
    labels_["pod-template-hash"] = kTemplateHash;
  } else if (t.kind == "StatefulSet") {
    labels_["statefulset.kubernetes.io/pod-name"] = name_;
    labels_["apps.kubernetes.io/pod-index"] = "0";
    labels_["controller-revision-hash"] = n + "-7b9c5d8f4";
  } else if (t.kind == "DaemonSet") {
    labels_["controller-revision-hash"] = "5d8f7b9c4";
    labels_["pod-template-generation"] = "1";
  } else if (t.kind == "Job" || t.kind == "CronJob") {
    for (const char* k : {"batch.kubernetes.io/controller-uid", "controller-uid"}) labels_[k] = kControllerUid;
    for (const char* k : {"batch.kubernetes.io/job-name", "job-name"}) labels_[k] = job;
    if (t.indexed_job) {
      labels_["batch.kubernetes.io/job-completion-index"] = "1";
      annotations_["batch.kubernetes.io/job-completion-index"] = "1";
    }
  }
  // kubelet: spec.hostname, else the pod name cut to 63 characters without trailing '-' or '.';
  // an Indexed Job's controller sets "<job>-<index>".
  hostname_ = string_field(spec_, "hostname");
  if (t.indexed_job) {
    hostname_ = job + "-1";
  } else if (hostname_.empty()) {
    hostname_ = name_.substr(0, 63);
    while (!hostname_.empty() && (hostname_.back() == '-' || hostname_.back() == '.')) hostname_.pop_back();
  }

  for (const char* list : {"initContainers", "containers"}) {
    const Json& l = member_or_null(spec_, list);
    if (l.is_null()) continue;
    if (!l.is_array()) fail(t.where, std::string("spec.") + list + ": expected a list");
    for (const auto& c : l) {
      if (!c.is_object() || string_field(c, "name").empty() || string_field(c, "image").empty())
        fail(t.where, std::string("spec.") + list + ": a container needs a name and an image");
      Json copy = c;
      if (t.indexed_job) {  // the Job controller's env for the index, unless the container sets it
        bool has = false;
        if (copy.contains("env") && copy["env"].is_array())
          for (const auto& e : copy["env"]) has = has || string_field(e, "name") == "JOB_COMPLETION_INDEX";
        if (!has) {
          if (!copy.contains("env") || !copy["env"].is_array()) copy["env"] = Json::array();
          copy["env"].push_back({{"name", "JOB_COMPLETION_INDEX"},
                                 {"valueFrom",
                                  {{"fieldRef",
                                    {{"fieldPath", "metadata.annotations['batch.kubernetes.io/job-completion-index']"}}}}}});
        }
      }
      containers_.push_back(std::move(copy));
    }
  }
  if (containers_.empty()) fail(t.where, "spec.containers: the pod has no containers");
  images_.resize(containers_.size());
}

const ImageInfo& NodePod::image_of(std::size_t index) const {
  if (!images_[index]) images_[index] = resolve_(string_field(containers_[index], "image"), t_.where + ": container " +
                                                                                       string_field(containers_[index], "name"));
  return *images_[index];
}

std::string NodePod::container_id(std::size_t index) const {
  return hexid("container/" + name_ + "/" + string_field(containers_.at(index), "name"));
}

Json NodePod::common_annotations() const {
  return {{"io.kubernetes.cri.sandbox-id", sandbox_id_},
          {"io.kubernetes.cri.sandbox-name", name_},
          {"io.kubernetes.cri.sandbox-namespace", namespace_name_},
          {"io.kubernetes.cri.sandbox-uid", uid_}};
}

Json NodePod::create_sandbox() const {
  return {{"hostname", hostname_},
          {"dns", {"search " + namespace_name_ + ".svc.cluster.local svc.cluster.local cluster.local",
                   "nameserver 10.96.0.10", "options ndots:5", ""}},
          {"storages",
           {storage("ephemeral", Json::array(), "shm", "tmpfs",
                    {"noexec", "nosuid", "nodev", "mode=1777", "size=67108864"}, kShm, nullptr)}},
          {"sandbox_pidns", false},
          {"sandbox_id", sandbox_id_},
          {"guest_hook_path", ""},
          {"kernel_modules", Json::array()}};
}

Json NodePod::create_pause() const {
  const std::string& cid = sandbox_id_;
  Json anno = common_annotations();
  anno["io.katacontainers.pkg.oci.bundle_path"] = "/run/containerd/io.containerd.runtime.v2.task/k8s.io/" + cid;
  anno["io.katacontainers.pkg.oci.container_type"] = "pod_sandbox";
  anno["io.kubernetes.cri.container-type"] = "sandbox";
  anno["io.kubernetes.cri.podsandbox.image-name"] = node_.pause_image;
  anno["io.kubernetes.cri.sandbox-cpu-period"] = "100000";
  anno["io.kubernetes.cri.sandbox-cpu-quota"] = "0";
  anno["io.kubernetes.cri.sandbox-cpu-shares"] = "2";
  anno["io.kubernetes.cri.sandbox-memory"] = "0";
  anno["io.kubernetes.cri.sandbox-log-directory"] = "/var/log/pods/" + namespace_name_ + "_" + name_ + "_" + uid_;
  anno["nerdctl/network-namespace"] = "/var/run/netns/cni-0a1b2c3d-4e5f-6789-abcd-ef0123456789";
  const Json& psc = member_or_null(spec_, "securityContext");
  const long long uid = member_or_null(psc, "runAsUser").is_number_integer() ? psc["runAsUser"].get<long long>() : 65535;
  const long long gid = member_or_null(psc, "runAsGroup").is_number_integer() ? psc["runAsGroup"].get<long long>() : 65535;
  std::set<long long> groups{gid};
  if (member_or_null(psc, "fsGroup").is_number_integer()) groups.insert(psc["fsGroup"].get<long long>());
  if (member_or_null(psc, "supplementalGroups").is_array())
    for (const auto& g : psc["supplementalGroups"])
      if (g.is_number_integer()) groups.insert(g.get<long long>());
  Json mounts = default_mounts_json(false, false);
  mounts.push_back(bind_mount_json("/dev/shm", kShm, {"rbind"}));
  mounts.push_back(bind_mount_json("/etc/resolv.conf", shared_source(cid, "/etc/resolv.conf"),
                              {"rbind", "ro", "nosuid", "nodev", "noexec"}));
  // containerd 2.x sets these on every pod sandbox.
  Json sysctls = {{"net.ipv4.ip_unprivileged_port_start", "0"}, {"net.ipv4.ping_group_range", "0 2147483647"}};
  if (member_or_null(psc, "sysctls").is_array())
    for (const auto& s : psc["sysctls"]) sysctls[string_field(s, "name")] = scalar_text(member_or_null(s, "value"));
  const Json user = {{"UID", uid}, {"GID", gid}, {"AdditionalGids", Json(groups)}, {"Username", ""}};
  Json process = make_process({"/pause"}, {kDefaultPath}, "/", user, kDefaultCaps, true, false, "", -998);
  return create_request(cid, anno, process, mounts, sysctls, "pause", true, false, Json::array(),
                        node_.tarfs_pause ? &*node_.tarfs_pause : nullptr);
}

Json NodePod::create_request(const std::string& cid, Json anno, Json process, Json mounts, Json sysctls,
                             const std::string& image_ref, bool readonly_root, bool privileged, Json storages,
                             const ImageInfo* tarfs_image) const {
  std::string root;
  if (!node_.tarfs_pause) {
    root = "/run/kata-containers/" + cid + "/rootfs";
    Json meta = {{"metadata", anno}};
    storages.push_back(storage("image_guest_pull", {"image_guest_pull=" + meta.dump()}, image_ref, "overlay",
                               Json::array(), root, nullptr));
  } else {
    root = std::string(kShared) + "/" + cid + "/rootfs";
    for (auto& s : tarfs_storages(*tarfs_image, root, t_.where)) storages.push_back(std::move(s));
  }
  Json masked = Json::array(), readonly = Json::array();
  if (!privileged) {
    for (const char* m : kMasked) masked.push_back(m);
    for (const char* r : kReadonly) readonly.push_back(r);
  }
  const bool sandbox = anno.value("io.kubernetes.cri.container-type", "") == "sandbox";
  Json oci = {
      {"Version", node_.oci_version},
      {"Process", std::move(process)},
      {"Root", {{"Path", root}, {"Readonly", readonly_root}}},
      {"Hostname", sandbox ? hostname_ : ""},
      {"Mounts", std::move(mounts)},
      {"Hooks", nullptr},
      {"Annotations", std::move(anno)},
      {"Linux",
       {{"UIDMappings", Json::array()},
        {"GIDMappings", Json::array()},
        {"Sysctl", std::move(sysctls)},
        {"Resources",
         {{"Devices", Json::array()},
          {"Memory", nullptr},
          {"CPU",
           {{"Shares", 2}, {"Quota", 0}, {"Period", sandbox ? 0 : 100000}, {"RealtimeRuntime", 0},
            {"RealtimePeriod", 0}, {"Cpus", ""}, {"Mems", ""}}},
          {"Pids", nullptr},
          {"BlockIO", nullptr},
          {"HugepageLimits", Json::array()},
          {"Network", nullptr}}},
        {"CgroupsPath", "/kubepods/besteffort/pod" + uid_ + "/" + cid},
        {"Namespaces", {{{"Type", "ipc"}, {"Path", ""}}, {{"Type", "uts"}, {"Path", ""}}, {{"Type", "mount"}, {"Path", ""}}}},
        {"Devices", Json::array()},
        {"Seccomp", nullptr},
        {"RootfsPropagation", ""},
        {"MaskedPaths", std::move(masked)},
        {"ReadonlyPaths", std::move(readonly)},
        {"MountLabel", ""},
        {"IntelRdt", nullptr}}},
      {"Solaris", nullptr},
      {"Windows", nullptr}};
  return {{"container_id", cid},
          {"exec_id", cid},
          {"string_user", nullptr},
          {"devices", Json::array()},
          {"storages", std::move(storages)},
          {"OCI", std::move(oci)},
          {"sandbox_pidns", sandbox ? false : member_or_null(spec_, "shareProcessNamespace") == true},
          {"shared_mounts", Json::array()}};
}

}  // namespace coco::policy
