// SPDX-License-Identifier: Apache-2.0
// Encoding builtins (OPA's topdown/encoding.go): json.marshal/marshal_with_options/unmarshal/
// is_valid, base64 and
// base64url (RFC 4648 §4 and §5; decoding accepts missing padding as Go's decoders used by OPA do
// for base64url, and requires it for base64).
#include "rego/builtins.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;

constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string b64_encode(const std::string& in, const char* alphabet, bool pad) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (pad) out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    if (pad) out += "=";
  }
  return out;
}

// nullopt when the input is not valid in that alphabet.
std::optional<std::string> b64_decode(const std::string& in, const char* alphabet, bool pad_optional) {
  int rev[256];
  for (int& r : rev) r = -1;
  for (int i = 0; i < 64; ++i) rev[static_cast<unsigned char>(alphabet[i])] = i;
  std::string s = in;
  std::size_t padn = 0;
  while (!s.empty() && s.back() == '=') {
    s.pop_back();
    ++padn;
  }
  if (padn > 2) return std::nullopt;
  if (padn > 0 && (s.size() + padn) % 4 != 0) return std::nullopt;
  if (padn == 0 && !pad_optional && s.size() % 4 != 0) return std::nullopt;
  if (s.size() % 4 == 1) return std::nullopt;
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char ch : s) {
    int v = rev[static_cast<unsigned char>(ch)];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

std::optional<Json> parse_json(const std::string& s) {
  // Reject deep nesting before nlohmann recurses into it.
  std::size_t depth = 0, maxd = 0;
  bool in_str = false, esc = false;
  for (char ch : s) {
    if (in_str) {
      if (esc) esc = false;
      else if (ch == '\\') esc = true;
      else if (ch == '"') in_str = false;
      continue;
    }
    if (ch == '"') in_str = true;
    else if (ch == '[' || ch == '{') maxd = std::max(maxd, ++depth);
    else if ((ch == ']' || ch == '}') && depth) --depth;
  }
  if (maxd > kMaxJsonDepth) return std::nullopt;
  auto j = Json::parse(s, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

// Go's json.MarshalIndent layout, with `prefix` also before the first line (OPA's wording).
void write_indented(std::string& out, const Value& v, const std::string& prefix, const std::string& indent,
                    std::size_t level) {
  auto newline = [&](std::size_t lvl) {
    out += "\n" + prefix;
    for (std::size_t i = 0; i < lvl; ++i) out += indent;
  };
  if ((v.is_array() || v.is_set() || v.is_object()) && v.size() > 0) {
    bool obj = v.is_object();
    out.push_back(obj ? '{' : '[');
    std::size_t i = 0;
    auto each = [&](const Value* key, const Value& e) {
      if (i++) out.push_back(',');
      newline(level + 1);
      if (key) {
        out += (key->is_string() ? *key : Value::string(key->to_json_text())).to_json_text();
        out += ": ";
      }
      write_indented(out, e, prefix, indent, level + 1);
    };
    if (v.is_array()) for (const auto& e : v.as_array()) each(nullptr, e);
    else if (v.is_set()) for (const auto& e : v.as_set()) each(nullptr, e);
    else for (const auto& [k, e] : v.as_object()) each(&k, e);
    newline(level);
    out.push_back(obj ? '}' : ']');
    return;
  }
  out += v.to_json_text();
}

}  // namespace

void register_encoding(Registry& r) {
  r.add("json.marshal_with_options", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const Object& opts = c.object_arg(a, 1);
    std::optional<bool> pretty;
    std::string indent = "\t", prefix;
    bool styled = false;
    for (const auto& [k, v] : opts) {
      std::string key = k.is_string() ? k.as_string() : k.to_json_text();
      if (key == "pretty") {
        if (!v.is_bool()) c.type_error("pretty must be a boolean");
        pretty = v.as_bool();
      } else if (key == "indent") {
        if (!v.is_string()) c.type_error("indent must be a string");
        indent = v.as_string();
        styled = true;
      } else if (key == "prefix") {
        if (!v.is_string()) c.type_error("prefix must be a string");
        prefix = v.as_string();
        styled = true;
      } else {
        c.type_error("object contained unknown key \"" + key + "\"");
      }
    }
    if (!pretty.value_or(styled)) return Value::string(a[0].to_json_text());
    std::string out = prefix;
    write_indented(out, a[0], prefix, indent, 0);
    return Value::string(std::move(out));
  });
  r.add("json.marshal", 1, [](const BuiltinContext&, Args a) -> std::optional<Value> {
    return Value::string(a[0].to_json_text());
  });
  r.add("json.unmarshal", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    auto j = parse_json(c.string_arg(a, 0));
    if (!j) c.error("invalid JSON (or nested deeper than 1000)");
    return Value::from_json(*j);
  });
  r.add("json.is_valid", 1, [](const BuiltinContext&, Args a) -> std::optional<Value> {
    if (!a[0].is_string()) return Value::boolean(false);
    return Value::boolean(parse_json(a[0].as_string()).has_value());
  });
  r.add("base64.encode", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return Value::string(b64_encode(c.string_arg(a, 0), kStd, true));
  });
  r.add("base64.decode", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    auto d = b64_decode(c.string_arg(a, 0), kStd, false);
    if (!d) c.error("illegal base64 data");
    return Value::string(*d);
  });
  r.add("base64.is_valid", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return Value::boolean(b64_decode(c.string_arg(a, 0), kStd, false).has_value());
  });
  r.add("base64url.encode", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return Value::string(b64_encode(c.string_arg(a, 0), kUrl, true));
  });
  r.add("base64url.encode_no_pad", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return Value::string(b64_encode(c.string_arg(a, 0), kUrl, false));
  });
  r.add("base64url.decode", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    auto d = b64_decode(c.string_arg(a, 0), kUrl, true);
    if (!d) c.error("illegal base64 data");
    return Value::string(*d);
  });
}

}  // namespace coco::rego
