// SPDX-License-Identifier: Apache-2.0
// The Rego engine's public face: what lib/policy, cli/ and the tests use. Everything else under
// lib/rego (lexer, parser, compiler, evaluator, builtins, values) is the engine's own business.
//
// Semantics are OPA's (and regorus's, which the Kata agent runs): undefined is not false, a
// failing builtin is undefined unless strict, `print` of an undefined value prints <undefined>.
// A policy is untrusted input (`--rules`), so parsing and evaluation are bounded by Limits and
// every failure is a coco::Error (Exit::Failure) naming file:line:column.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace coco::rego {

using Json = nlohmann::ordered_json;

struct Limits {
  std::size_t max_nesting = 256;       // parser: brackets, parentheses, nested bodies
  std::size_t max_call_depth = 256;    // evaluator: rule and function calls in progress
  std::uint64_t max_steps = 100'000'000;  // evaluator: expressions tried per query
};

// Rego v0 (no `if`/`contains` required; `future.keywords` imports) or v1 (OPA 1.0 syntax).
// Kata's genpolicy output and the regorus replays are v0; OPA's suite and coco's rules are v1.
enum class Syntax { V0, V1 };

// What `policy explain` reads to say why a request was denied. Off by default (no cost).
struct TraceEvent {
  enum class Kind {
    Enter,  // a rule, function or else-branch body is tried
    Exit,   // that body succeeded
    Fail,   // an expression of a body was false or undefined: the body stops here
  };
  Kind kind = Kind::Enter;
  std::string location;  // "file:line:column" of the expression or rule head
  std::string text;      // its source text, as written
  std::size_t depth = 0; // rule/function call depth (0 = the query)
  std::vector<std::pair<std::string, Json>> locals;  // variables bound at that moment, in order
};
using Tracer = std::function<void(const TraceEvent&)>;

// One row of a query's answer: variable name → value (sets as sorted arrays).
using Bindings = std::map<std::string, Json>;

class Engine {
 public:
  explicit Engine(Limits limits = {});
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  // Parses and adds a module; `name` is the file name used in errors and print lines.
  void add_module(const std::string& name, std::string_view source, Syntax syntax = Syntax::V1);

  // The base document under `data` (rules merge into the same tree), and `input` (absent until set).
  void set_data(const Json& data);
  void set_input(const Json& input);
  void clear_input();
  // `input` written as a Rego term (it may hold sets): OPA's test cases give input_term.
  void set_input_term(std::string_view rego_term);

  // A failing builtin raises an error instead of being undefined (OPA's strict-builtin-errors).
  void set_strict_builtin_errors(bool strict);

  // The value of a reference such as "data.agent_policy.CreateContainerRequest"; nullopt when
  // undefined. Sets come back as sorted arrays.
  std::optional<Json> eval(std::string_view reference);

  // A query body ("x := data.p; y = x[_]"): one Bindings per solution, in evaluation order.
  std::vector<Bindings> query(std::string_view body);

  void set_tracer(Tracer tracer);  // an empty function turns tracing off

  // For callers that read answers only, not print lines: a function stops at its first solution
  // when its bodies can give no other value, and a rule or function whose definitions all have
  // one constant value (`f(x) if …`, `allow if …`) stops at the first body that holds (OPA's
  // early exit). Answers are the same; prints of the bodies not tried are not made, and an
  // error a skipped body would raise is not raised (as in OPA). Off by default (regorus's
  // order, for print-exact replays); ignored while tracing.
  void set_early_exit(bool on);

  // A new engine over the same compiled modules (compiled once, read by both; safe to use from
  // another thread), with this one's data and settings (strict, early exit) and no input, tracer or rule values.
  Engine share();
  // Answers the complete rule at `path` ("data.agent_policy.policy_data") with `value` instead of
  // evaluating it, until the next add_module; `with` still overrides it. Many policies that
  // differ only in a constant rule then share one compile.
  void set_rule_value(std::string_view path, const Json& value);

  // Lines written by `print` since the last call, formatted as regorus does:
  // "<module name>:<line>: <args joined by spaces>".
  std::vector<std::string> take_prints();
  // Drops those lines unread (their text is never made).
  void discard_prints();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace coco::rego
