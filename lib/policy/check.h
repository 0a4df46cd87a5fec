// SPDX-License-Identifier: Apache-2.0
// `coco policy test` and the generator's self-check: every pod's policy (from its annotation, or a
// bare policy) decides the requests a node would send for that pod (simulate.h) or requests
// recorded from a node (recorded.h), with the agent's state carried along (evaluate.h). A needed
// request that is denied, or with --negative a near miss that is allowed, is a failure.
#pragma once

#include <string>
#include <vector>

#include "policy/evaluate.h"
#include "policy/generate.h"
#include "policy/recorded.h"
#include "policy/simulate.h"

namespace coco::policy {

struct TestOptions {
  SimulateOptions simulate;
  std::string rules;     // non-empty: evaluate each policy's policy_data with these rules instead
  std::string policy;    // non-empty: this bare policy for every pod instead of its annotation
  bool explain = false;  // explain every failure (denied needed request)
  std::vector<std::string> runtime_classes;  // only pods of these runtime classes (empty: all)
  // Keep only the results of requests decided wrongly (the generator's self-check, which reports
  // nothing else): the others, each holding its request, are freed on the cores that made them.
  bool failures_only = false;
  unsigned jobs = 0;  // threads: pods decided at once, manifests read (0: util/parallel.h's default)
};

struct RequestResult {
  std::size_t index = 0;          // 0-based position in the pod's request list or the input file
  Request request;
  std::optional<bool> expected;   // what a recorded test case says; else request.must_allow
  Decision decision;
  bool ok() const { return decision.allowed == expected.value_or(request.must_allow); }
};

struct PodResult {
  std::string kind, name, namespace_, where;
  std::vector<RequestResult> results;
  std::size_t failures() const;
};

struct TestReport {
  std::vector<PodResult> pods;
  std::size_t failures() const;
  std::size_t requests() const;
};

// Every pod template of the inputs, with the policy of its annotation.
TestReport test_manifests(const std::vector<Input>& inputs, const TestOptions& opts, const ImageResolver& resolve);

struct PodPolicy {
  std::string where, policy;
};
// The policy of every pod template in the inputs (pod_policy_text), in input order.
std::vector<PodPolicy> manifest_policies(const std::vector<Input>& inputs);

// Recorded requests against one policy text (named `name`).
PodResult test_recorded(const std::string& policy, const std::string& name, const std::vector<RecordedRequest>& requests,
                        bool explain);

// `rules` + the policy_data statement of `policy` (the last "policy_data := …"), for --rules.
std::string with_rules(const std::string& policy, const std::string& rules, const std::string& where);

// The generator's self-check: each written pod (g.documents, the trees of g.outputs, named as
// `inputs`) is simulated with the settings' node facts and the Go shim and decided by the policy
// made for it (g.policies, whose policy_data is g.policy_data). A needed request that is
// denied fails (Exit::Failure) with the denials explained, before anything is written.
// Pods that name no namespace run in the one the generator bound (opts.default_namespace).
void self_check(const std::vector<Input>& inputs, const Generated& g, const GenerateOptions& opts,
                const ImageResolver& resolve);

// An ImageResolver that asks `inner` once per reference; an image it resolved is also known by
// its pinned reference, so the generator's output resolves without asking again.
ImageResolver memoize(ImageResolver inner);

Json test_report_json(const TestReport& r);
std::string test_report_text(const TestReport& r, bool verbose);

}  // namespace coco::policy
