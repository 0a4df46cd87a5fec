// SPDX-License-Identifier: Apache-2.0
#include "policy/generate.h"

#include "policy_rules.h"  // generated from rules.rego

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <iostream>
#include <optional>

#include "k8s/edit.h"
#include "k8s/manifest.h"
#include "k8s/workload.h"
#include "oci/reference.h"
#include "policy/confidentiality.h"
#include "policy/container.h"
#include "policy/settings.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"
#include "util/parallel.h"

namespace coco::policy {

using k8s::member_or_null;
using k8s::string_field;
namespace {

// The PodSpec as the policy sees it: a StatefulSet's volumeClaimTemplates are volumes too.
Json effective_spec(const Json& object, const k8s::PodTemplate& t) {
  Json spec = object[t.spec];
  if (t.kind == "StatefulSet" && object.contains("/spec/volumeClaimTemplates"_json_pointer)) {
    for (const auto& claim : object["/spec/volumeClaimTemplates"_json_pointer]) {
      const std::string name = string_field(claim.value("metadata", Json::object()), "name");
      if (!spec.contains("volumes") || !spec["volumes"].is_array()) spec["volumes"] = Json::array();
      spec["volumes"].push_back({{"name", name}, {"persistentVolumeClaim", {{"claimName", name}}}});
    }
  }
  return spec;
}

Json pod_annotations(const Json& metadata) {
  Json out = Json::object();
  if (metadata.contains("annotations") && metadata["annotations"].is_object())
    for (const auto& [k, v] : metadata["annotations"].items())
      if (k != kInitdataAnnotation && k != kPolicyAnnotation) {
        const std::string value = v.is_string() ? v.get<std::string>() : v.dump();
        // the rules read a value starting with "^" as a regex: keep such a literal literal
        out[k] = value.rfind('^', 0) == 0 ? "^" + k8s::regex_escape(value) + "$" : value;
      }
  return out;
}

// `pins`: each container's image path in the document and the pinned reference it gets.
Json policy_data(const Json& doc, const k8s::PodTemplate& t, const k8s::Objects& objects, const GenerateOptions& opts,
                 const ImageResolver& resolve, std::vector<std::string>& images,
                 std::vector<std::pair<Json::json_pointer, std::string>>& pins) {
  const Json& s = opts.settings;
  const Json spec = effective_spec(doc, t);
  const Json metadata = doc.contains(t.metadata) ? doc[t.metadata] : Json::object();
  PodEnvContext env{t, metadata, spec, objects, s["common"], opts.service_env};
  PodInputs pod{env, s};
  std::optional<ImageInfo> pause_image;
  if (binds_tarfs_layers(s)) pause_image = resolve(s["cluster_config"]["pause_container_image"], t.where + ": pause image");
  const Json annotations = pod_annotations(metadata);
  Json pause = pause_policy(pod, pause_image ? &*pause_image : nullptr);
  // The runtime passes the pod's annotations to the sandbox as to every container.
  for (const auto& [k, v] : annotations.items()) pause["OCI"]["Annotations"][k] = v;
  Json containers = Json::array({std::move(pause)});
  for (const char* list : {"initContainers", "containers"}) {
    if (!spec.contains(list) || spec[list].is_null()) continue;
    if (!spec[list].is_array()) fail(t.where, std::string("spec.") + list + ": expected a list");
    for (std::size_t i = 0; i < spec[list].size(); ++i) {
      const Json& c = spec[list][i];
      const std::string where = t.where + ": spec." + list + "[" + std::to_string(i) + "]" +
                                (string_field(c, "name").empty() ? "" : " (" + string_field(c, "name") + ")");
      if (!c.is_object()) fail(where, "expected a container object");
      if (string_field(c, "name").empty()) fail(where, "container without a name");
      const std::string image = string_field(c, "image");
      if (image.empty()) fail(where, "container without an image");
      const ImageInfo info = resolve(image, where);
      Json cp = container_policy(c, info, pod, where);
      for (const auto& [k, v] : annotations.items()) cp["OCI"]["Annotations"][k] = v;
      containers.push_back(std::move(cp));
      images.push_back(info.pinned);
      pins.emplace_back(t.spec / list / i / "image", info.pinned);  // kubelet and containerd then ask for exactly this
    }
  }
  if (containers.size() == 1) fail(t.where, "spec.containers: the pod has no containers");
  if (spec.contains("ephemeralContainers")) fail(t.where, "spec.ephemeralContainers: not supported in a confidential pod");

  Json defaults = s["request_defaults"];
  Json& allow_env = defaults["CreateContainerRequest"]["allow_env_regex"];
  for (auto& r : service_env_regexes(env)) allow_env.push_back(r);
  Json& exec = defaults["ExecProcessRequest"]["allowed_commands"];
  for (const auto& argv : opts.allow_exec) exec.push_back(argv);
  return JsonObject()
      .add("containers", std::move(containers))
      .add("common", s["common"])
      .add("sandbox", s["sandbox"])
      .add("request_defaults", std::move(defaults))
      .add("devices", s["devices"])
      .add("cluster_config", s["cluster_config"])
      .add("pod", JsonObject()
                      .add("kind", t.kind)
                      .add("sandbox_name", t.sandbox_name_regex)
                      .add("namespace", t.namespace_)
                      .add("hostname", t.hostname_regex)
                      .add("hostname_is_name", t.hostname_is_name)
                      .add("services", bound_service_names(env))
                      .take())
      .take();
}

void set_annotation(Json& doc, const k8s::PodTemplate& t, const std::string& key, std::string value,
                    std::vector<k8s::Edit>& edits) {
  if (!doc.contains(t.metadata) || !doc[t.metadata].is_object()) doc[t.metadata] = Json::object();
  Json& meta = doc[t.metadata];
  if (!meta.contains("annotations") || !meta["annotations"].is_object()) meta["annotations"] = Json::object();
  Json& a = meta["annotations"];
  const std::string other = kInitdataAnnotation == key ? kPolicyAnnotation : kInitdataAnnotation;
  a.erase(other);   // one binding per pod
  a[key] = value;  // replaces in place on a re-run
  edits.push_back({t.document, t.metadata / "annotations" / key, std::move(value), other});
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// The data of a pod's initdata (issue 15 item 11): the entries of the initdata annotation it
// already has, the --initdata-extra files, then the new policy.rego (added by the caller).
std::map<std::string, std::string> initdata_entries(const Json& metadata, const GenerateOptions& opts,
                                                    const std::string& where, std::vector<std::string>& notes) {
  auto data = opts.initdata_extra;
  const Json& old = k8s::member_or_null(k8s::member_or_null(metadata, "annotations"), kInitdataAnnotation);
  if (old.is_null()) return data;
  const std::string here = where + ": annotation " + kInitdataAnnotation;
  if (!old.is_string()) fail(here, "expected a string (base64 of gzip'ed TOML)");
  const Initdata init = decode_initdata_annotation(old.get<std::string>(), here);
  std::vector<std::string> conflicts, kept;
  if (init.version != "0.1.0") conflicts.push_back("version '" + init.version + "' (coco writes 0.1.0)");
  if (init.algorithm != algo_name(opts.algorithm))
    conflicts.push_back("algorithm '" + init.algorithm + "' (--initdata-algorithm " + algo_name(opts.algorithm) + ")");
  for (const auto& u : init.unsupported) conflicts.push_back(u + " (coco cannot write it back)");
  for (const auto& [k, v] : init.data) {
    if (k == "policy.rego") continue;
    if (const auto it = data.find(k); it != data.end()) {
      if (it->second != v) conflicts.push_back(k + " differs from --initdata-extra " + k);
      continue;
    }
    if (opts.annotation == AnnotationKind::AgentPolicy) {
      conflicts.push_back(k + " (--annotation agent-policy replaces the initdata annotation)");
      continue;
    }
    data[k] = v;
    kept.push_back(k);
  }
  if (!conflicts.empty() && !opts.force)
    fail(here, "the existing initdata conflicts with the new one: " + join(conflicts) +
                   " (--force lets the new values win)");
  if (!conflicts.empty()) notes.push_back(here + ": --force: replaced " + join(conflicts));
  if (opts.annotation == AnnotationKind::Initdata)
    notes.push_back(here + ": merged into the existing initdata: " +
                    (kept.empty() ? std::string("no other entries") : "kept " + join(kept)) + ", policy.rego replaced");
  return data;
}

PodReport report_for(const k8s::PodTemplate& t, const Json& doc) {
  PodReport r;
  r.kind = t.kind;
  r.name = t.name.empty() ? string_field(doc[t.item].value("metadata", Json::object()), "generateName") : t.name;
  r.namespace_ = t.namespace_;
  return r;
}

}  // namespace

Generated generate(std::string_view text, const std::string& name, const GenerateOptions& opts,
                   const ImageResolver& resolve) {
  return generate(std::vector<Input>{{name, std::string(text)}}, opts, resolve);
}

bool selected_runtime_class(const Json& pod_spec, const std::vector<std::string>& runtime_classes) {
  if (runtime_classes.empty()) return true;
  const std::string name = k8s::string_field(pod_spec, "runtimeClassName");
  return std::find(runtime_classes.begin(), runtime_classes.end(), name) != runtime_classes.end();
}

namespace {

// One selected pod template's results, computed on a worker (k8s::Document values only read)
// and merged into the documents and the report in input order.
struct PodOut {
  PodReport report;
  std::vector<std::string> notes;
  std::vector<std::pair<Json::json_pointer, std::string>> pins;
  Json data;
  std::string rego, annotation;  // the policy text and the annotation's value
};

// A pod's policy text is this ‖ its policy data ‖ "\n" (generate.h).
std::string policy_head(const GenerateOptions& opts) {
  std::string head = opts.rules;
  if (!head.empty() && head.back() != '\n') head += '\n';
  return head + "\npolicy_data := ";
}

PodOut generate_pod(const Json& doc, const k8s::PodTemplate& t, const k8s::Objects& objects, const GenerateOptions& opts,
                    const ImageResolver& resolve, const std::string& head, const SharedInitdata* shared) {
  PodOut o;
  PodReport& r = o.report;
  r = report_for(t, doc);
  r.any_namespace = t.namespace_.empty();
  r.warnings = confidentiality_warnings(doc[t.spec], opts.settings);
  static const Json kNoMetadata = Json::object();
  const Json& metadata = doc.contains(t.metadata) ? doc[t.metadata] : kNoMetadata;
  const auto files_in_initdata = initdata_entries(metadata, opts, t.where, o.notes);
  try {
    o.data = policy_data(doc, t, objects, opts, resolve, r.images, o.pins);
  } catch (const Json::exception& e) {  // a field of an unexpected type that no check named
    fail(t.where, std::string("unexpected field type: ") + e.what());
  }
  r.annotation = opts.annotation;
  const std::string data_text = pretty_json(o.data);  // == o.data.dump(2)
  const auto policy_text = [&] {
    std::string rego;
    rego.reserve(head.size() + data_text.size() + 1);
    return rego.append(head).append(data_text).append("\n");
  };
  if (shared) {  // initdata: the run's shared text around this pod's data where it can be
    SharedInitdata::Document written = shared->write(files_in_initdata, data_text);
    r.binding = std::move(written.binding);
    o.annotation = std::move(written.annotation);
    if (opts.keep_policies) o.rego = policy_text();
  } else {  // AKS: HOSTDATA = sha256(policy text) (policy.md §4.4)
    o.rego = policy_text();
    r.binding = bind(Algo::Sha256, o.rego);
    o.annotation = to_base64(as_bytes(o.rego));
  }
  if (!opts.keep_policies) {
    o.data = Json();
    o.rego = std::string();
  }
  return o;
}

// What the offline pass takes for an image that needs a registry: complete (a command, one
// layer with a verity root, root in /etc/passwd), so that the pod's other checks run too.
ImageInfo stand_in_image(const std::string& image) {
  ImageInfo info;
  info.reference = image;
  info.pinned = image;
  info.entrypoint = {"/stand-in"};
  const std::string zero = "sha256:" + std::string(64, '0');
  info.layer_digests = {zero};
  info.diff_ids = {zero};
  info.verity_roots = {std::string(64, '0')};
  info.etc_passwd = "root:x:0:0:root:/root:/bin/sh\n";
  info.etc_group = "root:x:0:\n";
  return info;
}

// The pods of a run, each generated once or (with a stand-in image) twice; errors are kept per
// pod, so that the one reported is the first in input order, as one thread would report it.
class PodRuns {
 public:
  explicit PodRuns(std::size_t n) : outs(n), errors_(n), stood_in_(n, 0), definite_(n, 0), stop_(n) {}

