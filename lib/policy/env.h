// SPDX-License-Identifier: Apache-2.0
// Container environment as kubelet and containerd build it (policy.md §1.4 step 3-5, §2): image
// env, then envFrom (with prefix and optional), then env (value, configMapKeyRef, secretKeyRef,
// fieldRef, resourceFieldRef), `$(VAR)` expansion exactly as kubelet's expansion package does it
// ($$ escapes, unknown references kept), and the service-link variables kubelet injects.
// A value the node decides (pod IP, node name, generated pod name…) is dynamic: it becomes an
// anchored, escaped regex, never an unanchored match.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "k8s/workload.h"
#include "util/output.h"

namespace coco::policy {

struct Value {
  bool dynamic = false;
  std::string text;         // the literal value, or an unanchored regex fragment when dynamic
  std::string placeholder;  // when dynamic: the value with upstream rules.rego placeholders ("$(pod-ip)")
};

struct EnvVar {
  std::string name;
  Value value;
};

enum class ServiceEnv { Strict, Namespace, Any };
ServiceEnv parse_service_env(std::string_view name);  // throws Usage

struct PodEnvContext {
  const k8s::PodTemplate& pod;
  const Json& metadata;  // the pod template's metadata
  const Json& spec;      // the PodSpec
  const k8s::Objects& objects;
  const Json& common;    // settings.common (regex building blocks)
  ServiceEnv service_env = ServiceEnv::Namespace;
};

// kubelet's expansion.Expand over `text` with `vars`. A reference to a name not in `vars` stays
// as written, unless `ctx` says the pod may see services the input does not define (namespace
// and any modes) and the name is one of a service's variables: then it is that or its value.
Value expand(const std::string& text, const std::map<std::string, Value>& vars, const PodEnvContext* ctx = nullptr);

// The container's own variables (envFrom then env), in order, later definitions replacing
// earlier ones in place. `where` names the container in messages.
std::vector<EnvVar> container_env(const Json& container, const PodEnvContext& ctx, const std::string& where);

// Service-link variables kubelet injects into this pod for the services the input defines in the
// pod's namespace (with a cluster IP, unless enableServiceLinks is false) and the cluster's
// `kubernetes` service, as values: exact in every --service-env mode.
std::vector<EnvVar> service_env(const PodEnvContext& ctx);

// The env names (upper case, '-' → '_') of every service the input defines in the pod's
// namespace, headless or not, and KUBERNETES: no pattern may stand for their variables
// (policy_data.pod.services; the rules check it).
std::vector<std::string> bound_service_names(const PodEnvContext& ctx);

// What follows a service's env name in its variables' names (kubelet's service env shapes).
inline constexpr const char* kServiceVarSuffix =
    "_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_[0-9]+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?)";

// The token env_patterns and arg_patterns use for the pod's own name: the rules put the
// sandbox-name the pod's first container was created with in its place (policy.md §1.5).
inline constexpr const char* kSandboxNameToken = "$(sandbox-name)";
// Likewise for the hostname the sandbox was created with (CreateSandboxRequest.hostname).
inline constexpr const char* kSandboxHostnameToken = "$(sandbox-hostname)";

// Anchored regexes for request_defaults.CreateContainerRequest.allow_env_regex: none in strict
// mode or when enableServiceLinks is false; else patterns for the services the input does not
// define (namespace: any name with an IP and a port 1-65535; any: genpolicy's patterns).
std::vector<std::string> service_env_regexes(const PodEnvContext& ctx);

}  // namespace coco::policy
