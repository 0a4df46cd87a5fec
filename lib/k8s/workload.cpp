// SPDX-License-Identifier: Apache-2.0
#include "k8s/workload.h"

#include <algorithm>

#include "util/encoding.h"
#include "util/error.h"

namespace coco::k8s {
namespace {

std::string str_at(const Json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key) || obj[key].is_null()) return "";
  if (!obj[key].is_string()) return obj[key].dump();
  return obj[key].get<std::string>();
}

// Where the pod template lives per controller kind (policy.md §1.2 table).
struct KindInfo {
  const char* kind;
  const char* template_path;  // "" for a Pod
};
const KindInfo kKinds[] = {
    {"Pod", ""},
    {"Deployment", "/spec/template"},
    {"ReplicaSet", "/spec/template"},
    {"ReplicationController", "/spec/template"},
    {"DaemonSet", "/spec/template"},
    {"StatefulSet", "/spec/template"},
    {"Job", "/spec/template"},
    {"CronJob", "/spec/jobTemplate/spec/template"},
};

NamePart literal_part(std::string s) { return {std::move(s), "", "", 0, 0}; }

// A Deployment's ReplicaSet is "<name>-<pod-template-hash>".
NamePart hash_part() { return {"", kHashAlphabet, "[5-9bcdf]", kHashMinLength, kHashMaxLength}; }

// A CronJob's Job is "<name>-<scheduled time in minutes since the epoch>": 8 digits from 1989 to 2160.
NamePart minutes_part() { return {"", "[0-9]", "[1-9]", 8, 8}; }

// An index or ordinal in decimal without leading zeros, up to `digits` digits.
NamePart index_part(int digits) { return {"", "[0-9]", "[1-9]", 1, digits}; }

std::string index_regex() { return "(0|[1-9][0-9]*)"; }

int digits_of(std::int64_t n) {
  int d = 1;
  while (n >= 10) {
    n /= 10;
    ++d;
  }
  return d;
}

// The generateName base of the pods a controller creates, as parts (literal name, hash, ...).
std::vector<NamePart> controller_base(const std::string& kind, const std::string& name, const Json& job_spec, bool indexed) {
  if (kind == "Deployment") return {literal_part(name + "-"), hash_part(), literal_part("-")};
  std::vector<NamePart> base{literal_part(name + "-")};
  if (kind == "CronJob") base.insert(base.end(), {minutes_part(), literal_part("-")});
  if (indexed) {
    // The Job controller names an Indexed Job's pods "<job>-<index>-<suffix>"; completions bounds the index.
    int digits = 9;
    if (job_spec.is_object() && job_spec.contains("completions") && job_spec["completions"].is_number_integer() &&
        job_spec["completions"].get<std::int64_t>() > 0)
      digits = digits_of(job_spec["completions"].get<std::int64_t>() - 1);
    base.insert(base.end(), {index_part(digits), literal_part("-")});
  }
  return base;
}

