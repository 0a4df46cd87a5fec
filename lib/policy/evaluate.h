// SPDX-License-Identifier: Apache-2.0
// Deciding agent requests with a policy as the Kata agent does (policy.md §1.5): the agent asks
// its engine for data.agent_policy.<RequestName> with the request as `input`. A boolean is the
// answer; an object {"allowed": bool, "ops": [...]} is the answer plus JSON-patch operations the
// agent applies to its state document, which the policy reads back as data.pstate on later
// requests (coco's rules record which policy container a created container is). Undefined, or
// anything else, is a denial.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policy/pod_policy.h"
#include "policy/simulate.h"
#include "rego/rego.h"

namespace coco::policy {

// Why a request was denied, from the engine's trace (explain.h).
struct Explanation {
  std::string summary;             // one line: the failing field, its value and the policy side
  std::vector<std::string> detail; // the rule path down to the failing expression, with bound values
  std::vector<std::string> trace;  // every trace event (for -v)
};

struct Decision {
  bool allowed = false;
  std::string note;  // "undefined", "result is not a boolean" (why a denial is not a plain false)
  std::optional<Explanation> why;
};

class PolicyRunner {
 public:
  // `policy` is the Rego text as the agent receives it (rules + policy_data); `name` is used in
  // messages and print lines.
  PolicyRunner(const std::string& policy, const std::string& name);
  // The same over an engine already holding the policy (see SharedRules).
  PolicyRunner(rego::Engine engine, const std::string& name);
  ~PolicyRunner();

  // Decides one request and, when allowed with ops, updates the state. `explain` traces the
  // evaluation of a denied request again and explains it (the state is not changed by that).
  Decision decide(const Request& r, bool explain = false);

  const Json& state() const { return state_; }

 private:
  std::unique_ptr<rego::Engine> engine_;
  std::string name_;
  Json state_ = Json::object();
};

}  // namespace coco::policy
