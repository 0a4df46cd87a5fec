// SPDX-License-Identifier: Apache-2.0
#include "rego/json_schema.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>

namespace coco::rego {

namespace {

const char* const kPrimitiveTypes[] = {"array", "boolean", "integer", "number", "null", "object", "string"};

std::optional<Value> member(const Value& schema, const char* key) {
  if (!schema.is_object()) return std::nullopt;
  return schema.get(Value::string(key));
}

std::string join_field(const std::string& parent, const std::string& key) {
  return parent == "(root)" ? key : parent + "." + key;
}

std::string given_type(const Value& v) {
  switch (v.type()) {
    case Type::Null: return "null";
    case Type::Bool: return "boolean";
    case Type::Number: return v.as_number().is_integral() ? "integer" : "number";
    case Type::String: return "string";
    case Type::Array:
    case Type::Set: return "array";
    default: return "object";
  }
}

bool has_type(const Value& v, const std::string& t) {
  std::string g = given_type(v);
  return g == t || (t == "number" && g == "integer");
}

// ---- schema checks --------------------------------------------------------------------------

std::optional<std::string> check(const Value& s, std::size_t depth);

std::optional<std::string> check_each(const Value& v, std::size_t depth) {
  if (v.is_array()) {
    for (const auto& e : v.as_array())
      if (auto err = check(e, depth + 1)) return err;
  } else if (v.is_object()) {
    for (const auto& [k, e] : v.as_object())
      if (auto err = check(e, depth + 1)) return err;
  }
  return std::nullopt;
}

std::optional<std::string> check(const Value& s, std::size_t depth) {
  if (depth > kMaxSchemaDepth) return "schema nested deeper than " + std::to_string(kMaxSchemaDepth);
  if (s.is_bool()) return std::nullopt;
  if (!s.is_object()) return "Invalid type. Expected: object or boolean, given: " + given_type(s);
  if (auto t = member(s, "type")) {
    Array types = t->is_array() ? t->as_array() : Array{*t};
    for (const auto& e : types) {
      bool ok = e.is_string() && std::find(std::begin(kPrimitiveTypes), std::end(kPrimitiveTypes), e.as_string()) !=
                                     std::end(kPrimitiveTypes);
      if (!ok)
        return "has a primitive type that is NOT VALID -- given: /" + (e.is_string() ? e.as_string() : e.to_json_text()) +
               "/ Expected valid values are:[array boolean integer number null object string]";
    }
  }
  if (auto r = member(s, "required")) {
    if (!r->is_array()) return "required must be of type array";
    for (const auto& e : r->as_array())
      if (!e.is_string()) return "required items must be of type string";
  }
  if (auto p = member(s, "pattern")) {
    if (!p->is_string()) return "pattern must be of type string";
    RE2::Options o;
    o.set_log_errors(false);
    if (!RE2(p->as_string(), o).ok()) return "Invalid regex pattern '" + p->as_string() + "'";
  }
  for (const char* k : {"properties", "patternProperties", "definitions", "$defs", "dependencies"}) {
    if (auto v = member(s, k)) {
      if (!v->is_object()) return std::string(k) + " must be of type object";
      for (const auto& [name, sub] : v->as_object())
        if (!(std::string(k) == "dependencies" && sub.is_array()))
          if (auto err = check(sub, depth + 1)) return err;
    }
  }
  for (const char* k : {"allOf", "anyOf", "oneOf"}) {
    if (auto v = member(s, k)) {
      if (!v->is_array() || v->as_array().empty()) return std::string(k) + " must be a non-empty array";
      if (auto err = check_each(*v, depth)) return err;
    }
  }
  for (const char* k : {"not", "additionalProperties", "additionalItems", "contains", "propertyNames", "if", "then", "else"})
    if (auto v = member(s, k))
      if (auto err = check(*v, depth + 1)) return err;
  if (auto v = member(s, "items")) {
    if (v->is_array()) {
      if (auto err = check_each(*v, depth)) return err;
    } else if (auto err = check(*v, depth + 1)) {
      return err;
    }
  }
  return std::nullopt;
}

// ---- validation -----------------------------------------------------------------------------

class Validator {
 public:
  explicit Validator(const Value& root) : root_(root) {}
  bool exhausted() const { return exhausted_; }

