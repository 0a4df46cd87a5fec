// SPDX-License-Identifier: Apache-2.0
#include "k8s/edit.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <set>

#include "k8s/yaml_text.h"
#include "util/error.h"
#include "util/parallel.h"

namespace coco::k8s {
namespace {

constexpr std::size_t kNone = std::string::npos;

struct Splice {
  std::size_t at = 0, len = 0;
  std::string text;
};

std::vector<std::string> tokens(Json::json_pointer p) {
  std::vector<std::string> out;
  while (!p.empty()) {
    out.push_back(p.back());
    p.pop_back();
  }
  std::reverse(out.begin(), out.end());
  return out;
}

using Marks = std::shared_ptr<const NodeMarks>;
using Kind = NodeMarks::Kind;

// yaml-cpp's tree of `text` as marks, for documents read without them (LoadLimits::marks).
Marks marks_of(const YAML::Node& n, std::size_t offset, std::size_t depth) {
  if (depth > 1000) text_unsupported("nesting deeper than 1000 levels");
  auto m = std::make_shared<NodeMarks>();
  const YAML::Mark mark = n.Mark();
  m->pos = mark.is_null() || mark.pos < 0 ? kNone : offset + static_cast<std::size_t>(mark.pos);
  if (n.IsScalar()) {
    m->kind = Kind::Scalar;
    m->scalar = n.Scalar();
  } else if (n.IsSequence()) {
    m->kind = Kind::Sequence;
    for (const auto& item : n) m->items.push_back(marks_of(item, offset, depth + 1));
  } else if (n.IsMap()) {
    m->kind = Kind::Map;
    for (const auto& kv : n) {
      m->items.push_back(marks_of(kv.first, offset, depth + 1));
      m->items.push_back(marks_of(kv.second, offset, depth + 1));
    }
  }
  return m;
}

// A node as the text has it: where its content starts (after anchor and tag), and, when it is a
// mapping value, where its key and the ':' are.
struct Place {
  Marks node;
  bool flow = false;            // inside a flow collection
  std::size_t key = kNone;      // the key's first byte (mapping values only)
  std::size_t key_end = kNone;
  std::size_t colon = kNone;
  std::size_t content = kNone;  // kNone: an empty (null) value
  std::size_t null_len = 0;     // an explicit null token at content
};

class Patcher {
 public:
  // `docs`: the documents read from `text`; with their marks (LoadLimits::marks) the text is not
  // parsed again, else yaml-cpp reads it here.
  Patcher(std::string_view text, const std::vector<Document>& docs) : y_(text) {
    if (!docs.empty() && std::all_of(docs.begin(), docs.end(), [](const Document& d) { return d.marks != nullptr; })) {
      for (const auto& d : docs) roots_.push_back(d.marks);
      return;
    }
    try {
      for (const auto& root : YAML::LoadAll(std::string(text))) roots_.push_back(marks_of(root, y_.bom(), 0));
    } catch (const YAML::Exception& e) {
      text_unsupported(std::string("yaml-cpp: ") + e.what());
    }
  }

  void apply(const Edit& e) {
    if (e.document >= roots_.size()) text_unsupported("no document " + std::to_string(e.document + 1));
    const std::vector<std::string> path = tokens(e.path);
    if (path.empty()) text_unsupported("an edit of a whole document");
    Place here = root_place(roots_[e.document]);
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
      std::optional<Place> next = child(here, path[i]);
      if (!next || next->node->kind == Kind::Null) {  // create the rest of the path under `here`
        if (!e.value) return;                // nothing to remove
        const std::vector<std::string> rest(path.begin() + static_cast<std::ptrdiff_t>(i), path.end());
        if (next) fill_null(*next, {rest.begin() + 1, rest.end()}, *e.value);
        else insert(here, rest, *e.value);
        return;
      }
      here = *next;
    }
    const std::optional<Place> leaf = child(here, path.back());
    const std::optional<Place> old = e.replaces.empty() ? std::nullopt : child(here, e.replaces);
    if (!e.value) {
      if (leaf) remove(here, *leaf);
      return;
    }
    if (leaf) {
      replace_value(*leaf, *e.value);
      if (old) remove(here, *old);
    } else if (old) {
      rename_key(*old, path.back());
      replace_value(*old, *e.value);
    } else {
      insert(here, {path.back()}, *e.value);
    }
  }

