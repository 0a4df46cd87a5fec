// SPDX-License-Identifier: Apache-2.0
#include "policy/env.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "policy/pattern.h"
#include "policy/resources.h"
#include "util/encoding.h"
#include "util/error.h"

namespace coco::policy {
namespace {

using k8s::regex_escape;

std::string field_text(const Json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key) || obj[key].is_null()) return "";
  return obj[key].is_string() ? obj[key].get<std::string>() : obj[key].dump();
}

Value literal(std::string s) { return {false, std::move(s), ""}; }
Value dynamic(std::string regex, std::string placeholder) { return {true, std::move(regex), std::move(placeholder)}; }

std::string ip_regex(const Json& common) {
  return "(" + common["ipv4_a"].get<std::string>() + "|" + common["ipv6_a"].get<std::string>() + ")";
}

const char* kUuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

// The placeholder upstream rules.rego accepts any value for; coco's rules use the anchored
// pattern in env_patterns instead.
const char* kAnyValue = "$(todo-annotation)";

// Labels a controller adds to the pods it creates; their values are decided by the cluster.
Value injected_label(const std::string& key, const PodEnvContext& ctx) {
  const std::string hash = std::string(k8s::kHashAlphabet) + "{" + std::to_string(k8s::kHashMinLength) + "," +
                           std::to_string(k8s::kHashMaxLength) + "}";
  // A StatefulSet's revision is its ControllerRevision's name, "<set>-<hash>"; others use the hash.
  if (key == "controller-revision-hash" && ctx.pod.kind == "StatefulSet")
    return dynamic(regex_escape(ctx.pod.name) + "-" + hash, kAnyValue);
  if (key == "pod-template-hash" || key == "controller-revision-hash") return dynamic(hash, kAnyValue);
  if (key == "statefulset.kubernetes.io/pod-name") return dynamic(kSandboxNameToken, "$(sandbox-name)");
  if (key == "apps.kubernetes.io/pod-index" || key == "batch.kubernetes.io/job-completion-index")
    return dynamic("(0|[1-9][0-9]*)", kAnyValue);
  if (key == "controller-uid" || key == "batch.kubernetes.io/controller-uid") return dynamic(kUuid, kAnyValue);
  return literal("");  // kubelet gives "" for a label the pod does not have
}

Value field_ref(const std::string& path, const PodEnvContext& ctx, const std::string& where) {
  const Json& c = ctx.common;
  if (path == "metadata.name") {
    if (ctx.pod.kind == "Pod" && !ctx.pod.name.empty()) return literal(ctx.pod.name);
    return dynamic(kSandboxNameToken, "$(sandbox-name)");  // the very name the sandbox was created with
  }
  if (path == "metadata.namespace") {
    if (!ctx.pod.namespace_.empty()) return literal(ctx.pod.namespace_);
    return dynamic(c["dns_label"].get<std::string>(), "$(sandbox-namespace)");
  }
  if (path == "metadata.uid") return dynamic(kUuid, "$(pod-uid)");
  if (path == "spec.nodeName") return dynamic(c["dns_subdomain"].get<std::string>(), "$(node-name)");
  if (path == "spec.serviceAccountName") {
    std::string sa = field_text(ctx.spec, "serviceAccountName");
    if (sa.empty()) sa = field_text(ctx.spec, "serviceAccount");
    return literal(sa.empty() ? "default" : sa);
  }
  if (path == "status.podIP") return dynamic(ip_regex(c), "$(pod-ip)");
  if (path == "status.hostIP") return dynamic(ip_regex(c), "$(host-ip)");
  if (path == "status.podIPs" || path == "status.hostIPs")
    return dynamic(ip_regex(c) + "(," + ip_regex(c) + ")?", path == "status.podIPs" ? "$(pod-ip)" : "$(host-ip)");
  for (const char* kind : {"labels", "annotations"}) {
    const std::string head = std::string("metadata.") + kind + "['";
    if (path.rfind(head, 0) == 0 && path.size() > head.size() + 2 && path.substr(path.size() - 2) == "']") {
      const std::string key = path.substr(head.size(), path.size() - head.size() - 2);
      const Json map = ctx.metadata.value(kind, Json::object());
      if (map.is_object() && map.contains(key)) return literal(field_text(map, key.c_str()));
      if (std::string(kind) == "labels") return injected_label(key, ctx);
      return literal("");
    }
  }
  fail(where, "fieldRef.fieldPath '" + path + "' is not supported in env");
}

