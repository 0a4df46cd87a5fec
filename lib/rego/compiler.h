// SPDX-License-Identifier: Apache-2.0
// The compile step (OPA's ast.Compiler, reduced): rules indexed by path in a tree under `data`,
// variables resolved to frame slots (locals, `:=`/`some` declarations, comprehension scopes,
// imports, rule names of the package), calls bound to their function or builtin (including the
// legacy form `f(args…, out)`), and every body reordered so that each expression comes after the
// expressions that bind the variables it needs (OPA's safety reordering).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rego/ast.h"
#include "rego/builtins.h"

namespace coco::rego {

struct Node {
  std::string name;
  std::vector<std::string> path;  // from "data"
  std::map<std::string, std::unique_ptr<Node>> children;
  std::vector<std::shared_ptr<Rule>> rules;  // definitions (defaults apart)
  std::shared_ptr<Rule> default_rule;
  RuleKind kind = RuleKind::Complete;
  std::size_t arity = 0;  // functions
  // Every definition's value (else branches included) is one and the same constant: the first
  // solution of any body is the node's value, and no other can conflict with it (early exit).
  bool one_constant = false;
  bool has_rules() const { return !rules.empty() || default_rule != nullptr; }
};

// Builds the rule tree of all modules; throws coco::Error naming file:line:column.
std::unique_ptr<Node> compile_modules(const std::vector<std::shared_ptr<Module>>& modules,
                                      const Registry& builtins);

struct CompiledQuery {
  std::shared_ptr<Body> body;
  int nslots = 0;
  std::vector<std::string> slot_names;
  std::vector<std::pair<std::string, int>> outputs;  // named query variables, in order
};

CompiledQuery compile_query(std::shared_ptr<Body> body, const Node& root, const Registry& builtins);

// Resolves a ground or reference term on its own (Engine::eval, input_term).
void compile_term(TermPtr& term, const Node& root, const Registry& builtins);

// The node at a dotted path ("data.agent_policy.policy_data"); null when there is none or the path
// does not start with "data.".
const Node* node_at(const Node& root, std::string_view dotted);

}  // namespace coco::rego
