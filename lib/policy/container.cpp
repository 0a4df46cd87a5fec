// SPDX-License-Identifier: Apache-2.0
#include "policy/container.h"

#include <algorithm>
#include <set>

#include "k8s/workload.h"
#include "policy/mounts.h"
#include "policy/settings.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"

namespace coco::policy {
namespace {

using k8s::regex_escape;
using k8s::string_field;

// containerd's default AppArmor profile for application containers (pkg/cri, "cri-containerd.apparmor.d").
constexpr const char* kContainerdAppArmorProfile = "cri-containerd.apparmor.d";


std::vector<std::string> strings(const Json& obj, const char* key, const std::string& where) {
  std::vector<std::string> out;
  if (!obj.is_object() || !obj.contains(key) || obj[key].is_null()) return out;
  if (!obj[key].is_array()) fail(where, std::string(key) + ": expected a list of strings");
  for (const auto& v : obj[key]) {
    if (v.is_string()) out.push_back(v.get<std::string>());
    else if (v.is_number() || v.is_boolean()) out.push_back(v.dump());  // YAML `- 80` is "80" to kubelet
    else fail(where, std::string(key) + ": expected a list of strings");
  }
  return out;
}

std::optional<unsigned> id_at(const Json& sc, const char* key, const std::string& where) {
  if (!sc.is_object() || !sc.contains(key) || sc[key].is_null()) return std::nullopt;
  if (!sc[key].is_number_integer() || sc[key].get<std::int64_t>() < 0 || sc[key].get<std::int64_t>() > 0xFFFFFFFFLL)
    fail(where, std::string("securityContext.") + key + ": expected a non-negative integer");
  return static_cast<unsigned>(sc[key].get<std::int64_t>());
}

struct Identity {
  unsigned uid = 0, gid = 0;
  std::set<unsigned> groups;
};

// policy.md §1.4 steps 7-8 and §3.4: securityContext first (container over pod), then the image's
// USER resolved through its /etc/passwd; GID from passwd; supplementary groups from /etc/group,
// the pod's supplementalGroups and fsGroup.
Identity identity(const Json& container, const ImageInfo& image, const Json& pod_spec, const std::string& where) {
  const Json psc = pod_spec.value("securityContext", Json::object());
  const Json csc = container.value("securityContext", Json::object());
  const auto passwd = parse_passwd(image.etc_passwd.value_or(""));
  const auto groups = parse_group(image.etc_group.value_or(""));
  Identity id;
  std::string user_name;
  std::optional<unsigned> uid = id_at(csc, "runAsUser", where);
  if (!uid) uid = id_at(psc, "runAsUser", where);
  if (uid) {
    id.uid = *uid;
  } else if (!image.user.empty()) {
    const std::string u = image.user.substr(0, image.user.find(':'));  // kubelet passes the user only
    unsigned v = 0;
    if (!u.empty() && std::all_of(u.begin(), u.end(), ::isdigit)) {
      id.uid = static_cast<unsigned>(std::stoul(u));
      (void)v;
    } else {
      const auto it = std::find_if(passwd.begin(), passwd.end(), [&](const Passwd& p) { return p.name == u; });
      if (it == passwd.end())
        fail(where, "image " + image.reference + ": USER '" + u + "' is not in the image's /etc/passwd; set "
                    "securityContext.runAsUser");
      id.uid = it->uid;
    }
  }
  const auto pw = std::find_if(passwd.begin(), passwd.end(), [&](const Passwd& p) { return p.uid == id.uid; });
  if (pw != passwd.end()) {
    id.gid = pw->gid;
    user_name = pw->name;
  }
  std::optional<unsigned> gid = id_at(csc, "runAsGroup", where);
  if (!gid) gid = id_at(psc, "runAsGroup", where);
  if (gid) id.gid = *gid;
  id.groups.insert(id.gid);
  if (!user_name.empty())
    for (const auto& g : groups)
      if (g.name != user_name && std::find(g.members.begin(), g.members.end(), user_name) != g.members.end())
        id.groups.insert(g.gid);
  if (auto fs = id_at(psc, "fsGroup", where)) id.groups.insert(*fs);
  if (psc.contains("supplementalGroups") && psc["supplementalGroups"].is_array())
    for (const auto& g : psc["supplementalGroups"]) {
      if (!g.is_number_integer() || g.get<std::int64_t>() < 0) fail(where, "securityContext.supplementalGroups: expected integers");
      id.groups.insert(static_cast<unsigned>(g.get<std::int64_t>()));
    }
  return id;
}

Json capabilities(const Json& csc, bool privileged, const Json& common, const std::string& where) {
  std::vector<std::string> caps = common[privileged ? "privileged_caps" : "default_caps"];
  const Json c = csc.value("capabilities", Json::object());
  auto norm = [](std::string s) { return s.rfind("CAP_", 0) == 0 ? s : "CAP_" + s; };
  for (const auto& d : strings(c, "drop", where)) {
    if (d == "ALL" || d == "all") caps.clear();
    else caps.erase(std::remove(caps.begin(), caps.end(), norm(d)), caps.end());
  }
  for (const auto& a : strings(c, "add", where)) {
    if (a == "ALL" || a == "all") {
      caps = common["privileged_caps"].get<std::vector<std::string>>();
      continue;
    }
    if (std::find(caps.begin(), caps.end(), norm(a)) == caps.end()) caps.push_back(norm(a));
  }
  // upstream rules expand these placeholders; a list equal to a default is written as it
  Json list = caps;
  if (caps == common["default_caps"].get<std::vector<std::string>>()) list = Json::array({"$(default_caps)"});
  else if (caps == common["privileged_caps"].get<std::vector<std::string>>()) list = Json::array({"$(privileged_caps)"});
  return {{"Ambient", Json::array()}, {"Bounding", list}, {"Effective", list}, {"Inheritable", Json::array()},
          {"Permitted", list}};
}

// Probe and lifecycle exec commands: the only ExecProcess requests kubelet itself sends.
Json exec_commands(const Json& container, const std::string& where) {
  Json out = Json::array();
  for (const char* probe : {"livenessProbe", "readinessProbe", "startupProbe"})
    if (container.contains(probe) && container[probe].contains("exec"))
      out.push_back(strings(container[probe]["exec"], "command", where + "." + probe + ".exec"));
  if (container.contains("lifecycle"))
    for (const char* hook : {"postStart", "preStop"})
      if (container["lifecycle"].contains(hook) && container["lifecycle"][hook].contains("exec"))
        out.push_back(strings(container["lifecycle"][hook]["exec"], "command", where + ".lifecycle." + hook + ".exec"));
  return out;
}

// Image env then container env, containerd-style: a name already set is replaced in place.
void put_env(std::vector<std::pair<std::string, Value>>& env, const std::string& name, Value v) {
  for (auto& [n, val] : env)
    if (n == name) {
      val = std::move(v);
      return;
    }
  env.emplace_back(name, std::move(v));
}

Json namespaces() {
  Json ns = Json::array();
  for (const char* t : {"ipc", "uts", "mount"}) ns.push_back({{"Type", t}, {"Path", ""}});
  return ns;
}

// containerd's own sysctls (settings default_sysctls), then the pod's securityContext.sysctls.
Json sysctls(const Json& pod_spec, const Json& settings) {
  Json out = settings["default_sysctls"];
  const Json psc = pod_spec.value("securityContext", Json::object());
  if (psc.contains("sysctls") && psc["sysctls"].is_array())
    for (const auto& s : psc["sysctls"]) out[string_field(s, "name")] = s.contains("value") && s["value"].is_string() ? s["value"].get<std::string>() : (s.contains("value") ? s["value"].dump() : "");
  return out;
}

// The AppArmor profiles containerd may set for a container (Process.ApparmorProfile), from what
// the manifest asks: securityContext.appArmorProfile (container, then pod) or the older
// container.apparmor.security.beta.kubernetes.io/<name> annotation. RuntimeDefault (and nothing
// asked) is containerd's profile on an AppArmor host, or none where the host has no AppArmor;
// Localhost is exactly that profile; "unconfined" only when the manifest asks for Unconfined.
Json apparmor_profiles(const Json& container, const PodInputs& pod, const std::string& where) {
  std::string type, local;
  auto from_field = [&](const Json& sc, const std::string& here) {
    if (!sc.is_object() || !sc.contains("appArmorProfile") || sc["appArmorProfile"].is_null()) return false;
    const Json& a = sc["appArmorProfile"];
    type = string_field(a, "type");
    local = string_field(a, "localhostProfile");
    if (type != "RuntimeDefault" && type != "Localhost" && type != "Unconfined")
      fail(here, "appArmorProfile.type: expected RuntimeDefault, Localhost or Unconfined, found '" + type + "'");
    if (type == "Localhost" && local.empty()) fail(here, "appArmorProfile: type Localhost needs localhostProfile");
    return true;
  };
  const std::string annotation = "container.apparmor.security.beta.kubernetes.io/" + string_field(container, "name");
  const Json anno = pod.env.metadata.value("annotations", Json::object());
  if (!from_field(container.value("securityContext", Json::object()), where + ".securityContext")) {
    if (anno.is_object() && anno.contains(annotation) && anno[annotation].is_string()) {
      const std::string v = anno[annotation];
      if (v == "runtime/default") {
        type = "RuntimeDefault";
      } else if (v == "unconfined") {
        type = "Unconfined";
      } else if (v.rfind("localhost/", 0) == 0 && v.size() > 10) {
        type = "Localhost";
        local = v.substr(10);
      } else {
        fail(where, "annotation " + annotation + ": '" + v + "' is not runtime/default, unconfined or localhost/<profile>");
      }
    } else {
      from_field(pod.env.spec.value("securityContext", Json::object()), pod.env.pod.where + ": spec.securityContext");
    }
  }
  if (type == "Localhost") return Json::array({local});
  if (type == "Unconfined") return Json::array({"", "unconfined"});
  return Json::array({"", kContainerdAppArmorProfile});
}

Json annotations(const Json& base, const PodInputs& pod) {
  Json a = base;
  a["io.kubernetes.cri.sandbox-name"] = pod.env.pod.sandbox_name_regex;
  a["io.kubernetes.cri.sandbox-namespace"] = pod.env.pod.namespace_;  // "" = any, pinned by the first request
  return a;
}

}  // namespace

namespace {

void append_layer_storages(Json& storages, const ImageInfo& image, const Json& settings, const std::string& where) {
  // policy.md §3.5 step 4, in the shape the AKS agent's rules read: one tar layer device per
  // layer ($(hashK) and $(layerK) name layer K, 0 = top), then the overlay whose options list the
  // layer names (sha256 of each OCI chain id) and their tarfs dm-verity roots, top first.
  if (image.diff_ids.size() != image.verity_roots.size() || image.diff_ids.empty())
    fail(where, "image " + image.reference + ": no layers with tarfs dm-verity roots to bind");
  std::vector<std::string> names, roots;
  std::string chain;
  for (std::size_t k = 0; k < image.diff_ids.size(); ++k) {
    if (!image.verity_roots[k]) fail(where, "image " + image.reference + ": layer " + std::to_string(k) + " has no tarfs dm-verity root");
    chain = k == 0 ? image.diff_ids[0] : "sha256:" + to_hex(digest(Algo::Sha256, chain + " " + image.diff_ids[k]));
    names.insert(names.begin(), to_hex(digest(Algo::Sha256, chain)));
    roots.insert(roots.begin(), *image.verity_roots[k]);
  }
  auto joined = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : ":") + x;
    return out;
  };
  for (std::size_t k = 0; k < names.size(); ++k)
    storages.push_back({{"driver", "blk"}, {"driver_options", Json::array()}, {"source", ""}, {"fstype", "tar"},
                        {"options", Json::array({"$(hash" + std::to_string(k) + ")"})},
                        {"mount_point", "$(layer" + std::to_string(k) + ")"}, {"fs_group", nullptr}, {"shared", false}});
  storages.push_back({{"driver", "overlayfs"}, {"driver_options", Json::array()}, {"source", ""},
                      {"fstype", "fuse3.kata-overlay"}, {"options", Json::array({joined(names), joined(roots)})},
                      {"mount_point", settings["common"]["root_path"]}, {"fs_group", nullptr}, {"shared", false}});
}

}  // namespace

