// SPDX-License-Identifier: Apache-2.0
#include "k8s/manifest.h"

#include <re2/re2.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstdio>
#include <istream>
#include <map>
#include <stdexcept>
#include <streambuf>

#include "util/encoding.h"
#include "util/error.h"
#include "util/parallel.h"

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

// Builds one JSON value per document straight from yaml-cpp's parse events (no YAML::Node tree in
// between). Aliases are expanded here, with their node count and height known in advance, so an
// alias bomb or a deep alias is refused before anything is copied.
class JsonBuilder : public YAML::EventHandler {
 public:
  // `stream_nodes` counts the nodes of every builder reading a part of the same stream.
  // `mark_offset`: where the text read starts in the whole stream (Document::marks count from
  // there; yaml-cpp's marks skip a BOM).
  JsonBuilder(std::string_view text, const std::string& name, const LoadLimits& limits,
              std::atomic<std::size_t>* stream_nodes = nullptr, std::size_t mark_offset = 0)
      : text_(text), name_(name), limits_(limits), stream_nodes_(stream_nodes), mark_offset_(mark_offset) {}

  std::vector<Document> docs;

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp's document loop does not advance over a token that cannot start a node (',' after a
    // complete root node, "'a',", "- a\n, b"): it returns an empty document at the same place for
    // ever. A document that starts where the last one started consumed nothing: refuse it there.
    if (!docs.empty() && mark.pos == last_start_.pos) fail_unexpected(mark);
    last_start_ = mark;
    anchors_.clear();  // anchors are scoped to their document
    mark_anchors_.clear();
    docs.emplace_back();
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (expecting_key()) fail(at(name_, mark), "a mapping key must be a scalar");
    add_marks(leaf(NodeMarks::Kind::Null, mark, nullptr), anchor);
    add(mark, nullptr, anchor, nullptr, 1, 0);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    const std::string& text = utf8_scalar(value, name_, mark);
    add_marks(leaf(NodeMarks::Kind::Scalar, mark, &value), anchor);
    if (expecting_key()) {
      count(mark, 1, 0);
      add_key(mark, text);
      if (anchor) anchors_[anchor] = Anchored{Json(text), text, true, 1, 0};
      return;
    }
    const bool string_tag = tag == "!" || tag == "tag:yaml.org,2002:str" || tag == "tag:yaml.org,2002:binary";
    add(mark, string_tag ? Json(text) : plain_scalar(text), anchor, &text, 1, 0);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = anchors_.find(anchor);
    if (it == anchors_.end()) fail(at(name_, mark), "an alias to a node that contains it");
    const Anchored& a = it->second;
    if (limits_.marks) add_marks(mark_anchors_[anchor], 0);
    if (expecting_key()) {
      if (!a.scalar) fail(at(name_, mark), "a mapping key must be a scalar");
      count(mark, 1, 0);
      add_key(mark, a.text);
      return;
    }
    count(mark, a.nodes, a.height);  // before the copy
    place(mark, Json(a.value), a.height);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, Json::array(), anchor);
    open_marks(NodeMarks::Kind::Sequence, mark, anchor);
  }
  void OnSequenceEnd() override {
    close();
    close_marks();
  }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, Json::object(), anchor);
    open_marks(NodeMarks::Kind::Map, mark, anchor);
  }
  void OnMapEnd() override {
    close();
    close_marks();
  }

 private:
  struct Anchored {
    Json value;
    std::string text;  // a scalar's text, for use as a key
    bool scalar = false;
    std::size_t nodes = 1, height = 0;
  };
  struct Open {
    Json value;  // an array or an object being filled
    YAML::Mark mark;
    YAML::anchor_t anchor = 0;
    std::size_t first_node = 0;  // nodes_ when it opened
    std::size_t height = 0;      // levels below it: one more than its deepest child's
    std::string key;             // the pending key of an object
    bool have_key = false;
  };

  // Document::marks, built beside the JSON value when asked for (nothing is done otherwise).
  std::shared_ptr<NodeMarks> leaf(NodeMarks::Kind kind, const YAML::Mark& mark, const std::string* scalar) const {
    if (!limits_.marks) return nullptr;
    auto n = std::make_shared<NodeMarks>();
    n->kind = kind;
    n->pos = mark_offset_ + static_cast<std::size_t>(std::max(mark.pos, 0));
    if (scalar) n->scalar = *scalar;
    return n;
  }
  void add_marks(std::shared_ptr<const NodeMarks> n, YAML::anchor_t anchor) {
    if (!limits_.marks) return;
    if (anchor) mark_anchors_[anchor] = n;
    if (open_marks_.empty()) docs.back().marks = std::move(n);
    else open_marks_.back()->items.push_back(std::move(n));
  }
  void open_marks(NodeMarks::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (!limits_.marks) return;
    auto n = leaf(kind, mark, nullptr);
    if (anchor) mark_anchors_[anchor] = n;
    open_marks_.push_back(std::move(n));
  }
  void close_marks() {
    if (!limits_.marks) return;
    std::shared_ptr<const NodeMarks> n = std::move(open_marks_.back());
    open_marks_.pop_back();
    add_marks(std::move(n), 0);
  }

  bool expecting_key() const { return !open_.empty() && open_.back().value.is_object() && !open_.back().have_key; }

  [[noreturn]] void fail_unexpected(const YAML::Mark& m) const {
    const auto pos = static_cast<std::size_t>(m.pos);
    const unsigned char c = pos < text_.size() ? static_cast<unsigned char>(text_[pos]) : 0;
    const std::string what = c > 0x20 && c < 0x7f ? "'" + std::string(1, static_cast<char>(c)) + "'" : "this token";
    fail(at(name_, m), what + " cannot start a node here (a document holds one node)");
  }

  void count(const YAML::Mark& mark, std::size_t nodes, std::size_t height) {
    nodes_ += nodes;
    const std::size_t total = stream_nodes_ ? stream_nodes_->fetch_add(nodes) + nodes : nodes_;
    if (total > limits_.max_nodes)
      fail(at(name_, mark), "more than " + std::to_string(limits_.max_nodes) +
                                " nodes after expanding aliases (an alias bomb?)");
    if (open_.size() + height > limits_.max_depth)
      fail(at(name_, mark), "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
  }

  void add_key(const YAML::Mark& mark, const std::string& key) {
    Open& o = open_.back();
    if (o.value.contains(key)) fail(at(name_, mark), "duplicate key '" + key + "'");
    o.key = key;
    o.have_key = true;
  }

  // A complete scalar or null node.
  void add(const YAML::Mark& mark, Json value, YAML::anchor_t anchor, const std::string* scalar_text,
           std::size_t nodes, std::size_t height) {
    count(mark, nodes, height);
    if (anchor)
      anchors_[anchor] = Anchored{value, scalar_text ? *scalar_text : std::string(), scalar_text != nullptr, nodes, height};
    place(mark, std::move(value), height);
  }

  // A complete node into its parent, or as the document's root.
  void place(const YAML::Mark& mark, Json value, std::size_t height) {
    if (open_.empty()) {
      Document& d = docs.back();
      d.value = std::move(value);
      d.line = mark.is_null() ? 0 : mark.line + 1;
      return;
    }
    Open& o = open_.back();
    o.height = std::max(o.height, height + 1);
    if (o.value.is_array()) {
      o.value.push_back(std::move(value));
    } else {
      o.value.emplace(std::move(o.key), std::move(value));
      o.have_key = false;
    }
  }

  void open(const YAML::Mark& mark, Json value, YAML::anchor_t anchor) {
    if (expecting_key()) fail(at(name_, mark), "a mapping key must be a scalar");
    count(mark, 1, 0);
    open_.push_back(Open{std::move(value), mark, anchor, nodes_, 0, {}, false});
  }

  void close() {
    Open o = std::move(open_.back());
    open_.pop_back();
    if (o.anchor) anchors_[o.anchor] = Anchored{o.value, {}, false, nodes_ - o.first_node + 1, o.height};
    place(o.mark, std::move(o.value), o.height);
  }

  std::string_view text_;
  const std::string& name_;
  const LoadLimits& limits_;
  std::vector<Open> open_;
  std::map<YAML::anchor_t, Anchored> anchors_;
  std::atomic<std::size_t>* stream_nodes_;
  std::size_t nodes_ = 0;
  YAML::Mark last_start_;
  std::size_t mark_offset_ = 0;
  std::vector<std::shared_ptr<NodeMarks>> open_marks_;
  std::map<YAML::anchor_t, std::shared_ptr<const NodeMarks>> mark_anchors_;
};