  // Runs `one(i, resolver)` for each of `which` on every core, an image that `offline` refuses
  // (when set) taking a stand-in. An error is definite when no stand-in was taken (or the image
  // reference itself is malformed): pods after the first definite error are not started, since
  // that error is reported whatever they give.
  void run(const std::vector<std::size_t>& which, const ImageResolver& resolve,
           const std::function<bool(const std::string&)>& offline, unsigned jobs,
           const std::function<PodOut(std::size_t, const ImageResolver&)>& one) {
    parallel_for(which.size(), [&](std::size_t k) {
      const std::size_t i = which[k];
      if (i > stop_.load()) return;
      stood_in_[i] = definite_[i] = 0;
      errors_[i] = nullptr;
      const ImageResolver pass = [&](const std::string& image, const std::string& where) {
        if (!offline || offline(image)) return resolve(image, where);
        try {
          oci::parse_reference(image);
        } catch (const Error& e) {
          definite_[i] = 1;
          fail(where, std::string("image: ") + e.what());
        }
        stood_in_[i] = 1;
        return stand_in_image(image);
      };
      try {
        outs[i] = one(i, pass);
      } catch (...) {
        errors_[i] = std::current_exception();
        if (!stood_in_[i] || definite_[i])
          for (std::size_t s = stop_.load(); i < s && !stop_.compare_exchange_weak(s, i);) {}
      }
    }, jobs);
  }

