// SPDX-License-Identifier: Apache-2.0
// Evaluator, second half: terms, references into data/input, calls, comprehensions and rules.
#include "rego/eval.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "util/error.h"

namespace coco::rego {

bool Evaluator::eval_term(Frame& f, const Term& t, ValueCont k) {
  // The frequent cases only: the others are functions of their own, so that this one, entered for
  // every term, has a small frame.
  switch (t.kind) {
    case TermKind::Scalar:
      return k(t.value);
    case TermKind::Var: {
      if (t.slot < 0) return eval_global(t, k);
      auto s = static_cast<std::size_t>(t.slot);
      if (!f.bound[s]) fail(t.loc, "rego_unsafe_var_error", "var " + t.name + " is unsafe");
      // No copy: a bound slot keeps its value until the search backtracks past its binding,
      // and the frame's slots never move.
      return k(f.vals[s]);
    }
    case TermKind::Ref:
      return eval_ref(f, t, k);
    case TermKind::Array:
    case TermKind::Set:
    case TermKind::Object:
      if (t.ground) return k(t.value);
      return eval_collection(f, t, k);
    case TermKind::ArrayCompr:
    case TermKind::SetCompr:
    case TermKind::ObjectCompr:
      return eval_compr(f, t, k);
    case TermKind::Call:
      return eval_call(f, t, k);
  }
  return true;
}

bool Evaluator::eval_global(const Term& t, ValueCont k) {
  if (t.name == "input") {
    if (!st_.input) return true;
    Value v = *st_.input;
    return k(v);
  }
  if (t.name == "data") {
    Value d = st_.data;
    auto v = materialize(*opt_.root, &d);
    return v ? k(*v) : true;
  }
  fail(t.loc, "rego_unsafe_var_error", "var " + t.name + " is unsafe");
}

bool Evaluator::eval_collection(Frame& f, const Term& t, ValueCont k) {
  std::vector<Value> acc;
  acc.reserve(t.items.size());
  return eval_items(f, t.items, 0, t.items.size(), acc, [&]() -> bool {
    if (t.kind == TermKind::Array) return k(Value::array(Array(acc.begin(), acc.end())));
    if (t.kind == TermKind::Set) return k(Value::set(Set(acc.begin(), acc.end())));
    Object o;
    for (std::size_t i = 0; i + 1 < acc.size(); i += 2) {
      auto [it, fresh] = o.emplace(acc[i], acc[i + 1]);
      if (!fresh && it->second != acc[i + 1])
        fail(t.loc, "eval_conflict_error", "object keys must be unique");
    }
    return k(Value::object(std::move(o)));
  });
}

bool Evaluator::eval_items(Frame& f, const std::vector<TermPtr>& items, std::size_t i, std::size_t end,
                           std::vector<Value>& acc, Cont k) {
  if (i == end) return k();
  return eval_term(f, *items[i], [&](const Value& v) -> bool {
    acc.push_back(v);
    bool r = eval_items(f, items, i + 1, end, acc, k);
    acc.pop_back();
    return r;
  });
}

bool Evaluator::eval_ref(Frame& f, const Term& t, ValueCont k) {
  const Term& head = *t.items[0];
  if (head.kind == TermKind::Var && head.slot < 0) {
    if (head.name == "data") {
      // A rule named by a constant path: straight to its value (eval_data's walk would find the
      // same node), unless `with` has replaced some node on the way.
      if (t.rule_node && st_.node_over.empty()) {
        if (t.rule_node->kind == RuleKind::Function) return true;
        auto v = rule_value(*t.rule_node);
        return v ? eval_path(f, *v, t, t.rule_next, k) : true;
      }
      Value d = st_.data;
      return eval_data(f, *opt_.root, &d, t, 1, k);
    }
    if (head.name == "input") {
      if (!st_.input) return true;
      Value in = *st_.input;
      return eval_path(f, in, t, 1, k);
    }
  }
  return eval_term(f, head, [&](const Value& b) -> bool {
    Value hold = b;
    return eval_path(f, hold, t, 1, k);
  });
}

bool Evaluator::eval_path(Frame& f, const Value& base, const Term& ref, std::size_t i, ValueCont k,
                          bool base_doc) {
  if (i == ref.items.size()) return k(base);
  const Term& p = *ref.items[i];
  // A pointer into `base` (no copy): base outlives the rest of the path's evaluation.
  auto lookup = [&](const Value& key) -> const Value* {
    if (base_doc && key.is_number() && base.is_object()) return find_in(base, Value::string(key.as_number().to_string()));
    return find_in(base, key);
  };
  if (p.kind == TermKind::Scalar) {
    auto v = lookup(p.value);
    if (!v) return true;
    return eval_path(f, *v, ref, i + 1, k, base_doc);
  }
  if (has_unbound(f, p)) {
    switch (base.type()) {
      case Type::Array: {
        const auto& a = base.as_array();
        for (std::size_t j = 0; j < a.size(); ++j) {
          tick(ref.loc);
          const Value& elem = a[j];
          if (!unify(f, p, Value::integer(static_cast<std::int64_t>(j)),
                     [&]() -> bool { return eval_path(f, elem, ref, i + 1, k, base_doc); }))
            return false;
        }
        return true;
      }
      case Type::Object:
        for (const auto& [key, val] : base.as_object()) {
          tick(ref.loc);
          const Value& member = val;  // clang 14 (the fuzz build) cannot capture a structured binding
          if (!unify(f, p, key, [&]() -> bool { return eval_path(f, member, ref, i + 1, k, base_doc); })) return false;
        }
        return true;
      case Type::Set:
        for (const auto& e : base.as_set()) {
          tick(ref.loc);
          if (!unify(f, p, e, [&]() -> bool { return eval_path(f, e, ref, i + 1, k, base_doc); })) return false;
        }
        return true;
      default: return true;
    }
  }
  return eval_term(f, p, [&](const Value& key) -> bool {
    auto v = lookup(key);
    if (!v) return true;
    return eval_path(f, *v, ref, i + 1, k, base_doc);
  });
}

bool Evaluator::eval_data(Frame& f, const Node& n, const Value* base, const Term& ref, std::size_t i, ValueCont k) {
  if (!st_.node_over.empty()) {
    auto it = st_.node_over.find(&n);
    if (it != st_.node_over.end()) {
      Value v = it->second;
      return eval_path(f, v, ref, i, k);
    }
  }
  if (n.has_rules()) {
    if (n.kind == RuleKind::Function) return true;
    auto v = rule_value(n);
    if (!v) return true;
    return eval_path(f, *v, ref, i, k);
  }
  if (i == ref.items.size()) {
    auto v = materialize(n, base);
    return v ? k(*v) : true;
  }
  const Term& p = *ref.items[i];
  auto step = [&](const Value& raw) -> bool {
    // data[2] reads the key "2": the data tree is keyed by strings.
    Value key = raw.is_number() ? Value::string(raw.as_number().to_string()) : raw;
    const Value* cb = base ? find_in(*base, key) : nullptr;
    if (key.is_string()) {
      auto it = n.children.find(key.as_string());
      if (it != n.children.end()) return eval_data(f, *it->second, cb, ref, i + 1, k);
    }
    if (cb) return eval_path(f, *cb, ref, i + 1, k, true);
    return true;
  };
  if (has_unbound(f, p)) {
    std::set<Value, ValueLess> keys;
    for (const auto& [name, child] : n.children) keys.insert(Value::string(name));
    if (base && base->is_object())
      for (const auto& [key, val] : base->as_object()) keys.insert(key);
    for (const auto& key : keys)
      if (!unify(f, p, key, [&]() -> bool { return step(key); })) return false;
    return true;
  }
  return eval_term(f, p, step);
}

std::optional<Value> Evaluator::materialize(const Node& n, const Value* base) {
  if (!st_.node_over.empty()) {
    auto it = st_.node_over.find(&n);
    if (it != st_.node_over.end()) return it->second;
  }
  if (n.has_rules()) {
    if (n.kind == RuleKind::Function) return std::nullopt;
    return rule_value(n);
  }
  if (n.children.empty()) {
    if (base) return *base;
    return Value::object({});
  }
  Object o;
  if (base && base->is_object()) o = base->as_object();
  for (const auto& [name, child] : n.children) {
    Value key = Value::string(name);
    std::optional<Value> cb;
    if (base) cb = base->get(key);
    // A base document and a rule at the same path: the whole document shows the base value,
    // as OPA's does.
    if (cb && child->has_rules()) continue;
    auto v = materialize(*child, cb ? &*cb : nullptr);
    if (v) o[key] = *v;
  }
  return Value::object(std::move(o));
}

bool Evaluator::eval_compr(Frame& f, const Term& t, ValueCont k) {
  switch (t.kind) {
    case TermKind::ArrayCompr: {
      Array acc;
      eval_body(f, *t.body, 0, [&]() -> bool {
        return eval_term(f, *t.head, [&](const Value& v) -> bool {
          acc.push_back(v);
          return true;
        });
      });
      return k(Value::array(std::move(acc)));
    }
    case TermKind::SetCompr: {
      Set acc;
      eval_body(f, *t.body, 0, [&]() -> bool {
        return eval_term(f, *t.head, [&](const Value& v) -> bool {
          acc.insert(v);
          return true;
        });
      });
      return k(Value::set(std::move(acc)));
    }
    default: {
      Object acc;
      eval_body(f, *t.body, 0, [&]() -> bool {
        return eval_term(f, *t.key, [&](const Value& key) -> bool {
          Value hk = key;
          return eval_term(f, *t.head, [&](const Value& v) -> bool {
            auto [it, fresh] = acc.emplace(hk, v);
            if (!fresh && it->second != v) fail(t.loc, "eval_conflict_error", "object keys must be unique");
            return true;
          });
        });
      });
      return k(Value::object(std::move(acc)));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Calls

namespace {
bool member(const Value& x, const Value& coll) {
  switch (coll.type()) {
    case Type::Array:
      for (const auto& e : coll.as_array())
        if (e == x) return true;
      return false;
    case Type::Set: return coll.as_set().count(x) > 0;
    case Type::Object:
      for (const auto& [k, v] : coll.as_object())
        if (v == x) return true;
      return false;
    default: return false;
  }
}
}  // namespace

bool Evaluator::eval_print(Frame& f, const Term& t, ValueCont k) {
  emit_print(f, t);
  return k(Value::boolean(true));
}

void Evaluator::emit_print(Frame& f, const Term& t) {
  // Each argument is evaluated now (an error still stops the query, and then no line is kept);
  // its text is made when the lines are read.
  constexpr std::size_t kInline = 8;
  std::optional<Value> inline_vals[kInline];
  std::vector<std::optional<Value>> heap_vals;
  std::optional<Value>* vals = inline_vals;
  if (t.items.size() > kInline) {
    heap_vals.resize(t.items.size());
    vals = heap_vals.data();
  }
  for (std::size_t i = 0; i < t.items.size(); ++i)
    eval_term(f, *t.items[i], [&](const Value& x) -> bool {
      vals[i] = x;
      return false;
    });
  if (!opt_.prints) return;
  opt_.prints->begin(t.loc);
  for (std::size_t i = 0; i < t.items.size(); ++i) opt_.prints->arg(vals[i]);
}

std::size_t Evaluator::MemoHash::operator()(const MemoKey& k) const {
  auto h = reinterpret_cast<std::uintptr_t>(k.builtin);
  for (const void* id : k.ids) h = (h ^ reinterpret_cast<std::uintptr_t>(id)) * 0x9E3779B97F4A7C15ull + (h >> 29);
  return static_cast<std::size_t>(h);
}

bool Evaluator::call_builtin(const Builtin& b, const Term& t, std::span<const Value> args, ValueCont k) {
  std::optional<Value> r;
  const bool memo = b.memo && args.size() <= kMemoArgs;
  MemoKey key{&b, {}};
  if (memo) {
    for (std::size_t i = 0; i < args.size(); ++i) key.ids[i] = args[i].identity();
    auto it = memo_.find(key);
    if (it != memo_.end()) {
      if (!it->second.result) return true;
      Value hold = *it->second.result;
      return k(hold);
    }
  }
  try {
    BuiltinContext ctx(b.name, opt_.strict, now_ns_);
    r = b.fn(ctx, args);
  } catch (const BuiltinError& e) {
    if (opt_.strict) fail(t.loc, e.code, e.message);
    r.reset();  // undefined, as every later call with these arguments
  }
  if (memo && memo_.size() < kMemoEntries)
    memo_.emplace(key, MemoEntry{std::vector<Value>(args.begin(), args.end()), r});
  if (!r) return true;
  if (b.relation) {
    Value all = *r;
    if (!all.is_array()) return true;
    for (const auto& v : all.as_array())
      if (!k(v)) return false;
    return true;
  }
  return k(*r);
}

bool Evaluator::eval_args(Frame& f, const Term& call, const std::size_t* order, std::size_t i, std::size_t n,
                          Value* out, Cont k) {
  for (; i < n; ++i) {
    std::size_t j = order ? order[i] : i;
    const Term& a = *call.items[j];
    // Constants and bound variables have one value: no continuation needed for them.
    if (a.ground) {
      out[j] = a.value;
      continue;
    }
    if (a.kind == TermKind::Var && a.slot >= 0 && f.bound[static_cast<std::size_t>(a.slot)]) {
      out[j] = f.vals[static_cast<std::size_t>(a.slot)];
      continue;
    }
    return eval_term(f, a, [&](const Value& v) -> bool {
      out[j] = v;
      return eval_args(f, call, order, i + 1, n, out, k);
    });
  }
  return k();
}

bool Evaluator::eval_call(Frame& f, const Term& t, ValueCont k) {
  if (t.special == Term::Special::Print) return eval_print(f, t, k);
  std::size_t nargs = t.legacy_out ? t.items.size() - 1 : t.items.size();
  // Arguments live on the stack for the usual few (a call is the evaluator's most frequent step).
  constexpr std::size_t kInlineArgs = 6;
  Value inline_args[kInlineArgs];
  std::unique_ptr<Value[]> heap_args;
  Value* args = inline_args;
  if (nargs > kInlineArgs) {
    heap_args = std::make_unique<Value[]>(nargs);
    args = heap_args.get();
  }
  std::span<const Value> view(args, nargs);
  // An argument that is a still-unbound variable may be bound by a reference in a later argument
  // (foo == input.foos[foo]): evaluate those last.
  bool reorder = false;
  for (std::size_t i = 0; i < nargs; ++i)
    if (t.items[i]->kind == TermKind::Var && has_unbound(f, *t.items[i])) reorder = true;
  if (reorder) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < nargs; ++i)
      if (!(t.items[i]->kind == TermKind::Var && has_unbound(f, *t.items[i]))) order.push_back(i);
    for (std::size_t i = 0; i < nargs; ++i)
      if (t.items[i]->kind == TermKind::Var && has_unbound(f, *t.items[i])) order.push_back(i);
    return eval_args(f, t, order.data(), 0, nargs, args, [&]() -> bool { return dispatch_call(f, t, view, k); });
  }
  return eval_args(f, t, nullptr, 0, nargs, args, [&]() -> bool { return dispatch_call(f, t, view, k); });
}

bool Evaluator::dispatch_call(Frame& f, const Term& t, std::span<const Value> args, ValueCont k) {
  {
    auto out = [&](const Value& r) -> bool {
      if (t.legacy_out) {
        Value hold = r;
        return unify(f, *t.items.back(), hold, [&]() -> bool { return k(Value::boolean(true)); });
      }
      return k(r);
    };
    if (!st_.fn_over.empty()) {
      auto it = st_.fn_over.find(t.name);
      if (it != st_.fn_over.end()) {
        FnOverride o = it->second;
        if (o.value) return out(*o.value);
        if (o.fn) {
          // OPA evaluates a mock without the mocks in effect (it may call the original).
          std::optional<Value> res;
          auto saved_over = std::move(st_.fn_over);
          auto saved_cache = st_.cache;
          st_.fn_over.clear();
          st_.cache = std::make_shared<Cache>();
          call_function(*o.fn, t, args, [&](const Value& v) -> bool {
            res = v;
            return true;
          });
          st_.fn_over = std::move(saved_over);
          st_.cache = saved_cache;
          if (!res) return true;
          return out(*res);
        }
        if (o.builtin) return call_builtin(*o.builtin, t, args, out);
      }
    }
    if (t.special == Term::Special::Member2) return out(Value::boolean(member(args[0], args[1])));
    if (t.special == Term::Special::Member3) {
      const Value* v = args[2].is_set() ? nullptr : find_in(args[2], args[0]);
      return out(Value::boolean(v && *v == args[1]));
    }
    if (t.fn_node) return call_function(*t.fn_node, t, args, out);
    if (t.builtin) return call_builtin(*t.builtin, t, args, out);
    fail(t.loc, "rego_type_error", "undefined function " + t.name);
  }
}

// ---------------------------------------------------------------------------------------------
// Rules and functions

bool Evaluator::unify_args(Frame& f, const Rule& r, std::span<const Value> args, std::size_t i, Cont k) {
  // Parameters that are fresh variables (the usual case) are bound in a loop; from the first
  // other one (a pattern, a constant, a name seen before) on, arguments unify one by one.
  const std::size_t first = i;
  for (; i < r.args.size(); ++i) {
    const Term& p = *r.args[i];
    if (p.kind != TermKind::Var || p.slot < 0 || f.bound[static_cast<std::size_t>(p.slot)]) break;
    f.vals[static_cast<std::size_t>(p.slot)] = args[i];
    f.bound[static_cast<std::size_t>(p.slot)] = 1;
  }
  const bool r2 = i == r.args.size()
                      ? k()
                      : unify(f, *r.args[i], args[i], [&]() -> bool { return unify_args(f, r, args, i + 1, k); });
  for (std::size_t j = first; j < i; ++j) {
    auto s = static_cast<std::size_t>(r.args[j]->slot);
    f.bound[s] = 0;
    f.vals[s] = Value();
  }
  return r2;
}

bool Evaluator::eval_rule_chain(const Rule& r, FnRef<bool(const Value*, const Value*)> out,
                                const std::span<const Value>* args) {
  for (const Rule* cur = &r; cur; cur = cur->else_rule.get()) {
    Frame f(&cur->slot_names, cur->nslots);
    bool any = false;
    if (tracing_) trace(TraceEvent::Kind::Enter, cur->loc, cur->head_text, nullptr, nullptr);
    auto done = [&]() -> bool {
      any = true;
      if (tracing_) trace(TraceEvent::Kind::Exit, cur->loc, cur->head_text, &f, nullptr);
      switch (cur->kind) {
        case RuleKind::PartialSet:
          return eval_term(f, *cur->key, [&](const Value& key) -> bool { return out(&key, nullptr); });
        case RuleKind::PartialObject: {
          std::vector<Value> pre;
          pre.reserve(cur->key_prefix.size());
          return eval_items(f, cur->key_prefix, 0, cur->key_prefix.size(), pre, [&]() -> bool {
            return eval_term(f, *cur->key, [&](const Value& key) -> bool {
              Value hk = key;
              return eval_term(f, *cur->value, [&](const Value& elem) -> bool {
                Value leaf = cur->set_leaf ? Value::set(Set{elem}) : Value();
                const Value& v = cur->set_leaf ? leaf : elem;
                if (pre.empty()) return out(&hk, &v);
                // a[x].b[y] := v: the value under pre[0] is {x-path… : {y: v}}
                Value nested = Value::object(Object{{hk, v}});
                for (std::size_t i = pre.size(); i-- > 1;) nested = Value::object(Object{{pre[i], nested}});
                return out(&pre[0], &nested);
              });
            });
          });
        }
        default:
          return eval_term(f, *cur->value, [&](const Value& v) -> bool { return out(nullptr, &v); });
      }
    };
    auto body = [&]() -> bool { return eval_body(f, *cur->body, 0, done); };
    bool cont = args ? unify_args(f, *cur, *args, 0, body) : body();
    if (!cont) return false;
    if (any) return true;
  }
  return true;
}

std::optional<Value> Evaluator::rule_value(const Node& n) {
  if (!st_.node_over.empty()) {
    auto it = st_.node_over.find(&n);
    if (it != st_.node_over.end()) return it->second;
  }
  if (opt_.rule_values) {
    auto it = opt_.rule_values->find(&n);
    if (it != opt_.rule_values->end()) return it->second;
  }
  std::shared_ptr<Cache> cache = st_.cache;
  auto it = cache->values.find(&n);
  if (it != cache->values.end()) return it->second;
  const Rule& any = n.rules.empty() ? *n.default_rule : *n.rules.front();
  if (cache->in_progress.count(&n)) fail(any.loc, "rego_recursion_error", "rule " + any.head_text + " is recursive");
  cache->in_progress.insert(&n);
  enter_call(any.loc);
  auto v = compute_rule(n);
  leave_call();
  cache->in_progress.erase(&n);
  cache->values.emplace(&n, v);
  return v;
}

std::optional<Value> Evaluator::merge_values(const Value& a, const Value& b, std::size_t depth,
                                             bool union_sets) {
  if (depth == 0 || !a.is_object() || !b.is_object()) {
    if (a == b) return a;
    if (union_sets && a.is_set() && b.is_set()) {
      Set u = a.as_set();
      u.insert(b.as_set().begin(), b.as_set().end());
      return Value::set(std::move(u));
    }
    return std::nullopt;
  }
  Object out = a.as_object();
  for (const auto& [k, v] : b.as_object()) {
    auto it = out.find(k);
    if (it == out.end()) {
      out.emplace(k, v);
      continue;
    }
    auto m = merge_values(it->second, v, depth - 1, union_sets);
    if (!m) return std::nullopt;
    it->second = *m;
  }
  return Value::object(std::move(out));
}

namespace {
bool chain_ground(const Rule& r) {
  for (const Rule* c = &r; c; c = c->else_rule.get())
    if (!c->value || !c->value->ground) return false;
  return true;
}
}  // namespace

std::optional<Value> Evaluator::compute_rule(const Node& n) {
  switch (n.kind) {
    case RuleKind::PartialSet: {
      Set s;
      for (const auto& r : n.rules)
        eval_rule_chain(*r, [&](const Value* key, const Value*) -> bool {
          s.insert(*key);
          return true;
        }, nullptr);
      return Value::set(std::move(s));
    }
    case RuleKind::PartialObject: {
      Object o;
      for (const auto& r : n.rules)
        eval_rule_chain(*r, [&](const Value* key, const Value* v) -> bool {
          auto [it, fresh] = o.emplace(*key, *v);
          if (!fresh) {
            auto merged = merge_values(it->second, *v, r->key_prefix.size(), r->set_leaf);
            if (!merged) fail(r->loc, "eval_conflict_error", "object keys must be unique");
            it->second = *merged;
          }
          return true;
        }, nullptr);
      // Rules at deeper constant paths (p.q.r := 1 beside p[x] := …) add to the same object,
      // down to the depth the rules' keys reach: below it is a rule's value, not to be extended.
      std::size_t depth = 0;
      bool sets = false;
      for (const auto& r : n.rules) {
        depth = std::max(depth, r->key_prefix.size());
        sets = sets || r->set_leaf;
      }
      for (const auto& [name, child] : n.children) {
        auto cv = materialize(*child, nullptr);
        if (!cv) continue;
        Value key = Value::string(name);
        auto [it, fresh] = o.emplace(key, *cv);
        if (!fresh) {
          auto merged = merge_values(it->second, *cv, depth, sets);
          if (!merged) fail(n.rules.empty() ? n.default_rule->loc : n.rules.front()->loc, "eval_conflict_error", "object keys must be unique");
          it->second = *merged;
        }
      }
      return Value::object(std::move(o));
    }
    default: {
      std::optional<Value> result;
      for (const auto& r : n.rules) {
        if (stop_early_ && n.one_constant && result) break;
        bool stop_first = chain_ground(*r);
        eval_rule_chain(*r, [&](const Value*, const Value* v) -> bool {
          if (result && *result != *v)
            fail(r->loc, "eval_conflict_error", "complete rules must not produce multiple outputs");
          result = *v;
          return !stop_first;
        }, nullptr);
      }
      if (!result && n.default_rule) {
        Frame f(&n.default_rule->slot_names, n.default_rule->nslots);
        eval_term(f, *n.default_rule->value, [&](const Value& v) -> bool {
          result = v;
          return false;
        });
      }
      return result;
    }
  }
}

bool Evaluator::call_function(const Node& n, const Term& call, std::span<const Value> args, ValueCont k) {
  enter_call(call.loc);
  std::optional<Value> result;
  const bool one_answer = stop_early_ && n.one_constant;
  for (const auto& r : n.rules) {
    if (one_answer && result) break;
    bool stop_first = stop_early_ && chain_ground(*r);
    eval_rule_chain(*r, [&](const Value*, const Value* v) -> bool {
      if (result && *result != *v)
        fail(call.loc, "eval_conflict_error", "functions must not produce multiple outputs for same inputs");
      result = *v;
      return !stop_first;
    }, &args);
  }
  if (!result && n.default_rule) {
    Frame f(&n.default_rule->slot_names, n.default_rule->nslots);
    eval_term(f, *n.default_rule->value, [&](const Value& v) -> bool {
      result = v;
      return false;
    });
  }
  leave_call();
  if (!result) return true;
  Value hold = *result;
  return k(hold);
}

}  // namespace coco::rego