const k8s::DataObject* find_object(const std::map<std::string, k8s::DataObject>& m, const PodEnvContext& ctx,
                                   const std::string& name) {
  const auto it = m.find(k8s::object_key(ctx.pod.namespace_, name));
  return it == m.end() ? nullptr : &it->second;
}

bool is_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || n > s.size() - i) return false;
    std::uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // overlong forms, surrogates and values past U+10FFFF are not UTF-8
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n;
  }
  return true;
}

// A value kubelet puts in env: its bytes, which must be UTF-8 for the agent's JSON to carry them.
std::string env_text(const ByteVec& v, const std::string& where, const std::string& what) {
  std::string s(v.begin(), v.end());
  if (!is_utf8(s))
    fail(where, what + " is not UTF-8 text; an environment variable cannot carry it through the agent's requests");
  return s;
}

bool optional_ref(const Json& ref, const std::string& where) { return k8s::bool_field(ref, "optional", false, where); }

void set_var(std::vector<EnvVar>& env, const std::string& name, Value v) {
  for (auto& e : env)
    if (e.name == name) {
      e.value = std::move(v);
      return;
    }
  env.push_back({name, std::move(v)});
}

// What kubelet expands $(VAR) in a value with: the variables defined so far, then the
// service-link variables (kubelet's MappingFuncFor(tmpEnv, serviceEnv)).
std::map<std::string, Value> expansion_map(const std::vector<EnvVar>& env, const std::vector<EnvVar>& services) {
  std::map<std::string, Value> m;
  for (const auto& e : services) m[e.name] = e.value;
  for (const auto& e : env) m[e.name] = e.value;
  return m;
}

// kubelet's makeEnvVariableName: upper case, '-' → '_'.
std::string env_name(std::string s) {
  for (char& ch : s) ch = ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

bool service_links(const PodEnvContext& ctx) {
  return k8s::bool_field(ctx.spec, "enableServiceLinks", true, ctx.pod.where + ": spec");
}

// The services whose variables the pod gets: those of its namespace in the input that have a
// cluster IP (kubelet skips headless and ExternalName services), unless enableServiceLinks is
// false, and always the `kubernetes` service (port 443, named https).
std::vector<k8s::Service> pod_services(const PodEnvContext& ctx) {
  std::vector<k8s::Service> out;
  if (service_links(ctx))
    for (const auto& s : ctx.objects.services)
      if (s.namespace_ == ctx.pod.namespace_ && s.links && !s.ports.empty()) out.push_back(s);
  out.push_back({"kubernetes", "default", "", {{"https", "TCP", 443}}, true});
  return out;
}

// Whether `name` is one of the variables a service whose env name is `svc` could have.
bool is_service_var(const std::string& name, const std::string& svc) {
  return name.size() > svc.size() && name.compare(0, svc.size(), svc) == 0 && name[svc.size()] == '_' &&
         full_match(name.substr(svc.size()), kServiceVarSuffix);
}

const char* kPortRegex = "([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])";

// A variable of a service the input does not define (namespace and any modes): kubelet leaves
// the reference as written when the pod has no such service, else puts the service's value.
std::optional<Value> undefined_service_var(const std::string& name, const PodEnvContext& ctx) {
  if (ctx.service_env == ServiceEnv::Strict || !service_links(ctx)) return std::nullopt;
  for (const auto& svc : bound_service_names(ctx))
    if (is_service_var(name, svc)) return std::nullopt;  // the input defines that service: no such variable
  const std::string svc = ctx.common["svc_name_downward_env"].get<std::string>(), ip = ip_regex(ctx.common);
  const std::string port = kPortRegex, pp = "_PORT_" + std::string(kPortRegex) + "_(TCP|UDP|SCTP)";
  const std::pair<std::string, std::string> shapes[] = {
      {"_SERVICE_HOST", ip},
      {"_SERVICE_PORT", port},
      {"_SERVICE_PORT_[A-Z0-9_]+", port},
      {"_PORT", "(tcp|udp|sctp)://" + ip + ":" + port},
      {pp, "(tcp|udp|sctp)://" + ip + ":" + port},
      {pp + "_PROTO", "(tcp|udp|sctp)"},
      {pp + "_PORT", port},
      {pp + "_ADDR", ip},
  };
  std::string values;
  for (const auto& [suffix, value] : shapes)
    if (full_match(name, svc + suffix))
      values += (values.empty() ? "" : "|") + value;
  if (values.empty()) return std::nullopt;
  return dynamic(regex_escape("$(" + name + ")") + "|" + values, kAnyValue);
}

}  // namespace