// A read-only std::streambuf over the caller's text, so yaml-cpp reads it without a copy.
struct ViewBuf : std::streambuf {
  explicit ViewBuf(std::string_view v) {
    char* p = const_cast<char*>(v.data());  // the get area only: never written
    setg(p, p, p + v.size());
  }
};

}  // namespace

namespace {

// One pass of yaml-cpp over `text`, which starts at `offset` in the whole stream; throws
// coco::Error naming name:line:column.
std::vector<Document> read_stream(std::string_view text, const std::string& name, const LoadLimits& limits,
                                  std::atomic<std::size_t>* stream_nodes = nullptr, std::size_t offset = 0) {
  // yaml-cpp's marks count from after a UTF-8 byte order mark.
  const std::size_t mark_offset = offset + (text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0);
  JsonBuilder builder(text, name, limits, stream_nodes, mark_offset);
  ViewBuf buf(text);
  std::istream in(&buf);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const YAML::DeepRecursion& e) {  // yaml-cpp's own message for it is "bad file"
    fail(at(name, e.mark), "YAML nested deeper than " + std::to_string(e.depth()) + " levels");
  } catch (const YAML::Exception& e) {  // ParserException, DeepRecursion: both carry a mark
    fail(at(name, e.mark), e.msg);
  }
  return std::move(builder.docs);
}

