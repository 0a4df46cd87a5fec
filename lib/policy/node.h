// SPDX-License-Identifier: Apache-2.0
// A pod as a node runs it (policy.md §1.5): the names, labels, environment, user, mounts and
// storages that kubelet, containerd 2.x and the Kata runtime put into the agent requests for one
// pod template, written from what those components do and NOT from the generator or the
// policy_data under test, so that evaluating a policy against these requests can catch generator
// bugs. The shapes follow the agent's JSON as captured on real nodes
// (../shared/vectors/rego/regorus/kata/*/inputs.txt): every protobuf field present.
//
// What the node decides (ids, the pod-template hash, the random suffix, IPs of services the input
// does not pin, the node's name) is fixed but arbitrary here, so every run gives the same requests.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "k8s/workload.h"
#include "policy/image.h"
#include "util/output.h"

namespace coco::policy {

// The Kata shim that talks to the agent: the Go runtime (kata-qemu-snp, kata-qemu-tdx) or
// runtime-rs. They differ in ExecProcess: Go sends no NoNewPrivileges and no capabilities,
// runtime-rs sends the container's capabilities and NoNewPrivileges.
enum class Shim { Go, Rs };
Shim parse_shim(std::string_view name);  // "go" | "rs"; throws Usage

// Facts of the cluster and the node (from the settings profile, never from the policy).
struct NodeOptions {
  Shim shim = Shim::Go;
  bool apparmor = false;              // containerd on an AppArmor host (Ubuntu) sets a profile
  std::string oci_version = "1.1.0";  // the OCI spec version the Kata runtime writes
  std::string default_namespace = "default";  // what kubectl uses for objects that name none
  std::string pause_image = "registry.k8s.io/pause:3.10";
  // Host-pulled tarfs layers (the AKS agent's shape) instead of guest pull: the pause image's facts.
  std::optional<ImageInfo> tarfs_pause;
};

// Reads oci_version, the pause image and guest pull vs tarfs layers from effective settings.
// `resolve` is asked for the pause image only when the settings host-pull tarfs layers.
NodeOptions node_options(const Json& settings, Shim shim, const ImageResolver& resolve);

// One pod of the input after scheduling: everything later requests are built from.
class NodePod {
 public:
  // `object` is the workload (the document item t.item points at); images are resolved lazily.
  NodePod(const Json& object, const k8s::PodTemplate& t, const k8s::Objects& objects, const ImageResolver& resolve,
          const NodeOptions& node);

  const std::string& name() const { return name_; }
  const std::string& namespace_() const { return namespace_name_; }
  const std::string& sandbox_id() const { return sandbox_id_; }
  const std::string& where() const { return t_.where; }
  const NodeOptions& node() const { return node_; }

  // Init containers (with sidecars, restartPolicy Always) first, then app containers.
  const std::vector<Json>& containers() const { return containers_; }

  Json create_sandbox() const;
  Json create_pause() const;
  Json create_container(std::size_t index) const;  // CreateContainerRequest of containers()[index]
  std::string container_id(std::size_t index) const;

  // The files the runtime copies into the shared directory before creating the container
  // (CopyFileRequest bodies): resolv.conf for the pause container (index npos), kubelet's files
  // and config map / secret / projected / downward API volume contents for a container, whose
  // create_container(index) is `create` (its mounts say which).
  std::vector<Json> copy_files(std::size_t index, const Json& create) const;

  // ExecProcessRequest for argv in a created container, as the chosen shim sends it.
  Json exec_request(const Json& create, const std::vector<std::string>& argv, const std::string& exec_id) const;

 private:
  struct Env {
    std::vector<std::string> list;                       // "K=V", kubelet's order
    std::vector<std::pair<std::string, std::string>> vars;  // for $(VAR) in command and args
  };
  Env kubelet_env(const Json& c, const std::string& where) const;
  std::vector<std::pair<std::string, std::string>> service_env() const;
  std::string field_ref(const std::string& path, const std::string& where) const;
  std::string resource_field_ref(const Json& ref, const Json& c, const std::string& where) const;
  Json user(const Json& c, const ImageInfo& image, const std::string& where) const;
  void mounts(const Json& c, const std::string& cid, bool privileged, bool readonly_root, Json& mounts,
              Json& storages, const ImageInfo& image) const;
  Json create_request(const std::string& cid, Json annotations, Json process, Json mounts, Json sysctls,
                      const std::string& image_ref, bool readonly_root, bool privileged, Json storages,
                      const ImageInfo* tarfs_image) const;
  Json common_annotations() const;
  const ImageInfo& image_of(std::size_t index) const;

  const Json& object_;
  const k8s::PodTemplate& t_;
  const k8s::Objects& objects_;
  const ImageResolver& resolve_;
  NodeOptions node_;
  Json meta_, spec_;
  std::vector<Json> containers_;
  mutable std::vector<std::optional<ImageInfo>> images_;
  std::string name_, namespace_name_, hostname_, uid_, sandbox_id_;
  Json labels_ = Json::object(), annotations_ = Json::object();
};

// kubelet's $(VAR) expansion (k8s.io/kubernetes third_party/forked/golang/expansion): defined
// names are replaced, $$ is a literal $, anything else stays as written.
std::string kubelet_expand(const std::string& text, const std::vector<std::pair<std::string, std::string>>& vars);

// The mounts containerd gives every container (proc, dev, sys…) and one bind mount, as the agent sees them.
Json default_mounts_json(bool privileged, bool with_cgroup);
Json bind_mount_json(const std::string& dest, const std::string& source, Json options);

// Shared directory path the runtime gives a host file bind-mounted at `dest`:
// <shared>/<cid>-<16 hex>-<basename> (the hex is random on a node, derived from cid+dest here).
std::string shared_source(const std::string& cid, const std::string& dest);

}  // namespace coco::policy
