// SPDX-License-Identifier: Apache-2.0
#include "policy/check.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "k8s/manifest.h"
#include "k8s/workload.h"
#include "util/error.h"
#include "util/parallel.h"

namespace coco::policy {

using k8s::member_or_null;
using k8s::string_field;
namespace {

std::string pad(std::string s, std::size_t n) {
  if (s.size() < n) s.append(n - s.size(), ' ');
  return s;
}

}  // namespace

std::size_t PodResult::failures() const {
  std::size_t n = 0;
  for (const auto& r : results) n += !r.ok();
  return n;
}

std::size_t TestReport::failures() const {
  std::size_t n = 0;
  for (const auto& p : pods) n += p.failures();
  return n;
}

std::size_t TestReport::requests() const {
  std::size_t n = 0;
  for (const auto& p : pods) n += p.results.size();
  return n;
}

std::string with_rules(const std::string& policy, const std::string& rules, const std::string& where) {
  const std::size_t at = policy.rfind("policy_data := ");
  if (at == std::string::npos) fail(where, "--rules: the policy has no `policy_data := …` statement to keep");
  std::string out = rules;
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out + "\n" + policy.substr(at);
}

ImageResolver memoize(ImageResolver inner) {
  auto cache = std::make_shared<std::map<std::string, ImageInfo>>();
  return [inner = std::move(inner), cache](const std::string& ref, const std::string& where) {
    if (auto it = cache->find(ref); it != cache->end()) return it->second;
    ImageInfo info = inner(ref, where);
    (*cache)[ref] = info;
    if (!info.pinned.empty()) cache->emplace(info.pinned, info);
    return info;
  };
}

namespace {

// The pods of one run carry the same rules and differ in their policy_data: the rules are parsed
// and compiled once, and each pod's engine answers data.agent_policy.policy_data with its own
// value (Engine::set_rule_value). A policy of another shape is compiled on its own.
class SharedRules {
 public:
  // `known`: the value of policy_data when the caller has it (the generator's self-check), so
  // that the text is not parsed again.
  std::optional<rego::Engine> engine_for(const std::string& policy, const Json* known) {
    static const std::string kStatement = "\npolicy_data := ";
    const std::size_t at = policy.rfind(kStatement);
    if (at == std::string::npos) return std::nullopt;
    // The generator writes policy_data as JSON (which is Rego); anything else takes the full path.
    Json parsed;
    if (known == nullptr) {
      parsed = Json::parse(policy.begin() + static_cast<std::ptrdiff_t>(at + kStatement.size()), policy.end(), nullptr, false);
      if (parsed.is_discarded()) return std::nullopt;
    }
    const Json& data = known ? *known : parsed;
    if (!data.is_object()) return std::nullopt;
    const std::string_view rules(policy.data(), at);
    try {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = compiled_.find(rules);
      if (it == compiled_.end()) {
        if (compiled_.size() >= kMaxRuleSets) return std::nullopt;
        rego::Engine e;
        e.add_module("policy.rego", policy, detect_syntax(policy));
        it = compiled_.emplace(std::string(rules), e.share()).first;
      }
      rego::Engine out = it->second.share();
      out.set_rule_value("data.agent_policy.policy_data", data);
      return out;
    } catch (const Error&) {
      return std::nullopt;  // the full path reports it, naming the pod
    }
  }

