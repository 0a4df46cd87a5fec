// SPDX-License-Identifier: Apache-2.0
// graph.reachable, graph.reachable_paths, walk and object.subset (OPA's topdown/reachable.go,
// walk.go and object.go). A graph is an object from node to a set or array of neighbours (null:
// none); nodes that are not keys of the graph are not reached. reachable_paths follows OPA's
// depth-first walk: one "reached" set per first edge, a path ends at a node without edges, before
// a node outside the graph, or when the next node was reached already.
#include <functional>

#include "rego/builtins.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;

constexpr std::size_t kMaxWalkDepth = 1024;

void for_each_vertex(const Value& v, const std::function<void(const Value&)>& f) {
  if (v.is_array()) for (const auto& e : v.as_array()) f(e);
  else if (v.is_set()) for (const auto& e : v.as_set()) f(e);
}

std::size_t edge_count(const Value& v) { return v.is_array() || v.is_set() ? v.size() : 0; }

const Value& initial_arg(const BuiltinContext& c, Args a) {
  if (!a[1].is_array() && !a[1].is_set()) c.type_error(1, a[1], "one of {array, set}");
  return a[1];
}

void check_graph(const BuiltinContext& c, Args a) {
  for (const auto& [node, edges] : c.object_arg(a, 0))
    if (!edges.is_array() && !edges.is_set() && !edges.is_null())
      c.type_error(0, a[0], "object[any: any<array[any], set[any]>]");
}

class PathBuilder {
 public:
  PathBuilder(const BuiltinContext& c, const Object& graph, Set& out) : c_(c), graph_(graph), out_(out) {}

  void build(const Value& root, Array path, Set& reached) {
    if (path.size() > kMaxWalkDepth) c_.error("path longer than " + std::to_string(kMaxWalkDepth) + " nodes");
    auto it = graph_.find(root);
    if (it == graph_.end()) {
      out_.insert(Value::array(std::move(path)));
      return;
    }
    path.push_back(root);
    if (edge_count(it->second) == 0) {
      out_.insert(Value::array(std::move(path)));
      return;
    }
    for_each_vertex(it->second, [&](const Value& next) {
      if (reached.count(next)) {
        out_.insert(Value::array(path));
      } else {
        reached.insert(root);
        build(next, path, reached);
      }
    });
  }

 private:
  const BuiltinContext& c_;
  const Object& graph_;
  Set& out_;
};

void walk(const BuiltinContext& c, const Value& v, Array& path, Array& out) {
  out.push_back(Value::array({Value::array(path), v}));
  if (path.size() >= kMaxWalkDepth && v.size() > 0)
    c.error("document nested deeper than " + std::to_string(kMaxWalkDepth) + " levels");
  auto visit = [&](const Value& key, const Value& child) {
    path.push_back(key);
    walk(c, child, path, out);
    path.pop_back();
  };
  if (v.is_object()) for (const auto& [k, e] : v.as_object()) visit(k, e);
  else if (v.is_array()) for (std::size_t i = 0; i < v.as_array().size(); ++i) visit(Value::integer(static_cast<std::int64_t>(i)), v.as_array()[i]);
  else if (v.is_set()) for (const auto& e : v.as_set()) visit(e, e);
}

bool array_contains_run(const Array& super, const Array& sub) {
  if (sub.size() > super.size()) return false;
  if (sub.empty()) return true;
  for (std::size_t i = 0; i + sub.size() <= super.size(); ++i)
    if (std::equal(sub.begin(), sub.end(), super.begin() + static_cast<std::ptrdiff_t>(i))) return true;
  return false;
}

bool subset(const Value& super, const Value& sub, std::size_t depth);

// Values under the same key of two objects: composites of matching kinds compare as subsets.
bool value_subset(const Value& super, const Value& sub, std::size_t depth) {
  bool composite = (super.is_object() && sub.is_object()) || (super.is_set() && sub.is_set()) ||
                   (super.is_array() && (sub.is_array() || sub.is_set()));
  return composite && depth < kMaxWalkDepth ? subset(super, sub, depth + 1) : super == sub;
}

bool subset(const Value& super, const Value& sub, std::size_t depth) {
  if (super.is_object()) {
    for (const auto& [k, v] : sub.as_object()) {
      auto e = super.get(k);
      if (!e || !value_subset(*e, v, depth)) return false;
    }
    return true;
  }
  if (super.is_set()) {
    for (const auto& e : sub.as_set())
      if (!super.as_set().count(e)) return false;
    return true;
  }
  if (sub.is_array()) return array_contains_run(super.as_array(), sub.as_array());
  for (const auto& e : sub.as_set())
    if (std::find(super.as_array().begin(), super.as_array().end(), e) == super.as_array().end()) return false;
  return true;
}

}  // namespace

void register_graph(Registry& r) {
  r.add("graph.reachable", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    check_graph(c, a);
    const Object& graph = a[0].as_object();
    std::vector<Value> queue;
    for_each_vertex(initial_arg(c, a), [&](const Value& v) { queue.push_back(v); });
    Set reached;
    for (std::size_t i = 0; i < queue.size(); ++i) {
      auto it = graph.find(queue[i]);
      if (it == graph.end() || reached.count(queue[i])) continue;
      reached.insert(queue[i]);
      for_each_vertex(it->second, [&](const Value& n) {
        if (!reached.count(n)) queue.push_back(n);
      });
    }
    return Value::set(std::move(reached));
  });
  r.add("graph.reachable_paths", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    check_graph(c, a);
    const Object& graph = a[0].as_object();
    Set out;
    PathBuilder b(c, graph, out);
    for_each_vertex(initial_arg(c, a), [&](const Value& node) {
      auto it = graph.find(node);
      if (it == graph.end()) return;
      if (edge_count(it->second) == 0) {
        out.insert(Value::array({node}));
        return;
      }
      for_each_vertex(it->second, [&](const Value& next) {
        Set reached{node};
        b.build(next, Array{node}, reached);
      });
    });
    return Value::set(std::move(out));
  });
  r.add(
      "walk", 1,
      [](const BuiltinContext& c, Args a) -> std::optional<Value> {
        Array path, out;
        walk(c, a[0], path, out);
        return Value::array(std::move(out));
      },
      /*relation=*/true);
  r.add("object.subset", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Value& super = a[0];
    const Value& sub = a[1];
    bool ok = (super.is_object() && sub.is_object()) || (super.is_set() && sub.is_set()) ||
              (super.is_array() && (sub.is_array() || sub.is_set()));
    if (!ok)
      c.type_error("both arguments must be objects, sets or arrays (or an array and a set), but got " +
                   std::string(type_name(super.type())) + " and " + type_name(sub.type()));
    return Value::boolean(subset(super, sub, 0));
  });
}

}  // namespace coco::rego
