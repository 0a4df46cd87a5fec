// SPDX-License-Identifier: Apache-2.0
#include "util/output.h"

#include <yaml-cpp/yaml.h>

#include <re2/re2.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace coco {
namespace {

// A plain scalar that a YAML 1.1 or 1.2 reader would take as a bool, null or number must be quoted
// to stay a string ("true", "1.0", "0x1f", "~", "no").
bool reads_as_non_string(const std::string& s) {
  // Every typed form starts with one of these; skip the regex for the rest (long base64
  // annotations would otherwise cost a regex run each).
  if (!s.empty() && std::string_view("~nNyYtTfFoO0123456789+-.").find(s[0]) == std::string_view::npos)
    return false;
  // RE2: linear time and no recursion (libstdc++'s std::regex recursed per character and
  // overflowed the stack on a 60,000-digit string).
  static const RE2 kTyped(
      "|~|null|Null|NULL|[yY]|[nN]|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|"
      "[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+|"
      "[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?");
  return RE2::FullMatch(s, kTyped);
}

// yaml-cpp decides whether a string may stay plain with a regex run per character; for the long
// base64 annotation values of `policy generate` (initdata, ~16 KB each) that was most of the run
// (issue 17: 58 % of the instructions). A long string of base64 characters only is a valid plain
// scalar (no indicator, blank, ':' or '#'; typed forms are quoted before this), so the emitter
// gets a short stand-in and the value takes its place afterwards: the same bytes, one pass.
constexpr std::size_t kLongScalar = 512;
constexpr std::string_view kStandIn = "cocoLongScalarStandIn";

bool long_base64(const std::string& s) {
  if (s.size() < kLongScalar) return false;
  for (const char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='))
      return false;
  return true;
}

void emit_yaml(YAML::Emitter& out, const Json& v, std::vector<const std::string*>* long_scalars) {
  switch (v.type()) {
    case Json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [key, item] : v.items()) {
        out << YAML::Key << key << YAML::Value;
        emit_yaml(out, item, long_scalars);
      }
      out << YAML::EndMap;
      break;
    case Json::value_t::array:
      out << YAML::BeginSeq;
      for (const auto& item : v) emit_yaml(out, item, long_scalars);
      out << YAML::EndSeq;
      break;
    case Json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      if (reads_as_non_string(s)) {
        out << YAML::DoubleQuoted << s;
      } else if (long_scalars && long_base64(s)) {
        out << std::string(kStandIn) + std::to_string(long_scalars->size()) + "x";
        long_scalars->push_back(&s);
      } else {
        out << s;  // the emitter quotes what is not a valid plain scalar
      }
      break;
    }
    case Json::value_t::boolean: out << (v.get<bool>() ? "true" : "false"); break;
    case Json::value_t::number_integer: out << v.get<std::int64_t>(); break;
    case Json::value_t::number_unsigned: out << v.get<std::uint64_t>(); break;
    case Json::value_t::number_float: out << v.dump(); break;
    case Json::value_t::null: out << YAML::Null; break;
    default: out << v.dump(); break;
  }
}