 private:
  static constexpr std::size_t kMaxRuleSets = 16;
  std::mutex mu_;
  std::map<std::string, rego::Engine, std::less<>> compiled_;
};

// The pod's decisions, one a request in order (`requests` stays as it is, for a second run).
std::vector<Decision> run_pod(const std::vector<Request>& requests, PolicyRunner& runner, bool explain) {
  std::vector<Decision> out;
  out.reserve(requests.size());
  for (const Request& r : requests) {
    Decision d = runner.decide(r, false);
    if (explain && !d.allowed && r.must_allow) d = runner.decide(r, true);
    out.push_back(std::move(d));
  }
  return out;
}

PodResult test_pod(const Json& object, const k8s::PodTemplate& t, const k8s::Objects& objects, const std::string& policy,
                   const Json* policy_data, const TestOptions& opts, const ImageResolver& resolve, SharedRules& shared) {
  std::vector<Request> requests = simulate_pod(object, t, objects, resolve, opts.simulate);
  const std::string text = opts.rules.empty() ? policy : with_rules(policy, opts.rules, t.where);
  const std::string name = t.where + " policy.rego";
  auto wrong = [&](const std::vector<Decision>& ds) {
    for (std::size_t i = 0; i < ds.size(); ++i)
      if (ds[i].allowed != requests[i].must_allow) return true;
    return false;
  };
  std::optional<std::vector<Decision>> decisions;
  if (auto engine = shared.engine_for(text, policy_data)) {
    PolicyRunner runner(std::move(*engine), name);
    decisions = run_pod(requests, runner, false);
  }
  // A failure is explained by the pod's own compile, whose messages name the pod.
  if (!decisions || (opts.explain && wrong(*decisions))) {
    PolicyRunner runner(text, name);
    decisions = run_pod(requests, runner, opts.explain);
  }
  PodResult p;
  p.kind = t.kind;
  p.name = t.name.empty() ? string_field(object.value("metadata", Json::object()), "generateName") : t.name;
  p.namespace_ = t.namespace_;
  p.where = t.where;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    RequestResult r{i, std::move(requests[i]), std::nullopt, std::move((*decisions)[i])};
    if (!opts.failures_only || !r.ok()) p.results.push_back(std::move(r));
  }
  return p;
}

// A pod's policy as the generator made it: its text and the value of its policy_data.
struct KnownPolicy {
  const std::string* text;
  const Json* data;
};

// The pods of `files` (documents read from the files `names` names), each decided by the policy
// in its annotation, by opts.policy, or (`known`, one per selected pod in order) by the one given.
TestReport test_documents(const std::vector<std::vector<k8s::Document>>& files, const std::vector<std::string>& names,
                          const TestOptions& opts, const ImageResolver& resolve, const std::vector<KnownPolicy>* known) {
  const ImageResolver cached = memoize(resolve);
  k8s::Objects objects;
  for (std::size_t f = 0; f < files.size(); ++f) {
    k8s::Objects o = k8s::collect_objects(files[f], names[f]);
    objects.config_maps.merge(o.config_maps);
    objects.secrets.merge(o.secrets);
    objects.services.insert(objects.services.end(), o.services.begin(), o.services.end());
  }
  // Each pod's requests are decided by its own engine: the pods are tested on every core and
  // reported in input order.
  struct Job {
    std::size_t file;
    k8s::PodTemplate t;
  };
  std::vector<Job> jobs;
  for (std::size_t f = 0; f < files.size(); ++f)
    for (auto& t : k8s::find_pod_templates(files[f], names[f]))
      if (selected_runtime_class(files[f][t.document].value[t.spec], opts.runtime_classes))  // else the generator left it alone
        jobs.push_back({f, std::move(t)});
  if (known && known->size() != jobs.size())
    throw Error(Exit::Failure, "internal: the self-check found " + std::to_string(jobs.size()) + " pods where " +
                                   std::to_string(known->size()) + " were generated");
  const ImageResolver locked = one_at_a_time(cached);
  SharedRules shared;
  TestReport report;
  report.pods.resize(jobs.size());
  parallel_for(jobs.size(), [&](std::size_t i) {
    const auto& [f, t] = jobs[i];
    const Json& doc = files[f][t.document].value;
    const Json& object = doc[t.item];
    std::string own;
    if (!known && opts.policy.empty())
      own = pod_policy_text(doc.contains(t.metadata) ? doc[t.metadata] : Json::object(), t.where);
    const std::string& policy = known ? *(*known)[i].text : opts.policy.empty() ? own : opts.policy;
    try {
      report.pods[i] = test_pod(object, t, objects, policy, known ? (*known)[i].data : nullptr, opts, locked, shared);
    } catch (const Json::exception& e) {
      fail(t.where, std::string("unexpected field type: ") + e.what());
    }
  }, opts.jobs);
  if (report.pods.empty()) fail(names.empty() ? "-f" : names.front(), "no pods, Deployments, Jobs or other workloads");
  return report;
}

}  // namespace

TestReport test_manifests(const std::vector<Input>& inputs, const TestOptions& opts, const ImageResolver& resolve) {
  std::vector<std::vector<k8s::Document>> files;
  std::vector<std::string> names;
  k8s::LoadLimits limits;
  limits.jobs = opts.jobs;
  for (const auto& in : inputs) {
    files.push_back(k8s::load_documents(in.text, in.name, limits));
    names.push_back(in.name);
  }
  return test_documents(files, names, opts, resolve, nullptr);
}

std::vector<PodPolicy> manifest_policies(const std::vector<Input>& inputs) {
  std::vector<PodPolicy> out;
  for (const auto& in : inputs) {
    const auto docs = k8s::load_documents(in.text, in.name);
    for (const auto& t : k8s::find_pod_templates(docs, in.name)) {
      const Json& doc = docs[t.document].value;
      out.push_back({t.where, pod_policy_text(doc.contains(t.metadata) ? doc[t.metadata] : Json::object(), t.where)});
    }
  }
  return out;
}

PodResult test_recorded(const std::string& policy, const std::string& name, const std::vector<RecordedRequest>& requests,
                        bool explain) {
  PodResult p;
  p.name = name;
  p.where = name;
  PolicyRunner runner(policy, name);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    RequestResult r{i, requests[i].request, requests[i].expected, {}};
    r.decision = runner.decide(r.request, false);
    if (!r.ok() && explain && !r.decision.allowed) r.decision = runner.decide(r.request, true);
    p.results.push_back(std::move(r));
  }
  return p;
}

