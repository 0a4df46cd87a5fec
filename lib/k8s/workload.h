// SPDX-License-Identifier: Apache-2.0
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
  std::string kind, name, namespace_;  // namespace_ empty only with --any-namespace
  std::string sandbox_name_regex;      // anchored: what io.kubernetes.cri.sandbox-name may be
  std::string hostname_regex;          // anchored: the HOSTNAME kubelet gives the pod
  bool hostname_is_name = false;       // kubelet's hostname is the pod name itself (no spec.hostname, <= 63)
  bool indexed_job = false;            // completionMode: Indexed (the Job controller adds JOB_COMPLETION_INDEX)
  std::string where;                   // "deploy.yaml: document 2 (Deployment web)" for messages
};

struct DataObject {  // a ConfigMap or a Secret, values decoded
  std::map<std::string, ByteVec> values;  // data (and a Secret's stringData): what env may read
  std::map<std::string, ByteVec> binary;  // a ConfigMap's binaryData: file content, never env
};

struct ServicePort {
  std::string name, protocol;  // protocol upper case: TCP, UDP, SCTP
  int port = 0;
};
struct Service {
  std::string name, namespace_, cluster_ip;  // cluster_ip empty: allocated by the cluster
  std::vector<ServicePort> ports;
  bool links = true;  // false for a headless (clusterIP: None) or ExternalName service: kubelet gives it no env
};

struct Objects {  // keyed by "namespace/name"
  std::map<std::string, DataObject> config_maps, secrets;
  std::vector<Service> services;
};

// The random suffix of generated names: 5 characters of k8s.io/apimachinery rand.String's alphabet
// (apiserver SimpleNameGenerator: the base cut to 58 characters, then the suffix).
inline constexpr const char* kSuffixAlphabet = "[bcdfghjklmnpqrstvwxz2456789]";
inline constexpr std::size_t kSuffixLength = 5, kMaxGeneratedBase = 58;
// A controller's pod-template-hash: rand.SafeEncodeString of a uint32 in decimal (1-10 digits),
// which maps the digits 0-9 onto 4 5 6 7 8 9 b c d f.
inline constexpr const char* kHashAlphabet = "[4-9bcdf]";
inline constexpr int kHashMinLength = 1, kHashMaxLength = 10;

std::string regex_escape(std::string_view literal);

// RFC 1123 label, as namespace names are: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 characters.
bool is_dns_label(std::string_view s);

// obj[key] when obj is an object holding a string there, else "" (absent optional fields).
std::string string_field(const Json& obj, const char* key);
// obj[key] when obj is an object that has it, else a null (absent optional sections).
const Json& member_or_null(const Json& obj, const char* key);

// A boolean field of an API object: `dflt` when absent or null, an error naming `where.key` when
// it is not a boolean (the API server would reject it; guessing could widen the policy).
bool bool_field(const Json& obj, const char* key, bool dflt, const std::string& where);

// `default_namespace` is the namespace of objects that name none (kubectl's -n); "" leaves it open.
std::vector<PodTemplate> find_pod_templates(const std::vector<Document>& docs, const std::string& name,
                                            const std::string& default_namespace = "");
Objects collect_objects(const std::vector<Document>& docs, const std::string& name,
                        const std::string& default_namespace = "");

// An unanchored regex for a name the apiserver generates from generateName `base` (whose own
// regex is given as parts: literal text, or a character class repeated min..max times): the base
// cut to 58 characters, then 5 suffix characters.
struct NamePart {
  std::string literal;     // when cls is empty
  std::string cls;         // a character class such as "[0-9]", repeated min..max times
  std::string first_cls;   // when set and the repeat is longer than 1: the first character's class
  int min = 0, max = 0;
};
std::string generated_name_regex(const std::vector<NamePart>& base);

inline std::string object_key(const std::string& ns, const std::string& name) { return ns + "/" + name; }

}  // namespace coco::k8s
