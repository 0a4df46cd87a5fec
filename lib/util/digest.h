// SPDX-License-Identifier: Apache-2.0
// Streaming SHA-2 through OpenSSL EVP (STYLE.md "OpenSSL behind one RAII wrapper").
// OpenSSL stays in digest.cpp and attest/key.cpp: call sites read Hasher(Algo::Sha384).update(page).finish().
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "util/bytes.h"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, opaque here
struct evp_md_st;      // OpenSSL's EVP_MD

namespace coco {

enum class Algo { Sha256, Sha384, Sha512 };

std::size_t digest_size(Algo algo);
std::string algo_name(Algo algo);                  // "sha256", as in OCI digests and initdata
Algo parse_algo(std::string_view name);            // throws coco::Error (Usage) for unknown names
const evp_md_st* evp_md(Algo algo);                // for the key code, which signs with a chosen digest

class Hasher {  // update() as often as needed, finish() once
 public:
  explicit Hasher(Algo algo);
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  ~Hasher();

  Hasher& update(Bytes data);
  Hasher& update(std::string_view text) { return update(as_bytes(text)); }
  ByteVec finish();
  // Hot loops (dm-verity leaves): finish into a caller's buffer of digest_size() bytes, and
  // restart from a pre-fed state without re-initialising the digest.
  void finish_into(std::uint8_t* out);
  void copy_from(const Hasher& other);  // same algorithm; becomes other's state
  Algo algo() const { return algo_; }

 private:
  struct Free {
    void operator()(evp_md_ctx_st* c) const;
  };
  Algo algo_;
  std::unique_ptr<evp_md_ctx_st, Free> ctx_;
};

ByteVec digest(Algo algo, Bytes data);  // one-shot
inline ByteVec digest(Algo algo, std::string_view text) { return digest(algo, as_bytes(text)); }

// Streams a file through the hash in fixed-size chunks; never reads it whole.
ByteVec digest_file(Algo algo, const std::string& path);

// Digests and HMACs by OpenSSL name ("md5", "sha1", "sha256", "sha512"), one shot, for the Rego
// crypto.* builtins: md5 and sha1 are there only because OPA offers them. Throws coco::Error for an
// unknown name.
ByteVec named_digest(std::string_view name, Bytes data);
ByteVec named_hmac(std::string_view name, Bytes key, Bytes data);

// OpenSSL's queued error text, for messages ("error:0480006C:PEM routines::no start line").
std::string openssl_error_text();

}  // namespace coco
