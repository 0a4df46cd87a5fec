#include "k8s/workload.h"

#include "util/encoding.h"
#include "util/error.h"

namespace coco::k8s {
namespace {

std::string str_at(const Json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key) || obj[key].is_null()) return "";
  if (!obj[key].is_string()) return obj[key].dump();
  return obj[key].get<std::string>();
}

// Where the pod template lives per controller kind, and the suffix the controller appends to its
// name (policy.md §1.2 table; the regexes are anchored by the caller).
struct KindInfo {
  const char* kind;
  const char* template_path;  // "" for a Pod
  const char* suffix;         // after "<name>"
};
const KindInfo kKinds[] = {
    {"Pod", "", ""},
    {"Deployment", "/spec/template", "-[a-z0-9]+-%S"},  // pod-template-hash, then the random suffix
    {"ReplicaSet", "/spec/template", "-%S"},
    {"ReplicationController", "/spec/template", "-%S"},
    {"DaemonSet", "/spec/template", "-%S"},
    {"StatefulSet", "/spec/template", "-(0|[1-9][0-9]*)"},
    {"Job", "/spec/template", "-%S"},
    {"CronJob", "/spec/jobTemplate/spec/template", "-[0-9]+-%S"},  // the job is named after the scheduled minute
};

std::string expand_suffix(std::string s) {
  for (auto p = s.find("%S"); p != std::string::npos; p = s.find("%S")) s.replace(p, 2, kSuffixRegex);
  return s;
}

void add_templates(const Json& obj, const Json::json_pointer& item, std::size_t doc_index, const std::string& name,
                   int line, std::vector<PodTemplate>& out) {
  if (!obj.is_object()) return;
  const std::string kind = str_at(obj, "kind");
  if (kind == "List") {
    if (obj.contains("items") && obj["items"].is_array())
      for (std::size_t i = 0; i < obj["items"].size(); ++i)
        add_templates(obj["items"][i], item / "items" / i, doc_index, name, line, out);
    return;
  }
  for (const KindInfo& k : kKinds) {
    if (kind != k.kind) continue;
    const Json::json_pointer tp(k.template_path);
    // A list or a scalar where a mapping belongs is named here, not met later as a JSON type error.
    for (const auto& p : {Json::json_pointer("/metadata"), tp / "metadata"})
      if (obj.contains(p) && !obj[p].is_null() && !obj[p].is_object())
        fail(name + ": document " + std::to_string(doc_index + 1) + " (line " + std::to_string(line) + ", " + kind + ")",
             p.to_string().substr(1) + ": expected a mapping, got " + obj[p].type_name());
    const Json meta = obj.value("metadata", Json::object());
    PodTemplate t;
    t.document = doc_index;
    t.item = item;
    t.kind = kind;
    t.name = str_at(meta, "name");
    t.namespace_ = str_at(meta, "namespace");
    const std::string generate = str_at(meta, "generateName");
    t.where = name + ": document " + std::to_string(doc_index + 1) + " (line " + std::to_string(line) + ", " +
              kind + " " + (t.name.empty() ? generate + "*" : t.name) + ")";
    if (t.name.empty() && (kind != "Pod" || generate.empty()))
      fail(t.where, "metadata.name is required" + std::string(kind == "Pod" ? " (or generateName)" : ""));
    t.metadata = item / tp / "metadata";
    t.spec = item / tp / "spec";
    if (!obj.contains(tp / "spec") || !obj[tp / "spec"].is_object())
      fail(t.where, (tp.empty() ? std::string("spec") : std::string(k.template_path + 1) + "/spec") + ": missing pod spec");
    std::string prefix;
    if (kind == "Pod")
      prefix = t.name.empty() ? regex_escape(generate) + kSuffixRegex : regex_escape(t.name);
    else
      prefix = regex_escape(t.name) + expand_suffix(k.suffix);
    t.sandbox_name_regex = "^" + prefix + "$";
    // An Indexed Job's controller names each pod "<job>-<index>-<suffix>" and sets its hostname to
    // "<job>-<index>", whatever the template says.
    const Json::json_pointer job_spec(kind == "CronJob" ? "/spec/jobTemplate/spec" : "/spec");
    t.indexed_job = (kind == "Job" || kind == "CronJob") && obj.contains(job_spec / "completionMode") &&
                    obj[job_spec / "completionMode"] == "Indexed";
    std::string indexed_host;
    if (t.indexed_job) {
      const std::string job = regex_escape(t.name) + (kind == "CronJob" ? "-[0-9]+" : "");
      t.sandbox_name_regex = "^" + job + "-(0|[1-9][0-9]*)" + expand_suffix("-%S") + "$";
      indexed_host = "^" + job + "-(0|[1-9][0-9]*)$";
    }
    // kubelet: hostname = spec.hostname, else the pod name cut to 63 characters with trailing
    // '-' and '.' dropped. A controller adds at most 17 characters (hash, dashes, 5-letter suffix);
    // when the name could reach the cut, keep the literal head and bound the tail.
    const Json& spec = obj[tp / "spec"];
    const std::string host = str_at(spec, "hostname");
    const std::string literal = t.name.empty() ? generate : t.name;
    if (!indexed_host.empty()) {
      t.hostname_regex = indexed_host;
    } else if (!host.empty()) {
      t.hostname_regex = "^" + regex_escape(host) + "$";
    } else if (kind == "Pod" && !t.name.empty()) {
      std::string cut = t.name.substr(0, 63);
      while (!cut.empty() && (cut.back() == '-' || cut.back() == '.')) cut.pop_back();
      t.hostname_regex = "^" + regex_escape(cut) + "$";
    } else if (literal.size() + 17 <= 63) {
      t.hostname_regex = t.sandbox_name_regex;
    } else {
      const std::string head = literal.substr(0, 63);
      t.hostname_regex = "^" + regex_escape(head) + "[a-z0-9.-]{0," + std::to_string(63 - head.size()) + "}$";
    }
    out.push_back(std::move(t));
    return;
  }
}