  void clear() { splices_.clear(); }

  std::string result() {
    std::sort(splices_.begin(), splices_.end(), [](const Splice& a, const Splice& b) { return a.at < b.at; });
    for (std::size_t i = 1; i < splices_.size(); ++i)
      if (splices_[i].at < splices_[i - 1].at + splices_[i - 1].len) text_unsupported("overlapping edits");
    // Built front to back: replacing in place from the back moves the whole tail once per splice,
    // quadratic in a long stream of annotated pods.
    const std::string_view in = y_.text();
    std::size_t size = in.size();
    for (const Splice& sp : splices_) size += sp.text.size() - sp.len;
    std::string out;
    out.reserve(size);
    std::size_t from = 0;
    for (const Splice& sp : splices_) {
      out.append(in.substr(from, sp.at - from)).append(sp.text);
      from = sp.at + sp.len;
    }
    out.append(in.substr(from));
    return out;
  }

 private:
  std::size_t pos(const Marks& n) const {
    if (n->pos == kNone || n->pos > y_.size()) text_unsupported("a node without a position");
    return n->pos;
  }

  Place root_place(const Marks& root) const {
    Place p;
    p.node = root;
    p.content = y_.skip_properties(pos(root));
    p.flow = false;
    return p;
  }

  // The mapping entry `key` of the mapping (or sequence item `key` of the sequence) at `parent`.
  std::optional<Place> child(const Place& parent, const std::string& key) const {
    const NodeMarks& n = *parent.node;
    const bool flow = parent.flow || y_.at(parent.content) == '{' || y_.at(parent.content) == '[';
    if (n.kind == Kind::Sequence) {
      for (std::size_t i = 0; i < n.items.size(); ++i) {
        if (std::to_string(i) != key) continue;
        Place p;
        p.node = n.items[i];
        p.flow = flow;
        p.content = y_.skip_properties(pos(p.node));
        return p;
      }
      return std::nullopt;
    }
    if (n.kind != Kind::Map) text_unsupported("'" + key + "' under a node that is not a mapping");
    check_mapping(parent);
    for (std::size_t i = 0; i + 1 < n.items.size(); i += 2) {
      const Marks& k = n.items[i];
      const Marks& value = n.items[i + 1];
      if (k->kind != Kind::Scalar || k->scalar != key) continue;
      Place p;
      p.node = value;
      p.flow = flow;
      p.key = y_.skip_properties(pos(k));
      const char q = y_.at(p.key);
      if (q == '"' || q == '\'') {
        p.key_end = y_.quoted_end(p.key);
      } else if (y_.text().substr(p.key, key.size()) == key) {
        p.key_end = p.key + key.size();
      } else {
        text_unsupported("key '" + key + "' is not written plainly at its mark");
      }
      p.colon = y_.skip_blanks(p.key_end);
      if (y_.at(p.colon) != ':') text_unsupported("no ':' after key '" + key + "'");
      const std::size_t v = y_.skip_blanks(p.colon + 1);
      if (value->kind == Kind::Null) {
        p.null_len = y_.null_token(v);
        if (p.null_len != 0) p.content = v;
      } else {
        p.content = y_.skip_properties(y_.skip_space_and_comments(p.colon + 1));
      }
      return p;
    }
    return std::nullopt;
  }

  // A block mapping's content is its first key; an alias or an explicit key is something else.
  void check_mapping(const Place& m) const {
    const char c = y_.at(m.content);
    if (c == '{') return;
    if (c == '*') text_unsupported("an aliased mapping");
    if (c == '?') text_unsupported("an explicit mapping key");
    if (m.node->items.empty()) text_unsupported("an empty block mapping");
    if (y_.skip_properties(pos(m.node->items.front())) != m.content)
      text_unsupported("a mapping whose first key is not where its text starts");
  }

  std::size_t key_column(const Place& p) const { return y_.column(p.key); }

