// SPDX-License-Identifier: Apache-2.0
// net.cidr_contains, net.cidr_contains_matches, net.cidr_expand, net.cidr_is_valid,
// net.cidr_intersects and net.cidr_merge (OPA's topdown/net.go and cidr.go, Go's net.ParseCIDR /
// net.ParseIP): IPv4 and IPv6 through inet_pton. An IPv4 and an IPv6 network never contain or
// intersect each other. cidr_merge joins overlapping and adjacent networks and writes each merged
// range as the fewest CIDRs; a bare IPv4 address there takes its classful mask (Go's DefaultMask).
// cidr_expand is bounded (kMaxExpand addresses) so that a /64 cannot exhaust memory.
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "rego/builtins.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;

constexpr std::size_t kMaxExpand = 1 << 20;

struct Net {
  bool v6 = false;
  std::array<std::uint8_t, 16> addr{};  // IPv4 in the first 4 bytes
  int prefix = 0;                       // bits
  std::size_t bytes() const { return v6 ? 16 : 4; }
};

std::optional<Net> parse_ip(const std::string& s) {
  Net n;
  if (s.find(':') != std::string::npos) {
    if (inet_pton(AF_INET6, s.c_str(), n.addr.data()) != 1) return std::nullopt;
    n.v6 = true;
    n.prefix = 128;
    return n;
  }
  if (inet_pton(AF_INET, s.c_str(), n.addr.data()) != 1) return std::nullopt;
  n.prefix = 32;
  return n;
}

std::optional<Net> parse_cidr(const std::string& s) {
  auto slash = s.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto n = parse_ip(s.substr(0, slash));
  std::string bits = s.substr(slash + 1);
  if (!n || bits.empty() || bits.size() > 3 || bits.find_first_not_of("0123456789") != std::string::npos ||
      (bits.size() > 1 && bits[0] == '0'))
    return std::nullopt;
  int p = std::stoi(bits);
  if (p > n->prefix) return std::nullopt;
  n->prefix = p;
  return n;
}

Net masked(Net n) {
  for (std::size_t i = 0; i < n.bytes(); ++i) {
    int keep = std::clamp(n.prefix - static_cast<int>(i) * 8, 0, 8);
    n.addr[i] &= static_cast<std::uint8_t>(0xff00 >> keep);
  }
  return n;
}

bool contains(const Net& outer, const Net& inner) {
  if (outer.v6 != inner.v6 || inner.prefix < outer.prefix) return false;
  Net a = masked(outer), b = inner;
  b.prefix = outer.prefix;
  return a.addr == masked(b).addr;
}

Net cidr_arg(const BuiltinContext& c, Args a, std::size_t i) {
  auto n = parse_cidr(c.string_arg(a, i));
  if (!n) c.error("invalid CIDR address: " + a[i].as_string());
  return *n;
}

std::string ip_text(const Net& n) {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(n.v6 ? AF_INET6 : AF_INET, n.addr.data(), buf, sizeof buf);
  return buf;
}

using U128 = unsigned __int128;

U128 to_int(const Net& n) {
  U128 v = 0;
  for (std::size_t i = 0; i < n.bytes(); ++i) v = (v << 8) | n.addr[i];
  return v;
}

Net from_int(U128 v, bool v6, int prefix) {
  Net n;
  n.v6 = v6;
  n.prefix = prefix;
  for (std::size_t i = n.bytes(); i-- > 0;) {
    n.addr[i] = static_cast<std::uint8_t>(v & 0xff);
    v >>= 8;
  }
  return n;
}

// The first and last address of a network, as integers.
std::pair<U128, U128> span(const Net& n) {
  const int bits = static_cast<int>(n.bytes()) * 8;
  const int host = bits - n.prefix;
  U128 first = to_int(masked(n));
  U128 size_minus_one = host >= 128 ? ~U128{0} : (U128{1} << host) - 1;
  return {first, first + size_minus_one};
}

// A range as the fewest aligned networks.
void range_to_cidrs(U128 first, U128 last, bool v6, Set& out) {
  const int bits = v6 ? 128 : 32;
  for (;;) {
    int host = 0;
    while (host < bits) {
      if (host + 1 == 128) {  // the whole IPv6 space: 2^128 does not fit in U128
        if (first == 0 && last == ~U128{0}) ++host;
        break;
      }
      U128 size = U128{1} << (host + 1);
      if ((first & (size - 1)) != 0 || first + (size - 1) > last || first + (size - 1) < first) break;
      ++host;
    }
    Net n = from_int(first, v6, bits - host);
    out.insert(Value::string(ip_text(n) + "/" + std::to_string(n.prefix)));
    U128 block_last = host >= 128 ? ~U128{0} : first + ((U128{1} << host) - 1);
    if (block_last >= last) return;
    first = block_last + 1;
  }
}

