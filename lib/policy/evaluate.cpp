// SPDX-License-Identifier: Apache-2.0
#include "policy/evaluate.h"

#include "policy/explain.h"
#include "policy/recorded.h"
#include "util/error.h"

namespace coco::policy {
namespace {
rego::Engine engine_with(const std::string& policy, const std::string& name) {
  rego::Engine e;
  e.add_module(name, policy, detect_syntax(policy));
  return e;
}
}  // namespace

PolicyRunner::PolicyRunner(const std::string& policy, const std::string& name)
    : PolicyRunner(engine_with(policy, name), name) {}

PolicyRunner::PolicyRunner(rego::Engine engine, const std::string& name)
    : engine_(std::make_unique<rego::Engine>(std::move(engine))), name_(name) {
  engine_->set_early_exit(true);  // the answers are read, never the print lines
  engine_->set_data({{"pstate", state_}});
}

PolicyRunner::~PolicyRunner() = default;

Decision PolicyRunner::decide(const Request& r, bool explain) {
  Decision d;
  engine_->set_input(r.input);
  const std::string ref = "data.agent_policy." + r.kind;
  const std::optional<Json> result = engine_->eval(ref);
  engine_->discard_prints();
  if (!result) {
    d.note = "undefined";
  } else if (result->is_boolean()) {
    d.allowed = result->get<bool>();
  } else if (result->is_object() && result->contains("allowed") && (*result)["allowed"].is_boolean()) {
    d.allowed = (*result)["allowed"].get<bool>();
    if (d.allowed && result->contains("ops")) {
      Json doc = {{"pstate", state_}};
      try {
        doc = doc.patch((*result)["ops"]);
      } catch (const Json::exception& e) {
        fail(name_, r.kind + ": the policy's state operations do not apply: " + e.what());
      }
      if (!doc.is_object() || !doc.contains("pstate") || !doc["pstate"].is_object())
        fail(name_, r.kind + ": the policy's state operations removed data.pstate");
      state_ = doc["pstate"];
      engine_->set_data({{"pstate", state_}});
    }
  } else {
    d.note = "the result is neither a boolean nor {\"allowed\", \"ops\"}: " + result->dump().substr(0, 200);
  }
  if (!d.allowed && explain) {
    std::vector<rego::TraceEvent> events;
    engine_->set_tracer([&events](const rego::TraceEvent& e) {
      if (events.size() < 2'000'000) events.push_back(e);
    });
    engine_->eval(ref);
    engine_->set_tracer({});
    engine_->discard_prints();
    d.why = explain_denial(events, r.input, r.kind);
  }
  engine_->clear_input();
  return d;
}

}  // namespace coco::policy
