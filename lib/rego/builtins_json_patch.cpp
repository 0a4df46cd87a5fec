// SPDX-License-Identifier: Apache-2.0
// json.patch (OPA's topdown/json.go, RFC 6902 over Rego values): add, remove, replace, move, copy
// and test, applied in order to an immutable document. Besides objects and arrays a path may run
// through sets, where a segment names the element itself (adding to a set needs the segment and
// the value to be equal). Any failing operation makes the whole call fail (undefined, or an
// eval_builtin_error under strict builtin errors), as in OPA.
#include "rego/builtins.h"
#include "rego/json_path.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;

class Patcher {
 public:
  explicit Patcher(const BuiltinContext& c) : c_(c) {}

  Value apply(Value doc, const Object& op) {
    const std::string name = field(op, "op").value_or(Value()).is_string()
                                 ? field(op, "op")->as_string()
                                 : fail<std::string>("missing or invalid 'op' in patch operation");
    Array path = path_field(op, "path");
    if (name == "add") return add(doc, path, 0, required(op, "value"));
    if (name == "remove") return remove(doc, path, 0);
    if (name == "replace") return replace(doc, path, 0, required(op, "value"));
    if (name == "test") {
      Value want = required(op, "value");
      auto got = get(doc, path);
      if (!got || *got != want) fail<int>("test operation failed at " + Value::array(path).to_json_text());
      return doc;
    }
    if (name == "move" || name == "copy") {
      Array from = path_field(op, "from");
      auto v = get(doc, from);
      if (!v) fail<int>("'from' location " + Value::array(from).to_json_text() + " does not exist");
      if (name == "copy") return add(doc, path, 0, *v);
      if (from == path) return doc;
      if (from.size() < path.size() && std::equal(from.begin(), from.end(), path.begin()))
        fail<int>("cannot move a value into one of its children");
      return add(remove(doc, from, 0), path, 0, *v);
    }
    return fail<Value>("unknown patch operation " + Value::string(name).to_json_text());
  }

 private:
  template <typename T>
  [[noreturn]] T fail(const std::string& message) const { c_.error(message); }

  static std::optional<Value> field(const Object& op, const char* name) {
    auto it = op.find(Value::string(name));
    if (it == op.end()) return std::nullopt;
    return it->second;
  }
  Value required(const Object& op, const char* name) const {
    auto v = field(op, name);
    if (!v) fail<int>(std::string("missing '") + name + "' in patch operation");
    return *v;
  }
  Array path_field(const Object& op, const char* name) const {
    auto path = parse_json_path(required(op, name));
    if (!path) fail<int>(std::string("'") + name + "' must be a string or an array");
    if (path->size() > kMaxJsonPathDepth) fail<int>("path too deep");
    return *path;
  }

  static std::optional<Value> child(const Value& v, const Value& seg) {
    switch (v.type()) {
      case Type::Object: return v.get(seg);
      case Type::Array: {
        auto i = array_index(seg);
        if (!i || *i >= v.as_array().size()) return std::nullopt;
        return v.as_array()[*i];
      }
      case Type::Set:
        if (v.as_set().count(seg)) return seg;
        return std::nullopt;
      default: return std::nullopt;
    }
  }

  static std::optional<Value> get(const Value& doc, const Array& path) {
    Value v = doc;
    for (const Value& seg : path) {
      auto next = child(v, seg);
      if (!next) return std::nullopt;
      v = *next;
    }
    return v;
  }

  // `parent` with its child `seg` replaced by `v`.
  Value with_child(const Value& parent, const Value& seg, const Value& v) const {
    switch (parent.type()) {
      case Type::Object: {
        Object o = parent.as_object();
        o.insert_or_assign(seg, v);
        return Value::object(std::move(o));
      }
      case Type::Array: {
        Array a = parent.as_array();
        a[*array_index(seg)] = v;
        return Value::array(std::move(a));
      }
      default: {
        Set s = parent.as_set();
        s.erase(seg);
        s.insert(v);
        return Value::set(std::move(s));
      }
    }
  }

  // Applies `leaf` to the parent of the path's last segment and rebuilds the spine above it.
  template <typename Leaf>
  Value edit(const Value& doc, const Array& path, std::size_t i, Leaf leaf) const {
    if (i + 1 == path.size()) return leaf(doc, path[i]);
    auto next = child(doc, path[i]);
    if (!next) fail<int>("path " + Value::array(path).to_json_text() + " does not exist");
    return with_child(doc, path[i], edit(*next, path, i + 1, leaf));
  }

  Value add(const Value& doc, const Array& path, std::size_t i, const Value& v) const {
    if (path.empty()) return v;
    return edit(doc, path, i, [&](const Value& parent, const Value& seg) -> Value {
      switch (parent.type()) {
        case Type::Object: return with_child(parent, seg, v);
        case Type::Array: {
          Array a = parent.as_array();
          if (seg.is_string() && seg.as_string() == "-") {
            a.push_back(v);
          } else {
            auto idx = array_index(seg);
            if (!idx || *idx > a.size()) fail<int>("invalid array index " + seg.to_json_text());
            a.insert(a.begin() + static_cast<std::ptrdiff_t>(*idx), v);
          }
          return Value::array(std::move(a));
        }
        case Type::Set: {
          if (seg != v) fail<int>("set element " + v.to_rego_text() + " differs from its path segment");
          Set s = parent.as_set();
          s.insert(v);
          return Value::set(std::move(s));
        }
        default: return fail<Value>("cannot add below a " + std::string(type_name(parent.type())));
      }
    });
  }

  Value remove(const Value& doc, const Array& path, std::size_t i) const {
    if (path.empty()) fail<int>("cannot remove the whole document");
    return edit(doc, path, i, [&](const Value& parent, const Value& seg) -> Value {
      if (!child(parent, seg)) fail<int>("path " + Value::array(path).to_json_text() + " does not exist");
      switch (parent.type()) {
        case Type::Object: {
          Object o = parent.as_object();
          o.erase(seg);
          return Value::object(std::move(o));
        }
        case Type::Array: {
          Array a = parent.as_array();
          a.erase(a.begin() + static_cast<std::ptrdiff_t>(*array_index(seg)));
          return Value::array(std::move(a));
        }
        default: {
          Set s = parent.as_set();
          s.erase(seg);
          return Value::set(std::move(s));
        }
      }
    });
  }

  Value replace(const Value& doc, const Array& path, std::size_t i, const Value& v) const {
    if (path.empty()) return v;
    return edit(doc, path, i, [&](const Value& parent, const Value& seg) -> Value {
      if (!child(parent, seg)) fail<int>("path " + Value::array(path).to_json_text() + " does not exist");
      return with_child(parent, seg, v);
    });
  }

  const BuiltinContext& c_;
};

}  // namespace

void register_json_patch(Registry& r) {
  r.add("json.patch", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Array& ops = c.array_arg(a, 1);
    Patcher p(c);
    Value doc = a[0];
    for (const Value& op : ops) {
      if (!op.is_object()) c.type_error(1, a[1], "array of objects");
      doc = p.apply(doc, op.as_object());
    }
    return doc;
  });
}

}  // namespace coco::rego
