#include "policy/explain.h"

namespace coco::policy {
namespace {

constexpr std::size_t kMaxFieldDepth = 32;
constexpr std::size_t kMaxShown = 160;  // characters of a value in the summary

std::string shown(const Json& v) {
  std::string s = v.dump();
  if (s.size() > kMaxShown) s = s.substr(0, kMaxShown) + "…";
  return s;
}

bool find_path(const Json& node, const Json& value, std::string& path, std::size_t depth) {
  if (depth > kMaxFieldDepth) return false;
  if (node == value) return true;
  if (node.is_object()) {
    for (const auto& [k, v] : node.items()) {
      const std::size_t keep = path.size();
      const bool plain = !k.empty() && k.find_first_of(".[]\" ") == std::string::npos;
      path += plain ? (path.empty() ? "" : ".") + k : "[" + Json(k).dump() + "]";
      if (find_path(v, value, path, depth + 1)) return true;
      path.resize(keep);
    }
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::size_t keep = path.size();
      path += "[" + std::to_string(i) + "]";
      if (find_path(node[i], value, path, depth + 1)) return true;
      path.resize(keep);
    }
  }
  return false;
}

bool looks_like_pattern(const Json& v) {
  if (!v.is_string()) return false;
  const std::string& s = v.get_ref<const std::string&>();
  return s.size() > 1 && s.front() == '^';
}

std::string rule_name(const std::string& text) {
  std::size_t n = 0;
  while (n < text.size() && (std::isalnum(static_cast<unsigned char>(text[n])) || text[n] == '_' || text[n] == '.')) ++n;
  return n ? text.substr(0, n) : text.substr(0, 40);
}

}  // namespace

std::string find_in_request(const Json& input, const Json& value) {
  if (!(value.is_string() || value.is_number()) || (value.is_string() && value.get_ref<const std::string&>().empty()))
    return "";
  std::string path;
  return find_path(input, value, path, 0) ? (path.empty() ? "input" : path) : "";
}

Explanation explain_denial(const std::vector<rego::TraceEvent>& events, const Json& input, const std::string& kind) {
  Explanation x;
  for (const auto& e : events) {
    const char* k = e.kind == rego::TraceEvent::Kind::Enter ? "enter" : e.kind == rego::TraceEvent::Kind::Exit ? "exit " : "fail ";
    std::string line = std::string(e.depth * 2, ' ') + k + " " + e.location + "  " + e.text;
    for (const auto& [n, v] : e.locals) line += "  " + n + "=" + shown(v);
    x.trace.push_back(std::move(line));
  }
  // The deepest Fail; at equal depth the later one (evaluation got further).
  std::size_t best = events.size();
  for (std::size_t i = 0; i < events.size(); ++i)
    if (events[i].kind == rego::TraceEvent::Kind::Fail && (best == events.size() || events[i].depth >= events[best].depth))
      best = i;
  if (best == events.size()) {
    x.summary = kind + ": no rule for this request allowed it (data.agent_policy." + kind +
                " is undefined or its default)";
    return x;
  }
  const rego::TraceEvent& f = events[best];
  // The calls still open at the failure: walk back, keeping one Enter per shallower depth.
  std::vector<const rego::TraceEvent*> stack;
  std::size_t want = f.depth;
  for (std::size_t i = best; i-- > 0 && want > 0;) {
    const auto& e = events[i];
    if (e.kind == rego::TraceEvent::Kind::Enter && e.depth < want) {
      stack.insert(stack.begin(), &e);
      want = e.depth;
    }
  }
  std::string path;
  std::string container;
  for (const auto* e : stack) {
    path += (path.empty() ? "" : " > ") + rule_name(e->text);
    for (const auto& [n, v] : e->locals)
      if ((n == "i" || n == "idx") && v.is_number_integer()) container = "containers[" + v.dump() + "]";
  }
  // The request side: a bound value found in the input; the policy side: the other values.
  std::string field, request_value, policy_side;
  for (const auto& [n, v] : f.locals) {
    if ((n == "i" || n == "idx") && v.is_number_integer()) container = "containers[" + v.dump() + "]";
    if (field.empty()) {
      const std::string at = find_in_request(input, v);
      if (!at.empty()) {
        field = at;
        request_value = shown(v);
        continue;
      }
    }
    if (looks_like_pattern(v) && policy_side.empty()) policy_side = "does not match policy pattern " + v.get<std::string>();
  }
  if (policy_side.empty()) policy_side = "fails `" + f.text + "`";
  if (!field.empty())
    x.summary = field + ": " + request_value + " " + policy_side;
  else
    x.summary = kind + ": `" + f.text + "` is false";
  if (!container.empty()) x.summary += " (" + container + ")";
  x.detail.push_back("denied at " + f.location + ": " + f.text);
  if (!path.empty()) x.detail.push_back("rule path: " + path);
  for (const auto& [n, v] : f.locals) {
    const std::string at = find_in_request(input, v);
    x.detail.push_back("  " + n + " = " + shown(v) + (at.empty() ? "" : "   (input." + at + ")"));
  }
  return x;
}

}  // namespace coco::policy
