// SPDX-License-Identifier: Apache-2.0
// regex.find_n, regex.replace, regex.split, regex.is_valid and regex.template_match (OPA's
// topdown/regex.go). Patterns are RE2 (Go's regexp syntax); the loops below follow Go's
// FindAllString / ReplaceAllString / Split on empty matches (an empty match right after another
// match is skipped, and the scan advances one code point), and `$1`/`${name}` in a replacement
// expand as Go's Regexp.Expand does (the longest run of letters, digits and '_' names the group).
#include <re2/re2.h>

#include <algorithm>
#include <memory>
#include <unordered_map>

#include "rego/builtins.h"
#include "util/utf8.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;

constexpr std::size_t kCacheSize = 256;

// Compiled patterns, per thread; a pattern that does not compile is an eval_builtin_error.
std::shared_ptr<const RE2> compile(const BuiltinContext& c, const std::string& pattern) {
  thread_local std::unordered_map<std::string, std::shared_ptr<const RE2>> cache;
  if (auto it = cache.find(pattern); it != cache.end()) return it->second;
  RE2::Options opts;
  opts.set_log_errors(false);
  auto re = std::make_shared<const RE2>(pattern, opts);
  if (!re->ok()) c.error("error parsing regexp: " + re->error());
  if (cache.size() >= kCacheSize) cache.clear();
  cache.emplace(pattern, re);
  return re;
}


// Every accepted match (as Go's FindAll...Index with limit n < 0 meaning all), groups included.
std::vector<std::vector<re2::StringPiece>> find_all(const RE2& re, const std::string& s, std::int64_t n) {
  std::vector<std::vector<re2::StringPiece>> out;
  const int ngroups = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> m(static_cast<std::size_t>(ngroups));
  std::size_t pos = 0;
  std::ptrdiff_t prev_end = -1;
  while ((n < 0 || static_cast<std::int64_t>(out.size()) < n) && pos <= s.size()) {
    if (!re.Match(s, pos, s.size(), RE2::UNANCHORED, m.data(), ngroups)) break;
    auto begin = m[0].data() - s.data();
    auto end = begin + static_cast<std::ptrdiff_t>(m[0].size());
    bool accept = true;
    if (end == static_cast<std::ptrdiff_t>(pos)) {
      if (begin == prev_end) accept = false;
      pos += utf8_sequence_width(s, pos);
    } else {
      pos = static_cast<std::size_t>(end);
    }
    prev_end = end;
    if (accept) out.push_back(m);
  }
  return out;
}

// Go's Regexp.Expand of a replacement template for one match.
void expand(std::string& out, const RE2& re, const std::string& tmpl, const std::vector<re2::StringPiece>& m) {
  auto group = [&](const std::string& name) -> std::string {
    bool numeric = !name.empty() && name.find_first_not_of("0123456789") == std::string::npos;
    if (numeric) {
      if (name.size() > 6) return "";
      std::size_t idx = std::stoul(name);
      return idx < m.size() && m[idx].data() ? std::string(m[idx]) : "";
    }
    const auto& names = re.NamedCapturingGroups();
    auto it = names.find(name);
    if (it == names.end()) return "";
    auto idx = static_cast<std::size_t>(it->second);
    return idx < m.size() && m[idx].data() ? std::string(m[idx]) : "";
  };
  auto is_name = [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
  };
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '$' || i + 1 >= tmpl.size()) { out.push_back(tmpl[i]); continue; }
    if (tmpl[i + 1] == '$') { out.push_back('$'); ++i; continue; }
    if (tmpl[i + 1] == '{') {
      auto close = tmpl.find('}', i + 2);
      std::string name = close == std::string::npos ? "" : tmpl.substr(i + 2, close - i - 2);
      bool ok = !name.empty() && std::all_of(name.begin(), name.end(), is_name);
      if (!ok) { out.push_back('$'); continue; }  // Go leaves a malformed reference as text
      out += group(name);
      i = close;
      continue;
    }
    std::size_t j = i + 1;
    while (j < tmpl.size() && is_name(tmpl[j])) ++j;
    if (j == i + 1) { out.push_back('$'); continue; }
    out += group(tmpl.substr(i + 1, j - i - 1));
    i = j - 1;
  }
}