namespace {

Json user_json(unsigned uid, unsigned gid, const std::set<unsigned>& groups) {
  return JsonObject()
      .add("UID", uid)
      .add("GID", gid)
      .add("AdditionalGids", Json(std::vector<unsigned>(groups.begin(), groups.end())))
      .add("Username", "")
      .take();
}

// The OCI Linux section; a privileged container has no masked or read-only paths.
Json linux_json(bool privileged, const Json& spec, const Json& settings) {
  return JsonObject()
      .add("Namespaces", namespaces())
      .add("MaskedPaths", privileged ? Json::array() : settings["masked_paths"])
      .add("ReadonlyPaths", privileged ? Json::array() : settings["readonly_paths"])
      .add("Devices", Json::array())
      .add("Sysctl", sysctls(spec, settings))
      .take();
}

}  // namespace

Json container_policy(const Json& container, const ImageInfo& image, const PodInputs& pod, const std::string& where) {
  const Json& settings = pod.settings;
  const Json& common = settings["common"];
  const Json& spec = pod.env.spec;
  const Json csc = container.value("securityContext", Json::object());
  const bool privileged = k8s::bool_field(csc, "privileged", false, where + ".securityContext");

  // Environment: image (or containerd's default PATH), HOSTNAME, TERM for a tty, then the pod's.
  std::vector<std::pair<std::string, Value>> env;
  for (const auto& e : image.env.empty() ? settings["default_env"].get<std::vector<std::string>>() : image.env) {
    const auto eq = e.find('=');
    put_env(env, e.substr(0, eq), Value{false, eq == std::string::npos ? "" : e.substr(eq + 1), ""});
  }
  // The hostname the sandbox was created with (the rules keep it from CreateSandboxRequest).
  put_env(env, "HOSTNAME", Value{true, kSandboxHostnameToken, "$(host-name)"});
  const bool tty = k8s::bool_field(container, "tty", false, where);
  if (tty) put_env(env, "TERM", Value{false, "xterm", ""});
  std::map<std::string, Value> expansion;
  // kubelet expands $(VAR) with the service-link variables too; those of the input's services
  // are known whatever --service-env says (references to other services stay as written).
  const std::vector<EnvVar> services = service_env(pod.env);
  for (auto& e : services) expansion[e.name] = e.value;
  std::set<std::string> own;
  for (auto& e : container_env(container, pod.env, where)) {
    expansion[e.name] = e.value;
    put_env(env, e.name, e.value);
    own.insert(e.name);
  }
  // Then the service links kubelet adds, except those the container defines itself.
  for (const auto& e : services)
    if (!own.count(e.name)) put_env(env, e.name, e.value);
  Json env_list = Json::array(), env_patterns = Json::object();
  for (const auto& [name, v] : env) {
    env_list.push_back(name + "=" + (v.dynamic ? v.placeholder : v.text));
    if (v.dynamic) env_patterns[name] = "^" + v.text + "$";
  }

  // Args: command replaces the entrypoint and drops cmd; args replace cmd (policy.md §1.4 step 3).
  const auto command = strings(container, "command", where), args = strings(container, "args", where);
  std::vector<std::string> argv = container.contains("command") ? command : image.entrypoint;
  const auto& tail = container.contains("args") ? args : (container.contains("command") ? std::vector<std::string>{} : image.cmd);
  argv.insert(argv.end(), tail.begin(), tail.end());
  if (argv.empty()) fail(where, "no command: the image has no entrypoint or cmd and the container sets none");
  Json args_json = Json::array(), arg_patterns = Json::object();
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const Value v = expand(argv[i], expansion, &pod.env);
    args_json.push_back(v.dynamic ? v.placeholder : v.text);
    if (v.dynamic) arg_patterns[std::to_string(i)] = "^" + v.text + "$";
  }

  const Identity id = identity(container, image, spec, where);
  std::string cwd = string_field(container, "workingDir");
  if (cwd.empty()) cwd = image.working_dir.empty() ? "/" : image.working_dir;
  const bool ro_root = k8s::bool_field(csc, "readOnlyRootFilesystem", false, where + ".securityContext");
  // allowPrivilegeEscalation: false sets no_new_privs; privileged always clears it.
  const bool nnp = !privileged && !k8s::bool_field(csc, "allowPrivilegeEscalation", true, where + ".securityContext");

  MountsAndStorages ms = container_mounts(container, spec, settings, privileged, ro_root, where);
  // The image's VOLUMEs that no volumeMount covers are shared from the host, read-write.
  for (const auto& v : image.volumes) {
    std::string dest = v;
    while (dest.size() > 1 && dest[0] == '/' && dest[1] == '/') dest.erase(0, 1);  // "//data" as in cassandra
    bool covered = false;
    for (const auto& m : ms.mounts) covered = covered || m["destination"] == dest;
    if (!covered) {
      const std::string base = dest.substr(dest.rfind('/') + 1);
      ms.mounts.push_back({{"destination", dest}, {"source", "$(sfprefix)" + regex_escape(base) + "$"}, {"type_", "bind"},
                           {"options", Json::array({"rbind", "rprivate", "rw"})}});
    }
  }
  // A guest pull is not listed among the storages (upstream rules count the others): the rules
  // check its source against `image`, the pinned reference.
  Json storages = std::move(ms.storages);
  if (binds_tarfs_layers(settings)) append_layer_storages(storages, image, settings, where);

  Json anno = annotations(settings["other_container"]["Annotations"], pod);
  anno["io.kubernetes.cri.container-name"] = string_field(container, "name");
  anno["io.kubernetes.cri.image-name"] = image.pinned;
  Json oci = JsonObject()
                 .add("Version", settings["kata_config"]["oci_version"])
                 .add("Process", JsonObject()
                                     .add("Terminal", tty)
                                     .add("User", user_json(id.uid, id.gid, id.groups))
                                     .add("Args", std::move(args_json))
                                     .add("Env", std::move(env_list))
                                     .add("Cwd", cwd)
                                     .add("Capabilities", capabilities(csc, privileged, common, where))
                                     .add("NoNewPrivileges", nnp)
                                     .take())
                 .add("Root", JsonObject().add("Path", common["root_path"]).add("Readonly", ro_root).take())
                 .add("Mounts", std::move(ms.mounts))
                 .add("Annotations", std::move(anno))
                 .add("Linux", linux_json(privileged, spec, settings))
                 .take();
  return JsonObject()
      .add("OCI", std::move(oci))
      .add("storages", std::move(storages))
      .add("devices", Json::array())
      .add("sandbox_pidns", k8s::bool_field(spec, "shareProcessNamespace", false, pod.env.pod.where + ": spec"))
      .add("exec_commands", exec_commands(container, where))
      .add("image", image.pinned)
      .add("env_patterns", std::move(env_patterns))
      .add("arg_patterns", std::move(arg_patterns))
      .add("privileged", privileged)
      .add("apparmor_profiles", apparmor_profiles(container, pod, where))
      .take();
}