  void replace_value(const Place& p, const std::string& value) {
    if (p.content == kNone) {  // an empty value: write it after the ':'
      splices_.push_back({p.colon + 1, 0, " " + yaml_plain_or_quoted(value, p.flow)});
      return;
    }
    const bool scalar = p.node->kind == Kind::Scalar;
    if (!scalar && p.node->kind != Kind::Null) text_unsupported("a value that is not a scalar");
    const char c = y_.at(p.content);
    const std::size_t end = p.null_len ? p.content + p.null_len : y_.scalar_end(p.content, p.flow, key_column(p) + 1);
    if (scalar && c != '"' && c != '\'' && c != '|' && c != '>' && c != '*' &&
        y_.text().substr(p.content, end - p.content) != p.node->scalar)
      text_unsupported("a plain scalar over more than one line");
    std::string text = c == '"' ? yaml_double_quoted(value)
                       : c == '\'' ? yaml_single_quoted(value)
                                   : yaml_plain_or_quoted(value, p.flow);
    if (y_.text().substr(p.content, end - p.content) == text) return;  // already so
    splices_.push_back({p.content, end - p.content, std::move(text)});
  }

  void rename_key(const Place& p, const std::string& key) {
    const char q = y_.at(p.key);
    std::string text = q == '"' ? yaml_double_quoted(key) : q == '\'' ? yaml_single_quoted(key) : yaml_plain_or_quoted(key, p.flow);
    splices_.push_back({p.key, p.key_end - p.key, std::move(text)});
  }

  // `keys` nested under each other, the last holding `value`: block lines at `indent`, or flow.
  std::string block_lines(const std::vector<std::string>& keys, const std::string& value, std::size_t indent) const {
    std::string out;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      out += std::string(indent + 2 * i, ' ') + yaml_plain_or_quoted(keys[i], false) + ":";
      out += i + 1 == keys.size() ? " " + yaml_plain_or_quoted(value, false) + y_.newline() : y_.newline();
    }
    return out;
  }
  static std::string flow_entry(const std::vector<std::string>& keys, const std::string& value, std::size_t from = 0) {
    std::string out = yaml_double_quoted(keys[from]) + ": ";
    return out + (from + 1 == keys.size() ? yaml_double_quoted(value) : "{" + flow_entry(keys, value, from + 1) + "}");
  }

  // New lines go after `line_end` (the break ending the line there, or the end of the text).
  void insert_lines_after(std::size_t line_end, std::string lines) {
    if (line_end >= y_.size()) {  // no line break at the end: start one, and end without one
      lines.resize(lines.size() - y_.newline().size());
      splices_.push_back({y_.size(), 0, y_.newline() + lines});
      return;
    }
    splices_.push_back({y_.next_line(line_end), 0, std::move(lines)});
  }

  void insert(const Place& m, const std::vector<std::string>& keys, const std::string& value) {
    if (m.node->kind != Kind::Map) text_unsupported("'" + keys.front() + "' under a node that is not a mapping");
    check_mapping(m);
    if (y_.at(m.content) != '{') {
      insert_lines_after(y_.block_mapping_end(m.content), block_lines(keys, value, y_.column(m.content)));
      return;
    }
    const YamlText::Flow f = y_.flow_extent(m.content);
    std::string entry = flow_entry(keys, value);
    if (f.last == f.open + 1) {
      splices_.push_back({f.open + 1, 0, std::move(entry)});
      return;
    }
    // One entry a line (pretty JSON): the new one goes on a line of its own before the first, so
    // that no other line changes (after the last, that line would need a ',').
    const std::size_t first_key = y_.skip_properties(pos(m.node->items.front()));
    if (y_.line_start(first_key) != y_.line_start(f.open) && y_.skip_blanks(y_.line_start(first_key)) == first_key) {
      splices_.push_back({first_key, 0, entry + "," + y_.newline() + std::string(y_.column(first_key), ' ')});
      return;
    }
    splices_.push_back({f.last, 0, (y_.at(f.last - 1) == ',' ? " " : ", ") + entry});
  }

