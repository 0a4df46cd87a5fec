// SPDX-License-Identifier: Apache-2.0
#include "rego/compiler.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "rego/recursion.h"
#include "util/error.h"

namespace coco::rego {

namespace {

[[noreturn]] void compile_error(const Loc& l, const std::string& msg) {
  throw Error(Exit::Failure, l.str(), "rego compile error: " + msg);
}

bool special_call(const std::string& name) {
  return name == "print" || name == "internal.member_2" || name == "internal.member_3";
}

Node* find_node(Node& root, const std::vector<std::string>& path) {
  Node* n = &root;
  for (std::size_t i = 1; i < path.size(); ++i) {
    auto it = n->children.find(path[i]);
    if (it == n->children.end()) return nullptr;
    n = it->second.get();
  }
  return n;
}

class Resolver {
 public:
  Resolver(const Node& root, const Registry& reg, const Module* module)
      : root_(root), reg_(reg), module_(module) {}

  void rule(Rule& r) {
    r.slot_names.clear();
    names_ = &r.slot_names;
    wildcard_slots_ = {{}};
    reset_scopes();
    std::vector<int> arg_slots;
    // Arguments, head and body share the rule's scope.
    for (auto& a : r.args) declare_pattern_vars(*a);
    for (int s = 0; s < static_cast<int>(names_->size()); ++s) arg_slots.push_back(s);
    collect_body_decls(*r.body);
    if (r.key) collect_vars(*r.key);
    for (auto& k : r.key_prefix) collect_vars(*k);
    if (r.value) collect_vars(*r.value);
    for (auto& a : r.args) a = term(a);
    resolve_body_exprs(*r.body);
    if (r.key) r.key = term(r.key);
    for (auto& k : r.key_prefix) k = term(k);
    if (r.value) r.value = term(r.value);
    r.body->locals = scope_slots();
    reorder(*r.body, std::set<int>(arg_slots.begin(), arg_slots.end()));
    for (Rule* e = r.else_rule.get(); e; e = e->else_rule.get()) {
      push_scope();
      collect_body_decls(*e->body);
      if (e->value) collect_vars(*e->value);
      resolve_body_exprs(*e->body);
      if (e->value) e->value = term(e->value);
      e->body->locals = scope_slots();
      pop_scope();
      reorder(*e->body, std::set<int>(arg_slots.begin(), arg_slots.end()));
    }
    r.nslots = static_cast<int>(names_->size());
    for (Rule* e = r.else_rule.get(); e; e = e->else_rule.get()) {
      e->nslots = r.nslots;
      e->slot_names = r.slot_names;
    }
  }