ServiceEnv parse_service_env(std::string_view name) {
  if (name == "strict") return ServiceEnv::Strict;
  if (name == "namespace") return ServiceEnv::Namespace;
  if (name == "any") return ServiceEnv::Any;
  usage_error("--service-env: unknown mode '" + std::string(name) + "' (strict, namespace, any)");
}

Value expand(const std::string& text, const std::map<std::string, Value>& vars, const PodEnvContext* ctx) {
  // Segments of literal text and dynamic regexes; the result is dynamic if any part is. `shown`
  // is the same text with each dynamic part as its placeholder, for upstream rules and readers.
  std::string lit, regex, shown;
  bool dyn = false;
  auto add_literal = [&](const std::string& s) {
    lit += s;
    regex += regex_escape(s);
    shown += s;
  };
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      add_literal(std::string(1, text[i++]));
      continue;
    }
    if (text[i + 1] == '$') {  // "$$" is an escaped "$"
      add_literal("$");
      i += 2;
      continue;
    }
    if (text[i + 1] == '(') {
      const auto close = text.find(')', i + 2);
      if (close != std::string::npos) {
        const std::string name = text.substr(i + 2, close - i - 2);
        const auto it = vars.find(name);
        if (it != vars.end()) {
          if (it->second.dynamic) {
            dyn = true;
            regex += "(" + it->second.text + ")";
            shown += it->second.placeholder;
          } else {
            add_literal(it->second.text);
          }
        } else if (const auto v = ctx ? undefined_service_var(name, *ctx) : std::nullopt) {
          dyn = true;
          regex += "(" + v->text + ")";
          shown += v->placeholder;
        } else {
          add_literal(text.substr(i, close - i + 1));  // unknown: kept as written
        }
        i = close + 1;
        continue;
      }
    }
    add_literal("$");
    ++i;
  }
  if (!dyn) return literal(lit);
  return dynamic(regex, shown);
}

