// SPDX-License-Identifier: Apache-2.0
#include "util/digest.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util/error.h"
#include "util/file.h"

namespace coco {

const EVP_MD* evp_md(Algo algo) {
  switch (algo) {
    case Algo::Sha256: return EVP_sha256();
    case Algo::Sha384: return EVP_sha384();
    case Algo::Sha512: return EVP_sha512();
  }
  return nullptr;
}

namespace {

[[noreturn]] void openssl_failed(const char* call) {
  throw Error(Exit::Failure, "openssl", std::string(call) + " failed: " + openssl_error_text());
}

}  // namespace

std::string openssl_error_text() {
  std::string text;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? "no detail from OpenSSL" : text;
}

std::size_t digest_size(Algo algo) {
  switch (algo) {
    case Algo::Sha256: return 32;
    case Algo::Sha384: return 48;
    case Algo::Sha512: return 64;
  }
  return 0;
}

std::string algo_name(Algo algo) {
  switch (algo) {
    case Algo::Sha256: return "sha256";
    case Algo::Sha384: return "sha384";
    case Algo::Sha512: return "sha512";
  }
  return "?";
}

Algo parse_algo(std::string_view name) {
  if (name == "sha256") return Algo::Sha256;
  if (name == "sha384") return Algo::Sha384;
  if (name == "sha512") return Algo::Sha512;
  throw Error(Exit::Usage, "unknown hash algorithm '" + std::string(name) + "' (sha256, sha384, sha512)");
}

void Hasher::Free::operator()(evp_md_ctx_st* c) const { EVP_MD_CTX_free(c); }

Hasher::Hasher(Algo algo) : algo_(algo), ctx_(EVP_MD_CTX_new()) {
  if (!ctx_) openssl_failed("EVP_MD_CTX_new");
  if (EVP_DigestInit_ex(ctx_.get(), evp_md(algo), nullptr) != 1) openssl_failed("EVP_DigestInit_ex");
}
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;
Hasher::~Hasher() = default;

Hasher& Hasher::update(Bytes data) {
  if (EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1) openssl_failed("EVP_DigestUpdate");
  return *this;
}

ByteVec Hasher::finish() {
  ByteVec out(digest_size(algo_));
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), out.data(), &len) != 1) openssl_failed("EVP_DigestFinal_ex");
  out.resize(len);
  return out;
}

void Hasher::finish_into(std::uint8_t* out) {
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), out, &len) != 1) openssl_failed("EVP_DigestFinal_ex");
}

void Hasher::copy_from(const Hasher& other) {
  if (EVP_MD_CTX_copy_ex(ctx_.get(), other.ctx_.get()) != 1) openssl_failed("EVP_MD_CTX_copy_ex");
}

ByteVec digest(Algo algo, Bytes data) { return Hasher(algo).update(data).finish(); }

ByteVec digest_file(Algo algo, const std::string& path) {
  Hasher h(algo);
  for_each_chunk(path, [&](Bytes chunk) { h.update(chunk); });
  return h.finish();
}

static const EVP_MD* md_by_name(std::string_view name) {
  const EVP_MD* md = EVP_get_digestbyname(std::string(name).c_str());
  if (!md) throw Error(Exit::Failure, "openssl", "unknown digest '" + std::string(name) + "'");
  return md;
}

ByteVec named_digest(std::string_view name, Bytes data) {
  ByteVec out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md_by_name(name), nullptr) != 1)
    openssl_failed("EVP_Digest");
  out.resize(len);
  return out;
}

ByteVec named_hmac(std::string_view name, Bytes key, Bytes data) {
  ByteVec out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  static const std::uint8_t kEmpty = 0;
  if (!HMAC(md_by_name(name), key.empty() ? &kEmpty : key.data(), static_cast<int>(key.size()), data.data(),
            data.size(), out.data(), &len))
    openssl_failed("HMAC");
  out.resize(len);
  return out;
}

}  // namespace coco
