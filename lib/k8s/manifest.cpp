// SPDX-License-Identifier: Apache-2.0
#include "k8s/manifest.h"

#include <re2/re2.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <set>

#include "util/encoding.h"
#include "util/error.h"

namespace coco::k8s {
namespace {

std::string at(const std::string& name, const YAML::Mark& m) {
  if (m.is_null()) return name;
  return name + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);  // marks are 0-based
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// YAML 1.2 core schema for plain scalars: null, bool, int (decimal), float.
Json plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (std::string_view("+-.0123456789").find(s[0]) == std::string_view::npos) return s;  // the common case
  const std::string_view body = std::string_view(s).substr(s[0] == '+' || s[0] == '-' ? 1 : 0);
  if (all_digits(body)) {
    std::int64_t v = 0;
    const char* b = s.data() + (s[0] == '+' ? 1 : 0);
    if (std::from_chars(b, s.data() + s.size(), v).ec == std::errc()) return v;
    return s;  // out of range: keep the text rather than lose digits
  }
  // RE2, not std::regex: libstdc++'s matcher recurses per character (stack overflow on long scalars).
  static const RE2 kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  if (RE2::FullMatch(s, kFloat)) {
    try {
      return std::stod(s);
    } catch (const std::exception&) {
      return s;
    }
  }
  return s;
}

// Every byte of a manifest must be UTF-8: JSON strings are Unicode, and a name, value, key or
// binaryData entry with a stray byte would fail only when the policy is written. Control characters
// other than tab, CR and LF are not YAML (c-printable; kubectl refuses them too), and yaml-cpp 0.7
// took "-\x12" for a sequence entry and then allocated without end (tests/fuzz/k8s_manifest).
void reject_unreadable_bytes(std::string_view text, const std::string& name) {
  std::size_t bad = invalid_utf8_at(text);
  std::string what = "invalid UTF-8";
  for (std::size_t i = 0; i < std::min(bad, text.size()); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      bad = i;
      what = "a control character";
      break;
    }
  }
  if (bad == std::string_view::npos) return;
  const std::size_t newline = bad == 0 ? std::string_view::npos : text.rfind('\n', bad - 1);
  const std::size_t col = newline == std::string_view::npos ? bad : bad - newline - 1;  // 0-based, in bytes
  const auto line = static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(text[bad]));
  fail(name + ":" + std::to_string(line + 1) + ":" + std::to_string(col + 1),
       what + " (byte " + hex + " at offset " + std::to_string(bad) + ")");
}

// A scalar after YAML escapes ("\ud800" decodes to a lone surrogate).
const std::string& utf8_scalar(const std::string& s, const std::string& name, const YAML::Mark& m) {
  if (invalid_utf8_at(s) != std::string_view::npos)
    fail(at(name, m), "invalid UTF-8 in a scalar after decoding its escapes");
  return s;
}

struct Converter {
  const std::string& name;
  const LoadLimits& limits;
  std::size_t nodes = 0;

  Json convert(const YAML::Node& n, std::size_t depth) {
    if (++nodes > limits.max_nodes)
      fail(at(name, n.Mark()), "more than " + std::to_string(limits.max_nodes) +
                                   " nodes after expanding aliases (an alias bomb?)");
    if (depth > limits.max_depth)
      fail(at(name, n.Mark()), "nesting deeper than " + std::to_string(limits.max_depth) + " levels");
    switch (n.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined: return nullptr;
      case YAML::NodeType::Scalar: {
        const std::string& tag = n.Tag();
        const std::string& text = utf8_scalar(n.Scalar(), name, n.Mark());
        if (tag == "!" || tag == "tag:yaml.org,2002:str" || tag == "tag:yaml.org,2002:binary") return text;
        return plain_scalar(text);
      }
      case YAML::NodeType::Sequence: {
        Json a = Json::array();
        for (const auto& item : n) a.push_back(convert(item, depth + 1));
        return a;
      }
      case YAML::NodeType::Map: {
        Json o = Json::object();
        for (const auto& kv : n) {
          if (!kv.first.IsScalar()) fail(at(name, kv.first.Mark()), "a mapping key must be a scalar");
          const std::string key = utf8_scalar(kv.first.Scalar(), name, kv.first.Mark());
          if (o.contains(key)) fail(at(name, kv.first.Mark()), "duplicate key '" + key + "'");
          o[key] = convert(kv.second, depth + 1);
        }
        return o;
      }
    }
    return nullptr;
  }
};

// yaml-cpp 0.7 allocates without end when a document's first token is ',' (invalid YAML: a plain
// scalar cannot start with an indicator), also after node properties ("!tag, x", "&a\n, x": found by
// tests/fuzz/k8s_manifest). Refuse that before yaml-cpp sees it. It does the same when a line starts
// with ',' in a document whose root is a block sequence ("- a\n, b"): no Kubernetes object is a
// sequence, so such a line is refused too rather than told apart from a flow continuation.
// The index after the tag ("!t", "!<uri>") or anchor ("&a") that starts at line[i].
std::size_t skip_node_property(std::string_view line, std::size_t i) {
  if (line.substr(i, 2) == "!<") return std::min(line.find('>', i), line.size() - 1) + 1;
  while (i < line.size() && std::string_view(" \t\r,[]{}").find(line[i]) == std::string_view::npos) ++i;
  return i;
}

