// SPDX-License-Identifier: Apache-2.0
#include "policy/simulate.h"

#include "util/digest.h"
#include "util/encoding.h"

namespace coco::policy {

using k8s::member_or_null;
using k8s::string_field;
namespace {

constexpr const char* kEvilImage = "registry.example/evil@sha256:eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";

// A UUID-shaped exec id, fixed per pod, container and command.
std::string exec_id(const std::string& seed) {
  const std::string h = to_hex(digest(Algo::Sha256, seed));
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-4" + h.substr(13, 3) + "-a" + h.substr(17, 3) + "-" + h.substr(20, 12);
}

struct Exec {
  std::vector<std::string> argv;
  std::string source;  // "livenessProbe", "postStart hook"
};

// Exec probes and hooks in the order the kubelet runs them once a container has started.
std::vector<Exec> exec_commands(const Json& c) {
  std::vector<Exec> out;
  auto command_of = [](const Json& handler) -> const Json* {
    if (!handler.is_object() || !handler.contains("exec") || !handler["exec"].is_object()) return nullptr;
    const Json& e = handler["exec"];
    return e.contains("command") && e["command"].is_array() ? &e["command"] : nullptr;
  };
  auto add = [&](const Json* cmd, const std::string& source) {
    if (cmd == nullptr) return;
    Exec e{{}, source};
    for (const auto& a : *cmd) e.argv.push_back(a.is_string() ? a.get<std::string>() : a.dump());
    out.push_back(std::move(e));
  };
  const Json lifecycle = c.value("lifecycle", Json::object());
  if (lifecycle.is_object() && lifecycle.contains("postStart")) add(command_of(lifecycle["postStart"]), "postStart hook");
  for (const char* probe : {"startupProbe", "livenessProbe", "readinessProbe"})
    if (c.contains(probe)) add(command_of(c[probe]), probe);
  if (lifecycle.is_object() && lifecycle.contains("preStop")) add(command_of(lifecycle["preStop"]), "preStop hook");
  return out;
}

bool is_init(const NodePod& pod, std::size_t i, std::size_t init_count) {
  return i < init_count && string_field(pod.containers()[i], "restartPolicy") != "Always";
}

// The near misses a compromised host would try for one created container (issue 14).
void near_misses(const NodePod& pod, const Json& create, const std::string& name, const std::vector<Exec>& execs,
                 const k8s::Objects& objects, std::vector<Request>& out) {
  auto add = [&](const std::string& kind, Json input, const std::string& what) {
    out.push_back({kind, std::move(input), name, what, false});
  };
  const std::string cc = "CreateContainerRequest";
  {
    Json r = create;
    r["OCI"]["Annotations"]["io.kubernetes.cri.image-name"] = kEvilImage;
    bool guest_pull = false;
    for (auto& s : r["storages"])
      if (s["driver"] == "image_guest_pull") {
        s["source"] = kEvilImage;
        guest_pull = true;
      }
    add(cc, r, "create " + name + " with another image");
    r = create;
    if (guest_pull) {
      for (auto& s : r["storages"])
        if (s["driver"] == "image_guest_pull") s["source"] = kEvilImage;  // the annotation names the right one
      add(cc, r, "create " + name + " pulling another image than it names");
    } else {
      for (auto& s : r["storages"])
        if (s["fstype"] == "tar") {
          s["options"].back() = "io.katacontainers.fs-opt.root-hash=" + std::string(64, 'e');
          break;
        }
      add(cc, r, "create " + name + " with a layer of another dm-verity root");
    }
  }
  {
    Json r = create;
    r["OCI"]["Process"]["Env"].push_back("LD_PRELOAD=/tmp/evil.so");
    add(cc, r, "create " + name + " with an extra env variable");
  }
  // Another IP for a service whose clusterIP the input fixes.
  for (const auto& svc : objects.services) {
    if (svc.cluster_ip.empty()) continue;
    std::string prefix;
    for (char ch : svc.name) prefix += ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    const std::string var = prefix + "_SERVICE_HOST=";
    Json r = create;
    bool found = false;
    for (auto& e : r["OCI"]["Process"]["Env"])
      if (e.get<std::string>().rfind(var, 0) == 0) {
        e = var + "10.0.0.9";
        found = true;
      }
    if (found) add(cc, r, "create " + name + " with " + var + "10.0.0.9 (another service IP)");
  }
  {
    Json r = create;
    Json& args = r["OCI"]["Process"]["Args"];
    if (args.empty()) args.push_back("--evil");
    else args.back() = args.back().get<std::string>() + " --evil";
    add(cc, r, "create " + name + " with a changed argument");
  }
  {
    Json r = create;
    const Json caps = {"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_SYS_ADMIN", "CAP_SYS_MODULE", "CAP_NET_ADMIN", "CAP_SYS_PTRACE"};
    for (const char* set : {"Bounding", "Effective", "Permitted"}) r["OCI"]["Process"]["Capabilities"][set] = caps;
    r["OCI"]["Linux"]["MaskedPaths"] = Json::array();
    r["OCI"]["Linux"]["ReadonlyPaths"] = Json::array();
    r["OCI"]["Process"]["NoNewPrivileges"] = false;
    for (auto& m : r["OCI"]["Mounts"])
      if (m["type_"] == "sysfs" || m["type_"] == "cgroup") m["options"].back() = "rw";
    if (r["OCI"]["Process"]["Capabilities"] != create["OCI"]["Process"]["Capabilities"])
      add(cc, r, "create " + name + " privileged");
  }
  {
    Json r = create;
    bool had = false;
    for (const char* set : {"Bounding", "Effective", "Permitted"}) {
      Json& list = r["OCI"]["Process"]["Capabilities"][set];
      for (const auto& c : list) had = had || c == "CAP_SYS_ADMIN";
      if (!had) list.push_back("CAP_SYS_ADMIN");
    }
    if (!had) add(cc, r, "create " + name + " with an extra capability (CAP_SYS_ADMIN)");
  }
  {
    Json r = create;
    r["OCI"]["Mounts"].push_back(bind_mount_json("/host", "/", {"rbind", "rprivate", "rw"}));
    add(cc, r, "create " + name + " with a host mount (/ at /host)");
  }
  const Json shell = pod.exec_request(create, {"sh", "-c", "cat /proc/self/environ"}, exec_id(name + "/shell"));
  add("ExecProcessRequest", shell, "exec a shell in " + name);
  if (!execs.empty()) {
    Json r = pod.exec_request(create, execs.front().argv, exec_id(name + "/root"));
    if (r["process"]["User"]["UID"] != 0) {
      r["process"]["User"]["UID"] = 0;
      r["process"]["User"]["GID"] = 0;
      add("ExecProcessRequest", r, "exec " + Json(execs.front().argv).dump() + " in " + name + " as root");
    }
  }
}

}  // namespace

std::vector<Request> simulate_pod(const Json& object, const k8s::PodTemplate& t, const k8s::Objects& objects,
                                  const ImageResolver& resolve, const SimulateOptions& opts) {
  const NodePod pod(object, t, objects, resolve, opts.node);
  std::vector<Request> out, negatives;
  auto add = [&](const std::string& kind, Json input, const std::string& container, const std::string& what) {
    out.push_back({kind, std::move(input), container, what, true});
  };
  add("UpdateInterfaceRequest",
      {{"interface",
        {{"device", "eth0"}, {"name", "eth0"},
         {"IPAddresses", {{{"family", 0}, {"address", "10.244.1.17"}, {"mask", "24"}}}},
         {"mtu", 1500}, {"hwAddr", "46:7c:91:8d:d4:20"}, {"pciPath", ""}, {"type_", ""}, {"raw_flags", 0}}}},
      "", "update interface eth0");
  add("UpdateRoutesRequest",
      {{"routes", {{"Routes", {{{"dest", ""}, {"gateway", "10.244.1.1"}, {"device", "eth0"}, {"source", ""},
                                {"scope", 0}, {"family", 0}}}}}}},
      "", "update routes");
  const Json sandbox = pod.create_sandbox();
  add("CreateSandboxRequest", sandbox, "", "create sandbox");
  add("GuestDetailsRequest", {{"mem_block_size", true}, {"mem_hotplug_probe", true}}, "", "guest details");
  for (auto& f : pod.copy_files(static_cast<std::size_t>(-1), Json())) add("CopyFileRequest", f, "pause", "copy " + f["path"].get<std::string>());
  const Json pause = pod.create_pause();
  const std::string sid = pod.sandbox_id();
  add("CreateContainerRequest", pause, "pause", "create pause container");
  add("StartContainerRequest", {{"container_id", sid}}, "pause", "start pause container");
  add("WaitProcessRequest", {{"container_id", sid}, {"exec_id", sid}}, "pause", "wait for pause");
  add("GetOOMEventRequest", Json::object(), "", "get OOM event");
  if (opts.negative) {
    Json hooked = sandbox;
    hooked["guest_hook_path"] = "/attacker/hooks";
    negatives.push_back({"CreateSandboxRequest", hooked, "", "create sandbox with a guest hook path", false});
  }

  std::size_t init_count = 0;
  if (const Json& spec = object.contains(Json::json_pointer(t.spec.to_string().substr(t.item.to_string().size())))
                             ? object[Json::json_pointer(t.spec.to_string().substr(t.item.to_string().size()))]
                             : Json::object();
      spec.contains("initContainers") && spec["initContainers"].is_array())
    init_count = spec["initContainers"].size();
  std::vector<std::string> started;
  for (std::size_t i = 0; i < pod.containers().size(); ++i) {
    const Json& c = pod.containers()[i];
    const std::string name = string_field(c, "name");
    const std::string cid = pod.container_id(i);
    const Json create = pod.create_container(i);
    for (auto& f : pod.copy_files(i, create)) add("CopyFileRequest", f, name, "copy " + f["path"].get<std::string>());
    add("CreateContainerRequest", create, name, "create container " + name);
    add("StartContainerRequest", {{"container_id", cid}}, name, "start " + name);
    if (is_init(pod, i, init_count)) {
      add("WaitProcessRequest", {{"container_id", cid}, {"exec_id", cid}}, name, "wait for init container " + name);
    } else {
      started.push_back(cid);
    }
    const auto execs = exec_commands(c);
    for (const auto& e : execs) {
      const std::string id = exec_id(name + "/" + e.source);
      add("ExecProcessRequest", pod.exec_request(create, e.argv, id), name,
          "exec " + Json(e.argv).dump() + " in " + name + " (" + e.source + ")");
      add("WaitProcessRequest", {{"container_id", cid}, {"exec_id", id}}, name, "wait for the " + e.source);
    }
    if (opts.negative) near_misses(pod, create, name, execs, objects, negatives);
  }
  for (const auto& cid : started) {
    add("SignalProcessRequest", {{"container_id", cid}, {"exec_id", ""}, {"signal", 15}}, "", "stop container (SIGTERM)");
    add("WaitProcessRequest", {{"container_id", cid}, {"exec_id", cid}}, "", "wait for the container to exit");
    add("RemoveContainerRequest", {{"container_id", cid}, {"timeout", 0}}, "", "remove container");
  }
  add("SignalProcessRequest", {{"container_id", sid}, {"exec_id", ""}, {"signal", 9}}, "pause", "stop pause (SIGKILL)");
  add("RemoveContainerRequest", {{"container_id", sid}, {"timeout", 0}}, "pause", "remove pause container");
  add("DestroySandboxRequest", Json::object(), "", "destroy sandbox");
  for (auto& n : negatives) out.push_back(std::move(n));
  return out;
}

}  // namespace coco::policy