void self_check(const std::vector<Input>& inputs, const Generated& g, const GenerateOptions& opts,
                const ImageResolver& resolve) {
  // The written documents as the generator holds them (k8s::apply_edits read the written text back
  // and found these trees), with each pod's policy as made: the output is not read and decoded again.
  std::vector<std::string> names;
  for (std::size_t i = 0; i < g.documents.size(); ++i) names.push_back(i < inputs.size() ? inputs[i].name : "-");
  std::vector<KnownPolicy> known;
  for (std::size_t i = 0; i < g.policies.size() && i < g.policy_data.size(); ++i) known.push_back({&g.policies[i], &g.policy_data[i]});
  TestOptions o;
  o.simulate.node = node_options(opts.settings, Shim::Go, resolve);
  o.simulate.node.default_namespace = opts.default_namespace;
  o.explain = true;
  o.runtime_classes = opts.runtime_classes;
  o.failures_only = true;
  o.jobs = opts.jobs;
  if (g.pods.empty()) return;
  const TestReport r = test_documents(g.documents, names, o, resolve, &known);
  if (r.failures() == 0) return;
  std::string why;
  for (const auto& p : r.pods)
    for (const auto& x : p.results)
      if (!x.ok()) {
        why += "\n  " + p.where + ": " + x.request.kind + " (" + x.request.what + ") denied";
        if (x.decision.why) why += "\n    " + x.decision.why->summary;
      }
  fail("policy self-check", std::to_string(r.failures()) + " request(s) the pods need would be denied by their own " +
                                "policy; nothing written (--no-check skips this check):" + why);
}

Json test_report_json(const TestReport& report) {
  Json pods = Json::array();
  for (const auto& p : report.pods) {
    Json list = Json::array();
    std::size_t allowed = 0;
    for (const auto& r : p.results) {
      allowed += r.decision.allowed;
      Json j = {{"index", r.index},
                {"request", r.request.kind},
                {"container", r.request.container},
                {"what", r.request.what},
                {"near_miss", !r.request.must_allow},
                {"allowed", r.decision.allowed},
                {"expected", r.expected.value_or(r.request.must_allow)},
                {"ok", r.ok()}};
      if (!r.decision.note.empty()) j["note"] = r.decision.note;
      if (r.decision.why) j["explanation"] = {{"summary", r.decision.why->summary}, {"detail", r.decision.why->detail}};
      list.push_back(std::move(j));
    }
    pods.push_back({{"kind", p.kind},
                    {"name", p.name},
                    {"namespace", p.namespace_},
                    {"source", p.where},
                    {"requests", list},
                    {"allowed", allowed},
                    {"denied", p.results.size() - allowed},
                    {"failures", p.failures()}});
  }
  return {{"pods", pods}, {"requests", report.requests()}, {"failures", report.failures()}};
}

std::string test_report_text(const TestReport& report, bool verbose) {
  std::string os;
  for (const auto& p : report.pods) {
    os += (p.kind.empty() ? "policy " + p.name : p.kind + " " + (p.namespace_.empty() ? "" : p.namespace_ + "/") + p.name) + "\n";
    std::size_t needed = 0, needed_ok = 0, misses = 0, misses_ok = 0;
    for (const auto& r : p.results) {
      const bool expect = r.expected.value_or(r.request.must_allow);
      (expect ? needed : misses) += 1;
      (expect ? needed_ok : misses_ok) += r.ok();
      if (!verbose && r.ok()) continue;
      std::string verdict = r.decision.allowed ? "allowed" : "denied";
      if (!r.ok()) verdict = r.decision.allowed ? "ALLOWED (must be denied)" : "DENIED";
      else if (!expect) verdict += " (near miss)";
      os += "  " + pad(std::to_string(r.index + 1), 4) + pad(r.request.kind, 30) + pad(r.request.container, 16) +
            pad(verdict, 26) + r.request.what + "\n";
      if (!r.decision.note.empty() && !r.ok()) os += "        " + r.decision.note + "\n";
      if (r.decision.why) {
        os += "        " + r.decision.why->summary + "\n";
        for (const auto& d : r.decision.why->detail) os += "          " + d + "\n";
        if (verbose)
          for (const auto& t : r.decision.why->trace) os += "          | " + t + "\n";
      }
    }
    os += "  " + std::to_string(needed_ok) + " of " + std::to_string(needed) + " needed requests allowed";
    if (misses) os += ", " + std::to_string(misses_ok) + " of " + std::to_string(misses) + " near misses denied";
    os += p.failures() ? "  FAIL\n" : "  ok\n";
  }
  return os;
}

}  // namespace coco::policy
