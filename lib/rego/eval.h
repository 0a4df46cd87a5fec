// SPDX-License-Identifier: Apache-2.0
// The top-down evaluator (OPA's topdown): backtracking search over a frame of variable slots,
// written in continuation-passing style (each step calls the rest of the search for every
// solution; a continuation returns false to stop the search). Rule values are cached per query
// and per `with` context; rule and function calls, the evaluation steps and the C++ recursion they
// cause are bounded by Limits.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "rego/compiler.h"
#include "rego/print_log.h"
#include "rego/rego.h"

namespace coco::rego {

// A non-owning reference to a callable (no allocation, unlike std::function).
template <class Sig>
class FnRef;
template <class R, class... A>
class FnRef<R(A...)> {
 public:
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, FnRef>>>
  FnRef(F&& f)  // NOLINT: implicit on purpose
      : obj_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* o, A... a) -> R { return (*static_cast<std::remove_reference_t<F>*>(o))(std::forward<A>(a)...); }) {}
  R operator()(A... a) const { return call_(obj_, std::forward<A>(a)...); }

 private:
  void* obj_;
  R (*call_)(void*, A...);
};

using Cont = FnRef<bool()>;
using ValueCont = FnRef<bool(const Value&)>;

// Value::get without the copy: a pointer into `coll` (valid while it lives), null if absent.
inline const Value* find_in(const Value& coll, const Value& key) {
  switch (coll.type()) {
    case Type::Array: {
      if (!key.is_number()) return nullptr;
      auto i = key.as_number().as_int64();
      const auto& a = coll.as_array();
      if (!i || *i < 0 || static_cast<std::size_t>(*i) >= a.size()) return nullptr;
      return &a[static_cast<std::size_t>(*i)];
    }
    case Type::Object: {
      const auto& o = coll.as_object();
      auto it = o.find(key);
      return it == o.end() ? nullptr : &it->second;
    }
    case Type::Set: {
      const auto& s = coll.as_set();
      auto it = s.find(key);
      return it == s.end() ? nullptr : &*it;
    }
    default: return nullptr;
  }
}

// The variable slots of one rule body or query. Most bodies have a few slots: those live inside
// the frame (a rule or function call is the evaluator's most frequent allocation otherwise).
struct Frame {
  explicit Frame(const std::vector<std::string>* names, int n) : names(names) {
    auto size = static_cast<std::size_t>(n);
    Value* v = inline_vals_;
    char* b = inline_bound_;
    if (size > kInline) {
      heap_vals_ = std::make_unique<Value[]>(size);
      heap_bound_ = std::make_unique<char[]>(size);  // value-initialised: all unbound
      v = heap_vals_.get();
      b = heap_bound_.get();
    }
    vals = std::span<Value>(v, size);
    bound = std::span<char>(b, size);
  }
  Frame(const Frame&) = delete;
  Frame& operator=(const Frame&) = delete;

  const std::vector<std::string>* names;
  std::span<Value> vals;
  std::span<char> bound;

 private:
  static constexpr std::size_t kInline = 12;
  Value inline_vals_[kInline];
  char inline_bound_[kInline] = {};
  std::unique_ptr<Value[]> heap_vals_;
  std::unique_ptr<char[]> heap_bound_;
};

class Evaluator {
 public:
  struct Options {
    const Node* root = nullptr;
    Value data;
    std::optional<Value> input;
    Limits limits;
    bool strict = false;
    const Tracer* tracer = nullptr;  // null or empty: no tracing
    PrintLog* prints = nullptr;
    const std::unordered_map<const Node*, Value>* rule_values = nullptr;  // Engine::set_rule_value
    bool early_exit = false;  // Engine::set_early_exit
  };
  explicit Evaluator(Options o);

  // Runs a compiled query; calls `row` with the frame for every solution (return false to stop).
  void run(const CompiledQuery& q, FnRef<bool(const Frame&)> row);
  // The first value of a term compiled on its own (Engine::eval, input_term); nullopt: undefined.
  std::optional<Value> eval_standalone(const Term& t);

 private:
  struct FnOverride {
    const Node* fn = nullptr;
    const Builtin* builtin = nullptr;
    std::optional<Value> value;
  };
  struct Cache {
    std::unordered_map<const Node*, std::optional<Value>> values;
    std::unordered_set<const Node*> in_progress;
  };
  struct State {
    std::optional<Value> input;
    Value data;
    std::unordered_map<const Node*, Value> node_over;
    std::unordered_map<std::string, FnOverride> fn_over;
    std::shared_ptr<Cache> cache;
  };

  Options opt_;
  State st_;
  std::size_t depth_ = 0;
  std::uint64_t steps_ = 0;
  std::int64_t now_ns_ = 0;
  bool tracing_ = false;
  // A rule body whose values are all one constant stops at its first solution (as regorus does
  // for complete rules); a function tries every solution of every body like regorus (so print
  // output matches), unless this is set (Options::early_exit, no tracer): then functions stop
  // there too, and a rule or function whose definitions all have one constant value stops at
  // its first solution of any of them (OPA's early exit).
  bool stop_early_ = false;
  const char* stack_base_ = nullptr;