void add_templates(const Json& obj, const Json::json_pointer& item, std::size_t doc_index, const std::string& name,
                   int line, const std::string& default_namespace, std::vector<PodTemplate>& out) {
  if (!obj.is_object()) return;
  const std::string kind = str_at(obj, "kind");
  if (kind == "List") {
    if (obj.contains("items") && obj["items"].is_array())
      for (std::size_t i = 0; i < obj["items"].size(); ++i)
        add_templates(obj["items"][i], item / "items" / i, doc_index, name, line, default_namespace, out);
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
    if (t.namespace_.empty()) t.namespace_ = default_namespace;
    const std::string generate = str_at(meta, "generateName");
    t.where = name + ": document " + std::to_string(doc_index + 1) + " (line " + std::to_string(line) + ", " +
              kind + " " + (t.name.empty() ? generate + "*" : t.name) + ")";
    if (t.name.empty() && (kind != "Pod" || generate.empty()))
      fail(t.where, "metadata.name is required" + std::string(kind == "Pod" ? " (or generateName)" : ""));
    t.metadata = item / tp / "metadata";
    t.spec = item / tp / "spec";
    if (!obj.contains(tp / "spec") || !obj[tp / "spec"].is_object())
      fail(t.where, (tp.empty() ? std::string("spec") : std::string(k.template_path + 1) + "/spec") + ": missing pod spec");
    const Json& spec = obj[tp / "spec"];
    const Json::json_pointer job_spec_ptr(kind == "CronJob" ? "/spec/jobTemplate/spec" : "/spec");
    const Json job_spec = obj.contains(job_spec_ptr) ? obj[job_spec_ptr] : Json::object();
    t.indexed_job = (kind == "Job" || kind == "CronJob") && job_spec.is_object() && job_spec.contains("completionMode") &&
                    job_spec["completionMode"] == "Indexed";
    // kubelet: hostname = spec.hostname, else the pod name cut to 63 characters with trailing
    // '-' and '.' dropped. A generated name has at most 63 characters, so it is its own hostname.
    const std::string host = str_at(spec, "hostname");
    if (kind == "Pod" && !t.name.empty()) {
      t.sandbox_name_regex = "^" + regex_escape(t.name) + "$";
      std::string cut = t.name.substr(0, 63);
      while (!cut.empty() && (cut.back() == '-' || cut.back() == '.')) cut.pop_back();
      t.hostname_regex = "^" + regex_escape(cut) + "$";
      t.hostname_is_name = cut == t.name;
    } else if (kind == "StatefulSet") {
      // The StatefulSet controller names pod N "<name>-N" and sets its spec.hostname to that name.
      t.sandbox_name_regex = "^" + regex_escape(t.name) + "-" + index_regex() + "$";
      if (t.name.size() + 11 <= 63) {
        t.hostname_regex = t.sandbox_name_regex;
        t.hostname_is_name = true;
      } else {
        const std::string head = t.name.substr(0, 63);
        t.hostname_regex = "^" + regex_escape(head) + "[a-z0-9.-]{0," + std::to_string(63 - head.size()) + "}$";
      }
    } else {
      const std::vector<NamePart> base =
          kind == "Pod" ? std::vector<NamePart>{literal_part(generate)} : controller_base(kind, t.name, job_spec, t.indexed_job);
      t.sandbox_name_regex = "^" + generated_name_regex(base) + "$";
      t.hostname_regex = t.sandbox_name_regex;
      t.hostname_is_name = true;
    }
    if (t.indexed_job) {
      // The Job controller sets an Indexed Job pod's hostname to "<job>-<index>", whatever the template says.
      const std::string job = regex_escape(t.name) + (kind == "CronJob" ? "-[1-9][0-9]{7}" : "");
      t.hostname_regex = "^" + job + "-" + index_regex() + "$";
      t.hostname_is_name = false;
    } else if (!host.empty() && kind != "StatefulSet") {
      t.hostname_regex = "^" + regex_escape(host.substr(0, 63)) + "$";
      t.hostname_is_name = false;
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

void collect(const Json& obj, const std::string& where, const std::string& default_namespace, Objects& out) {
  if (!obj.is_object()) return;
  const std::string kind = str_at(obj, "kind");
  if (kind == "List" && obj.contains("items") && obj["items"].is_array()) {
    for (const auto& item : obj["items"]) collect(item, where, default_namespace, out);
    return;
  }
  const Json meta = obj.value("metadata", Json::object());
  std::string ns = str_at(meta, "namespace");
  if (ns.empty()) ns = default_namespace;
  const std::string key = object_key(ns, str_at(meta, "name"));
  const std::string here = where + " (" + kind + " " + str_at(meta, "name") + ")";
  if (kind == "ConfigMap" || kind == "Secret") {
    DataObject d;
    if (obj.contains("data") && obj["data"].is_object())
      for (const auto& [k, v] : obj["data"].items())
        d.values[k] = kind == "Secret" ? decode_b64(v, here + ": data." + k) : as_bytes_vec(v);
    if (kind == "ConfigMap" && obj.contains("binaryData") && obj["binaryData"].is_object())
      for (const auto& [k, v] : obj["binaryData"].items()) d.binary[k] = decode_b64(v, here + ": binaryData." + k);
    if (kind == "Secret" && obj.contains("stringData") && obj["stringData"].is_object())
      for (const auto& [k, v] : obj["stringData"].items()) d.values[k] = as_bytes_vec(v);  // wins over data
    (kind == "Secret" ? out.secrets : out.config_maps)[key] = std::move(d);
  } else if (kind == "Service") {
    const Json spec = obj.value("spec", Json::object());
    const std::string type = str_at(spec, "type");
    const std::string ip = str_at(spec, "clusterIP");
    Service s{str_at(meta, "name"), ns, ip == "None" ? "" : ip, {}};
    s.links = ip != "None" && type != "ExternalName";  // kubelet gives headless and ExternalName services no env
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

bool is_dns_label(std::string_view s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

bool bool_field(const Json& obj, const char* key, bool dflt, const std::string& where) {
  if (!obj.is_object() || !obj.contains(key) || obj[key].is_null()) return dflt;
  if (!obj[key].is_boolean()) fail(where, std::string(key) + ": expected true or false, found " + obj[key].dump());
  return obj[key].get<bool>();
}

std::vector<PodTemplate> find_pod_templates(const std::vector<Document>& docs, const std::string& name,
                                            const std::string& default_namespace) {
  std::vector<PodTemplate> out;
  for (std::size_t i = 0; i < docs.size(); ++i)
    add_templates(docs[i].value, Json::json_pointer(), i, name, docs[i].line, default_namespace, out);
  return out;
}

Objects collect_objects(const std::vector<Document>& docs, const std::string& name, const std::string& default_namespace) {
  Objects out;
  for (std::size_t i = 0; i < docs.size(); ++i)
    collect(docs[i].value, name + ": document " + std::to_string(i + 1), default_namespace, out);
  return out;
}

std::string generated_name_regex(const std::vector<NamePart>& base) {
  // Every length choice of the variable parts gives one sequence of one-character atoms (an
  // escaped literal character, or a class); each is cut to the 58 characters the apiserver keeps.
  struct Atom {
    bool cls;
    std::string text;
  };
  std::vector<std::vector<Atom>> variants{{}};
  for (const NamePart& p : base) {
    std::vector<std::vector<Atom>> next;
    for (const auto& v : variants) {
      if (p.cls.empty()) {
        auto w = v;
        for (char c : p.literal) w.push_back({false, regex_escape(std::string(1, c))});
        next.push_back(std::move(w));
        continue;
      }
      for (int n = p.min; n <= p.max; ++n) {
        auto w = v;
        for (int i = 0; i < n; ++i) w.push_back({true, i == 0 && n > 1 && !p.first_cls.empty() ? p.first_cls : p.cls});
        next.push_back(std::move(w));
      }
    }
    variants = std::move(next);
  }
  for (auto& v : variants)
    if (v.size() > kMaxGeneratedBase) v.resize(kMaxGeneratedBase);
  auto render = [](const std::vector<Atom>& v, std::size_t from) {
    std::string r;
    for (std::size_t i = from; i < v.size();) {
      std::size_t j = i + 1;
      while (v[i].cls && j < v.size() && v[j].cls && v[j].text == v[i].text) ++j;
      r += v[i].text;
      if (j - i > 1) r += "{" + std::to_string(j - i) + "}";
      i = j;
    }
    return r;
  };
  // The atoms every variant starts with are written once, before the alternatives.
  std::size_t common = variants.front().size();
  for (const auto& v : variants) {
    std::size_t k = 0;
    while (k < common && k < v.size() && v[k].cls == variants.front()[k].cls && v[k].text == variants.front()[k].text) ++k;
    common = k;
  }
  std::vector<std::string> alternatives;
  for (const auto& v : variants) {
    const std::string r = render(v, common);
    if (std::find(alternatives.begin(), alternatives.end(), r) == alternatives.end()) alternatives.push_back(r);
  }
  std::string out;
  for (const auto& a : alternatives) out += (out.empty() ? "" : "|") + a;
  if (alternatives.size() > 1) out = "(" + out + ")";
  out = render(std::vector<Atom>(variants.front().begin(), variants.front().begin() + static_cast<std::ptrdiff_t>(common)), 0) + out;
  return out + kSuffixAlphabet + "{" + std::to_string(kSuffixLength) + "}";
}

std::string string_field(const Json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_string()) return "";
  return obj[key].get<std::string>();
}

const Json& member_or_null(const Json& obj, const char* key) {
  static const Json null;
  if (!obj.is_object() || !obj.contains(key)) return null;
  return obj[key];
}

}  // namespace coco::k8s