Json pause_policy(const PodInputs& pod, const ImageInfo* pause_image) {
  const Json& settings = pod.settings;
  const Json& p = settings["pause_container"];
  const Json& spec = pod.env.spec;
  const Json psc = spec.value("securityContext", Json::object());
  const std::string where = pod.env.pod.where + ": spec";
  unsigned uid = p["UID"], gid = p["GID"];
  // containerd runs the pause process as the pod's runAsUser; the pause image has no passwd
  // entry for it, so its group is 0 unless runAsGroup names one (as captured from AKS nodes).
  if (auto u = id_at(psc, "runAsUser", where)) {
    uid = *u;
    gid = 0;
  }
  if (auto g = id_at(psc, "runAsGroup", where)) gid = *g;
  std::set<unsigned> groups{gid};
  if (auto fs = id_at(psc, "fsGroup", where)) groups.insert(*fs);
  if (psc.contains("supplementalGroups") && psc["supplementalGroups"].is_array())
    for (const auto& g : psc["supplementalGroups"])
      if (g.is_number_integer() && g.get<std::int64_t>() >= 0) groups.insert(static_cast<unsigned>(g.get<std::int64_t>()));
  Json mounts = Json::array();
  for (const auto& m : settings["default_mounts"]) mounts.push_back(m);
  for (const auto& m : p["Mounts"]) mounts.push_back(m);
  Json oci = JsonObject()
                 .add("Version", settings["kata_config"]["oci_version"])
                 .add("Process", JsonObject()
                                     .add("Terminal", false)
                                     .add("User", user_json(uid, gid, groups))
                                     .add("Args", p["Args"])
                                     .add("Env", p["Env"])
                                     .add("Cwd", "/")
                                     .add("Capabilities", capabilities(Json::object(), false, settings["common"], where))
                                     .add("NoNewPrivileges", true)
                                     .take())
                 .add("Root", JsonObject().add("Path", settings["common"]["root_path"]).add("Readonly", true).take())
                 .add("Mounts", std::move(mounts))
                 .add("Annotations", annotations(p["Annotations"], pod))
                 .add("Linux", linux_json(false, spec, settings))
                 .take();
  Json storages = Json::array();
  if (pause_image != nullptr) append_layer_storages(storages, *pause_image, settings, pod.env.pod.where + ": pause image");
  return JsonObject()
      .add("OCI", std::move(oci))
      .add("storages", std::move(storages))
      .add("devices", Json::array())
      .add("sandbox_pidns", false)
      .add("exec_commands", Json::array())
      .add("image", settings["cluster_config"]["pause_container_image"])
      .add("env_patterns", Json::object())
      .add("arg_patterns", Json::object())
      .add("privileged", false)
      .add("apparmor_profiles", Json::array({""}))  // containerd confines no sandbox container
      .take();
}

}  // namespace coco::policy