  // The key at `p` holds a null: it becomes a mapping of `keys` (at least one) with `value`.
  void fill_null(const Place& p, const std::vector<std::string>& keys, const std::string& value) {
    if (p.key == kNone) text_unsupported("a null document or sequence item");
    if (p.flow) {
      const std::string map = "{" + flow_entry(keys, value) + "}";
      if (p.content != kNone) splices_.push_back({p.content, p.null_len, map});
      else splices_.push_back({p.colon + 1, 0, " " + map});
      return;
    }
    if (p.content != kNone) splices_.push_back({p.colon + 1, p.content + p.null_len - p.colon - 1, ""});
    insert_lines_after(y_.line_end(p.colon), block_lines(keys, value, key_column(p) + 2));
  }

  void remove(const Place& m, const Place& p) {
    const std::size_t value_end = p.content == kNone   ? p.colon + 1
                                  : p.null_len != 0    ? p.content + p.null_len
                                  : p.node->kind == Kind::Scalar ? y_.scalar_end(p.content, p.flow, key_column(p) + 1)
                                                       : kNone;
    if (value_end == kNone) text_unsupported("removing a key whose value is a collection");
    if (y_.at(m.content) != '{') {
      const std::size_t start = y_.line_start(p.key);
      if (y_.skip_blanks(start) != p.key) text_unsupported("removing a key that does not start its line");
      if (y_.skip_blanks(value_end) != y_.line_end(value_end) && !y_.comment_at(y_.skip_blanks(value_end)))
        text_unsupported("removing a key followed by more on its line");
      splices_.push_back({start, y_.next_line(value_end) - start, ""});
      return;
    }
    std::size_t end = y_.skip_space_and_comments(value_end);
    std::size_t start = p.key;
    if (y_.at(end) == ',') {
      end = y_.skip_blanks(end + 1);
    } else {  // the last entry: take the ',' before it
      std::size_t b = start;
      while (b > m.content && (y_.at(b - 1) == ' ' || y_.at(b - 1) == '\t' || y_.at(b - 1) == '\n' || y_.at(b - 1) == '\r')) --b;
      if (y_.at(b - 1) == ',') start = b - 1;
      end = value_end;
    }
    splices_.push_back({start, end - start, ""});
  }

  YamlText y_;
  std::vector<Marks> roots_;
  std::vector<Splice> splices_;
};

// `b`'s nodes in `skip` are not compared (the read-back check has already compared them).
bool same_tree_at(const Json& a, const Json& b, std::size_t depth, const std::vector<const Json*>& skip) {
  if (depth > 1000) return false;
  if (!skip.empty() && std::find(skip.begin(), skip.end(), &b) != skip.end()) return true;
  if (a.is_object() && b.is_object()) {
    if (a.size() != b.size()) return false;
    for (const auto& [k, v] : a.items())
      if (!b.contains(k) || !same_tree_at(v, b[k], depth + 1, skip)) return false;
    return true;
  }
  if (a.is_array() && b.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!same_tree_at(a[i], b[i], depth + 1, skip)) return false;
    return true;
  }
  return a == b;
}

// The patched text is read back to check it (the slow half of apply_edits: yaml-cpp scans a plain
// scalar a character at a time, and the initdata annotations are ~15 KB of base64 each). A value
// that every scalar style writes as it writes a short stand-in (base64: no blank, indicator,
// quote or escape) parses the same wherever it stands as any other such string does, so the
// check reads a second patch of the same edits in which each such value is a stand-in: each
// stand-in must read back where its edit put it, and everything else as the expected trees hold
// it (compared in place, not in a copy of them): the same structure, a fraction of the bytes. (Flow
// context double-quotes every string since issue 15; the check compared with the bare value then
// and never took the short path until it compared shapes.)
constexpr std::size_t kStandInMin = 256;

