// SPDX-License-Identifier: Apache-2.0
// crypto.md5/sha1/sha256 and crypto.hmac.* (OPA's topdown/crypto.go): lower-case hex digests of a
// string's bytes, through OpenSSL (lib/util/digest.h); crypto.hmac.equal compares in constant time.
// uuid.rfc4122 and rand.intn (topdown/uuid.go, rand.go) must give the same answer for the same
// arguments within one query: they are derived from a per-process random secret, the query's
// time.now_ns and the arguments (SHA-256), so they differ between queries and processes.
#include <random>

#include "rego/builtins.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"

namespace coco::rego {

namespace {

using Args = std::span<const Value>;

std::string hex_digest(const char* algo, const std::string& s) { return to_hex(named_digest(algo, as_bytes(s))); }

void add_hmac(Registry& r, const char* name, const char* algo) {
  r.add(name, 2, [algo](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const std::string& msg = c.string_arg(a, 0);
    const std::string& key = c.string_arg(a, 1);
    return Value::string(to_hex(named_hmac(algo, as_bytes(key), as_bytes(msg))));
  });
}

}  // namespace

void register_crypto(Registry& r) {
  r.add("crypto.md5", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return Value::string(hex_digest("md5", c.string_arg(a, 0)));
  });
  r.add("crypto.sha1", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return Value::string(hex_digest("sha1", c.string_arg(a, 0)));
  });
  r.add("crypto.sha256", 1, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    return Value::string(hex_digest("sha256", c.string_arg(a, 0)));
  });
  add_hmac(r, "crypto.hmac.md5", "md5");
  add_hmac(r, "crypto.hmac.sha1", "sha1");
  add_hmac(r, "crypto.hmac.sha256", "sha256");
  add_hmac(r, "crypto.hmac.sha512", "sha512");
  r.add("crypto.hmac.equal", 2, [](const BuiltinContext& c, Args a) -> std::optional<Value> {
    const std::string& x = c.string_arg(a, 0);
    const std::string& y = c.string_arg(a, 1);
    unsigned char diff = x.size() == y.size() ? 0 : 1;
    for (std::size_t i = 0; i < x.size() && i < y.size(); ++i)
      diff |= static_cast<unsigned char>(x[i] ^ y[i]);
    return Value::boolean(diff == 0);
  });
}

}  // namespace coco::rego
