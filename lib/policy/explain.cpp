// SPDX-License-Identifier: Apache-2.0
#include "policy/explain.h"

#include <set>

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
  // A Fail is rescued when another body of the same rule succeeds afterwards in the same call
  // (an Exit at its depth, naming that rule, before the evaluation returns to a shallower depth):
  // `allow_storage` failing for one driver and matching the next explains nothing.
  using Kind = rego::TraceEvent::Kind;
  std::vector<std::string> enclosing(events.size()), last_enter;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (last_enter.size() <= e.depth) last_enter.resize(e.depth + 1);
    if (e.kind == Kind::Enter) last_enter[e.depth] = rule_name(e.text);
    else if (e.kind == Kind::Fail) enclosing[i] = last_enter[e.depth];
  }
  std::vector<bool> rescued(events.size(), false);
  std::vector<std::set<std::string>> exits;  // per depth, rule names that succeeded later in the window
  for (std::size_t i = events.size(); i-- > 0;) {
    const auto& e = events[i];
    if (exits.size() <= e.depth) exits.resize(e.depth + 1);
    for (std::size_t d = e.depth + 1; d < exits.size(); ++d) exits[d].clear();
    if (e.kind == Kind::Exit) exits[e.depth].insert(rule_name(e.text));
    else if (e.kind == Kind::Fail) rescued[i] = exits[e.depth].count(enclosing[i]) > 0;
  }
  // The causal chain: from the outermost failure (the last Fail at the smallest depth) down, each
  // step is the last unrescued Fail one call deeper before it, within that call.
  std::size_t top = events.size();
  for (std::size_t i = 0; i < events.size(); ++i)
    if (events[i].kind == Kind::Fail && (top == events.size() || events[i].depth <= events[top].depth)) top = i;
  if (top == events.size()) {
    x.summary = kind + ": no rule for this request allowed it (data.agent_policy." + kind +
                " is undefined or its default)";
    return x;
  }
  std::vector<std::size_t> chain{top};
  while (true) {
    const std::size_t cur = chain.back();
    std::size_t next = events.size();
    // An expression nested in this one (an `every` or comprehension body) fails just before it.
    if (cur > 0 && events[cur - 1].kind == Kind::Fail && events[cur - 1].depth == events[cur].depth &&
        events[cur].text.find('{') != std::string::npos) {
      chain.push_back(cur - 1);
      continue;
    }
    for (std::size_t j = cur; j-- > 0;) {
      if (events[j].depth <= events[cur].depth) break;
      if (events[j].kind == Kind::Fail && events[j].depth == events[cur].depth + 1 && !rescued[j]) {
        next = j;
        break;
      }
    }
    if (next == events.size()) break;
    chain.push_back(next);
  }
  // The step to report: the deepest one that binds a value of the request (the field); else the
  // deepest step.
  std::size_t pick = chain.back();
  std::string field;
  Json request_value;
  // Among a step's values found in the request, the likeliest culprit: an input-named variable
  // (i_…, Kata's convention) and an element of a list (Env[3]) before a name repeated everywhere.
  for (auto it = chain.rbegin(); it != chain.rend() && field.empty(); ++it) {
    int best_rank = -1;
    for (const auto& [n, v] : events[*it].locals) {
      if (!v.is_string() || v.get_ref<const std::string&>().size() < 2) continue;
      const std::string at = find_in_request(input, v);
      if (at.empty()) continue;
      const bool indexed = at.back() == ']' && std::isdigit(static_cast<unsigned char>(at[at.size() - 2]));
      const int rank = (n.rfind("i_", 0) == 0 ? 2 : 0) + (indexed ? 1 : 0);
      if (rank >= best_rank) {
        best_rank = rank;
        field = at;
        request_value = v;
        pick = *it;
      }
    }
  }
  if (field.empty()) {
    // The chain lost the cause (a comprehension computed earlier came out empty): fall back to
    // the deepest unrescued failure that binds a request value.
    std::size_t deep = events.size();
    for (std::size_t i = 0; i < events.size(); ++i)
      if (events[i].kind == Kind::Fail && !rescued[i] && (deep == events.size() || events[i].depth >= events[deep].depth))
        for (const auto& [n, v] : events[i].locals)
          if (v.is_string() && v.get_ref<const std::string&>().size() > 1 && !find_in_request(input, v).empty()) {
            deep = i;
            break;
          }
    if (deep != events.size()) {
      pick = deep;
      for (const auto& [n, v] : events[deep].locals)
        if (v.is_string() && v.get_ref<const std::string&>().size() > 1 && field.empty()) {
          field = find_in_request(input, v);
          if (!field.empty()) request_value = v;
        }
    }
  }
  const rego::TraceEvent& f = events[pick];
  // The policy side: within the failed call, a pattern or a value for the same variable name.
  std::string policy_side, prefix;
  if (request_value.is_string()) {
    const std::string& rv = request_value.get_ref<const std::string&>();
    if (rv.find('=') != std::string::npos) prefix = rv.substr(0, rv.find('=') + 1);
  }
  for (std::size_t j = pick; j-- > 0 && !prefix.empty() && policy_side.empty();) {
    if (events[j].depth <= f.depth) break;
    for (const auto& [n, v] : events[j].locals) {
      if (!v.is_string()) continue;
      const std::string& pv = v.get_ref<const std::string&>();
      if (looks_like_pattern(v) && pv.compare(1, prefix.size(), prefix) == 0) {
        policy_side = "does not match policy pattern " + pv;
        break;
      }
      if (pv.rfind(prefix, 0) == 0 && v != request_value) {
        policy_side = "differs from the policy's " + shown(v);
        break;
      }
    }
  }
  if (policy_side.empty()) policy_side = "is refused by `" + f.text + "`";
  if (field.empty()) {  // the expression reads the request directly: input.a.b or object.get(input, "a", …)
    std::string path;
    if (auto at = f.text.find("object.get(input, \""); at != std::string::npos) {
      at += 19;
      path = f.text.substr(at, f.text.find('"', at) - at);
    } else if (auto in = f.text.find("input."); in != std::string::npos) {
      for (std::size_t k = in + 6; k < f.text.size() && (std::isalnum(static_cast<unsigned char>(f.text[k])) ||
                                                        f.text[k] == '_' || f.text[k] == '.');
           ++k)
        path += f.text[k];
    }
    const Json* v = &input;
    std::string walked;
    for (std::size_t b = 0; !path.empty() && b <= path.size() && v != nullptr;) {
      const std::size_t e = std::min(path.find('.', b), path.size());
      const std::string key = path.substr(b, e - b);
      v = v->is_object() && v->contains(key) ? &(*v)[key] : nullptr;
      walked += (walked.empty() ? "" : ".") + key;
      b = e + 1;
    }
    if (!path.empty() && v != nullptr) {
      field = walked;
      request_value = *v;
    }
  }
  std::string container;
  for (const std::size_t c : chain)
    for (const auto& [n, v] : events[c].locals)
      if ((n == "i" || n == "idx") && v.is_number_integer()) container = "containers[" + v.dump() + "]";
  x.summary = field.empty() ? kind + ": `" + f.text + "` is false (" + f.location + ")"
                            : field + ": " + shown(request_value) + " " + policy_side;
  if (!container.empty()) x.summary += " (policy " + container + ")";
  std::string path;
  for (const std::size_t c : chain) path += (path.empty() ? "" : " > ") + rule_name(events[c].text);
  if (chain.size() > 1) x.detail.push_back("rule path: " + path);
  const rego::TraceEvent& deepest = events[chain.back()];
  x.detail.push_back("failed at " + f.location + ": " + f.text);
  if (&deepest != &f) x.detail.push_back("deepest failure " + deepest.location + ": " + deepest.text);
  for (const auto& [n, v] : f.locals) {
    const std::string at = v.is_string() ? find_in_request(input, v) : "";
    x.detail.push_back("  " + n + " = " + shown(v) + (at.empty() ? "" : "   (input." + at + ")"));
  }
  return x;
}

}  // namespace coco::policy