ByteVec decode_b64(const Json& v, const std::string& where) {
  if (!v.is_string()) fail(where, "expected a base64 string");
  return from_base64(v.get<std::string>(), where);
}

ByteVec as_bytes_vec(const Json& v) {
  const std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  return ByteVec(s.begin(), s.end());
}

void collect(const Json& obj, const std::string& where, Objects& out) {
  if (!obj.is_object()) return;
  const std::string kind = str_at(obj, "kind");
  if (kind == "List" && obj.contains("items") && obj["items"].is_array()) {
    for (const auto& item : obj["items"]) collect(item, where, out);
    return;
  }
  const Json meta = obj.value("metadata", Json::object());
  const std::string key = object_key(str_at(meta, "namespace"), str_at(meta, "name"));
  const std::string here = where + " (" + kind + " " + str_at(meta, "name") + ")";
  if (kind == "ConfigMap" || kind == "Secret") {
    DataObject d;
    if (obj.contains("data") && obj["data"].is_object())
      for (const auto& [k, v] : obj["data"].items())
        d.values[k] = kind == "Secret" ? decode_b64(v, here + ": data." + k) : as_bytes_vec(v);
    if (kind == "ConfigMap" && obj.contains("binaryData") && obj["binaryData"].is_object())
      for (const auto& [k, v] : obj["binaryData"].items()) d.values[k] = decode_b64(v, here + ": binaryData." + k);
    if (kind == "Secret" && obj.contains("stringData") && obj["stringData"].is_object())
      for (const auto& [k, v] : obj["stringData"].items()) d.values[k] = as_bytes_vec(v);  // wins over data
    (kind == "Secret" ? out.secrets : out.config_maps)[key] = std::move(d);
  } else if (kind == "Service") {
    const Json spec = obj.value("spec", Json::object());
    const std::string type = str_at(spec, "type");
    const std::string ip = str_at(spec, "clusterIP");
    if (ip == "None" || type == "ExternalName") return;  // headless and ExternalName get no env
    Service s{str_at(meta, "name"), str_at(meta, "namespace"), ip, {}};
    if (spec.contains("ports") && spec["ports"].is_array())
      for (const auto& p : spec["ports"]) {
        if (!p.is_object() || !p.contains("port") || !p["port"].is_number_integer())
          fail(here, "spec.ports[]: port must be an integer");
        std::string proto = str_at(p, "protocol");
        s.ports.push_back({str_at(p, "name"), proto.empty() ? "TCP" : proto, p["port"].get<int>()});
      }
    out.services.push_back(std::move(s));
  }
}

}  // namespace

std::string regex_escape(std::string_view literal) {
  std::string out;
  for (char c : literal) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

bool bool_field(const Json& obj, const char* key, bool dflt, const std::string& where) {
  if (!obj.is_object() || !obj.contains(key) || obj[key].is_null()) return dflt;
  if (!obj[key].is_boolean()) fail(where, std::string(key) + ": expected true or false, found " + obj[key].dump());
  return obj[key].get<bool>();
}

std::vector<PodTemplate> find_pod_templates(const std::vector<Document>& docs, const std::string& name) {
  std::vector<PodTemplate> out;
  for (std::size_t i = 0; i < docs.size(); ++i) add_templates(docs[i].value, Json::json_pointer(), i, name, docs[i].line, out);
  return out;
}

Objects collect_objects(const std::vector<Document>& docs, const std::string& name) {
  Objects out;
  for (std::size_t i = 0; i < docs.size(); ++i)
    collect(docs[i].value, name + ": document " + std::to_string(i + 1), out);
  return out;
}

std::string string_field(const Json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_string()) return "";
  return obj[key].get<std::string>();
}

}  // namespace coco::k8s
