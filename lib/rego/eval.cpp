// SPDX-License-Identifier: Apache-2.0
#include "rego/eval.h"

#include <chrono>

#include "util/error.h"

namespace coco::rego {

namespace {
// The evaluator recurses in C++ for every expression of every body in progress; stop well before
// a thread's stack (8 MiB by default on Linux) runs out, whatever Limits say.
constexpr std::size_t kStackBudget = 3u << 20;
}  // namespace

Evaluator::Evaluator(Options o) : opt_(std::move(o)) {
  st_.input = opt_.input;
  st_.data = opt_.data;
  st_.cache = std::make_shared<Cache>();
  tracing_ = opt_.tracer && *opt_.tracer;
  stop_early_ = opt_.early_exit && !tracing_;
  now_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
}

void Evaluator::fail(const Loc& l, const std::string& code, const std::string& msg) const {
  throw Error(Exit::Failure, l.str(), code + ": " + msg);
}

void Evaluator::enter_call(const Loc& l) {
  if (++depth_ > opt_.limits.max_call_depth)
    fail(l, "eval_limit_error", "rule and function calls nested deeper than " + std::to_string(opt_.limits.max_call_depth));
}

void Evaluator::trace(TraceEvent::Kind kind, const Loc& l, const std::string& text, const Frame* f,
                      const std::vector<int>* slots) {
  TraceEvent ev;
  ev.kind = kind;
  ev.location = l.str();
  ev.text = text;
  ev.depth = depth_;
  if (f) {
    auto add = [&](int s) {
      auto u = static_cast<std::size_t>(s);
      if (u < f->bound.size() && f->bound[u] && (*f->names)[u] != "_")
        ev.locals.emplace_back((*f->names)[u], f->vals[u].to_json());
    };
    if (slots) for (int s : *slots) add(s);
    else for (std::size_t s = 0; s < f->bound.size(); ++s) add(static_cast<int>(s));
  }
  (*opt_.tracer)(ev);
}

void Evaluator::run(const CompiledQuery& q, FnRef<bool(const Frame&)> row) {
  Frame f(&q.slot_names, q.nslots);
  char marker = 0;
  stack_base_ = &marker;
  eval_body(f, *q.body, 0, [&]() -> bool { return row(f); });
}

std::optional<Value> Evaluator::eval_standalone(const Term& t) {
  std::vector<std::string> names;
  Frame f(&names, 0);
  char marker = 0;
  stack_base_ = &marker;
  std::optional<Value> out;
  eval_term(f, t, [&](const Value& v) -> bool {
    out = v;
    return false;
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Bodies and expressions

bool Evaluator::eval_body(Frame& f, const Body& b, std::size_t i, Cont k) {
  if (i == b.exprs.size()) return k();
  const Expr& e = *b.exprs[i];
  bool any = false;
  bool r = eval_expr(f, e, [&]() -> bool {
    any = true;
    return eval_body(f, b, i + 1, k);
  });
  if (!any && tracing_) trace(TraceEvent::Kind::Fail, e.loc, e.text, &f, &e.used_slots);
  return r;
}

void Evaluator::step_limit(const Loc& l) const {
  fail(l, "eval_limit_error", "evaluation exceeded " + std::to_string(opt_.limits.max_steps) + " steps");
}

bool Evaluator::eval_expr(Frame& f, const Expr& e, Cont k) {
  tick(e.loc);
  char marker = 0;
  if (stack_base_ && static_cast<std::size_t>(stack_base_ - &marker) > kStackBudget)
    fail(e.loc, "eval_limit_error", "evaluation nested too deeply (stack budget exhausted)");
  if (!e.withs.empty()) return eval_with(f, e, 0, k);
  return eval_expr_core(f, e, k);
}

bool Evaluator::eval_expr_core(Frame& f, const Expr& e, Cont k) {
  switch (e.kind) {
    case ExprKind::Term:
      return eval_term(f, *e.a, [&](const Value& v) -> bool {
        if (v.is_false()) return true;
        return k();
      });
    case ExprKind::Unify:
    case ExprKind::Assign:
      return unify_terms(f, *e.a, *e.b, k);
    case ExprKind::Not: {
      bool found = false;
      eval_expr(f, *e.negated, [&]() -> bool {
        found = true;
        return false;
      });
      if (found) return true;
      return k();
    }
    case ExprKind::Some:
      return k();
    case ExprKind::SomeIn:
      return eval_some_in(f, e, k);
    case ExprKind::Every:
      return eval_every(f, e, k);
  }
  return true;
}

namespace {
// Calls fn(key, value) for each element of a collection; false stops.
template <class F>
bool for_each_elem(const Value& coll, F&& fn) {
  switch (coll.type()) {
    case Type::Array: {
      const auto& a = coll.as_array();
      for (std::size_t i = 0; i < a.size(); ++i)
        if (!fn(Value::integer(static_cast<std::int64_t>(i)), a[i])) return false;
      return true;
    }
    case Type::Object:
      for (const auto& [k, v] : coll.as_object())
        if (!fn(k, v)) return false;
      return true;
    case Type::Set:
      for (const auto& v : coll.as_set())
        if (!fn(v, v)) return false;
      return true;
    default: return true;
  }
}
}  // namespace

bool Evaluator::eval_some_in(Frame& f, const Expr& e, Cont k) {
  return eval_term(f, *e.b, [&](const Value& coll) -> bool {
    Value hold = coll;
    return for_each_elem(hold, [&](const Value& key, const Value& val) -> bool {
      tick(e.loc);
      if (e.key)
        return unify(f, *e.key, key, [&]() -> bool { return unify(f, *e.a, val, k); });
      return unify(f, *e.a, val, k);
    });
  });
}

bool Evaluator::eval_every(Frame& f, const Expr& e, Cont k) {
  return eval_term(f, *e.b, [&](const Value& coll) -> bool {
    Value hold = coll;
    if (!hold.is_array() && !hold.is_object() && !hold.is_set()) return true;
    bool all = true;
    for_each_elem(hold, [&](const Value& key, const Value& val) -> bool {
      tick(e.loc);
      bool sat = false;
      auto body = [&]() -> bool {
        return eval_body(f, *e.body, 0, [&]() -> bool {
          sat = true;
          return false;
        });
      };
      if (e.key) unify(f, *e.key, key, [&]() -> bool { return unify(f, *e.a, val, body); });
      else unify(f, *e.a, val, body);
      if (!sat) all = false;
      return sat;
    });
    if (!all) return true;
    return k();
  });
}

namespace {
std::string dotted(const Term& t) {
  if (t.kind == TermKind::Var) return t.name;
  if (t.kind != TermKind::Ref) return {};
  std::string s = dotted(*t.items[0]);
  if (s.empty()) return {};
  for (std::size_t i = 1; i < t.items.size(); ++i) {
    if (t.items[i]->kind != TermKind::Scalar || !t.items[i]->value.is_string()) return {};
    s += "." + t.items[i]->value.as_string();
  }
  return s;
}
}  // namespace

bool Evaluator::eval_with(Frame& f, const Expr& e, std::size_t, Cont k) {
  State next = st_;
  next.cache = std::make_shared<Cache>();
  for (const auto& w : e.withs) {
    if (w.kind == With::Kind::Function) {
      FnOverride o;
      std::string name = dotted(*w.value);
      const Node* fn = node_at(*opt_.root, name);
      if (fn && !(fn->has_rules() && fn->kind == RuleKind::Function)) fn = nullptr;
      if (fn) {
        o.fn = fn;
      } else if (!name.empty() && Registry::standard().find(name) &&
                 !(w.value->kind == TermKind::Var && w.value->slot >= 0 && f.bound[static_cast<std::size_t>(w.value->slot)])) {
        o.builtin = Registry::standard().find(name);
      } else {
        std::optional<Value> v;
        eval_term(f, *w.value, [&](const Value& x) -> bool {
          v = x;
          return false;
        });
        if (!v) return true;
        o.value = *v;
      }
      next.fn_over[w.fn_name] = o;
      continue;
    }
    std::optional<Value> v;
    eval_term(f, *w.value, [&](const Value& x) -> bool {
      v = x;
      return false;
    });
    if (!v) return true;
    if (w.kind == With::Kind::Input) {
      next.input = w.path.empty() ? *v : patch(next.input ? *next.input : Value::object({}), w.path, 0, *v);
      continue;
    }
    // data: patch the base document, and override the rule tree where the path meets it.
    next.data = patch(next.data, w.path, 0, *v);
    const Node* n = opt_.root;
    std::size_t i = 0;
    for (; i < w.path.size(); ++i) {
      if (n->has_rules()) break;
      auto it = n->children.find(w.path[i]);
      if (it == n->children.end()) { n = nullptr; break; }
      n = it->second.get();
    }
    if (n) {
      if (i == w.path.size()) {
        next.node_over[n] = *v;
      } else if (n->kind != RuleKind::Function) {
        auto cur = rule_value(*n);
        std::vector<std::string> rest(w.path.begin() + static_cast<std::ptrdiff_t>(i), w.path.end());
        next.node_over[n] = patch(cur ? *cur : Value::object({}), rest, 0, *v);
      }
    }
  }
  std::swap(st_, next);
  bool r = eval_expr_core(f, e, [&]() -> bool {
    std::swap(st_, next);
    bool r2 = k();
    std::swap(st_, next);
    return r2;
  });
  std::swap(st_, next);
  return r;
}

Value Evaluator::patch(const Value& root, const std::vector<std::string>& path, std::size_t i, const Value& v) {
  if (i == path.size()) return v;
  Object o = root.is_object() ? root.as_object() : Object{};
  Value key = Value::string(path[i]);
  auto it = o.find(key);
  Value child = it != o.end() ? it->second : Value::object({});
  o[key] = patch(child, path, i + 1, v);
  return Value::object(std::move(o));
}

// ---------------------------------------------------------------------------------------------
// Unification

bool Evaluator::has_unbound(const Frame& f, const Term& t) const {
  switch (t.kind) {
    case TermKind::Var: return t.slot >= 0 && !f.bound[static_cast<std::size_t>(t.slot)];
    case TermKind::Array:
      if (t.ground) return false;
      for (const auto& i : t.items)
        if (has_unbound(f, *i)) return true;
      return false;
    case TermKind::Object:
      if (t.ground) return false;
      for (std::size_t i = 1; i < t.items.size(); i += 2)
        if (has_unbound(f, *t.items[i])) return true;
      return false;
    default: return false;
  }
}

bool Evaluator::unify(Frame& f, const Term& p, const Value& v, Cont k) {
  switch (p.kind) {
    case TermKind::Var: {
      if (p.slot < 0) break;
      auto s = static_cast<std::size_t>(p.slot);
      if (f.bound[s]) return f.vals[s] == v ? k() : true;
      f.vals[s] = v;
      f.bound[s] = 1;
      bool r = k();
      f.bound[s] = 0;
      f.vals[s] = Value();
      return r;
    }
    case TermKind::Scalar:
      return p.value == v ? k() : true;
    case TermKind::Array:
      if (p.ground) return p.value == v ? k() : true;
      if (!v.is_array() || v.as_array().size() != p.items.size()) return true;
      return unify_items(f, p, v, 0, k);
    case TermKind::Object:
      if (p.ground) return p.value == v ? k() : true;
      if (!v.is_object() || v.as_object().size() * 2 != p.items.size()) return true;
      return unify_items(f, p, v, 0, k);
    default: break;
  }
  return eval_term(f, p, [&](const Value& w) -> bool { return w == v ? k() : true; });
}

bool Evaluator::unify_items(Frame& f, const Term& p, const Value& v, std::size_t i, Cont k) {
  if (p.kind == TermKind::Array) {
    if (i == p.items.size()) return k();
    return unify(f, *p.items[i], v.as_array()[i], [&]() -> bool { return unify_items(f, p, v, i + 1, k); });
  }
  if (2 * i == p.items.size()) return k();
  return eval_term(f, *p.items[2 * i], [&](const Value& key) -> bool {
    const Value* val = find_in(v, key);  // into v, which outlives the unification
    if (!val) return true;
    return unify(f, *p.items[2 * i + 1], *val, [&]() -> bool { return unify_items(f, p, v, i + 1, k); });
  });
}

bool Evaluator::unify_terms(Frame& f, const Term& a, const Term& b, Cont k) {
  bool ua = has_unbound(f, a), ub = has_unbound(f, b);
  if (!ua && !ub)
    return eval_term(f, a, [&](const Value& va) -> bool {
      Value ha = va;
      return eval_term(f, b, [&](const Value& vb) -> bool { return ha == vb ? k() : true; });
    });
  if (ua && !ub)
    return eval_term(f, b, [&](const Value& vb) -> bool {
      Value h = vb;
      return unify(f, a, h, k);
    });
  if (!ua && ub)
    return eval_term(f, a, [&](const Value& va) -> bool {
      Value h = va;
      return unify(f, b, h, k);
    });
  // Both sides have unbound variables: only element-wise unification of literals can proceed.
  if (a.kind == b.kind && (a.kind == TermKind::Array) && a.items.size() == b.items.size()) {
    struct Step {
      Evaluator* self;
      Frame& f;
      const Term& a;
      const Term& b;
      Cont k;
      bool go(std::size_t i) {
        if (i == a.items.size()) return k();
        return self->unify_terms(f, *a.items[i], *b.items[i], [&]() -> bool { return go(i + 1); });
      }
    } step{this, f, a, b, k};
    return step.go(0);
  }
  if (a.kind == TermKind::Array && b.kind == TermKind::Array) return true;  // lengths differ
  if (a.kind == TermKind::Object && b.kind == TermKind::Object) {
    // Pair the values under equal constant keys, then unify them pairwise.
    if (a.items.size() != b.items.size()) return true;
    std::vector<std::pair<const Term*, const Term*>> pairs;
    for (std::size_t i = 0; i < a.items.size(); i += 2) {
      const Term* match = nullptr;
      for (std::size_t j = 0; j < b.items.size(); j += 2)
        if (a.items[i]->ground && b.items[j]->ground && a.items[i]->value == b.items[j]->value) match = b.items[j + 1].get();
      if (!match) {
        if (!a.items[i]->ground) fail(a.loc, "rego_unsafe_var_error", "object keys must be ground in unification");
        return true;
      }
      pairs.emplace_back(a.items[i + 1].get(), match);
    }
    struct Step {
      Evaluator* self;
      Frame& f;
      const std::vector<std::pair<const Term*, const Term*>>& pairs;
      Cont k;
      bool go(std::size_t i) {
        if (i == pairs.size()) return k();
        return self->unify_terms(f, *pairs[i].first, *pairs[i].second, [&]() -> bool { return go(i + 1); });
      }
    } step{this, f, pairs, k};
    return step.go(0);
  }
  const Term& v = a.kind == TermKind::Var ? a : b;
  fail(v.loc, "rego_unsafe_var_error", "var " + (v.kind == TermKind::Var ? v.name : std::string("in ") + "expression") + " is unsafe");
}

}  // namespace coco::rego