// Where the stream may be cut into parts that read as it reads whole: before each line that is
// "---" followed by a blank or the line's end (LF or CRLF). A "---" line at column 0 starts a document
// wherever it stands (inside a quoted scalar or a flow collection it is an error either way, and
// an error reads the stream again whole). A stream with a directive ('%') or a document end
// marker ("...") at column 0 is not cut. Empty when the stream is not worth cutting.
std::vector<std::size_t> document_cuts(std::string_view text) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 0; i < text.size();) {
    const std::string_view rest = text.substr(i);
    if (rest[0] == '%' || rest.rfind("...", 0) == 0) return {};
    if (i > 0 && rest.rfind("---", 0) == 0 &&
        (rest.size() == 3 || rest[3] == '\n' || rest[3] == ' ' || rest[3] == '\t' ||
         (rest[3] == '\r' && rest.size() > 4 && rest[4] == '\n')))  // a lone CR breaks no line for yaml-cpp
      cuts.push_back(i);
    const std::size_t nl = text.find('\n', i);
    if (nl == std::string_view::npos) break;
    i = nl + 1;
  }
  return cuts;
}

}  // namespace

std::vector<std::size_t> stream_parts(std::string_view text, const LoadLimits& limits) {
  std::vector<std::size_t> starts{0};
  const std::vector<std::size_t> cuts = text.size() >= limits.parallel_min_bytes ? document_cuts(text) : std::vector<std::size_t>{};
  const unsigned cores = worker_count(cuts.size() + 1, limits.jobs);
  if (cuts.empty() || cores == 1) return starts;
  // Parts of about equal size, a few per core; each starts at a cut, so each holds whole documents.
  const std::size_t target = text.size() / (cores * 4) + 1;
  for (const std::size_t c : cuts)
    if (c - starts.back() >= target) starts.push_back(c);
  return starts;
}

std::vector<Document> load_documents(std::string_view text, const std::string& name,
                                     const LoadLimits& limits) {
  reject_unreadable_bytes(text, name);
  const std::vector<std::size_t> starts = stream_parts(text, limits);
  if (starts.size() == 1) return read_stream(text, name, limits);
  const unsigned cores = worker_count(starts.size(), limits.jobs);
  std::vector<std::vector<Document>> parts(starts.size());
  std::atomic<std::size_t> stream_nodes{0};
  try {
    parallel_for(parts.size(), [&](std::size_t k) {
      const bool last = k + 1 == starts.size();
      // A part is read with the next part's "---" after it, so that whatever is open at the cut (a
      // quoted scalar, a flow collection) meets that marker as it does in the whole stream, where
      // yaml-cpp refuses it; a part that reads cleanly ends with the empty document "---" opens.
      const std::size_t end = last ? text.size() : starts[k + 1] + 3;
      parts[k] = read_stream(text.substr(starts[k], end - starts[k]), name, limits, &stream_nodes, starts[k]);
      if (!last) {
        if (parts[k].empty() || !parts[k].back().value.is_null()) throw std::logic_error("cut");
        parts[k].pop_back();
      }
    }, cores);
  } catch (...) {
    return read_stream(text, name, limits);  // the whole stream again, for its documents or its message
  }

  std::vector<Document> docs;
  std::size_t line = 0;  // lines before the part
  for (std::size_t k = 0; k < parts.size(); ++k) {
    for (auto& d : parts[k]) {
      if (d.line > 0) d.line += static_cast<int>(line);
      docs.push_back(std::move(d));
    }
    const std::size_t end = k + 1 < starts.size() ? starts[k + 1] : text.size();
    line += static_cast<std::size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(starts[k]),
                                                text.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
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