std::string replace_all(const RE2& re, const std::string& s, const std::string& repl) {
  std::string out;
  const int ngroups = re.NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> m(static_cast<std::size_t>(ngroups));
  std::size_t pos = 0, last_end = 0;
  while (pos <= s.size()) {
    if (!re.Match(s, pos, s.size(), RE2::UNANCHORED, m.data(), ngroups)) break;
    auto begin = static_cast<std::size_t>(m[0].data() - s.data());
    auto end = begin + m[0].size();
    out.append(s, last_end, begin - last_end);
    if (end > last_end || begin == 0) expand(out, re, repl, m);
    last_end = end;
    std::size_t w = utf8_sequence_width(s, pos);
    if (pos + w > end) pos += w;
    else if (pos + 1 > end) pos += 1;
    else pos = end;
  }
  out.append(s, std::min(last_end, s.size()), std::string::npos);
  return out;
}

Array split(const RE2& re, const std::string& pattern, const std::string& s) {
  if (!pattern.empty() && s.empty()) return {Value::string("")};
  Array out;
  std::size_t beg = 0, end = 0;
  for (const auto& m : find_all(re, s, -1)) {
    end = static_cast<std::size_t>(m[0].data() - s.data());
    std::size_t mend = end + m[0].size();
    if (mend != 0) out.push_back(Value::string(s.substr(beg, end - beg)));
    beg = mend;
  }
  if (end != s.size()) out.push_back(Value::string(s.substr(beg)));
  return out;
}

// regex.template_match: text outside the delimiters is literal, text inside is a pattern.
std::string template_to_re2(const BuiltinContext& c, const std::string& tmpl, char open, char close) {
  std::string re = "^";
  std::size_t i = 0;
  while (i < tmpl.size()) {
    auto start = tmpl.find(open, i);
    if (start == std::string::npos) {
      re += RE2::QuoteMeta(tmpl.substr(i));
      break;
    }
    re += RE2::QuoteMeta(tmpl.substr(i, start - i));
    int level = 0;
    std::size_t j = start;
    for (; j < tmpl.size(); ++j) {
      if (tmpl[j] == open) ++level;
      else if (tmpl[j] == close && --level == 0) break;
    }
    if (j >= tmpl.size() || level != 0) c.error("unbalanced braces in template " + Value::string(tmpl).to_json_text());
    re += "(" + tmpl.substr(start + 1, j - start - 1) + ")";
    i = j + 1;
  }
  return re + "$";
}

char delimiter(const BuiltinContext& c, Args a, std::size_t i) {
  const std::string& d = c.string_arg(a, i);
  if (d.size() != 1) c.error("delimiters must be single characters");
  return d[0];
}

}  // namespace

void register_regex_more(Registry& r) {
  r.add("regex.is_valid", 1, [](const BuiltinContext&, Args a) -> std::optional<Value> {
    if (!a[0].is_string()) return Value::boolean(false);
    RE2::Options opts;
    opts.set_log_errors(false);
    return Value::boolean(RE2(a[0].as_string(), opts).ok());
  });
  r.add("regex.find_n", 3, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    auto re = compile(c, c.string_arg(a, 0));
    const std::string& s = c.string_arg(a, 1);
    std::int64_t n = c.int_arg(a, 2);
    Array out;
    for (const auto& m : find_all(*re, s, n)) out.push_back(Value::string(std::string(m[0])));
    return Value::array(std::move(out));
  });
  r.add("regex.replace", 3, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const std::string& s = c.string_arg(a, 0);
    auto re = compile(c, c.string_arg(a, 1));
    return Value::string(replace_all(*re, s, c.string_arg(a, 2)));
  });
  r.add("regex.split", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const std::string& pattern = c.string_arg(a, 0);
    auto re = compile(c, pattern);
    return Value::array(split(*re, pattern, c.string_arg(a, 1)));
  });
  r.add("regex.template_match", 4, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const std::string& tmpl = c.string_arg(a, 0);
    const std::string& s = c.string_arg(a, 1);
    auto re = compile(c, template_to_re2(c, tmpl, delimiter(c, a, 2), delimiter(c, a, 3)));
    return Value::boolean(RE2::PartialMatch(s, *re));
  });
}

}  // namespace coco::rego
