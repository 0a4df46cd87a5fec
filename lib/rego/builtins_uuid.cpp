// SPDX-License-Identifier: Apache-2.0
// uuid.parse, uuid.rfc4122 and rand.intn (OPA's topdown/uuid.go and rand.go).
// uuid.rfc4122 and rand.intn must give the same answer for the same arguments within one query:
// they are derived from a per-process random secret, the query's time.now_ns and the arguments
// (SHA-256), so they differ between queries and between processes.
// uuid.parse accepts the four textual forms of Go's uuid.Parse (plain, no dashes, {braces},
// urn:uuid:) and describes the UUID as OPA does: version and variant, and for versions 1 and 2 the
// time (Unix ns), clock sequence, node id and MAC flags, and for version 2 the domain and id.
#include <random>

#include "rego/builtins.h"
#include "util/digest.h"
#include "util/encoding.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;

// 100-ns intervals between 1582-10-15 (the UUID epoch) and 1970-01-01.
constexpr std::int64_t kUuidEpochOffset = 0x01B21DD213814000;

// 32 bytes that depend on the query (its now_ns), the arguments and a secret of this process.
ByteVec query_random(const BuiltinContext& c, const std::string& what, const Value& args) {
  static const std::string kSecret = [] {
    std::random_device rd;
    std::string s;
    for (int i = 0; i < 8; ++i) {
      auto v = rd();
      s.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
    return s;
  }();
  return digest(Algo::Sha256, kSecret + "\n" + what + "\n" + std::to_string(c.now_ns()) + "\n" + args.to_json_text());
}

std::optional<ByteVec> parse_uuid(std::string s) {
  if (s.size() == 45 && s.compare(0, 9, "urn:uuid:") == 0) s = s.substr(9);
  else if (s.size() == 38 && s.front() == '{' && s.back() == '}') s = s.substr(1, 36);
  if (s.size() == 36) {
    if (s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return std::nullopt;
    s = s.substr(0, 8) + s.substr(9, 4) + s.substr(14, 4) + s.substr(19, 4) + s.substr(24);
  }
  if (s.size() != 32) return std::nullopt;
  ByteVec b;
  for (std::size_t i = 0; i < 32; i += 2) {
    int hi = std::isxdigit(static_cast<unsigned char>(s[i])) ? std::stoi(s.substr(i, 1), nullptr, 16) : -1;
    int lo = std::isxdigit(static_cast<unsigned char>(s[i + 1])) ? std::stoi(s.substr(i + 1, 1), nullptr, 16) : -1;
    if (hi < 0 || lo < 0) return std::nullopt;
    b.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return b;
}

Value describe_uuid(const ByteVec& b) {
  Object o;
  auto put = [&](const char* k, Value v) { o.emplace(Value::string(k), std::move(v)); };
  const int version = b[6] >> 4;
  const char* variant = (b[8] & 0x80) == 0 ? "Reserved" : (b[8] & 0xc0) == 0x80 ? "RFC4122"
                        : (b[8] & 0xe0) == 0xc0 ? "Microsoft" : "Future";
  put("version", Value::integer(version));
  put("variant", Value::string(variant));
  if (version == 1 || version == 2) {
    std::int64_t t = static_cast<std::int64_t>((std::uint64_t{b[0]} << 24) | (std::uint64_t{b[1]} << 16) |
                                               (std::uint64_t{b[2]} << 8) | b[3]);
    t |= static_cast<std::int64_t>((std::uint64_t{b[4]} << 8) | b[5]) << 32;
    t |= static_cast<std::int64_t>(((std::uint64_t{b[6]} << 8) | b[7]) & 0xfff) << 48;
    put("time", Value::number(Number::integer(static_cast<__int128>(t - kUuidEpochOffset) * 100)));
    put("clocksequence", Value::integer(((b[8] & 0x3f) << 8) | b[9]));
    std::string node;
    for (std::size_t i = 10; i < 16; ++i) node += (i > 10 ? "-" : "") + to_hex(Bytes(&b[i], 1));
    put("nodeid", Value::string(node));
    put("macvariables", Value::string(std::string(b[10] & 2 ? "local" : "global") + ":" +
                                      (b[10] & 1 ? "multicast" : "unicast")));
    if (version == 2) {
      static const char* const kDomains[] = {"Person", "Group", "Org"};
      put("domain", Value::string(b[9] < 3 ? kDomains[b[9]] : "Domain" + std::to_string(b[9])));
      put("id", Value::integer(static_cast<std::int64_t>((std::uint64_t{b[0]} << 24) | (std::uint64_t{b[1]} << 16) |
                                                         (std::uint64_t{b[2]} << 8) | b[3])));
    }
  }
  return Value::object(std::move(o));
}

}  // namespace

void register_uuid(Registry& r) {
  r.add("uuid.parse", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    auto b = parse_uuid(c.string_arg(a, 0));
    if (!b) c.error("invalid UUID " + a[0].to_json_text());
    return describe_uuid(*b);
  });
  r.add("uuid.rfc4122", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    ByteVec b = query_random(c, "uuid.rfc4122", Value::string(c.string_arg(a, 0)));
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // version 4
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
    std::string h = to_hex(Bytes(b.data(), 16));
    return Value::string(h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
                         h.substr(20));
  });
  r.add("rand.intn", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const std::string& key = c.string_arg(a, 0);
    std::int64_t n = c.int_arg(a, 1);
    if (n == 0) return Value::integer(0);
    if (n == INT64_MIN) n = INT64_MAX;
    if (n < 0) n = -n;  // OPA takes the absolute value
    ByteVec b = query_random(c, "rand.intn", Value::array({Value::string(key), Value::integer(n)}));
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | b[static_cast<std::size_t>(i)];
    return Value::integer(static_cast<std::int64_t>(v % static_cast<std::uint64_t>(n)));
  });
}

}  // namespace coco::rego
