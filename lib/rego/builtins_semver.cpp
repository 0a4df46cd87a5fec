// SPDX-License-Identifier: Apache-2.0
// semver.compare and semver.is_valid (OPA's topdown/semver.go): Semantic Versioning 2.0.0,
// MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], no leading "v"; build metadata does not take part in
// precedence.
#include <charconv>

#include "rego/builtins.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;

struct SemVer {
  std::int64_t major = 0, minor = 0, patch = 0;
  std::vector<std::string> pre;
};

bool is_numeric(std::string_view s) {
  if (s.empty()) return false;
  for (char ch : s)
    if (ch < '0' || ch > '9') return false;
  return true;
}

bool valid_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (char ch : s)
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-'))
      return false;
  return true;
}

std::vector<std::string_view> split_dots(std::string_view s) {
  std::vector<std::string_view> out;
  for (;;) {
    auto dot = s.find('.');
    out.push_back(s.substr(0, dot));
    if (dot == std::string_view::npos) return out;
    s.remove_prefix(dot + 1);
  }
}

std::optional<SemVer> parse_semver(std::string_view s) {
  SemVer v;
  if (auto plus = s.find('+'); plus != std::string_view::npos) {
    for (auto id : split_dots(s.substr(plus + 1)))
      if (!valid_identifier(id)) return std::nullopt;
    s = s.substr(0, plus);
  }
  if (auto dash = s.find('-'); dash != std::string_view::npos) {
    for (auto id : split_dots(s.substr(dash + 1))) {
      if (!valid_identifier(id)) return std::nullopt;
      v.pre.emplace_back(id);
    }
    s = s.substr(0, dash);
  }
  auto parts = split_dots(s);
  if (parts.size() != 3) return std::nullopt;
  std::int64_t* fields[] = {&v.major, &v.minor, &v.patch};
  for (std::size_t i = 0; i < 3; ++i) {
    if (!is_numeric(parts[i])) return std::nullopt;
    auto [p, ec] = std::from_chars(parts[i].data(), parts[i].data() + parts[i].size(), *fields[i]);
    if (ec != std::errc() || p != parts[i].data() + parts[i].size()) return std::nullopt;
  }
  return v;
}

int cmp3(std::int64_t a, std::int64_t b) { return a < b ? -1 : a > b ? 1 : 0; }

int compare_identifier(const std::string& a, const std::string& b) {
  bool na = is_numeric(a), nb = is_numeric(b);
  if (na && nb) {
    auto ta = a.substr(a.find_first_not_of('0') == std::string::npos ? a.size() - 1 : a.find_first_not_of('0'));
    auto tb = b.substr(b.find_first_not_of('0') == std::string::npos ? b.size() - 1 : b.find_first_not_of('0'));
    if (ta.size() != tb.size()) return ta.size() < tb.size() ? -1 : 1;
    return ta.compare(tb) < 0 ? -1 : ta.compare(tb) > 0 ? 1 : 0;
  }
  if (na != nb) return na ? -1 : 1;  // numeric identifiers have lower precedence
  return a < b ? -1 : a > b ? 1 : 0;
}

int compare_semver(const SemVer& a, const SemVer& b) {
  if (int r = cmp3(a.major, b.major)) return r;
  if (int r = cmp3(a.minor, b.minor)) return r;
  if (int r = cmp3(a.patch, b.patch)) return r;
  if (a.pre.empty() || b.pre.empty()) return a.pre.empty() == b.pre.empty() ? 0 : a.pre.empty() ? 1 : -1;
  for (std::size_t i = 0; i < a.pre.size() && i < b.pre.size(); ++i)
    if (int r = compare_identifier(a.pre[i], b.pre[i])) return r;
  return cmp3(static_cast<std::int64_t>(a.pre.size()), static_cast<std::int64_t>(b.pre.size()));
}

SemVer semver_arg(const BuiltinContext& c, Args a, std::size_t i) {
  const std::string& s = c.string_arg(a, i);
  auto v = parse_semver(s);
  if (!v) c.error("operand " + std::to_string(i + 1) + ": string " + Value::string(s).to_json_text() +
                  " is not a valid SemVer");
  return *v;
}

}  // namespace

void register_semver(Registry& r) {
  r.add("semver.is_valid", 1, [](const BuiltinContext&, Args a) -> std::optional<Value> {
    return Value::boolean(a[0].is_string() && parse_semver(a[0].as_string()).has_value());
  });
  r.add("semver.compare", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    SemVer x = semver_arg(c, a, 0);
    SemVer y = semver_arg(c, a, 1);
    return Value::integer(compare_semver(x, y));
  });
}

}  // namespace coco::rego