Net merge_operand(const BuiltinContext& c, const Value& v) {
  if (!v.is_string()) c.error("element must be string");
  const std::string& s = v.as_string();
  if (s.find('/') != std::string::npos) {
    auto n = parse_cidr(s);
    if (!n) c.error("invalid CIDR address: " + s);
    return *n;
  }
  auto n = parse_ip(s);
  if (!n) c.error("invalid IP address: " + s);
  if (n->v6) c.error("IPv6 invalid: needs prefix length");
  const int first = n->addr[0];
  if (first >= 224) c.error("IPv4 invalid: needs prefix length");
  n->prefix = first < 128 ? 8 : first < 192 ? 16 : 24;
  return *n;
}

// cidr_contains_matches operands: (key, CIDR or IP text) for each element.
std::vector<std::pair<Value, std::string>> match_items(const BuiltinContext& c, Args a, std::size_t i) {
  std::vector<std::pair<Value, std::string>> out;
  auto text = [&](const Value& e) -> std::string {
    if (e.is_string()) return e.as_string();
    if (e.is_array() && !e.as_array().empty() && e.as_array()[0].is_string()) return e.as_array()[0].as_string();
    c.error("operand " + std::to_string(i + 1) + ": element must be string or non-empty array");
  };
  const Value& v = a[i];
  if (v.is_string()) out.emplace_back(v, v.as_string());
  else if (v.is_array())
    for (std::size_t k = 0; k < v.as_array().size(); ++k)
      out.emplace_back(Value::integer(static_cast<std::int64_t>(k)), text(v.as_array()[k]));
  else if (v.is_set()) for (const auto& e : v.as_set()) out.emplace_back(e, text(e));
  else if (v.is_object()) for (const auto& [k, e] : v.as_object()) out.emplace_back(k, text(e));
  else c.type_error(i, v, "one of {string, array, set, object}");
  return out;
}

}  // namespace

void register_net(Registry& r) {
  r.add("net.cidr_merge", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    std::vector<Net> nets;
    if (a[0].is_array()) for (const auto& v : a[0].as_array()) nets.push_back(merge_operand(c, v));
    else if (a[0].is_set()) for (const auto& v : a[0].as_set()) nets.push_back(merge_operand(c, v));
    else c.type_error(0, a[0], "one of {array, set}");
    Set out;
    for (bool v6 : {false, true}) {
      std::vector<std::pair<U128, U128>> ranges;
      for (const auto& n : nets)
        if (n.v6 == v6) ranges.push_back(span(n));
      std::sort(ranges.begin(), ranges.end());
      for (std::size_t i = 0; i < ranges.size();) {
        U128 first = ranges[i].first, last = ranges[i].second;
        std::size_t j = i + 1;
        for (; j < ranges.size() && (last == ~U128{0} || ranges[j].first <= last + 1); ++j)
          last = std::max(last, ranges[j].second);
        range_to_cidrs(first, last, v6, out);
        i = j;
      }
    }
    return Value::set(std::move(out));
  });
  r.add("net.cidr_contains_matches", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    auto outer = match_items(c, a, 0);
    auto inner = match_items(c, a, 1);
    Set out;
    for (const auto& [k1, s1] : outer) {
      auto n1 = parse_cidr(s1);
      if (!n1) c.error("operand 1: invalid CIDR address: " + s1);
      for (const auto& [k2, s2] : inner) {
        auto n2 = s2.find('/') != std::string::npos ? parse_cidr(s2) : parse_ip(s2);
        if (!n2) c.error("operand 2: invalid CIDR address or IP: " + s2);
        if (contains(*n1, *n2)) out.insert(Value::array({k1, k2}));
      }
    }
    return Value::set(std::move(out));
  });
  r.add("net.cidr_contains", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    Net outer = cidr_arg(c, a, 0);
    const std::string& s = c.string_arg(a, 1);
    auto inner = s.find('/') != std::string::npos ? parse_cidr(s) : parse_ip(s);
    if (!inner) c.error("invalid CIDR address or IP: " + s);
    return Value::boolean(contains(outer, *inner));
  });
  r.add("net.cidr_intersects", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    Net x = cidr_arg(c, a, 0), y = cidr_arg(c, a, 1);
    return Value::boolean(contains(x, y) || contains(y, x));
  });
  r.add("net.cidr_is_valid", 1, [](const BuiltinContext&, Args a) -> std::optional<Value> {
    return Value::boolean(a[0].is_string() && parse_cidr(a[0].as_string()).has_value());
  });
  r.add("net.cidr_expand", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    Net n = masked(cidr_arg(c, a, 0));
    const int host_bits = static_cast<int>(n.bytes()) * 8 - n.prefix;
    if (host_bits > 20) c.error("CIDR " + a[0].as_string() + " has more than " + std::to_string(kMaxExpand) + " addresses");
    Set out;
    const std::size_t count = std::size_t{1} << host_bits;
    for (std::size_t k = 0; k < count; ++k) {
      Net ip = n;
      std::size_t carry = k;
      for (std::size_t i = n.bytes(); i-- > 0 && carry;) {
        std::size_t sum = ip.addr[i] + (carry & 0xff);
        ip.addr[i] = static_cast<std::uint8_t>(sum);
        carry = (carry >> 8) + (sum >> 8);
      }
      out.insert(Value::string(ip_text(ip)));
    }
    return Value::set(std::move(out));
  });
}

}  // namespace coco::rego