std::vector<EnvVar> container_env(const Json& container, const PodEnvContext& ctx, const std::string& where) {
  std::vector<EnvVar> env;
  const std::vector<EnvVar> services = service_env(ctx);
  if (container.contains("envFrom") && container["envFrom"].is_array()) {
    for (std::size_t i = 0; i < container["envFrom"].size(); ++i) {
      const Json& src = container["envFrom"][i];
      const std::string here = where + ".envFrom[" + std::to_string(i) + "]";
      const std::string prefix = field_text(src, "prefix");
      const bool is_cm = src.contains("configMapRef");
      const Json ref = is_cm ? src["configMapRef"] : src.value("secretRef", Json());
      if (!ref.is_object()) fail(here, "needs configMapRef or secretRef");
      const std::string name = field_text(ref, "name");
      const k8s::DataObject* obj = find_object(is_cm ? ctx.objects.config_maps : ctx.objects.secrets, ctx, name);
      if (obj == nullptr) {
        if (optional_ref(ref, here)) continue;
        fail(here, std::string(is_cm ? "ConfigMap" : "Secret") + " '" + name + "' is not in the input" +
                       (ctx.pod.namespace_.empty() ? "" : " (namespace " + ctx.pod.namespace_ + ")") +
                       "; add it, or mark the reference optional: true");
      }
      // Only `data` (and a Secret's stringData) becomes env: kubelet never reads binaryData here.
      for (const auto& [k, v] : obj->values) {
        const std::string var = prefix + k;
        if (var.find('=') != std::string::npos || var.empty()) continue;  // kubelet skips invalid names
        set_var(env, var, literal(env_text(v, here, std::string(is_cm ? "ConfigMap" : "Secret") + " '" + name + "' key '" + k + "'")));
      }
    }
  }
  if (container.contains("env") && container["env"].is_array()) {
    for (std::size_t i = 0; i < container["env"].size(); ++i) {
      const Json& e = container["env"][i];
      const std::string here = where + ".env[" + std::to_string(i) + "]";
      const std::string name = field_text(e, "name");
      if (name.empty()) fail(here, "env entry without a name");
      if (!e.contains("valueFrom") || e["valueFrom"].is_null()) {
        set_var(env, name, expand(field_text(e, "value"), expansion_map(env, services), &ctx));
        continue;
      }
      const Json& from = e["valueFrom"];
      if (from.contains("fieldRef")) {
        set_var(env, name, field_ref(field_text(from["fieldRef"], "fieldPath"), ctx, here + ".valueFrom.fieldRef"));
      } else if (from.contains("resourceFieldRef")) {
        const std::optional<std::string> v = resource_field_value(from["resourceFieldRef"], container, ctx.spec, here + ".valueFrom.resourceFieldRef");
        set_var(env, name, v ? literal(*v) : dynamic("[0-9]+", "$(resource-field)"));  // no limit: node allocatable
      } else if (from.contains("configMapKeyRef") || from.contains("secretKeyRef")) {
        const bool is_cm = from.contains("configMapKeyRef");
        const Json& ref = is_cm ? from["configMapKeyRef"] : from["secretKeyRef"];
        const std::string obj_name = field_text(ref, "name"), key = field_text(ref, "key");
        const k8s::DataObject* obj = find_object(is_cm ? ctx.objects.config_maps : ctx.objects.secrets, ctx, obj_name);
        const ByteVec* v = nullptr;
        if (obj != nullptr) {
          const auto it = obj->values.find(key);
          if (it != obj->values.end()) v = &it->second;
        }
        if (v == nullptr) {
          if (optional_ref(ref, here)) continue;
          const bool binary = obj != nullptr && obj->binary.count(key) != 0;
          fail(here, std::string(is_cm ? "ConfigMap" : "Secret") + " '" + obj_name + "'" +
                         (obj == nullptr ? " is not in the input"
                          : binary       ? " has key '" + key + "' only in binaryData, which kubelet never puts in env"
                                         : " has no key '" + key + "'") +
                         "; add it to data, or mark the reference optional: true");
        }
        set_var(env, name, literal(env_text(*v, here, std::string(is_cm ? "ConfigMap" : "Secret") + " '" + obj_name + "' key '" + key + "'")));
      } else {
        fail(here, "valueFrom: no supported source (fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef)");
      }
    }
  }
  // The Job controller appends the index (from the pod's annotation) unless the container sets it.
  if (ctx.pod.indexed_job && std::none_of(env.begin(), env.end(), [](const EnvVar& e) { return e.name == "JOB_COMPLETION_INDEX"; }))
    set_var(env, "JOB_COMPLETION_INDEX", dynamic("(0|[1-9][0-9]*)", kAnyValue));
  return env;
}