// The first byte (0-based) where arrays and objects nest deeper than max_depth, or npos. A linear
// scan that skips strings: nlohmann's parser is iterative, but copying, comparing and dumping a
// value recurse once per level, so a 100,000-deep input must be refused before it is a tree.
std::size_t too_deep_at(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

// pretty_json's writer. Anything it does not write itself (non-ASCII strings, floats, binary,
// discarded values) it hands to nlohmann, so its bytes (and errors, e.g. invalid UTF-8) are
// nlohmann's own.
class PrettyWriter {
 public:
  explicit PrettyWriter(std::string& out) : out_(out) {}

  void value(const Json& v, std::size_t indent) {
    switch (v.type()) {
      case Json::value_t::object:
      case Json::value_t::array: return collection(v, indent);
      case Json::value_t::string: return string(v.get_ref<const std::string&>());
      case Json::value_t::boolean: out_ += v.get<bool>() ? "true" : "false"; return;
      case Json::value_t::null: out_ += "null"; return;
      case Json::value_t::number_integer: return number(v.get<std::int64_t>());
      case Json::value_t::number_unsigned: return number(v.get<std::uint64_t>());
      case Json::value_t::binary: throw NotMine{};  // its pretty form spans lines: all of it to nlohmann
      default: out_ += v.dump(); return;             // floats, discarded
    }
  }

  struct NotMine {};

 private:
  // An object or an array: one entry a line, each indented two more than the brackets.
  void collection(const Json& v, std::size_t indent) {
    const bool object = v.is_object();
    if (v.empty()) {
      out_ += object ? "{}" : "[]";
      return;
    }
    out_ += object ? "{\n" : "[\n";
    for (auto it = v.begin(); it != v.end(); ++it) {
      if (it != v.begin()) out_ += ",\n";
      out_.append(indent + 2, ' ');
      if (object) {
        string(it.key());
        out_ += ": ";
      }
      value(*it, indent + 2);
    }
    out_ += '\n';
    out_.append(indent, ' ');
    out_ += object ? '}' : ']';
  }

  template <typename Int>
  void number(Int n) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, n);
    out_.append(buf, r.ptr);
  }

  // nlohmann with ensure_ascii off: the two-character escapes, \u00xx (lower-case hex) for the
  // other control characters, everything else (DEL too) as it is.
  void string(const std::string& s) {
    if (std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
      out_ += Json(s).dump();  // UTF-8: nlohmann checks it and throws on a bad sequence
      return;
    }
    out_ += '"';
    std::size_t run = 0;  // start of the bytes not yet written
    for (std::size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(s, run, i - run);
      run = i + 1;
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default: {
          static constexpr char kHex[] = "0123456789abcdef";
          const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
          out_.append(esc, sizeof esc);
        }
      }
    }
    out_.append(s, run, s.size() - run);
    out_ += '"';
  }

  std::string& out_;
};

}  // namespace

Format parse_format(std::string_view name) {
  if (name == "text") return Format::Text;
  if (name == "json") return Format::Json;
  if (name == "yaml") return Format::Yaml;
  throw Error(Exit::Usage, "--output: unknown format '" + std::string(name) + "' (text, json, yaml)");
}

std::string format_name(Format f) {
  switch (f) {
    case Format::Text: return "text";
    case Format::Json: return "json";
    case Format::Yaml: return "yaml";
  }
  return "?";
}

std::string pretty_json(const Json& value) {
  std::string out;
  try {
    PrettyWriter(out).value(value, 0);
  } catch (const PrettyWriter::NotMine&) {
    return value.dump(2);
  }
  return out;
}

std::string render_json(const Json& value) { return pretty_json(value) + "\n"; }

std::string render_yaml(const Json& value) {
  std::vector<const std::string*> long_scalars;
  YAML::Emitter out;
  out.SetIndent(2);
  emit_yaml(out, value, &long_scalars);
  const std::string_view text = out.c_str();
  // Each stand-in, in emission order; a document that has the stand-in text of its own is
  // rendered again the slow way.
  std::string result;
  std::size_t at = 0, count = 0;
  for (std::size_t p; (p = text.find(kStandIn, at)) != std::string_view::npos; at = p + kStandIn.size()) ++count;
  if (count != long_scalars.size()) {
    YAML::Emitter slow;
    slow.SetIndent(2);
    emit_yaml(slow, value, nullptr);
    return std::string(slow.c_str()) + "\n";
  }
  at = 0;
  for (std::size_t i = 0; i < long_scalars.size(); ++i) {
    const std::string token = std::string(kStandIn) + std::to_string(i) + "x";
    const std::size_t p = text.find(token, at);
    result.append(text.substr(at, p - at));
    result += *long_scalars[i];
    at = p + token.size();
  }
  result.append(text.substr(at));
  return result + "\n";
}

Json parse_json(std::string_view text, const std::string& where) {
  if (const std::size_t at = too_deep_at(text, kMaxJsonDepth); at != std::string_view::npos)
    fail(where, "byte " + std::to_string(at + 1) + ": JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                    " levels");
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // e.byte is 1-based; nlohmann's own text repeats it, so keep only the reason after "; ".
    std::string reason = e.what();
    if (const auto p = reason.find("; "); p != std::string::npos) reason = reason.substr(p + 2);
    fail(where, "byte " + std::to_string(e.byte) + ": invalid JSON: " + reason);
  } catch (const Json::exception& e) {
    // Parsing can also fail past the syntax, e.g. out_of_range.406 for a number too large.
    std::string reason = e.what();
    if (const auto p = reason.find("] "); p != std::string::npos) reason = reason.substr(p + 2);
    fail(where, "invalid JSON: " + reason);
  }
}

}  // namespace coco
