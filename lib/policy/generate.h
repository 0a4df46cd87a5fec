// SPDX-License-Identifier: Apache-2.0
// The generator (policy.md §1, §4, §8): manifests in, the same manifests out with one policy per
// pod template, written as the initdata annotation (or the legacy agent-policy annotation), and
// for each pod the digest and the values SNP HOSTDATA / TDX MRCONFIGID will report.
//
// A pod's policy text is `rules` + "\npolicy_data := " + the policy data as indented JSON, so the
// data stays the last statement, as Trustee's claim extraction expects (§4.5). Every container
// image is pinned: the manifest's image becomes repo@sha256:… and the policy allows only that.
// The written manifests are the input's bytes with only those annotations and images changed
// (k8s/edit.h); an existing initdata annotation is merged (initdata.h, issue 15 item 11).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "policy/env.h"
#include "policy/image.h"
#include "policy/initdata.h"
#include "util/output.h"

namespace coco::policy {

enum class AnnotationKind { Initdata, AgentPolicy };

struct GenerateOptions {
  Json settings;       // effective settings (default_settings / load_settings)
  std::string rules;   // Rego rules text (coco's embedded rules unless --rules)
  AnnotationKind annotation = AnnotationKind::Initdata;
  Algo algorithm = Algo::Sha256;
  ServiceEnv service_env = ServiceEnv::Namespace;
  // The namespace of objects that name none, as kubectl's -n (the CLI: -n, else the current
  // kubeconfig context's, else "default"). any_namespace leaves it to the host instead.
  std::string default_namespace = "default";
  bool any_namespace = false;
  std::vector<std::vector<std::string>> allow_exec;       // argv lists every container may exec
  std::map<std::string, std::string> initdata_extra;      // "aa.toml" → text
  // Only pods whose spec.runtimeClassName is one of these get a policy (empty: every pod); the
  // others pass through byte for byte, with a note (issue 15 item 12).
  std::vector<std::string> runtime_classes;
  // An existing initdata annotation is merged: its other entries are kept, policy.rego replaced.
  // A conflict (another version or algorithm, an --initdata-extra entry with other content,
  // entries initdata_toml cannot write, or other entries where agent-policy is asked for) is an
  // error unless force, which lets the new values win.
  bool force = false;
  // When set, an input error is reported before the first registry request (issue 12.7): pods
  // are generated with the images this says need no registry (an --image-source) and a stand-in
  // for each other image, an error of a pod without a stand-in (or a malformed reference) is
  // reported at once, and only the pods that had a stand-in are generated again with their real
  // images. Unset: every image is resolved as it is met. Outputs are the same either way.
  std::function<bool(const std::string& image)> offline_image;
  // Generated::policies, policy_data and documents are kept (the self-check reads them); false
  // drops each pod's as soon as its annotation is made (a run without the self-check needs less
  // memory), and those stay empty.
  bool keep_policies = true;
  // Threads a run uses: pods generated, manifests read and checked, trees freed (0: COCO_JOBS,
  // else every core the process may use: util/cores.h); outputs do not depend on it.
  unsigned jobs = 0;
};

struct PodReport {
  std::string kind, name, namespace_;
  bool any_namespace = false;  // generated with any_namespace: the report warns
  AnnotationKind annotation = AnnotationKind::Initdata;
  Binding binding;
  std::vector<std::string> images;  // pinned, in container order
  std::vector<std::string> warnings;  // what the pod shares with the host (confidentiality.h)
};

struct Input {
  std::string name;  // for messages: the file as the user named it
  std::string text;
};

struct Generated {
  std::vector<std::string> outputs;  // one annotated stream per input
  // The annotated YAML stream of the first input ("" without inputs).
  const std::string& manifests() const {
    static const std::string kNone;
    return outputs.empty() ? kNone : outputs.front();
  }
  std::vector<PodReport> pods;
  std::vector<std::string> policies;  // Rego text per pod, for --print-policy style uses and tests
  std::vector<Json> policy_data;      // per pod
  // The written documents per input, as trees (what reading `outputs` gives: k8s::apply_edits
  // checked that), for the self-check.
  std::vector<std::vector<k8s::Document>> documents;
  std::vector<std::string> notes;     // pods left alone, initdata merged, a file re-rendered
  unsigned jobs = 0;                  // GenerateOptions::jobs: the threads the destructor frees on

  Generated() = default;
  Generated(const Generated&) = default;
  Generated(Generated&&) = default;
  Generated& operator=(const Generated&) = default;
  Generated& operator=(Generated&&) = default;
  ~Generated();  // frees the pods' trees and texts on every core
};

// Whether a pod with this PodSpec is one `runtime_classes` selects (all when it is empty).
bool selected_runtime_class(const Json& pod_spec, const std::vector<std::string>& runtime_classes);

Generated generate(std::string_view text, const std::string& name, const GenerateOptions& opts,
                   const ImageResolver& resolve);
// Several files (a directory): ConfigMaps, Secrets and Services of any file serve all of them.
Generated generate(const std::vector<Input>& inputs, const GenerateOptions& opts, const ImageResolver& resolve);

// `coco policy digest`: the bindings of the policy annotations already in a manifest.
std::vector<PodReport> digests(std::string_view text, const std::string& name);

// -f FILE|DIR|-: a file, every *.yaml / *.yml / *.json in a directory (sorted by name, not
// recursive), or standard input.
std::vector<Input> read_inputs(const std::string& path);

std::string embedded_rules();  // coco's rules.rego, as installed to share/coco/rules.rego

Json report_json(const std::vector<PodReport>& pods);
std::string report_text(const std::vector<PodReport>& pods);

}  // namespace coco::policy