  void validate(const Value& s, const Value& v, const std::string& field, std::vector<SchemaError>& out,
                std::size_t depth) const {
    if (depth > kMaxSchemaDepth || ++steps_ > kMaxSchemaSteps) {
      if (!exhausted_) out.push_back({field, "internal", "schema evaluation exceeds its depth or step budget"});
      exhausted_ = true;
      return;
    }
    if (s.is_bool()) {
      if (!s.as_bool()) out.push_back({field, "false", "False always fails validation"});
      return;
    }
    if (!s.is_object()) return;
    if (auto ref = member(s, "$ref"); ref && ref->is_string()) {
      if (auto target = resolve(ref->as_string())) validate(*target, v, field, out, depth + 1);
      else out.push_back({field, "internal", "unresolvable reference " + ref->as_string()});
      return;
    }
    if (auto t = member(s, "type")) {
      Array types = t->is_array() ? t->as_array() : Array{*t};
      bool ok = std::any_of(types.begin(), types.end(), [&](const Value& e) { return has_type(v, e.as_string()); });
      if (!ok) {
        std::string expected;
        for (const auto& e : types) expected += (expected.empty() ? "" : ", ") + e.as_string();
        out.push_back({field, "invalid_type", "Invalid type. Expected: " + expected + ", given: " + given_type(v)});
        return;
      }
    }
    if (auto e = member(s, "enum"); e && e->is_array()) {
      const Array& allowed = e->as_array();
      if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a.to_json_text();
        out.push_back({field, "enum", field + " must be one of the following: " + list});
      }
    }
    if (auto c = member(s, "const"); c && *c != v)
      out.push_back({field, "const", field + " does not match: " + c->to_json_text()});
    if (v.is_number()) numbers(s, v.as_number(), field, out);
    if (v.is_string()) strings(s, v.as_string(), field, out);
    if (v.is_array()) arrays(s, v.as_array(), field, out, depth);
    if (v.is_object()) objects(s, v.as_object(), field, out, depth);
    combinators(s, v, field, out, depth);
  }

 private:
  std::optional<Value> resolve(const std::string& ref) const {
    if (ref == "#") return root_;
    if (ref.rfind("#/", 0) != 0) return std::nullopt;
    Value cur = root_;
    std::size_t pos = 2;
    while (pos <= ref.size()) {
      auto slash = ref.find('/', pos);
      std::string seg = ref.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
      for (std::size_t i; (i = seg.find("~1")) != std::string::npos;) seg.replace(i, 2, "/");
      for (std::size_t i; (i = seg.find("~0")) != std::string::npos;) seg.replace(i, 2, "~");
      auto next = cur.is_object() ? cur.get(Value::string(seg)) : std::nullopt;
      if (!next) return std::nullopt;
      cur = *next;
      if (slash == std::string::npos) break;
      pos = slash + 1;
    }
    return cur;
  }

  static void numbers(const Value& s, const Number& n, const std::string& field, std::vector<SchemaError>& out) {
    auto num = [&](const char* k) -> std::optional<Number> {
      auto m = member(s, k);
      if (m && m->is_number()) return m->as_number();
      return std::nullopt;
    };
    auto text = [](const Number& x) { return x.to_string(); };
    auto excl = member(s, "exclusiveMinimum");
    if (auto min = num("minimum")) {
      bool exclusive = excl && excl->is_bool() && excl->as_bool();  // draft 4
      if (exclusive ? n.compare(*min) <= 0 : n.compare(*min) < 0)
        out.push_back({field, exclusive ? "number_gt" : "number_gte",
                       std::string(exclusive ? "Must be greater than " : "Must be greater than or equal to ") + text(*min)});
    }
    if (auto emin = num("exclusiveMinimum"); emin && n.compare(*emin) <= 0)
      out.push_back({field, "number_gt", "Must be greater than " + text(*emin)});
    auto exclmax = member(s, "exclusiveMaximum");
    if (auto max = num("maximum")) {
      bool exclusive = exclmax && exclmax->is_bool() && exclmax->as_bool();
      if (exclusive ? n.compare(*max) >= 0 : n.compare(*max) > 0)
        out.push_back({field, exclusive ? "number_lt" : "number_lte",
                       std::string(exclusive ? "Must be less than " : "Must be less than or equal to ") + text(*max)});
    }
    if (auto emax = num("exclusiveMaximum"); emax && n.compare(*emax) >= 0)
      out.push_back({field, "number_lt", "Must be less than " + text(*emax)});
    if (auto mul = num("multipleOf"); mul && mul->as_double() > 0) {
      double q = n.as_double() / mul->as_double();
      if (std::fabs(q - std::round(q)) > 1e-9)
        out.push_back({field, "multiple_of", "Must be a multiple of " + text(*mul)});
    }
  }

