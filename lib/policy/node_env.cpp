// SPDX-License-Identifier: Apache-2.0
// NodePod: the environment kubelet builds and the user containerd resolves (node.h).
#include <algorithm>
#include <set>

#include "policy/node.h"
#include "policy/node_internal.h"
#include "policy/resources.h"
#include "util/encoding.h"
#include "util/error.h"

namespace coco::policy {

using namespace node_internal;
using k8s::member_or_null;
using k8s::string_field;

namespace {


std::string upper_env_name(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> NodePod::service_env() const {
  // kubelet's service links: every service of the pod's namespace, plus the cluster's master
  // service (default/kubernetes). A service without a fixed clusterIP gets one from the cluster; a
  // headless (clusterIP: None) or ExternalName one gets no variables from kubelet.
  struct Svc {
    std::string name, ip;
    std::vector<k8s::ServicePort> ports;
  };
  std::vector<Svc> svcs{{"kubernetes", "10.96.0.1", {{"https", "TCP", 443}}}};
  const bool links = member_or_null(spec_, "enableServiceLinks") != false;
  int n = 1;
  for (const auto& s : objects_.services) {
    const std::string ns = s.namespace_.empty() ? node_.default_namespace : s.namespace_;
    if (!links || !s.links || ns != namespace_name_) continue;
    std::string ip = s.cluster_ip.empty() ? "10.96." + std::to_string(100 + n) + "." + std::to_string(7 + n) : s.cluster_ip;
    ++n;
    svcs.push_back({s.name, ip, s.ports});
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& s : svcs) {
    if (s.ports.empty()) continue;
    const std::string prefix = upper_env_name(s.name);
    const auto& first = s.ports.front();
    out.emplace_back(prefix + "_SERVICE_HOST", s.ip);
    out.emplace_back(prefix + "_SERVICE_PORT", std::to_string(first.port));
    for (const auto& p : s.ports)
      if (!p.name.empty()) out.emplace_back(prefix + "_SERVICE_PORT_" + upper_env_name(p.name), std::to_string(p.port));
    out.emplace_back(prefix + "_PORT", ascii_lower(first.protocol) + "://" + s.ip + ":" + std::to_string(first.port));
    for (const auto& p : s.ports) {
      const std::string base = prefix + "_PORT_" + std::to_string(p.port) + "_" + p.protocol;
      out.emplace_back(base, ascii_lower(p.protocol) + "://" + s.ip + ":" + std::to_string(p.port));
      out.emplace_back(base + "_PROTO", ascii_lower(p.protocol));
      out.emplace_back(base + "_PORT", std::to_string(p.port));
      out.emplace_back(base + "_ADDR", s.ip);
    }
  }
  return out;
}

std::string NodePod::field_ref(const std::string& path, const std::string& where) const {
  if (path == "metadata.name") return name_;
  if (path == "metadata.namespace") return namespace_name_;
  if (path == "metadata.uid") return uid_;
  if (path == "spec.serviceAccountName") {
    const std::string sa = string_field(spec_, "serviceAccountName");
    return sa.empty() ? "default" : sa;
  }
  if (path == "spec.nodeName") return "worker-1";
  if (path == "status.podIP" || path == "status.podIPs") return "10.244.1.17";
  if (path == "status.hostIP" || path == "status.hostIPs") return "192.168.49.2";
  for (const char* kind : {"labels", "annotations"}) {
    const std::string head = std::string("metadata.") + kind + "['";
    if (path.rfind(head, 0) == 0 && path.size() > head.size() + 2 && path.compare(path.size() - 2, 2, "']") == 0) {
      const std::string key = path.substr(head.size(), path.size() - head.size() - 2);
      const Json& src = std::string(kind) == "labels" ? labels_ : annotations_;
      return src.contains(key) && src[key].is_string() ? src[key].get<std::string>() : "";
    }
  }
  if (path == "metadata.labels" || path == "metadata.annotations") fail(where, "fieldRef " + path + ": only in downward API volumes");
  fail(where, "fieldRef " + path + ": not a field kubelet exposes");
}

std::string NodePod::resource_field_ref(const Json& ref, const Json& c, const std::string& where) const {
  // kubelet: the container's limit (or request) divided by the divisor, rounded up; a limit the
  // container does not set is the node's allocatable, a request it does not set is 0... unless a
  // limit is set, which then is the request too.
  const std::string resource = string_field(ref, "resource");
  const std::string named = string_field(ref, "containerName");
  const Json* target = &c;
  if (!named.empty()) {
    target = nullptr;
    for (const auto& other : containers_)
      if (string_field(other, "name") == named) target = &other;
    if (target == nullptr) fail(where, "resourceFieldRef: no container named " + named);
  }
  const auto dot = resource.find('.');
  if (dot == std::string::npos) fail(where, "resourceFieldRef: resource '" + resource + "'");
  const std::string kind = resource.substr(0, dot), res = resource.substr(dot + 1);
  const Json& resources = member_or_null(*target, "resources");
  auto value_of = [&](const char* section) -> std::string {
    const Json& v = member_or_null(member_or_null(resources, section), res.c_str());
    return v.is_null() ? "" : (v.is_string() ? v.get<std::string>() : v.dump());
  };
  std::string value = kind == "limits" ? value_of("limits") : value_of("requests");
  if (value.empty() && kind == "requests") value = value_of("limits");
  if (value.empty()) value = kind == "limits" ? (res == "cpu" ? "2" : res == "memory" ? "8589934592" : "0") : "0";
  const Json& d = member_or_null(ref, "divisor");
  const Quantity q = parse_quantity(Json(value), where + ": resourceFieldRef " + resource);
  const Quantity divisor = parse_quantity(d.is_null() ? Json("1") : d, where + ": resourceFieldRef divisor");
  return divided_resource_value(q, divisor, res == "cpu", where);
}

NodePod::Env NodePod::kubelet_env(const Json& c, const std::string& where) const {
  // kubelet's order: envFrom, then env (each expanded against what came before and the service
  // links), then the service links not already set.
  Env e;
  auto put = [&](const std::string& k, const std::string& v) {
    auto it = std::find_if(e.vars.begin(), e.vars.end(), [&](const auto& kv) { return kv.first == k; });
    if (it == e.vars.end()) e.vars.emplace_back(k, v);
    else it->second = v;
  };
  auto lookup = [&](bool config_map, const std::string& name) -> const k8s::DataObject* {
    const auto& table = config_map ? objects_.config_maps : objects_.secrets;
    for (const auto& [key, obj] : table) {
      const auto slash = key.find('/');
      const std::string ns = key.substr(0, slash).empty() ? node_.default_namespace : key.substr(0, slash);
      if (ns == namespace_name_ && key.substr(slash + 1) == name) return &obj;
    }
    return nullptr;
  };
  auto text_of = [](const ByteVec& b) { return std::string(b.begin(), b.end()); };
  if (member_or_null(c, "envFrom").is_array())
    for (const auto& ef : c["envFrom"]) {
      const bool cm = ef.contains("configMapRef");
      const std::string name = string_field(member_or_null(ef, cm ? "configMapRef" : "secretRef"), "name");
      const k8s::DataObject* d = lookup(cm, name);
      if (d == nullptr) continue;  // optional and absent; a required one would keep the pod from starting
      for (const auto& [k, v] : d->values) put(string_field(ef, "prefix") + k, text_of(v));
    }
  const auto services = service_env();
  if (member_or_null(c, "env").is_array())
    for (const auto& ev : c["env"]) {
      const std::string name = string_field(ev, "name");
      const Json& vf = member_or_null(ev, "valueFrom");
      if (vf.is_null()) {
        auto vars = services;
        vars.insert(vars.end(), e.vars.begin(), e.vars.end());
        put(name, kubelet_expand(string_field(ev, "value"), vars));
      } else if (vf.contains("fieldRef")) {
        put(name, field_ref(string_field(vf["fieldRef"], "fieldPath"), where));
      } else if (vf.contains("resourceFieldRef")) {
        put(name, resource_field_ref(vf["resourceFieldRef"], c, where));
      } else {
        const bool cm = vf.contains("configMapKeyRef");
        const Json& ref = member_or_null(vf, cm ? "configMapKeyRef" : "secretKeyRef");
        const k8s::DataObject* d = lookup(cm, string_field(ref, "name"));
        if (d == nullptr) continue;
        auto it = d->values.find(string_field(ref, "key"));
        if (it != d->values.end()) put(name, text_of(it->second));
      }
    }
  for (const auto& service : services) {  // (clang 14 cannot capture a structured binding)
    const std::string& k = service.first;
    if (std::none_of(e.vars.begin(), e.vars.end(), [&](const auto& kv) { return kv.first == k; })) e.vars.push_back(service);
  }
  for (const auto& [k, v] : e.vars) e.list.push_back(k + "=" + v);
  return e;
}

Json NodePod::user(const Json& c, const ImageInfo& image, const std::string& where) const {
  const Json& psc = member_or_null(spec_, "securityContext");
  const Json& csc = member_or_null(c, "securityContext");
  auto pick = [&](const char* key) -> std::optional<long long> {
    if (member_or_null(csc, key).is_number_integer()) return csc[key].get<long long>();
    if (member_or_null(psc, key).is_number_integer()) return psc[key].get<long long>();
    return std::nullopt;
  };
  const auto passwd = image.etc_passwd ? parse_passwd(*image.etc_passwd) : std::vector<Passwd>{};
  const auto groups_db = image.etc_group ? parse_group(*image.etc_group) : std::vector<Group>{};
  std::optional<long long> uid = pick("runAsUser"), gid = pick("runAsGroup");
  const std::string user_field = image.user.substr(0, image.user.find(':'));
  // kubelet takes the user part of the image's USER only and passes it as RunAsUser (or
  // RunAsUsername); containerd then takes the group from /etc/passwd, so a ":group" is ignored.
  auto numeric = [](const std::string& s) { return !s.empty() && std::all_of(s.begin(), s.end(), ::isdigit); };
  if (!uid) {
    if (user_field.empty()) uid = 0;
    else if (numeric(user_field)) uid = std::stoll(user_field);
    else {
      for (const auto& p : passwd)
        if (p.name == user_field) uid = p.uid;
      if (!uid) fail(where, "image user '" + user_field + "' is not in the image's /etc/passwd");
    }
  }
  const Passwd* entry = nullptr;
  for (const auto& p : passwd)
    if (static_cast<long long>(p.uid) == *uid) entry = &p;
  if (!gid) gid = entry ? static_cast<long long>(entry->gid) : 0;
  std::set<long long> extra{*gid};
  if (entry)
    for (const auto& g : groups_db)
      if (std::find(g.members.begin(), g.members.end(), entry->name) != g.members.end()) extra.insert(g.gid);
  if (member_or_null(psc, "fsGroup").is_number_integer()) extra.insert(psc["fsGroup"].get<long long>());
  if (member_or_null(psc, "supplementalGroups").is_array())
    for (const auto& g : psc["supplementalGroups"])
      if (g.is_number_integer()) extra.insert(g.get<long long>());
  return {{"UID", *uid}, {"GID", *gid}, {"AdditionalGids", Json(extra)}, {"Username", ""}};
}

}  // namespace coco::policy
