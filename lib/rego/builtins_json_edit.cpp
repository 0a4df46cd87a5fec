// SPDX-License-Identifier: Apache-2.0
// json.filter, json.remove, object.filter and object.remove (OPA's topdown/json.go and object.go).
// Paths are "a/b/c" strings (a leading "/" is dropped, "~1" is "/" and "~0" is "~") or arrays of
// segments; they are gathered into a trie first, so that {"a", "a/b"} means all of "a". Below an
// array a segment is an index ("0" or 0); below a set it is the element itself; a path that reaches
// a scalar keeps the whole scalar, as OPA does.
#include <charconv>

#include "rego/builtins.h"
#include "rego/json_path.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;

struct Trie {
  bool whole = false;
  std::map<Value, Trie, ValueLess> kids;

  void insert(const Array& path) {
    Trie* n = this;
    for (const Value& seg : path) {
      if (n->whole) return;
      n = &n->kids[seg];
    }
    n->whole = true;
    n->kids.clear();
  }
};

Trie paths_trie(const BuiltinContext& c, Args a, std::size_t i) {
  Trie t;
  auto add = [&](const Value& p) {
    auto path = parse_json_path(p);
    if (!path)
      c.type_error("operand " + std::to_string(i + 1) +
                   " must be one of {set, array} containing string paths or array of path segments but got " +
                   type_name(p.type()));
    if (path->size() > kMaxJsonPathDepth) c.error("path longer than " + std::to_string(kMaxJsonPathDepth) + " segments");
    t.insert(*path);
  };
  if (a[i].is_set()) for (const auto& p : a[i].as_set()) add(p);
  else if (a[i].is_array()) for (const auto& p : a[i].as_array()) add(p);
  else c.type_error(i, a[i], "one of {set, array}");
  return t;
}

// The trie node for array index i: a "3" or 3 segment.
const Trie* index_child(const Trie& t, std::size_t i) {
  for (const auto& [seg, kid] : t.kids)
    if (auto idx = array_index(seg); idx && *idx == i) return &kid;
  return nullptr;
}

Value filter(const Value& v, const Trie& t, std::size_t depth) {
  if (t.whole || depth > kMaxJsonPathDepth) return v;
  switch (v.type()) {
    case Type::Object: {
      Object out;
      for (const auto& [seg, kid] : t.kids)
        if (auto e = v.get(seg)) out.emplace(seg, filter(*e, kid, depth + 1));
      return Value::object(std::move(out));
    }
    case Type::Array: {
      Array out;
      const Array& arr = v.as_array();
      for (std::size_t i = 0; i < arr.size(); ++i)
        if (const Trie* kid = index_child(t, i)) out.push_back(filter(arr[i], *kid, depth + 1));
      return Value::array(std::move(out));
    }
    case Type::Set: {
      Set out;
      for (const auto& [seg, kid] : t.kids)
        if (v.as_set().count(seg)) out.insert(filter(seg, kid, depth + 1));
      return Value::set(std::move(out));
    }
    default:
      return v;
  }
}

// nullopt: the whole value goes.
std::optional<Value> remove(const Value& v, const Trie& t, std::size_t depth) {
  if (t.whole) return std::nullopt;
  if (depth > kMaxJsonPathDepth) return v;
  switch (v.type()) {
    case Type::Object: {
      Object out;
      for (const auto& [k, e] : v.as_object()) {
        auto kid = t.kids.find(k);
        if (kid == t.kids.end()) out.emplace(k, e);
        else if (auto kept = remove(e, kid->second, depth + 1)) out.emplace(k, *kept);
      }
      return Value::object(std::move(out));
    }
    case Type::Array: {
      Array out;
      const Array& arr = v.as_array();
      for (std::size_t i = 0; i < arr.size(); ++i) {
        const Trie* kid = index_child(t, i);
        if (!kid) out.push_back(arr[i]);
        else if (auto kept = remove(arr[i], *kid, depth + 1)) out.push_back(*kept);
      }
      return Value::array(std::move(out));
    }
    case Type::Set: {
      Set out;
      for (const auto& e : v.as_set()) {
        auto kid = t.kids.find(e);
        if (kid == t.kids.end()) out.insert(e);
        else if (auto kept = remove(e, kid->second, depth + 1)) out.insert(*kept);
      }
      return Value::set(std::move(out));
    }
    default:
      return v;
  }
}

// object.filter / object.remove: the keys of an array, a set or an object.
Set key_set(const BuiltinContext& c, Args a) {
  Set keys;
  if (a[1].is_array()) keys.insert(a[1].as_array().begin(), a[1].as_array().end());
  else if (a[1].is_set()) keys = a[1].as_set();
  else if (a[1].is_object()) for (const auto& [k, v] : a[1].as_object()) keys.insert(k);
  else c.type_error(1, a[1], "one of {object, set, array}");
  return keys;
}

}  // namespace

void register_json_edit(Registry& r) {
  r.add("json.filter", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    c.object_arg(a, 0);
    Trie t = paths_trie(c, a, 1);
    return filter(a[0], t, 0);
  });
  r.add("json.remove", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    c.object_arg(a, 0);
    Trie t = paths_trie(c, a, 1);
    auto kept = remove(a[0], t, 0);
    return kept ? *kept : Value::object({});
  });
  r.add("object.filter", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Object& o = c.object_arg(a, 0);
    Set keys = key_set(c, a);
    Object out;
    for (const auto& k : keys)
      if (auto it = o.find(k); it != o.end()) out.emplace(it->first, it->second);
    return Value::object(std::move(out));
  });
  r.add("object.remove", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Object& o = c.object_arg(a, 0);
    Set keys = key_set(c, a);
    Object out;
    for (const auto& [k, v] : o)
      if (!keys.count(k)) out.emplace(k, v);
    return Value::object(std::move(out));
  });
}

}  // namespace coco::rego