std::vector<EnvVar> service_env(const PodEnvContext& ctx) {
  std::vector<EnvVar> out;
  const std::string any_ip = ip_regex(ctx.common);
  for (const auto& s : pod_services(ctx)) {
    const std::string n = env_name(s.name);
    const Value ip = s.cluster_ip.empty() ? dynamic(any_ip, kAnyValue) : literal(s.cluster_ip);
    auto join = [&](const std::string& head, const std::string& tail) {
      return ip.dynamic ? dynamic(regex_escape(head) + "(" + ip.text + ")" + regex_escape(tail), head + ip.placeholder + tail)
                        : literal(head + ip.text + tail);
    };
    const auto& first = s.ports.front();
    out.push_back({n + "_SERVICE_HOST", ip});
    out.push_back({n + "_SERVICE_PORT", literal(std::to_string(first.port))});
    for (const auto& p : s.ports)
      if (!p.name.empty()) out.push_back({n + "_SERVICE_PORT_" + env_name(p.name), literal(std::to_string(p.port))});
    out.push_back({n + "_PORT", join(ascii_lower(first.protocol) + "://", ":" + std::to_string(first.port))});
    for (const auto& p : s.ports) {
      const std::string base = n + "_PORT_" + std::to_string(p.port) + "_" + p.protocol;
      out.push_back({base, join(ascii_lower(p.protocol) + "://", ":" + std::to_string(p.port))});
      out.push_back({base + "_PROTO", literal(ascii_lower(p.protocol))});
      out.push_back({base + "_PORT", literal(std::to_string(p.port))});
      out.push_back({base + "_ADDR", ip});
    }
  }
  return out;
}

std::vector<std::string> bound_service_names(const PodEnvContext& ctx) {
  std::vector<std::string> out;
  for (const auto& s : ctx.objects.services)
    if (s.namespace_ == ctx.pod.namespace_ && std::find(out.begin(), out.end(), env_name(s.name)) == out.end())
      out.push_back(env_name(s.name));
  if (std::find(out.begin(), out.end(), "KUBERNETES") == out.end()) out.push_back("KUBERNETES");
  return out;
}

std::vector<std::string> service_env_regexes(const PodEnvContext& ctx) {
  // The services the input defines are bound in the container's env (service_env); patterns
  // only ever stand for services the input does not define, and only in namespace and any modes.
  const ServiceEnv mode = ctx.service_env;
  std::vector<std::string> out;
  if (mode == ServiceEnv::Strict || !service_links(ctx)) return out;
  const Json& c = ctx.common;
  if (mode == ServiceEnv::Any) {  // genpolicy's patterns, as upstream settings ship them
    const std::string svc = c["svc_name_downward_env"], ip = c["ipv4_a"], port = c["ip_p"];
    for (const std::string& r :
         {"^" + svc + "_PORT_" + port + "_(TCP|UDP)=(tcp|udp)://" + ip + ":" + port + "$",
          "^" + svc + "_PORT_" + port + "_(TCP|UDP)_PROTO=(tcp|udp)$", "^" + svc + "_PORT_" + port + "_(TCP|UDP)_PORT=" + port + "$",
          "^" + svc + "_PORT_" + port + "_(TCP|UDP)_ADDR=" + ip + "$", "^" + svc + "_SERVICE_HOST=" + ip + "$",
          "^" + svc + "_SERVICE_PORT=" + port + "$", "^" + svc + "_SERVICE_PORT_[a-zA-Z0-9_.-]+=" + port + "$",
          "^" + svc + "_PORT=(tcp|udp)://" + ip + ":" + port + "$"})
      out.push_back(r);
    return out;
  }
  // namespace: any well-formed service name, values that must be an IP and a port 1-65535, the
  // protocol in the name matching the one in the value.
  const std::string svc = c["svc_name_downward_env"].get<std::string>();
  const std::string ip = ip_regex(c);
  const std::string port = kPortRegex;
  out.push_back("^" + svc + "_SERVICE_HOST=" + ip + "$");
  out.push_back("^" + svc + "_SERVICE_PORT=" + port + "$");
  out.push_back("^" + svc + "_SERVICE_PORT_[A-Z0-9_]+=" + port + "$");
  for (const std::string proto : {"TCP", "UDP", "SCTP"}) {
    const std::string p = ascii_lower(proto);
    out.push_back("^" + svc + "_PORT=" + p + "://" + ip + ":" + port + "$");
    out.push_back("^" + svc + "_PORT_" + port + "_" + proto + "=" + p + "://" + ip + ":" + port + "$");
    out.push_back("^" + svc + "_PORT_" + port + "_" + proto + "_PROTO=" + p + "$");
    out.push_back("^" + svc + "_PORT_" + port + "_" + proto + "_PORT=" + port + "$");
    out.push_back("^" + svc + "_PORT_" + port + "_" + proto + "_ADDR=" + ip + "$");
  }
  return out;
}

}  // namespace coco::policy
