// net.cidr_contains, net.cidr_expand, net.cidr_is_valid and net.cidr_intersects (OPA's
// topdown/net.go, Go's net.ParseCIDR / net.ParseIP): IPv4 and IPv6 through inet_pton. An IPv4
// and an IPv6 network never contain or intersect each other. cidr_expand is bounded
// (kMaxExpand addresses) so that a /64 cannot exhaust memory.
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

}  // namespace

void register_net(Registry& r) {
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
