// SPDX-License-Identifier: Apache-2.0
#include "rego/recursion.h"

#include <set>
#include <unordered_map>

#include "util/error.h"

namespace coco::rego {

namespace {

// The evaluator stops at 256 nested calls anyway; this bounds the check's own recursion.
constexpr std::size_t kMaxChain = 4096;

// Every rule node at or below n.
void rule_nodes_below(const Node& n, std::set<const Node*>& out) {
  if (n.has_rules()) {
    out.insert(&n);
    return;
  }
  for (const auto& [name, child] : n.children) rule_nodes_below(*child, out);
}

class Graph {
 public:
  explicit Graph(const Node& root) : root_(root) {}

  void add_node(const Node& n) {
    if (n.has_rules()) {
      auto& deps = edges_[&n];
      auto add_rule = [&](const Rule& r) {
        for (const Rule* c = &r; c; c = c->else_rule.get()) {
          for (const auto& a : c->args) term(*a, deps);
          term_ptr(c->key, deps);
          for (const auto& k : c->key_prefix) term(*k, deps);
          term_ptr(c->value, deps);
          if (c->body) body(*c->body, deps);
        }
      };
      for (const auto& r : n.rules) add_rule(*r);
      if (n.default_rule) add_rule(*n.default_rule);
      order_.push_back(&n);
    }
    for (const auto& [name, child] : n.children) add_node(*child);
  }

  void check() {
    std::unordered_map<const Node*, int> color;  // 0 new, 1 on the path, 2 done
    std::vector<const Node*> path;
    for (const Node* n : order_) visit(n, color, path);
  }

 private:
  const Node& root_;
  std::unordered_map<const Node*, std::set<const Node*>> edges_;
  std::vector<const Node*> order_;

  void term_ptr(const TermPtr& t, std::set<const Node*>& deps) {
    if (t) term(*t, deps);
  }

  void body(const Body& b, std::set<const Node*>& deps) {
    for (const auto& e : b.exprs) expr(*e, deps);
  }

  void expr(const Expr& e, std::set<const Node*>& deps) {
    term_ptr(e.a, deps);
    term_ptr(e.b, deps);
    term_ptr(e.key, deps);
    if (e.negated) expr(*e.negated, deps);
    if (e.body) body(*e.body, deps);
    for (const auto& w : e.withs)
      if (w.kind != With::Kind::Function) term_ptr(w.value, deps);
  }

  void data_ref(const Term& t, std::set<const Node*>& deps) {
    const Node* n = &root_;
    for (std::size_t i = 1; i < t.items.size() && !n->has_rules(); ++i) {
      const Term& p = *t.items[i];
      // A key known only at run time (data[x]): which rules it reaches is the evaluator's to
      // find (its own recursion check stays); OPA's graph does not see through it either.
      if (p.kind != TermKind::Scalar) return;
      std::string key = p.value.is_number() ? p.value.as_number().to_string()
                        : p.value.is_string() ? p.value.as_string()
                                              : std::string();
      auto it = n->children.find(key);
      if (it == n->children.end()) return;  // base data only
      n = it->second.get();
    }
    if (n->has_rules()) {
      if (n->kind != RuleKind::Function) deps.insert(n);
      return;
    }
    std::set<const Node*> below;
    rule_nodes_below(*n, below);
    for (const Node* b : below)
      if (b->kind != RuleKind::Function) deps.insert(b);
  }

  void term(const Term& t, std::set<const Node*>& deps) {
    switch (t.kind) {
      case TermKind::Var:
        if (t.slot < 0 && t.name == "data") data_ref(t, deps);
        return;
      case TermKind::Ref: {
        const Term& head = *t.items[0];
        if (head.kind == TermKind::Var && head.slot < 0 && head.name == "data") data_ref(t, deps);
        else term(head, deps);
        for (std::size_t i = 1; i < t.items.size(); ++i) term(*t.items[i], deps);
        return;
      }
      case TermKind::Call:
        if (t.fn_node) deps.insert(t.fn_node);
        for (const auto& a : t.items) term(*a, deps);
        return;
      case TermKind::ArrayCompr:
      case TermKind::SetCompr:
      case TermKind::ObjectCompr:
        term_ptr(t.key, deps);
        term_ptr(t.head, deps);
        if (t.body) body(*t.body, deps);
        return;
      default:
        if (t.ground) return;
        for (const auto& a : t.items) term(*a, deps);
        return;
    }
  }

  static std::string name_of(const Node& n) {
    std::string s;
    for (const auto& p : n.path) s += (s.empty() ? "" : ".") + p;
    return s;
  }

  void visit(const Node* n, std::unordered_map<const Node*, int>& color, std::vector<const Node*>& path) {
    int& c = color[n];
    if (c == 2) return;
    if (c == 1) {
      std::string cycle;
      bool on = false;
      for (const Node* p : path) {
        if (p == n) on = true;
        if (on) cycle += name_of(*p) + " -> ";
      }
      cycle += name_of(*n);
      const Rule& r = n->rules.empty() ? *n->default_rule : *n->rules.front();
      throw Error(Exit::Failure, r.loc.str(),
                  "rego_recursion_error: rule " + name_of(*n) + " is recursive: " + cycle);
    }
    c = 1;
    if (path.size() >= kMaxChain) {
      const Rule& r = n->rules.empty() ? *n->default_rule : *n->rules.front();
      throw Error(Exit::Failure, r.loc.str(),
                  "rego_compile_error: rules depend on each other in a chain longer than " + std::to_string(kMaxChain));
    }
    path.push_back(n);
    auto it = edges_.find(n);
    if (it != edges_.end())
      for (const Node* d : it->second) visit(d, color, path);
    path.pop_back();
    color[n] = 2;
  }
};

}  // namespace

void check_recursion(const Node& root) {
  Graph g(root);
  g.add_node(root);
  g.check();
}

}  // namespace coco::rego
