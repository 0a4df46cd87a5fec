// Workloads → pod templates, and the objects a pod's environment is built from (policy.md §1.2,
// §2.3, §2.5). A policy is attached to each pod template; ConfigMaps, Secrets and Services in the
// same input are collected so env and volumes can be resolved offline.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "k8s/manifest.h"
#include "util/bytes.h"

namespace coco::k8s {

struct PodTemplate {
  std::size_t document = 0;    // index into the loaded documents
  Json::json_pointer item;     // the object inside the document ("" or /items/3 for a List)
  Json::json_pointer metadata; // the pod template's metadata (annotations are written here)
  Json::json_pointer spec;     // the PodSpec
  std::string kind, name, namespace_;  // namespace_ empty when the manifest leaves it to kubectl
  std::string sandbox_name_regex;      // anchored: what io.kubernetes.cri.sandbox-name may be
  std::string hostname_regex;          // anchored: the HOSTNAME kubelet gives the pod
  bool indexed_job = false;            // completionMode: Indexed (the Job controller adds JOB_COMPLETION_INDEX)
  std::string where;                   // "deploy.yaml: document 2 (Deployment web)" for messages
};

struct DataObject {  // a ConfigMap or a Secret, values decoded
  std::map<std::string, ByteVec> values;
};

struct ServicePort {
  std::string name, protocol;  // protocol upper case: TCP, UDP, SCTP
  int port = 0;
};
struct Service {
  std::string name, namespace_, cluster_ip;  // cluster_ip empty: allocated by the cluster
  std::vector<ServicePort> ports;
};

struct Objects {  // keyed by "namespace/name"
  std::map<std::string, DataObject> config_maps, secrets;
  std::vector<Service> services;
};

// The random suffix alphabet of generated names (k8s.io/apimachinery rand.String).
inline constexpr const char* kSuffixRegex = "[bcdfghjklmnpqrstvwxz2456789]+";

std::string regex_escape(std::string_view literal);

// obj[key] when obj is an object holding a string there, else "" (absent optional fields).
std::string string_field(const Json& obj, const char* key);

// A boolean field of an API object: `dflt` when absent or null, an error naming `where.key` when
// it is not a boolean (the API server would reject it; guessing could widen the policy).
bool bool_field(const Json& obj, const char* key, bool dflt, const std::string& where);

std::vector<PodTemplate> find_pod_templates(const std::vector<Document>& docs, const std::string& name);
Objects collect_objects(const std::vector<Document>& docs, const std::string& name);

inline std::string object_key(const std::string& ns, const std::string& name) { return ns + "/" + name; }

}  // namespace coco::k8s
