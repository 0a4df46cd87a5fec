// SPDX-License-Identifier: Apache-2.0
// hex.*, urlquery.* and yaml.* (OPA's topdown/encoding.go): Go's encoding/hex, net/url query
// escaping (url.QueryEscape, url.ParseQuery, url.Values.Encode with keys sorted) and YAML read with
// the same bounded loader as Kubernetes manifests (lib/k8s/manifest.h), written as block YAML.
#include "k8s/manifest.h"
#include "rego/builtins.h"
#include "util/error.h"
#include "util/output.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;

int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// Go's %#U of a byte taken as a rune: "U+0067 'g'".
std::string go_rune(unsigned char b) {
  char buf[32];
  if (b >= 0x20 && b < 0x7f) std::snprintf(buf, sizeof buf, "U+%04X '%c'", b, b);
  else std::snprintf(buf, sizeof buf, "U+%04X", b);
  return buf;
}

std::string hex_decode(const BuiltinContext& c, const std::string& s) {
  std::string out;
  std::size_t i = 0;
  for (; i + 1 < s.size(); i += 2) {
    int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
    if (hi < 0) c.error("encoding/hex: invalid byte: " + go_rune(static_cast<unsigned char>(s[i])));
    if (lo < 0) c.error("encoding/hex: invalid byte: " + go_rune(static_cast<unsigned char>(s[i + 1])));
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  if (i < s.size()) {
    if (hex_digit(s[i]) < 0) c.error("encoding/hex: invalid byte: " + go_rune(static_cast<unsigned char>(s[i])));
    c.error("encoding/hex: odd length hex string");
  }
  return out;
}

std::string query_escape(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
        ch == '_' || ch == '.' || ch == '~') {
      out.push_back(static_cast<char>(ch));
    } else if (ch == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[ch >> 4]);
      out.push_back(kHex[ch & 15]);
    }
  }
  return out;
}

std::string query_unescape(const BuiltinContext& c, std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      int hi = i + 2 < s.size() + 0 ? hex_digit(s[i + 1]) : -1;
      int lo = i + 2 < s.size() ? hex_digit(s[i + 2]) : -1;
      if (i + 2 >= s.size() || hi < 0 || lo < 0) {
        std::string bad(s.substr(i, 3));
        c.error("invalid URL escape " + Value::string(bad).to_json_text());
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::vector<std::string> query_values(const BuiltinContext& c, const Value& v) {
  const char* want = "object[string: any<string, array[string], set[string]>]";
  std::vector<std::string> out;
  auto take = [&](const Value& e) {
    if (!e.is_string()) c.type_error(std::string("operand 1 must be ") + want + " but got object");
    out.push_back(e.as_string());
  };
  if (v.is_string()) take(v);
  else if (v.is_array()) for (const auto& e : v.as_array()) take(e);
  else if (v.is_set()) for (const auto& e : v.as_set()) take(e);
  else c.type_error(std::string("operand 1 must be ") + want + " but got object");
  return out;
}

Value yaml_unmarshal(const BuiltinContext& c, const std::string& text) {
  try {
    auto docs = k8s::load_documents(text, "yaml.unmarshal");
    if (docs.empty()) return Value::null();
    if (docs.size() > 1) c.error("yaml: found more than one document");
    return Value::from_json(docs.front().value);
  } catch (const coco::Error& e) {
    c.error(e.what());
  }
}

}  // namespace

void register_codecs(Registry& r) {
  r.add("hex.encode", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    static const char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char ch : c.string_arg(a, 0)) {
      out.push_back(kHex[ch >> 4]);
      out.push_back(kHex[ch & 15]);
    }
    return Value::string(std::move(out));
  });
  r.add("hex.decode", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return Value::string(hex_decode(c, c.string_arg(a, 0)));
  });
  r.add("urlquery.encode", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return Value::string(query_escape(c.string_arg(a, 0)));
  });
  r.add("urlquery.decode", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return Value::string(query_unescape(c, c.string_arg(a, 0)));
  });
  r.add("urlquery.encode_object", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    std::string out;
    for (const auto& [k, v] : c.object_arg(a, 0)) {  // Object is ordered: keys come sorted
      if (!k.is_string()) c.type_error(0, a[0], "object[string: any<string, array[string], set[string]>]");
      for (const auto& s : query_values(c, v)) {
        if (!out.empty()) out.push_back('&');
        out += query_escape(k.as_string()) + "=" + query_escape(s);
      }
    }
    return Value::string(std::move(out));
  });
  r.add("urlquery.decode_object", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    std::string_view s = c.string_arg(a, 0);
    std::map<std::string, Array> values;
    while (!s.empty()) {
      auto amp = s.find('&');
      std::string_view part = s.substr(0, amp);
      s = amp == std::string_view::npos ? std::string_view() : s.substr(amp + 1);
      if (part.empty()) continue;
      if (part.find(';') != std::string_view::npos) c.error("invalid semicolon separator in query");
      auto eq = part.find('=');
      std::string key = query_unescape(c, part.substr(0, eq));
      std::string val = eq == std::string_view::npos ? "" : query_unescape(c, part.substr(eq + 1));
      values[key].push_back(Value::string(std::move(val)));
    }
    Object o;
    for (auto& [k, v] : values) o.emplace(Value::string(k), Value::array(std::move(v)));
    return Value::object(std::move(o));
  });
  r.add("yaml.marshal", 1, [](const BuiltinContext&, Args a) -> std::optional<Value> {
    return Value::string(render_yaml(a[0].to_json()));
  });
  r.add("yaml.unmarshal", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return yaml_unmarshal(c, c.string_arg(a, 0));
  });
  r.add("yaml.is_valid", 1, [](const BuiltinContext&, Args a) -> std::optional<Value> {
    if (!a[0].is_string()) return Value::boolean(false);
    try {
      k8s::load_documents(a[0].as_string(), "yaml.is_valid");
      return Value::boolean(true);
    } catch (const coco::Error&) {
      return Value::boolean(false);
    }
  });
}

}  // namespace coco::rego