  // Answers of memoizable builtins (Builtin::memo) in this query, keyed by the builtin and the
  // identity of each argument; an entry holds its arguments so that no identity is reused.
  static constexpr std::size_t kMemoArgs = 4;
  static constexpr std::size_t kMemoEntries = 1 << 14;  // beyond this, calls are not recorded
  struct MemoKey {
    const Builtin* builtin;
    std::array<const void*, kMemoArgs> ids;
    bool operator==(const MemoKey&) const = default;
  };
  struct MemoHash {
    std::size_t operator()(const MemoKey& k) const;
  };
  struct MemoEntry {
    std::vector<Value> args;
    std::optional<Value> result;
  };
  std::unordered_map<MemoKey, MemoEntry, MemoHash> memo_;

  // bodies and expressions
  bool eval_body(Frame& f, const Body& b, std::size_t i, Cont k);
  bool eval_expr(Frame& f, const Expr& e, Cont k);
  bool eval_expr_core(Frame& f, const Expr& e, Cont k);
  bool eval_with(Frame& f, const Expr& e, std::size_t wi, Cont k);
  bool eval_every(Frame& f, const Expr& e, Cont k);
  bool eval_some_in(Frame& f, const Expr& e, Cont k);

  // terms
  bool eval_term(Frame& f, const Term& t, ValueCont k);
  [[gnu::noinline]] bool eval_global(const Term& t, ValueCont k);  // `input` or `data` as a whole
  [[gnu::noinline]] bool eval_collection(Frame& f, const Term& t, ValueCont k);  // [x, y], {x}, {k: v}
  bool eval_items(Frame& f, const std::vector<TermPtr>& items, std::size_t i, std::size_t end,
                  std::vector<Value>& acc, Cont k);
  bool eval_ref(Frame& f, const Term& t, ValueCont k);
  // base_doc: `base` is under data's base document, whose objects a number key reads as a string
  // (data.nested[2] is data.nested["2"]); a value bound to a variable has no such reading.
  bool eval_path(Frame& f, const Value& base, const Term& ref, std::size_t i, ValueCont k,
                 bool base_doc = false);
  bool eval_data(Frame& f, const Node& n, const Value* base, const Term& ref, std::size_t i, ValueCont k);
  bool eval_compr(Frame& f, const Term& t, ValueCont k);
  bool eval_call(Frame& f, const Term& t, ValueCont k);
  bool eval_print(Frame& f, const Term& t, ValueCont k);
  // Records one print call; apart from eval_print so that its buffers are off the stack while the
  // rest of the body runs.
  [[gnu::noinline]] void emit_print(Frame& f, const Term& t);
  // Evaluates the arguments order[i..n) (or i..n when order is null) into out[order[j]].
  bool eval_args(Frame& f, const Term& call, const std::size_t* order, std::size_t i, std::size_t n,
                 Value* out, Cont k);
  bool dispatch_call(Frame& f, const Term& t, std::span<const Value> args, ValueCont k);
  bool call_builtin(const Builtin& b, const Term& t, std::span<const Value> args, ValueCont k);

  // unification
  bool has_unbound(const Frame& f, const Term& t) const;
  bool unify(Frame& f, const Term& pattern, const Value& v, Cont k);
  bool unify_terms(Frame& f, const Term& a, const Term& b, Cont k);
  bool unify_items(Frame& f, const Term& pattern, const Value& v, std::size_t i, Cont k);

  // rules and functions
  std::optional<Value> rule_value(const Node& n);
  std::optional<Value> compute_rule(const Node& n);
  bool eval_rule_chain(const Rule& r, FnRef<bool(const Value*, const Value*)> out,
                       const std::span<const Value>* args);
  bool unify_args(Frame& f, const Rule& r, std::span<const Value> args, std::size_t i, Cont k);
  bool call_function(const Node& n, const Term& call, std::span<const Value> args, ValueCont k);
  std::optional<Value> materialize(const Node& n, const Value* base);
  // Merges the objects a and b down `depth` levels (general ref heads); nullopt on a conflict.
  // union_sets: two sets below that depth unite (set leaves) instead of conflicting.
  static std::optional<Value> merge_values(const Value& a, const Value& b, std::size_t depth,
                                           bool union_sets = false);

  // helpers
  // One unit of the step budget: every expression tried and every element iterated.
  void tick(const Loc& l) {
    if (++steps_ > opt_.limits.max_steps) step_limit(l);
  }
  [[noreturn]] void step_limit(const Loc& l) const;
  void enter_call(const Loc& l);
  void leave_call() { --depth_; }
  [[noreturn]] void fail(const Loc& l, const std::string& code, const std::string& msg) const;
  void trace(TraceEvent::Kind kind, const Loc& l, const std::string& text, const Frame* f,
             const std::vector<int>* slots);
  Value patch(const Value& root, const std::vector<std::string>& path, std::size_t i, const Value& v);
};

}  // namespace coco::rego