  // The first error in input order when it is definite: nothing of a registry was asked yet.
  void rethrow_definite() const {
    for (std::size_t i = 0; i < errors_.size(); ++i)
      if (errors_[i]) {
        if (!stood_in_[i] || definite_[i]) std::rethrow_exception(errors_[i]);
        return;
      }
  }
  // The pods to generate again with their real images.
  std::vector<std::size_t> stood_in() const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < stood_in_.size() && i <= stop_.load(); ++i)
      if (stood_in_[i]) out.push_back(i);
    return out;
  }
  void rethrow_first() const {
    for (const auto& e : errors_)
      if (e) std::rethrow_exception(e);
  }

  std::vector<PodOut> outs;

 private:
  std::vector<std::exception_ptr> errors_;
  std::vector<char> stood_in_, definite_;  // char: written by one worker each, unlike vector<bool>
  std::atomic<std::size_t> stop_;
};

}  // namespace

Generated generate(const std::vector<Input>& inputs, const GenerateOptions& opts, const ImageResolver& resolve) {
  for (const auto& [k, v] : opts.initdata_extra)
    if (k == "policy.rego") usage_error("--initdata-extra: policy.rego is the generated policy; it cannot be supplied");
  if (!opts.any_namespace && !k8s::is_dns_label(opts.default_namespace))
    usage_error("--namespace: '" + opts.default_namespace + "' is not a namespace name (a DNS label)");
  const std::string default_namespace = opts.any_namespace ? "" : opts.default_namespace;
  std::vector<std::vector<k8s::Document>> files;
  k8s::Objects objects;
  k8s::LoadLimits with_marks;
  with_marks.marks = true;  // apply_edits patches the text where these say, without reading it again
  with_marks.jobs = opts.jobs;
  for (const auto& in : inputs) {
    files.push_back(k8s::load_documents(in.text, in.name, with_marks));
    k8s::Objects o = k8s::collect_objects(files.back(), in.name, default_namespace);
    objects.config_maps.merge(o.config_maps);
    objects.secrets.merge(o.secrets);
    objects.services.insert(objects.services.end(), o.services.begin(), o.services.end());
  }
  // Every pod template in input order; the selected ones are generated on every core.
  struct Item {
    std::size_t file;
    k8s::PodTemplate t;
    bool selected;
  };
  std::vector<Item> items;
  std::vector<std::size_t> selected;
  for (std::size_t f = 0; f < inputs.size(); ++f)
    for (auto& t : k8s::find_pod_templates(files[f], inputs[f].name, default_namespace)) {
      const bool chosen = selected_runtime_class(files[f][t.document].value[t.spec], opts.runtime_classes);
      if (chosen) selected.push_back(items.size());
      items.push_back({f, std::move(t), chosen});
    }
  const std::string head = policy_head(opts);
  std::optional<SharedInitdata> shared;
  if (opts.annotation == AnnotationKind::Initdata) shared.emplace(opts.algorithm, opts.initdata_extra, head);
  const ImageResolver locked = one_at_a_time(resolve);
  PodRuns runs(selected.size());
  const auto one = [&](std::size_t i, const ImageResolver& r) {
    const Item& it = items[selected[i]];
    return generate_pod(files[it.file][it.t.document].value, it.t, objects, opts, r, head, shared ? &*shared : nullptr);
  };
  std::vector<std::size_t> all(selected.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  runs.run(all, locked, opts.offline_image, opts.jobs, one);
  if (opts.offline_image) {
    runs.rethrow_definite();
    runs.run(runs.stood_in(), locked, nullptr, opts.jobs, one);
  }
  runs.rethrow_first();
  std::vector<PodOut>& pods = runs.outs;

  Generated out;
  out.jobs = opts.jobs;
  std::size_t next = 0;
  for (std::size_t f = 0; f < inputs.size(); ++f) {
    auto& docs = files[f];
    std::vector<k8s::Edit> edits;
    for (const Item& it : items) {
      if (it.file != f) continue;
      const k8s::PodTemplate& t = it.t;
      Json& doc = docs[t.document].value;
      if (!it.selected) {
        const std::string rc = k8s::string_field(doc[t.spec], "runtimeClassName");
        out.notes.push_back(t.where + ": runtimeClassName " + (rc.empty() ? std::string("(none)") : "'" + rc + "'") +
                            " is not one of --runtime-class " + join(opts.runtime_classes) + ": left unchanged, no policy");
        continue;
      }
      PodOut& p = pods[next++];
      for (auto& n : p.notes) out.notes.push_back(std::move(n));
      for (auto& [path, pinned] : p.pins) {
        if (doc[path] != pinned) edits.push_back({t.document, path, pinned, ""});
        doc[path] = pinned;
      }
      set_annotation(doc, t, opts.annotation == AnnotationKind::Initdata ? kInitdataAnnotation : kPolicyAnnotation,
                     std::move(p.annotation), edits);
      out.pods.push_back(std::move(p.report));
      if (opts.keep_policies) {
        out.policies.push_back(std::move(p.rego));
        out.policy_data.push_back(std::move(p.data));
      }
    }
    // The user's bytes with only the annotations and pinned images changed (issue 15 item 10).
    k8s::EditResult patched = k8s::apply_edits(inputs[f].text, inputs[f].name, edits, docs, opts.jobs);
    // The marks describe the input, not what was written; freeing them (and, unless the self-check
    // reads them, the trees of a few hundred workloads) takes tens of ms on one core.
    parallel_for(docs.size(), [&](std::size_t i) {
      if (opts.keep_policies) docs[i].marks.reset();
      else docs[i] = k8s::Document();
    }, opts.jobs);
    if (!patched.note.empty()) out.notes.push_back(std::move(patched.note));
    out.outputs.push_back(std::move(patched.text));
  }
  if (opts.keep_policies) out.documents = std::move(files);
  return out;
}

// A self-checked run of a few hundred workloads holds each pod's trees, 60 KB policy text and policy
// data: ~40 ms to free on one core at exit.
Generated::~Generated() {
  try {
    parallel_for(policies.size(), [&](std::size_t i) { std::string().swap(policies[i]); }, jobs);
    parallel_for(policy_data.size(), [&](std::size_t i) { policy_data[i] = Json(); }, jobs);
    for (auto& docs : documents) parallel_for(docs.size(), [&](std::size_t i) { docs[i] = k8s::Document(); }, jobs);
  } catch (...) {  // no thread to be had: the members go one by one, as they would anyway
  }
}

std::vector<PodReport> digests(std::string_view text, const std::string& name) {
  const auto docs = k8s::load_documents(text, name);
  std::vector<PodReport> out;
  for (const auto& t : k8s::find_pod_templates(docs, name)) {
    const Json& doc = docs[t.document].value;
    const Json meta = doc.contains(t.metadata) ? doc[t.metadata] : Json::object();
    const Json a = meta.value("annotations", Json::object());
    PodReport r = report_for(t, doc);
    if (a.contains(kInitdataAnnotation) && a[kInitdataAnnotation].is_string()) {
      const std::string where = t.where + ": annotation " + kInitdataAnnotation;
      const ByteVec gz = from_base64(a[kInitdataAnnotation].get<std::string>(), where);
      const std::string toml = gunzip(gz, where);
      r.annotation = AnnotationKind::Initdata;
      r.binding = bind(initdata_algorithm(toml, where), toml);
    } else if (a.contains(kPolicyAnnotation) && a[kPolicyAnnotation].is_string()) {
      const std::string where = t.where + ": annotation " + kPolicyAnnotation;
      const ByteVec rego = from_base64(a[kPolicyAnnotation].get<std::string>(), where);
      r.annotation = AnnotationKind::AgentPolicy;
      r.binding = bind(Algo::Sha256, std::string_view(reinterpret_cast<const char*>(rego.data()), rego.size()));
    } else {
      fail(t.where, std::string("no ") + kInitdataAnnotation + " or " + kPolicyAnnotation + " annotation");
    }
    const Json spec = doc[t.spec];
    for (const char* list : {"initContainers", "containers"})
      if (spec.contains(list) && spec[list].is_array())
        for (const auto& c : spec[list]) r.images.push_back(string_field(c, "image"));
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<Input> read_inputs(const std::string& path) {
  constexpr std::uint64_t kMaxManifest = 64 << 20;
  if (path == "-") {
    std::string text, chunk(65536, '\0');
    while (std::cin.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || std::cin.gcount() > 0) {
      text.append(chunk.data(), static_cast<std::size_t>(std::cin.gcount()));
      if (text.size() > kMaxManifest) fail("<stdin>", "more than 64 MiB of manifests");
    }
    return {{"<stdin>", text}};
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return {{path, read_text_file(path, kMaxManifest)}};
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(path, ec)) {
    const std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json")) names.push_back(e.path().string());
  }
  if (ec) fail(path, ec.message());
  std::sort(names.begin(), names.end());
  if (names.empty()) fail(path, "no *.yaml, *.yml or *.json files in the directory");
  std::vector<Input> out;
  for (const auto& n : names) out.push_back({n, read_text_file(n, kMaxManifest)});
  return out;
}

std::string embedded_rules() { return kPolicyRules; }

Json report_json(const std::vector<PodReport>& pods) {
  Json list = Json::array();
  for (const auto& p : pods) {
    list.push_back({{"kind", p.kind},
                    {"name", p.name},
                    {"namespace", p.namespace_},
                    {"annotation", p.annotation == AnnotationKind::Initdata ? kInitdataAnnotation : kPolicyAnnotation},
                    {"initdata_algorithm", algo_name(p.binding.algo)},
                    {"initdata_digest", to_hex(p.binding.digest)},
                    {"snp_hostdata", to_hex(p.binding.hostdata)},
                    {"tdx_mrconfigid", to_hex(p.binding.mrconfigid)},
                    {"images", p.images}});
    if (!p.warnings.empty()) list.back()["warnings"] = p.warnings;  // generate only: digest has none
  }
  return {{"pods", list}};
}

std::string report_text(const std::vector<PodReport>& pods) {
  std::string os;
  for (const auto& p : pods) {
    os += p.kind + " " + (p.namespace_.empty() ? "" : p.namespace_ + "/") + p.name + "  (" +
          (p.annotation == AnnotationKind::Initdata ? "initdata, " + algo_name(p.binding.algo) : std::string("agent-policy, sha256")) +
          ")\n";
    if (p.any_namespace)
      os += "  warning          any namespace: the host chooses the pod's namespace (--any-namespace)\n";
    os += "  initdata digest  " + to_hex(p.binding.digest) + "\n";
    os += "  SNP HOSTDATA     " + to_hex(p.binding.hostdata) + "\n";
    os += "  TDX MRCONFIGID   " + to_hex(p.binding.mrconfigid) + "\n";
    for (const auto& i : p.images) os += "  image            " + i + "\n";
  }
  return os;
}

}  // namespace coco::policy