  static void strings(const Value& s, const std::string& str, const std::string& field, std::vector<SchemaError>& out) {
    const auto len = static_cast<std::int64_t>(utf8_length(str));
    if (auto m = member(s, "minLength"); m && m->is_number() && len < m->as_number().as_double())
      out.push_back({field, "string_gte", "String length must be greater than or equal to " + m->to_json_text()});
    if (auto m = member(s, "maxLength"); m && m->is_number() && len > m->as_number().as_double())
      out.push_back({field, "string_lte", "String length must be less than or equal to " + m->to_json_text()});
    if (auto p = member(s, "pattern"); p && p->is_string()) {
      RE2::Options o;
      o.set_log_errors(false);
      RE2 re(p->as_string(), o);
      if (re.ok() && !RE2::PartialMatch(str, re))
        out.push_back({field, "pattern", "Does not match pattern '" + p->as_string() + "'"});
    }
  }

  void arrays(const Value& s, const Array& a, const std::string& field, std::vector<SchemaError>& out,
              std::size_t depth) const {
    auto at = [&](std::size_t i) { return join_field(field, std::to_string(i)); };
    if (auto items = member(s, "items")) {
      if (items->is_array()) {
        const Array& pos = items->as_array();
        for (std::size_t i = 0; i < a.size() && i < pos.size(); ++i) validate(pos[i], a[i], at(i), out, depth + 1);
        if (auto extra = member(s, "additionalItems"); extra && a.size() > pos.size()) {
          if (extra->is_false()) out.push_back({field, "array_no_additional_items", "No additional items allowed on array"});
          else for (std::size_t i = pos.size(); i < a.size(); ++i) validate(*extra, a[i], at(i), out, depth + 1);
        }
      } else {
        for (std::size_t i = 0; i < a.size(); ++i) validate(*items, a[i], at(i), out, depth + 1);
      }
    }
    if (auto m = member(s, "minItems"); m && m->is_number() && static_cast<double>(a.size()) < m->as_number().as_double())
      out.push_back({field, "array_min_items", "Array must have at least " + m->to_json_text() + " items"});
    if (auto m = member(s, "maxItems"); m && m->is_number() && static_cast<double>(a.size()) > m->as_number().as_double())
      out.push_back({field, "array_max_items", "Array must have at most " + m->to_json_text() + " items"});
    if (auto u = member(s, "uniqueItems"); u && u->is_bool() && u->as_bool()) {
      for (std::size_t i = 0; i < a.size(); ++i)
        for (std::size_t j = i + 1; j < a.size(); ++j)
          if (a[i] == a[j]) {
            out.push_back({field, "unique", "array items[" + std::to_string(i) + "," + std::to_string(j) + "] must be unique"});
            i = j = a.size();
          }
    }
    if (auto c = member(s, "contains")) {
      bool any = std::any_of(a.begin(), a.end(), [&](const Value& e) {
        std::vector<SchemaError> sub;
        validate(*c, e, field, sub, depth + 1);
        return sub.empty();
      });
      if (!any) out.push_back({field, "contains", "At least one of the items must match"});
    }
  }

