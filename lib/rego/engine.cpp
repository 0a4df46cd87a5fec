// SPDX-License-Identifier: Apache-2.0
// Engine (rego.h): modules are kept as source and compiled together on the first query after a
// change, so several modules per package and any order of add_module work; the rule tree and the
// compiled queries are reused until the next add_module.
#include <unordered_map>

#include "rego/compiler.h"
#include "rego/eval.h"
#include "rego/parser.h"
#include "rego/rego.h"
#include "util/error.h"

namespace coco::rego {

struct Engine::Impl {
  Limits limits;
  struct Source {
    std::string name;
    std::string text;
    Syntax syntax;
    // What add_module parsed, used by the next compile (which resolves it in place); a later
    // compile of the same source parses it again.
    std::shared_ptr<Module> unresolved;
  };
  std::vector<Source> sources;
  std::vector<std::shared_ptr<Module>> modules;
  std::shared_ptr<const Node> root;  // read-only once compiled: engines made by share() hold it too
  std::unordered_map<const Node*, Value> rule_values;  // set_rule_value
  bool dirty = true;
  Value data = Value::object({});
  std::optional<Value> input;
  bool strict = false;
  bool early_exit = false;
  Tracer tracer;
  PrintLog prints;
  std::unordered_map<std::string, std::shared_ptr<CompiledQuery>> queries;
  const std::string query_name = "query";

  void compile() {
    if (!dirty) return;
    prints.settle();  // pending lines point at the modules' names
    std::vector<std::shared_ptr<Module>> mods;
    for (auto& s : sources)
      mods.push_back(s.unresolved ? std::move(s.unresolved) : parse_module(s.name, s.text, s.syntax, limits));
    root = compile_modules(mods, Registry::standard());
    rule_values.clear();
    modules = std::move(mods);
    queries.clear();
    dirty = false;
  }

  std::shared_ptr<CompiledQuery> compiled(std::string_view body) {
    compile();
    std::string key(body);
    auto it = queries.find(key);
    if (it != queries.end()) return it->second;
    auto parsed = parse_query(&query_name, body, limits);
    auto q = std::make_shared<CompiledQuery>(compile_query(parsed, *root, Registry::standard()));
    if (queries.size() > 256) queries.clear();
    queries.emplace(key, q);
    return q;
  }

  Evaluator evaluator() {
    Evaluator::Options o;
    o.root = root.get();
    o.rule_values = rule_values.empty() ? nullptr : &rule_values;
    o.data = data;
    o.input = input;
    o.limits = limits;
    o.strict = strict;
    o.tracer = tracer ? &tracer : nullptr;
    o.prints = &prints;
    o.early_exit = early_exit;
    return Evaluator(std::move(o));
  }
};

Engine::Engine(Limits limits) : impl_(std::make_unique<Impl>()) { impl_->limits = limits; }
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

void Engine::add_module(const std::string& name, std::string_view source, Syntax syntax) {
  // Parse now so that syntax errors surface at add_module, naming the file.
  auto parsed = parse_module(name, source, syntax, impl_->limits);
  impl_->sources.push_back({name, std::string(source), syntax, std::move(parsed)});
  impl_->dirty = true;
}

void Engine::set_data(const Json& data) {
  if (!data.is_object()) throw Error(Exit::Failure, "rego data", "the data document must be a JSON object");
  impl_->data = Value::from_json(data);
}

void Engine::set_input(const Json& input) { impl_->input = Value::from_json(input); }
void Engine::clear_input() { impl_->input.reset(); }

void Engine::set_input_term(std::string_view rego_term) {
  impl_->compile();
  auto t = parse_term(&impl_->query_name, rego_term, impl_->limits);
  compile_term(t, *impl_->root, Registry::standard());
  auto v = impl_->evaluator().eval_standalone(*t);
  if (!v) throw Error(Exit::Failure, "rego input", "the input term is undefined");
  impl_->input = *v;
}

void Engine::set_strict_builtin_errors(bool strict) { impl_->strict = strict; }
void Engine::set_early_exit(bool on) { impl_->early_exit = on; }

Engine Engine::share() {
  impl_->compile();
  Engine e(impl_->limits);
  Impl& to = *e.impl_;
  for (const auto& s : impl_->sources) to.sources.push_back({s.name, s.text, s.syntax, nullptr});
  to.modules = impl_->modules;
  to.root = impl_->root;
  to.dirty = false;
  to.data = impl_->data;
  to.strict = impl_->strict;
  to.early_exit = impl_->early_exit;
  return e;
}

void Engine::set_rule_value(std::string_view path, const Json& value) {
  impl_->compile();
  if (path.substr(0, 5) != "data.") throw Error(Exit::Failure, "rego", "set_rule_value: " + std::string(path) + " is not under data");
  const Node* n = node_at(*impl_->root, path);
  if (!n || n->rules.empty() || n->kind != RuleKind::Complete)
    throw Error(Exit::Failure, "rego", "set_rule_value: " + std::string(path) + " is not a complete rule of the policy");
  impl_->rule_values[n] = Value::from_json(value);
}

std::optional<Json> Engine::eval(std::string_view reference) {
  std::string body = "__coco_result__ = " + std::string(reference);
  auto q = impl_->compiled(body);
  int slot = -1;
  for (std::size_t i = 0; i < q->slot_names.size(); ++i)
    if (q->slot_names[i] == "__coco_result__") slot = static_cast<int>(i);
  std::optional<Json> out;
  impl_->evaluator().run(*q, [&](const Frame& f) -> bool {
    if (slot >= 0 && f.bound[static_cast<std::size_t>(slot)]) out = f.vals[static_cast<std::size_t>(slot)].to_json();
    return false;
  });
  return out;
}

std::vector<Bindings> Engine::query(std::string_view body) {
  auto q = impl_->compiled(body);
  std::vector<Bindings> rows;
  impl_->evaluator().run(*q, [&](const Frame& f) -> bool {
    Bindings b;
    for (const auto& [name, slot] : q->outputs) {
      auto s = static_cast<std::size_t>(slot);
      if (f.bound[s]) b[name] = f.vals[s].to_json();
    }
    rows.push_back(std::move(b));
    return true;
  });
  return rows;
}

void Engine::set_tracer(Tracer tracer) { impl_->tracer = std::move(tracer); }

std::vector<std::string> Engine::take_prints() { return impl_->prints.take(); }

void Engine::discard_prints() { impl_->prints.clear(); }

}  // namespace coco::rego
