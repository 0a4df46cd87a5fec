// SPDX-License-Identifier: Apache-2.0
// The Rego syntax tree (OPA's ast package, reduced to what evaluation needs): terms, expressions,
// bodies, rules and modules. The parser builds it; the compiler resolves variables to frame slots
// and reorders bodies for safety; the evaluator walks it. Nodes are immutable after compile.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rego/value.h"

namespace coco::rego {

struct Loc {
  const std::string* file = nullptr;  // the module's name (owned by the Module)
  std::uint32_t line = 0;
  std::uint32_t col = 0;
  std::string str() const;  // "file:line:col"
};

struct Body;
struct Term;
struct Node;
struct Builtin;
using TermPtr = std::shared_ptr<Term>;

enum class TermKind {
  Scalar,       // null, boolean, number, string: `value`
  Var,          // `name`, `slot` after compile; globals `input`/`data` have slot -1
  Ref,          // items[0] = head term, items[1..] = path terms (strings for `.x`)
  Array,        // items
  Object,       // items = k0, v0, k1, v1, ...
  Set,          // items
  ArrayCompr,   // head, body
  SetCompr,     // head, body
  ObjectCompr,  // key, head (value), body
  Call,         // name (dotted), items = args
};

struct Term {
  TermKind kind = TermKind::Scalar;
  Loc loc;
  Value value;
  std::string name;
  int slot = -1;
  std::vector<TermPtr> items;
  TermPtr head;
  TermPtr key;
  std::shared_ptr<Body> body;
  bool ground = false;  // compile: a Scalar, or a composite of ground terms (value holds it)
  // compile, Call only: the user function's rule node, or the builtin; `legacy_out` when the last
  // argument is the result (`count(x, n)`, OPA's old call form).
  const Node* fn_node = nullptr;
  const Builtin* builtin = nullptr;
  bool legacy_out = false;
  // compile, Call only: the calls the evaluator implements itself (no string compare per call).
  enum class Special : std::uint8_t { None, Print, Member2, Member3 } special = Special::None;
  // compile, Ref only: data.p.r… whose constant prefix names a rule: that rule's node, and the
  // index of the first item after it.
  const Node* rule_node = nullptr;
  std::uint32_t rule_next = 0;
};

enum class ExprKind {
  Term,    // a: true unless undefined or false
  Unify,   // a = b
  Assign,  // a := b
  Not,     // negated
  Some,    // some_vars (declaration only)
  SomeIn,  // some [key,] value in collection: key (may be null), a = value, b = collection
  Every,   // every [key,] value in collection { body }
};

struct With {
  TermPtr target;  // input..., data..., or a function name (Var/Ref)
  TermPtr value;
  // compile: what the target names
  enum class Kind { Input, Data, Function } kind = Kind::Input;
  std::vector<std::string> path;  // Input/Data: the parts after input/data
  std::string fn_name;            // Function: builtin name or data.… path of a function
};

struct Expr {
  ExprKind kind = ExprKind::Term;
  Loc loc;
  std::string text;  // source text as written (for the tracer)
  TermPtr a, b, key;
  std::vector<TermPtr> some_vars;
  std::shared_ptr<Expr> negated;
  std::shared_ptr<Body> body;  // Every
  std::vector<With> withs;
  std::vector<int> used_slots;  // compile: the variables the expression mentions (for traces)
};

struct Body {
  std::vector<std::shared_ptr<Expr>> exprs;
  std::vector<int> locals;  // compile: slots declared in this body's scope
};

enum class RuleKind { Complete, PartialSet, PartialObject, Function };

struct Module;

struct Rule {
  RuleKind kind = RuleKind::Complete;
  Loc loc;
  std::vector<std::string> path;  // full document path: package parts + constant head parts
  TermPtr key;                    // PartialSet element / PartialObject key
  std::vector<TermPtr> key_prefix;  // general ref heads a[x].b[y] := v: the keys before `key`
  TermPtr value;                  // value (true when omitted)
  std::vector<TermPtr> args;      // Function parameters
  std::shared_ptr<Body> body;     // empty body = always true
  bool is_default = false;
  bool set_leaf = false;  // PartialObject from `a[x].b contains y`: the value under the keys is {y}
  std::shared_ptr<Rule> else_rule;
  int nslots = 0;  // compile: variables in the frame (args, body, comprehensions)
  std::vector<std::string> slot_names;
  const Module* module = nullptr;
  std::string head_text;
};

struct Module {
  std::string name;
  std::vector<std::string> package;  // e.g. {"agent_policy"}
  std::vector<std::pair<std::string, std::vector<std::string>>> imports;  // alias -> path
  std::vector<std::shared_ptr<Rule>> rules;
  std::string source;
};

}  // namespace coco::rego