  void objects(const Value& s, const Object& o, const std::string& field, std::vector<SchemaError>& out,
               std::size_t depth) const {
    if (auto r = member(s, "required"); r && r->is_array())
      for (const auto& name : r->as_array())
        if (name.is_string() && !o.count(name)) out.push_back({field, "required", name.as_string() + " is required"});
    auto props = member(s, "properties");
    auto patterns = member(s, "patternProperties");
    auto additional = member(s, "additionalProperties");
    for (const auto& [k, v] : o) {
      std::string key = k.is_string() ? k.as_string() : k.to_json_text();
      bool matched = false;
      if (props && props->is_object())
        if (auto sub = props->get(k)) {
          matched = true;
          validate(*sub, v, join_field(field, key), out, depth + 1);
        }
      if (patterns && patterns->is_object())
        for (const auto& [pat, sub] : patterns->as_object()) {
          RE2::Options opt;
          opt.set_log_errors(false);
          RE2 re(pat.is_string() ? pat.as_string() : "", opt);
          if (re.ok() && RE2::PartialMatch(key, re)) {
            matched = true;
            validate(sub, v, join_field(field, key), out, depth + 1);
          }
        }
      if (!matched && additional) {
        if (additional->is_false())
          out.push_back({field, "additional_property_not_allowed", "Additional property " + key + " is not allowed"});
        else validate(*additional, v, join_field(field, key), out, depth + 1);
      }
      if (auto names = member(s, "propertyNames")) {
        std::vector<SchemaError> sub;
        validate(*names, Value::string(key), field, sub, depth + 1);
        if (!sub.empty())
          out.push_back({field, "invalid_property_name", "Property \"" + key + "\" does not match pattern"});
      }
    }
    if (auto m = member(s, "minProperties"); m && m->is_number() && static_cast<double>(o.size()) < m->as_number().as_double())
      out.push_back({field, "array_min_properties", "Must have at least " + m->to_json_text() + " properties"});
    if (auto m = member(s, "maxProperties"); m && m->is_number() && static_cast<double>(o.size()) > m->as_number().as_double())
      out.push_back({field, "array_max_properties", "Must have at most " + m->to_json_text() + " properties"});
    if (auto deps = member(s, "dependencies"); deps && deps->is_object())
      for (const auto& [name, dep] : deps->as_object()) {
        if (!o.count(name)) continue;
        if (dep.is_array()) {
          for (const auto& d : dep.as_array())
            if (!o.count(d))
              out.push_back({field, "missing_dependency", "Has a dependency on " + (d.is_string() ? d.as_string() : d.to_json_text())});
        } else {
          validate(dep, Value::object(o), field, out, depth + 1);
        }
      }
  }

  bool passes(const Value& s, const Value& v, const std::string& field, std::size_t depth) const {
    std::vector<SchemaError> sub;
    validate(s, v, field, sub, depth + 1);
    return sub.empty();
  }

  void combinators(const Value& s, const Value& v, const std::string& field, std::vector<SchemaError>& out,
                   std::size_t depth) const {
    if (auto all = member(s, "allOf"); all && all->is_array()) {
      std::vector<SchemaError> sub;
      for (const auto& e : all->as_array()) validate(e, v, field, sub, depth + 1);
      if (!sub.empty()) {
        out.insert(out.end(), sub.begin(), sub.end());
        out.push_back({field, "number_all_of", "Must validate all the schemas (allOf)"});
      }
    }
    if (auto any = member(s, "anyOf"); any && any->is_array()) {
      const Array& list = any->as_array();
      if (std::none_of(list.begin(), list.end(), [&](const Value& e) { return passes(e, v, field, depth); }))
        out.push_back({field, "number_any_of", "Must validate at least one schema (anyOf)"});
    }
    if (auto one = member(s, "oneOf"); one && one->is_array()) {
      const Array& list = one->as_array();
      auto n = std::count_if(list.begin(), list.end(), [&](const Value& e) { return passes(e, v, field, depth); });
      if (n != 1) out.push_back({field, "number_one_of", "Must validate one and only one schema (oneOf)"});
    }
    if (auto no = member(s, "not"); no && passes(*no, v, field, depth))
      out.push_back({field, "number_not", "Must not validate the schema (not)"});
    if (auto cond = member(s, "if")) {
      if (passes(*cond, v, field, depth)) {
        if (auto then = member(s, "then"); then && !passes(*then, v, field, depth))
          out.push_back({field, "condition_then", "Must validate \"then\" as \"if\" was valid"});
      } else if (auto els = member(s, "else"); els && !passes(*els, v, field, depth)) {
        out.push_back({field, "condition_else", "Must validate \"else\" as \"if\" was not valid"});
      }
    }
  }

  const Value& root_;
  mutable std::size_t steps_ = 0;  // every validate() call, so "$ref": "#" inside allOf cannot explode
  mutable bool exhausted_ = false;
};

}  // namespace

std::optional<std::string> check_schema(const Value& schema) { return check(schema, 0); }

std::vector<SchemaError> validate_schema(const Value& schema, const Value& doc) {
  std::vector<SchemaError> out;
  Validator v(schema);
  v.validate(schema, doc, "(root)", out, 0);
  if (v.exhausted()) return {{"(root)", "internal", "schema evaluation exceeds its depth or step budget"}};
  return out;
}

}  // namespace coco::rego