  void query(CompiledQuery& q) {
    names_ = &q.slot_names;
    wildcard_slots_ = {{}};
    reset_scopes();
    collect_body_decls(*q.body);
    resolve_body_exprs(*q.body);
    q.body->locals = scope_slots();
    reorder(*q.body, {});
    q.nslots = static_cast<int>(names_->size());
    for (const auto& [name, slot] : scopes_.front())
      if (name != "_" && name.rfind("__", 0) != 0) q.outputs.emplace_back(name, slot);
    std::sort(q.outputs.begin(), q.outputs.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  }

  TermPtr standalone(TermPtr t) {
    std::vector<std::string> names;
    names_ = &names;
    reset_scopes();
    collect_vars(*t);
    return term(t);
  }

 private:
  const Node& root_;
  const Registry& reg_;
  const Module* module_;
  std::vector<std::string>* names_ = nullptr;
  std::vector<std::unordered_map<std::string, int>> scopes_;
  // Per scope: the expression index that declared a name with := or some (absent: visible
  // everywhere), and the expression being resolved. A nested body (comprehension, every) sees an
  // outer declared variable only when the declaration comes before it, as in OPA.
  std::vector<std::unordered_map<std::string, int>> decl_at_;
  std::vector<int> cur_idx_;
  int decl_index_ = -1;

  void push_scope() {
    scopes_.emplace_back();
    decl_at_.emplace_back();
    cur_idx_.push_back(INT32_MAX);
  }
  void pop_scope() {
    scopes_.pop_back();
    decl_at_.pop_back();
    cur_idx_.pop_back();
  }
  void reset_scopes() {
    scopes_.clear();
    decl_at_.clear();
    cur_idx_.clear();
    push_scope();
  }
  std::vector<std::vector<int>> scope_slot_lists_;

  std::vector<int> scope_slots() {
    std::vector<int> out;
    for (const auto& [n, s] : scopes_.back()) out.push_back(s);
    for (int s : wildcard_slots_.empty() ? std::vector<int>{} : wildcard_slots_.back()) out.push_back(s);
    return out;
  }
  std::vector<std::vector<int>> wildcard_slots_{{}};

  int new_slot(const std::string& name) {
    names_->push_back(name);
    return static_cast<int>(names_->size()) - 1;
  }

  int declare(const std::string& name) {
    if (name == "_") {
      int s = new_slot("_");
      wildcard_slots_.back().push_back(s);
      return s;
    }
    auto& sc = scopes_.back();
    auto it = sc.find(name);
    if (it != sc.end()) return it->second;
    int s = new_slot(name);
    sc[name] = s;
    if (decl_index_ >= 0) decl_at_.back()[name] = decl_index_;
    return s;
  }

  int lookup(const std::string& name) const {
    for (std::size_t lvl = scopes_.size(); lvl-- > 0;) {
      auto f = scopes_[lvl].find(name);
      if (f == scopes_[lvl].end()) continue;
      if (lvl + 1 < scopes_.size()) {
        auto d = decl_at_[lvl].find(name);
        if (d != decl_at_[lvl].end() && d->second >= cur_idx_[lvl]) continue;
      }
      return f->second;
    }
    return -1;
  }

  const std::vector<std::string>* import_path(const std::string& name) const {
    if (!module_) return nullptr;
    for (const auto& [alias, path] : module_->imports)
      if (alias == name) return &path;
    return nullptr;
  }

  bool package_rule(const std::string& name) const {
    if (!module_) return false;
    std::vector<std::string> path{"data"};
    path.insert(path.end(), module_->package.begin(), module_->package.end());
    path.push_back(name);
    return find_node(const_cast<Node&>(root_), path) != nullptr;
  }

  bool global(const std::string& name) const {
    return name == "input" || name == "data" || import_path(name) || package_rule(name);
  }

  // Pass 1: variables of a body, declared in the current scope unless known outside.
  void collect_body_decls(Body& b) {
    for (std::size_t i = 0; i < b.exprs.size(); ++i) {
      decl_index_ = static_cast<int>(i);
      collect_expr_decls(*b.exprs[i]);
    }
    decl_index_ = -1;
    for (auto& e : b.exprs) collect_expr(*e);
  }

  void declare_pattern_vars(Term& t) {
    switch (t.kind) {
      case TermKind::Var:
        if (t.name != "_") declare(t.name);
        break;
      case TermKind::Array:
      case TermKind::Object:
      case TermKind::Set:
        for (auto& i : t.items) declare_pattern_vars(*i);
        break;
      default: break;
    }
  }

  void collect_expr_decls(Expr& e) {
    switch (e.kind) {
      case ExprKind::Assign:
        if (e.a->kind == TermKind::Var && e.a->name != "_" && scopes_.back().count(e.a->name))
          compile_error(e.loc, "var " + e.a->name + " assigned above");
        declare_pattern_vars(*e.a);
        break;
      case ExprKind::Some:
        for (auto& v : e.some_vars) declare_pattern_vars(*v);
        break;
      case ExprKind::SomeIn:
        if (e.key) declare_pattern_vars(*e.key);
        declare_pattern_vars(*e.a);
        break;
      default: break;
    }
  }

  void collect_expr(Expr& e) {
    if (e.a && e.kind != ExprKind::Every) collect_vars(*e.a);
    if (e.b) collect_vars(*e.b);
    if (e.key && e.kind != ExprKind::Every) collect_vars(*e.key);
    if (e.negated) {
      collect_expr_decls_in_not(*e.negated);
      collect_expr(*e.negated);
    }
    for (auto& w : e.withs) collect_vars(*w.value);
  }
  void collect_expr_decls_in_not(Expr&) {}

  void collect_vars(Term& t) {
    switch (t.kind) {
      case TermKind::Var:
        if (t.name == "_") return;
        if (lookup(t.name) >= 0 || global(t.name)) return;
        declare(t.name);
        return;
      case TermKind::Ref:
      case TermKind::Array:
      case TermKind::Object:
      case TermKind::Set:
      case TermKind::Call:
        for (auto& i : t.items) collect_vars(*i);
        return;
      default: return;  // comprehensions have their own scope
    }
  }

  void resolve_body_exprs(Body& b) {
    for (std::size_t i = 0; i < b.exprs.size(); ++i) {
      cur_idx_.back() = static_cast<int>(i);
      expr(*b.exprs[i]);
    }
    cur_idx_.back() = INT32_MAX;
  }

  // A nested body (comprehension, every) with its own scope.
  void nested_body(Body& b, const std::vector<TermPtr*>& heads, std::vector<TermPtr*> pattern_decls = {}) {
    push_scope();
    wildcard_slots_.emplace_back();
    for (auto* p : pattern_decls) declare_pattern_vars(**p);
    collect_body_decls(b);
    for (auto* h : heads) collect_vars(**h);
    for (auto* p : pattern_decls) *p = term(*p);
    resolve_body_exprs(b);
    for (auto* h : heads) *h = term(*h);
    b.locals = scope_slots();
    std::set<int> bound;
    for (auto* p : pattern_decls) pattern_slots(**p, bound);
    pop_scope();
    wildcard_slots_.pop_back();
    reorder(b, bound);
  }

  static void pattern_slots(const Term& t, std::set<int>& out) {
    if (t.kind == TermKind::Var && t.slot >= 0) out.insert(t.slot);
    if (t.kind == TermKind::Array || t.kind == TermKind::Object || t.kind == TermKind::Set)
      for (const auto& i : t.items) pattern_slots(*i, out);
  }

  void expr(Expr& e) {
    switch (e.kind) {
      case ExprKind::Every: {
        e.b = term(e.b);
        std::vector<TermPtr*> decls;
        if (e.key) decls.push_back(&e.key);
        decls.push_back(&e.a);
        nested_body(*e.body, {}, decls);
        break;
      }
      case ExprKind::Not:
        expr(*e.negated);
        break;
      case ExprKind::Some:
        for (auto& v : e.some_vars) v = term(v);
        break;
      default:
        if (e.a) e.a = term(e.a);
        if (e.b) e.b = term(e.b);
        if (e.key) e.key = term(e.key);
    }
    for (auto& w : e.withs) with(w);
    std::set<int> used;
    expr_slots(e, used);
    e.used_slots.assign(used.begin(), used.end());
  }

  void with(With& w) {
    w.value = term(w.value);
    const Term& t = *w.target;
    std::vector<std::string> parts;
    if (t.kind == TermKind::Var) {
      parts.push_back(t.name);
    } else if (t.kind == TermKind::Ref && t.items[0]->kind == TermKind::Var) {
      parts.push_back(t.items[0]->name);
      for (std::size_t i = 1; i < t.items.size(); ++i) {
        if (t.items[i]->kind != TermKind::Scalar || !t.items[i]->value.is_string())
          compile_error(t.loc, "with: the target must be a constant reference");
        parts.push_back(t.items[i]->value.as_string());
      }
    } else {
      compile_error(t.loc, "with: the target must be input, data or a function");
    }
    if (const auto* ip = import_path(parts[0])) {
      std::vector<std::string> full = *ip;
      full.insert(full.end(), parts.begin() + 1, parts.end());
      parts = full;
    } else if (parts[0] != "input" && parts[0] != "data" && package_rule(parts[0])) {
      std::vector<std::string> full{"data"};
      full.insert(full.end(), module_->package.begin(), module_->package.end());
      full.insert(full.end(), parts.begin(), parts.end());
      parts = full;
    }
    if (parts[0] == "input") {
      w.kind = With::Kind::Input;
      w.path.assign(parts.begin() + 1, parts.end());
      return;
    }
    if (parts[0] == "data") {
      Node* n = find_node(const_cast<Node&>(root_), parts);
      if (n && n->has_rules() && n->kind == RuleKind::Function) {
        w.kind = With::Kind::Function;
        std::string name;
        for (std::size_t i = 0; i < parts.size(); ++i) name += (i ? "." : "") + parts[i];
        w.fn_name = name;
        return;
      }
      w.kind = With::Kind::Data;
      w.path.assign(parts.begin() + 1, parts.end());
      return;
    }
    std::string name;
    for (std::size_t i = 0; i < parts.size(); ++i) name += (i ? "." : "") + parts[i];
    if (!reg_.find(name) && name != "print")
      compile_error(t.loc, "with: unknown target " + name);
    w.kind = With::Kind::Function;
    w.fn_name = name;
  }

  void expr_slots(const Expr& e, std::set<int>& out) const {
    for (const TermPtr* t : {&e.a, &e.b, &e.key})
      if (*t) term_slots(**t, out);
    if (e.negated) expr_slots(*e.negated, out);
    for (const auto& v : e.some_vars) term_slots(*v, out);
  }

  static void term_slots(const Term& t, std::set<int>& out) {
    if (t.kind == TermKind::Var && t.slot >= 0 && t.name != "_") out.insert(t.slot);
    for (const auto& i : t.items) term_slots(*i, out);
  }

  TermPtr make_data_ref(const std::vector<std::string>& path, const Loc& l, std::vector<TermPtr> rest) {
    auto r = std::make_shared<Term>();
    r->kind = TermKind::Ref;
    r->loc = l;
    auto head = std::make_shared<Term>();
    head->kind = TermKind::Var;
    head->name = path[0];
    head->loc = l;
    r->items.push_back(head);
    for (std::size_t i = 1; i < path.size(); ++i) {
      auto s = std::make_shared<Term>();
      s->kind = TermKind::Scalar;
      s->value = Value::string(path[i]);
      s->ground = true;
      s->loc = l;
      r->items.push_back(s);
    }
    for (auto& t : rest) r->items.push_back(t);
    return r;
  }

  std::vector<std::string> package_path(const std::string& name) const {
    std::vector<std::string> p{"data"};
    p.insert(p.end(), module_->package.begin(), module_->package.end());
    p.push_back(name);
    return p;
  }

  TermPtr term(TermPtr t) {
    switch (t->kind) {
      case TermKind::Scalar:
        t->ground = true;
        return t;
      case TermKind::Var: {
        if (t->name == "_") {
          t->slot = declare("_");
          return t;
        }
        int s = lookup(t->name);
        if (s >= 0) {
          t->slot = s;
          return t;
        }
        if (t->name == "input" || t->name == "data") return t;
        if (const auto* ip = import_path(t->name)) return link_rule(make_data_ref(*ip, t->loc, {}));
        if (package_rule(t->name)) return link_rule(make_data_ref(package_path(t->name), t->loc, {}));
        t->slot = declare(t->name);
        return t;
      }
      case TermKind::Ref: {
        auto head = t->items[0];
        std::vector<TermPtr> rest(t->items.begin() + 1, t->items.end());
        for (auto& p : rest) p = term(p);
        if (head->kind == TermKind::Var && lookup(head->name) < 0 && head->name != "_") {
          if (const auto* ip = import_path(head->name)) return link_rule(flatten(make_data_ref(*ip, t->loc, rest)));
          if (head->name != "input" && head->name != "data" && package_rule(head->name))
            return link_rule(flatten(make_data_ref(package_path(head->name), t->loc, rest)));
        }
        t->items[0] = term(head);
        for (std::size_t i = 1; i < t->items.size(); ++i) t->items[i] = rest[i - 1];
        return link_rule(flatten(t));
      }
      case TermKind::Array:
      case TermKind::Set:
      case TermKind::Object: {
        bool ground = true;
        for (auto& i : t->items) {
          i = term(i);
          ground = ground && i->ground;
        }
        if (ground) {
          t->ground = true;
          if (t->kind == TermKind::Array) {
            Array a;
            for (auto& i : t->items) a.push_back(i->value);
            t->value = Value::array(std::move(a));
          } else if (t->kind == TermKind::Set) {
            Set s;
            for (auto& i : t->items) s.insert(i->value);
            t->value = Value::set(std::move(s));
          } else {
            Object o;
            bool dup = false;
            for (std::size_t i = 0; i + 1 < t->items.size(); i += 2) {
              auto [it, fresh] = o.emplace(t->items[i]->value, t->items[i + 1]->value);
              if (!fresh && it->second != t->items[i + 1]->value) dup = true;
            }
            if (dup) {
              t->ground = false;  // the evaluator reports the conflict
            } else {
              t->value = Value::object(std::move(o));
            }
          }
        }
        return t;
      }
      case TermKind::ArrayCompr:
      case TermKind::SetCompr:
        nested_body(*t->body, {&t->head});
        return t;
      case TermKind::ObjectCompr:
        nested_body(*t->body, {&t->key, &t->head});
        return t;
      case TermKind::Call:
        for (auto& i : t->items) i = term(i);
        bind_call(*t);
        return t;
    }
    return t;
  }

  // data.p.r.x…: the rule node that the constant prefix names, so that evaluation does not walk
  // the tree by name every time.
  TermPtr link_rule(TermPtr t) const {
    if (t->kind != TermKind::Ref) return t;
    const Term& head = *t->items[0];
    if (head.kind != TermKind::Var || head.slot >= 0 || head.name != "data") return t;
    const Node* n = &root_;
    for (std::size_t i = 1; i < t->items.size(); ++i) {
      const Term& part = *t->items[i];
      if (part.kind != TermKind::Scalar || !part.value.is_string()) return t;
      auto it = n->children.find(part.value.as_string());
      if (it == n->children.end()) return t;
      n = it->second.get();
      if (n->has_rules()) {
        t->rule_node = n;
        t->rule_next = static_cast<std::uint32_t>(i + 1);
        return t;
      }
    }
    return t;
  }

  // data.a.b where a is a Ref head: merge nested refs (x.y).z → one Ref.
  static TermPtr flatten(TermPtr t) {
    if (t->kind == TermKind::Ref && t->items[0]->kind == TermKind::Ref) {
      auto inner = t->items[0];
      std::vector<TermPtr> items = inner->items;
      items.insert(items.end(), t->items.begin() + 1, t->items.end());
      t->items = items;
    }
    return t;
  }

  void bind_call(Term& t) {
    std::string name = t.name;
    auto dot = name.find('.');
    std::string first = name.substr(0, dot);
    std::string rest = dot == std::string::npos ? "" : name.substr(dot);
    std::vector<std::string> path;
    if (lookup(first) < 0) {
      if (const auto* ip = import_path(first)) {
        path = *ip;
      } else if (first == "data") {
        path = {"data"};
      } else if (module_ && package_rule(first)) {
        path = package_path(first);
      }
    }
    if (!path.empty()) {
      std::size_t pos = 1;
      while (pos < rest.size()) {
        auto nd = rest.find('.', pos);
        path.push_back(rest.substr(pos, nd == std::string::npos ? std::string::npos : nd - pos));
        if (nd == std::string::npos) break;
        pos = nd + 1;
      }
      Node* n = find_node(const_cast<Node&>(root_), path);
      if (!n || !n->has_rules() || n->kind != RuleKind::Function)
        compile_error(t.loc, "undefined function " + name);
      t.fn_node = n;
      t.name.clear();
      for (std::size_t i = 0; i < path.size(); ++i) t.name += (i ? "." : "") + path[i];
      if (t.items.size() == n->arity + 1) t.legacy_out = true;
      else if (t.items.size() != n->arity)
        compile_error(t.loc, "function " + t.name + " has arity " + std::to_string(n->arity) + ", called with " +
                                 std::to_string(t.items.size()) + " arguments");
      return;
    }
    if (special_call(name)) {
      t.special = name == "print"               ? Term::Special::Print
                  : name == "internal.member_2" ? Term::Special::Member2
                                                : Term::Special::Member3;
      return;
    }
    const Builtin* b = reg_.find(name);
    if (!b) compile_error(t.loc, "undefined function " + name);
    t.builtin = b;
    if (t.items.size() == b->arity + 1) t.legacy_out = true;
    else if (t.items.size() != b->arity)
      compile_error(t.loc, name + ": arity mismatch: expected " + std::to_string(b->arity) + " arguments, got " +
                               std::to_string(t.items.size()));
  }

  // ---------------------------------------------------------------------------------------------
  // Safety reordering

  struct Vars {
    std::set<int> needs, binds;
  };

  static void vars_of(const Term& t, bool pattern, Vars& v, const std::set<int>& locals_unused) {
    switch (t.kind) {
      case TermKind::Var:
        if (t.slot >= 0) (pattern ? v.binds : v.needs).insert(t.slot);
        return;
      case TermKind::Ref:
        vars_of(*t.items[0], false, v, locals_unused);
        for (std::size_t i = 1; i < t.items.size(); ++i) vars_of(*t.items[i], true, v, locals_unused);
        return;
      case TermKind::Array:
        for (const auto& i : t.items) vars_of(*i, pattern, v, locals_unused);
        return;
      case TermKind::Object:
        for (std::size_t i = 0; i < t.items.size(); ++i) vars_of(*t.items[i], pattern && i % 2 == 1, v, locals_unused);
        return;
      case TermKind::Set:
        for (const auto& i : t.items) vars_of(*i, false, v, locals_unused);
        return;
      case TermKind::Call:
        for (std::size_t i = 0; i < t.items.size(); ++i)
          vars_of(*t.items[i], t.legacy_out && i + 1 == t.items.size(), v, locals_unused);
        return;
      case TermKind::ArrayCompr:
      case TermKind::SetCompr:
      case TermKind::ObjectCompr: {
        std::set<int> inner;
        free_slots(*t.body, inner);
        if (t.head) term_slots(*t.head, inner);
        if (t.key) term_slots(*t.key, inner);
        std::set<int> locals(t.body->locals.begin(), t.body->locals.end());
        for (int s : inner)
          if (!locals.count(s)) v.needs.insert(s);
        return;
      }
      default: return;
    }
  }

  // All slots a body mentions that are not its own locals (its free variables).
  static void free_slots(const Body& b, std::set<int>& out) {
    std::set<int> locals(b.locals.begin(), b.locals.end());
    std::set<int> all;
    for (const auto& e : b.exprs) all_slots(*e, all);
    for (int s : all)
      if (!locals.count(s)) out.insert(s);
  }

  static void all_slots(const Expr& e, std::set<int>& out) {
    for (const TermPtr* t : {&e.a, &e.b, &e.key})
      if (*t) all_term_slots(**t, out);
    if (e.negated) all_slots(*e.negated, out);
    if (e.body) free_slots(*e.body, out);
    for (const auto& w : e.withs) all_term_slots(*w.value, out);
  }

  static void all_term_slots(const Term& t, std::set<int>& out) {
    if (t.kind == TermKind::Var && t.slot >= 0) out.insert(t.slot);
    for (const auto& i : t.items) all_term_slots(*i, out);
    if (t.body) {
      std::set<int> inner;
      free_slots(*t.body, inner);
      if (t.head) all_term_slots(*t.head, inner);
      if (t.key) all_term_slots(*t.key, inner);
      std::set<int> locals(t.body->locals.begin(), t.body->locals.end());
      for (int s : inner)
        if (!locals.count(s)) out.insert(s);
    }
  }

  static Vars expr_vars(const Expr& e, const std::set<int>& others) {
    Vars v;
    std::set<int> none;
    switch (e.kind) {
      case ExprKind::Term: vars_of(*e.a, false, v, none); break;
      case ExprKind::Unify:
        vars_of(*e.a, true, v, none);
        vars_of(*e.b, true, v, none);
        break;
      case ExprKind::Assign:
        vars_of(*e.a, true, v, none);
        vars_of(*e.b, false, v, none);
        break;
      case ExprKind::Not: {
        std::set<int> inner;
        all_slots(*e.negated, inner);
        for (int s : inner)
          if (others.count(s)) v.needs.insert(s);
        break;
      }
      case ExprKind::Some: break;
      case ExprKind::SomeIn:
        vars_of(*e.b, false, v, none);
        if (e.key) vars_of(*e.key, true, v, none);
        vars_of(*e.a, true, v, none);
        break;
      case ExprKind::Every: {
        vars_of(*e.b, false, v, none);
        free_slots(*e.body, v.needs);
        break;
      }
    }
    for (const auto& w : e.withs) vars_of(*w.value, false, v, none);
    // A variable both bound and needed by the same expression (x = f(x)) must come from elsewhere.
    for (int s : v.binds) v.needs.erase(s);
    return v;
  }

  static void reorder(Body& b, std::set<int> bound) {
    std::set<int> locals(b.locals.begin(), b.locals.end());
    auto& ex = b.exprs;
    std::vector<Vars> vars;
    for (std::size_t i = 0; i < ex.size(); ++i) {
      std::set<int> others;
      for (std::size_t j = 0; j < ex.size(); ++j)
        if (j != i) all_slots(*ex[j], others);
      Vars v = expr_vars(*ex[i], others);
      // Only this body's own variables order it; outer ones are bound before the body runs.
      std::set<int> needs;
      for (int s : v.needs)
        if (locals.count(s)) needs.insert(s);
      v.needs = needs;
      vars.push_back(v);
    }
    std::vector<std::shared_ptr<Expr>> out;
    std::vector<bool> done(ex.size(), false);
    for (std::size_t placed = 0; placed < ex.size(); ++placed) {
      std::size_t pick = ex.size();
      for (std::size_t i = 0; i < ex.size(); ++i) {
        if (done[i]) continue;
        bool ready = std::all_of(vars[i].needs.begin(), vars[i].needs.end(), [&](int s) { return bound.count(s) > 0; });
        if (ready) { pick = i; break; }
      }
      if (pick == ex.size())
        for (std::size_t i = 0; i < ex.size(); ++i)
          if (!done[i]) { pick = i; break; }
      done[pick] = true;
      out.push_back(ex[pick]);
      bound.insert(vars[pick].binds.begin(), vars[pick].binds.end());
    }
    ex = std::move(out);
  }
};

void add_rule(Node& root, const std::shared_ptr<Rule>& r) {
  Node* n = &root;
  for (std::size_t i = 1; i < r->path.size(); ++i) {
    auto& c = n->children[r->path[i]];
    if (!c) {
      c = std::make_unique<Node>();
      c->name = r->path[i];
      c->path.assign(r->path.begin(), r->path.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    }
    n = c.get();
  }
  if (n->has_rules()) {
    if (n->kind != r->kind) compile_error(r->loc, "conflicting rules " + r->head_text + " found");
    if (r->kind == RuleKind::Function && n->arity != r->args.size())
      compile_error(r->loc, "conflicting function arities for " + r->head_text);
  }
  n->kind = r->kind;
  n->arity = r->args.size();
  if (r->is_default) {
    if (n->default_rule) compile_error(r->loc, "multiple default rules " + r->head_text + " found");
    n->default_rule = r;
  } else {
    n->rules.push_back(r);
  }
}

// Node::one_constant, for every node of the tree.
void mark_one_constant(Node& n) {
  const Value* first = nullptr;
  bool same = !n.rules.empty();
  for (const auto& r : n.rules)
    for (const Rule* c = r.get(); same && c; c = c->else_rule.get()) {
      if (!c->value || !c->value->ground) same = false;
      else if (!first) first = &c->value->value;
      else same = *first == c->value->value;
    }
  n.one_constant = same;
  for (auto& [name, child] : n.children) mark_one_constant(*child);
}

}  // namespace

std::unique_ptr<Node> compile_modules(const std::vector<std::shared_ptr<Module>>& modules,
                                      const Registry& builtins) {
  auto root = std::make_unique<Node>();
  root->name = "data";
  root->path = {"data"};
  for (const auto& m : modules) {
    // Every package exists as a document, even one without rules (an empty object).
    Node* n = root.get();
    for (std::size_t i = 0; i < m->package.size(); ++i) {
      auto& c = n->children[m->package[i]];
      if (!c) {
        c = std::make_unique<Node>();
        c->name = m->package[i];
        c->path = n->path;
        c->path.push_back(m->package[i]);
      }
      n = c.get();
    }
    for (const auto& r : m->rules) add_rule(*root, r);
  }
  for (const auto& m : modules) {
    Resolver res(*root, builtins, m.get());
    for (const auto& r : m->rules) res.rule(*r);
  }
  check_recursion(*root);
  mark_one_constant(*root);
  return root;
}

CompiledQuery compile_query(std::shared_ptr<Body> body, const Node& root, const Registry& builtins) {
  CompiledQuery q;
  q.body = std::move(body);
  Resolver res(root, builtins, nullptr);
  res.query(q);
  return q;
}

const Node* node_at(const Node& root, std::string_view dotted) {
  if (dotted.substr(0, 5) != "data.") return nullptr;
  dotted.remove_prefix(5);
  const Node* n = &root;
  while (n) {
    const auto dot = dotted.find('.');
    auto it = n->children.find(std::string(dotted.substr(0, dot)));
    n = it == n->children.end() ? nullptr : it->second.get();
    if (dot == std::string_view::npos) break;
    dotted.remove_prefix(dot + 1);
  }
  return n;
}

void compile_term(TermPtr& term, const Node& root, const Registry& builtins) {
  Resolver res(root, builtins, nullptr);
  term = res.standalone(term);
}

}  // namespace coco::rego