bool verbatim_scalar(const std::string& v) {
  if (v.size() < kStandInMin) return false;
  for (const char c : v)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='))
      return false;
  // Every style writes the value as it writes a stand-in (bare, or between the same quotes), so
  // the stand-in takes its place in the text without changing what is around it.
  static const std::string stand_in = "cocoStandIn0x";
  static const std::string stand_in_written[] = {yaml_plain_or_quoted(stand_in, false), yaml_plain_or_quoted(stand_in, true),
                                                 yaml_double_quoted(stand_in), yaml_single_quoted(stand_in)};
  // written == the stand-in's text with v in place of the stand-in (compared piece by piece: v is
  // ~15 KB and this runs for every annotation).
  auto same_shape = [&](const std::string& written, const std::string& around) {
    const std::size_t at = around.find(stand_in);
    if (at == std::string::npos) return false;
    const std::size_t after = at + stand_in.size(), tail = around.size() - after;
    return written.size() == at + v.size() + tail && written.compare(0, at, around, 0, at) == 0 &&
           written.compare(at, v.size(), v) == 0 && written.compare(at + v.size(), tail, around, after, tail) == 0;
  };
  return same_shape(yaml_plain_or_quoted(v, false), stand_in_written[0]) &&
         same_shape(yaml_plain_or_quoted(v, true), stand_in_written[1]) &&
         same_shape(yaml_double_quoted(v), stand_in_written[2]) && same_shape(yaml_single_quoted(v), stand_in_written[3]);
}

}  // namespace

bool same_tree(const Json& a, const Json& b) { return same_tree_at(a, b, 0, {}); }

EditResult apply_edits(std::string_view text, const std::string& name, const std::vector<Edit>& edits,
                       const std::vector<Document>& expected, unsigned jobs) {
  if (edits.empty()) return {std::string(text), ""};
  std::string why;
  try {
    Patcher p(text, expected);
    for (const Edit& e : edits) p.apply(e);
    std::string out = p.result();
    // Which edits take a stand-in: decided on every core (each check writes its value four ways).
    std::vector<char> stand_in(edits.size(), 0);
    parallel_for(edits.size(), [&](std::size_t i) {
      const Edit& e = edits[i];
      if (!e.value || e.document >= expected.size() || !verbatim_scalar(*e.value)) return;
      const Json& was = expected[e.document].value;
      if (!was.contains(e.path)) return;
      const Json& now = was[e.path];  // the value is already in the expected tree, or it is left as it is
      stand_in[i] = now.is_string() && now.get_ref<const std::string&>() == *e.value;
    }, jobs);
    std::vector<Edit> probe_edits;
    probe_edits.reserve(edits.size());
    for (std::size_t i = 0; i < edits.size(); ++i)
      probe_edits.push_back(stand_in[i] ? Edit{edits[i].document, edits[i].path, "cocoStandIn" + std::to_string(i) + "x",
                                               edits[i].replaces}
                                        : edits[i]);
    const bool probing = std::find(stand_in.begin(), stand_in.end(), 1) != stand_in.end();
    std::string probe;
    if (probing) {
      p.clear();
      for (const Edit& e : probe_edits) p.apply(e);
      probe = p.result();
    }
    LoadLimits limits;
    limits.jobs = jobs;
    const std::vector<Document> back = load_documents(probing ? probe : out, name, limits);
    bool same = back.size() == expected.size();
    // Where the probe text holds a stand-in (the last edit of its key), the read-back tree must
    // hold it too, and the rest of the trees must be the same.
    std::vector<std::vector<const Json*>> stood_in(expected.size());
    std::set<std::pair<std::size_t, std::string>> seen;
    for (std::size_t i = probe_edits.size(); same && i-- > 0;) {
      const Edit& e = probe_edits[i];
      if (!seen.emplace(e.document, e.path.to_string()).second || !stand_in[i]) continue;
      const Json& doc = back[e.document].value;
      same = doc.contains(e.path) && doc[e.path] == *e.value;
      stood_in[e.document].push_back(&expected[e.document].value[e.path]);
    }
    if (same) {  // every document on every core: a few hundred workloads' trees
      std::atomic<bool> all_same{true};
      parallel_for(back.size(), [&](std::size_t i) {
        if (all_same.load(std::memory_order_relaxed) && !same_tree_at(back[i].value, expected[i].value, 0, stood_in[i]))
          all_same = false;
      }, jobs);
      same = all_same;
    }
    if (same) return {std::move(out), ""};
    why = "the patched text read back differently";
  } catch (const TextUnsupported& u) {
    why = u.why;
  } catch (const Error& e) {
    why = std::string("the patched text did not parse: ") + e.what();
  } catch (const std::exception& e) {  // a patcher defect must cost the layout, not the run
    why = std::string("internal: ") + e.what();
  }
  return {render_documents(expected),
          name + ": rewrote the whole file, its comments and layout not kept (" + why + ")"};
}

}  // namespace coco::k8s
