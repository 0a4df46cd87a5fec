// SPDX-License-Identifier: Apache-2.0
// Regex builtins with RE2 (Go's regexp syntax and semantics, as OPA and regorus use):
// regex.match and regex.find_all_string_submatch_n. Compiled patterns are cached per thread.
#include <re2/re2.h>

#include <list>
#include <unordered_map>

#include "rego/builtins.h"
#include "util/utf8.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;

// A small per-thread LRU of compiled patterns: policies use a few dozen patterns many times.
const RE2& compiled(const BuiltinContext& c, const std::string& pattern) {
  constexpr std::size_t kMax = 512;
  thread_local std::list<std::pair<std::string, std::unique_ptr<RE2>>> lru;
  thread_local std::unordered_map<std::string, decltype(lru)::iterator> index;
  auto it = index.find(pattern);
  if (it != index.end()) {
    lru.splice(lru.begin(), lru, it->second);
    return *it->second->second;
  }
  RE2::Options opt;
  opt.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, opt);
  if (!re->ok()) c.error("error parsing regexp: " + re->error());
  lru.emplace_front(pattern, std::move(re));
  index[pattern] = lru.begin();
  if (lru.size() > kMax) {
    index.erase(lru.back().first);
    lru.pop_back();
  }
  return *lru.front().second;
}


}  // namespace

void register_regex(Registry& r) {
  r.add("regex.match", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const RE2& re = compiled(c, c.string_arg(a, 0));
    return Value::boolean(RE2::PartialMatch(c.string_arg(a, 1), re));
  });
  r.add("regex.find_all_string_submatch_n", 3, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const RE2& re = compiled(c, c.string_arg(a, 0));
    const std::string& s = c.string_arg(a, 1);
    std::int64_t n = c.int_arg(a, 2);
    int groups = re.NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> m(static_cast<std::size_t>(groups));
    Array out;
    std::size_t pos = 0;
    std::ptrdiff_t prev_end = -1;
    while ((n < 0 || static_cast<std::int64_t>(out.size()) < n) && pos <= s.size()) {
      if (!re.Match(s, pos, s.size(), RE2::UNANCHORED, m.data(), groups)) break;
      auto start = static_cast<std::ptrdiff_t>(m[0].data() - s.data());
      auto end = start + static_cast<std::ptrdiff_t>(m[0].size());
      bool accept = true;
      if (end == static_cast<std::ptrdiff_t>(pos)) {
        if (start == prev_end) accept = false;
        pos += utf8_sequence_width(s, pos);
      } else {
        pos = static_cast<std::size_t>(end);
      }
      prev_end = end;
      if (!accept) continue;
      Array row;
      for (const auto& g : m) row.push_back(Value::string(g.data() ? std::string(g.data(), g.size()) : std::string()));
      out.push_back(Value::array(std::move(row)));
    }
    return Value::array(std::move(out));
  });
}

}  // namespace coco::rego