// A document whose root is a quoted scalar or a flow collection ('a', "a", [a], {a: b}) starting at
// text[at]: yaml-cpp loops without end when ',' follows that node ("'a',", "[a] ,": found by
// fuzzing). The node is scanned to its end (quotes and nesting) before `limit` and before the next
// document marker, so that every call is bounded and a file is read in linear time; a ',' after the
// node is refused. A quoted mapping key ("kind": Pod) is followed by ':' and passes.
void reject_comma_after_root(std::string_view text, std::size_t at, std::size_t limit, const std::string& name) {
  std::size_t i = at;
  int depth = 0;
  do {
    const char c = text[i];
    if (c == '\n' && (text.substr(i + 1, 3) == "---" || text.substr(i + 1, 3) == "...")) return;
    if (c == '\'' || c == '"') {
      for (++i; i < limit; ++i) {
        if (c == '"' && text[i] == '\\') ++i;
        else if (text[i] == c) {
          if (c == '\'' && i + 1 < limit && text[i + 1] == '\'') ++i;  // '' is a quote
          else break;
        }
      }
      if (i >= limit) return;  // not closed here: yaml-cpp reports or reads it
      ++i;
    } else if (c == '[' || c == '{') {
      ++depth, ++i;
    } else if (c == ']' || c == '}') {
      --depth, ++i;
    } else if (c == '#' && (i == 0 || std::string_view(" \t\r\n").find(text[i - 1]) != std::string_view::npos)) {
      i = std::min(text.find('\n', i), limit);
    } else {
      ++i;
    }
  } while (depth > 0 && i < limit);
  if (depth > 0) return;
  std::size_t next = text.find_first_not_of(" \t\r\n", i);
  while (next != std::string_view::npos && text[next] == '#')  // comments between the node and a ','
    next = text.find_first_not_of(" \t\r\n", std::min(text.find('\n', next), text.size()));
  if (next == std::string_view::npos || text[next] != ',') return;
  std::size_t line = 1, line_start = 0;
  for (std::size_t k = 0; k < next; ++k)
    if (text[k] == '\n') ++line, line_start = k + 1;
  fail(name + ":" + std::to_string(line) + ":" + std::to_string(next - line_start + 1),
       "',' after the document's root node (a document holds one node)");
}

void reject_leading_comma(std::string_view text, const std::string& name) {
  bool doc_start = true;
  bool sequence_root = false;
  std::size_t line_no = 0;
  for (std::size_t pos = 0; pos <= text.size();) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, end - pos);
    ++line_no;
    std::size_t col = 0;
    if (line.substr(0, 3) == "---" || line.substr(0, 3) == "...") {
      doc_start = true;
      sequence_root = false;
      col = 3;
    } else if (sequence_root) {
      // ',' first on a line, also after node properties ("!<t>, x", "&a ,": a hang found by fuzzing)
      std::size_t i = line.find_first_not_of(" \t\r");
      while (i < line.size() && (line[i] == '!' || line[i] == '&')) {
        i = skip_node_property(line, i);
        i = line.find_first_not_of(" \t\r", i);
      }
      if (i < line.size() && line[i] == ',')
        fail(name + ":" + std::to_string(line_no) + ":" + std::to_string(i + 1),
             "a line cannot start with ',' in a document whose root is a sequence");
      if (i < line.size() && std::string_view("'\"[{").find(line[i]) != std::string_view::npos)
        reject_comma_after_root(text, pos + i, end, name);  // and no ',' after a node on its line
    }
    if (doc_start && !(line.substr(0, 1) == "%")) {
      for (std::size_t i = line.find_first_not_of(" \t\r", col); i < line.size();
           i = line.find_first_not_of(" \t\r", i)) {
        if (line[i] == '#') break;  // a comment: the rest of the line
        if (line[i] == ',')
          fail(name + ":" + std::to_string(line_no) + ":" + std::to_string(i + 1), "a document cannot start with ','");
        if (line[i] != '!' && line[i] != '&') {
          if (std::string_view("'\"[{").find(line[i]) != std::string_view::npos)
            reject_comma_after_root(text, pos + i, text.size(), name);
          doc_start = false;
          sequence_root = line[i] == '-' && (i + 1 == line.size() || std::string_view(" \t\r").find(line[i + 1]) != std::string_view::npos);
          break;
        }
        i = skip_node_property(line, i);  // a tag or an anchor: skipped up to the node's content
      }
    }
    pos = end + 1;
  }
}

}  // namespace

std::vector<Document> load_documents(std::string_view text, const std::string& name,
                                     const LoadLimits& limits) {
  reject_unreadable_bytes(text, name);
  reject_leading_comma(text, name);
  std::vector<YAML::Node> nodes;
  try {
    nodes = YAML::LoadAll(std::string(text));
  } catch (const YAML::DeepRecursion& e) {  // yaml-cpp's own message for it is "bad file"
    fail(at(name, e.mark), "YAML nested deeper than " + std::to_string(e.depth()) + " levels");
  } catch (const YAML::Exception& e) {  // ParserException, DeepRecursion: both carry a mark
    fail(at(name, e.mark), e.msg);
  }
  std::vector<Document> docs;
  Converter c{name, limits};
  for (const auto& n : nodes) {
    Document d;
    d.line = n.Mark().is_null() ? 0 : n.Mark().line + 1;
    d.value = c.convert(n, 0);
    docs.push_back(std::move(d));
  }
  return docs;
}

std::string render_documents(const std::vector<Document>& docs) {
  std::string out;
  for (const auto& d : docs) {
    out += "---\n";
    if (!d.value.is_null()) out += render_yaml(d.value);
  }
  return out;
}

}  // namespace coco::k8s
