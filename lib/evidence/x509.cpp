// SPDX-License-Identifier: Apache-2.0
#include "evidence/x509.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::evidence {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

BioPtr mem_bio(Bytes data) { return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size()))); }

std::string name_cn(X509_NAME* name) {
  if (name == nullptr) return "";
  const int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (i >= 0) {
    const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s));
  }
  char buf[512];
  X509_NAME_oneline(name, buf, sizeof buf);
  return buf;
}

std::string time_text(const ASN1_TIME* t) {
  BioPtr b(BIO_new(BIO_s_mem()));
  ASN1_TIME_print(b.get(), t);
  char* p = nullptr;
  const long n = BIO_get_mem_data(b.get(), &p);
  return std::string(p, static_cast<std::size_t>(n));
}

// DER ECDSA-Sig-Value from big-endian r and s.
ByteVec der_signature(Bytes r_be, Bytes s_be) {
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(r_be.data(), static_cast<int>(r_be.size()), nullptr);
  BIGNUM* s = BN_bin2bn(s_be.data(), static_cast<int>(s_be.size()), nullptr);
  ECDSA_SIG_set0(sig, r, s);
  unsigned char* out = nullptr;
  const int n = i2d_ECDSA_SIG(sig, &out);
  ByteVec der;
  if (n > 0) der.assign(out, out + n);
  OPENSSL_free(out);
  ECDSA_SIG_free(sig);
  return der;
}

bool verify_with(EVP_PKEY* key, Algo algo, Bytes data, Bytes r_be, Bytes s_be) {
  const ByteVec der = der_signature(r_be, s_be);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, evp_md(algo), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, der.data(), der.size(), data.data(), data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

}  // namespace

void Cert::Free::operator()(x509_st* x) const { X509_free(x); }
Cert::Cert(x509_st* owned) : x_(owned, Free{}) {}
std::string Cert::subject_cn() const { return name_cn(X509_get_subject_name(get())); }
std::string Cert::issuer_cn() const { return name_cn(X509_get_issuer_name(get())); }

std::string Cert::serial_hex() const {
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(get()), nullptr);
  char* h = BN_bn2hex(bn);
  std::string s = h != nullptr ? h : "";
  OPENSSL_free(h);
  BN_free(bn);
  return ascii_lower(s);
}

ByteVec Cert::der() const {
  unsigned char* out = nullptr;
  const int n = i2d_X509(get(), &out);
  ByteVec v;
  if (n > 0) v.assign(out, out + n);
  OPENSSL_free(out);
  return v;
}

ByteVec Cert::spki_sha256() const {
  unsigned char* out = nullptr;
  const int n = i2d_PUBKEY(X509_get0_pubkey(get()), &out);
  ByteVec v;
  if (n > 0) v = digest(Algo::Sha256, Bytes(out, static_cast<std::size_t>(n)));
  OPENSSL_free(out);
  return v;
}

std::optional<ByteVec> Cert::extension(const std::string& oid) const {
  ASN1_OBJECT* obj = OBJ_txt2obj(oid.c_str(), 1);
  if (obj == nullptr) return std::nullopt;
  const int i = X509_get_ext_by_OBJ(get(), obj, -1);
  ASN1_OBJECT_free(obj);
  if (i < 0) return std::nullopt;
  const ASN1_OCTET_STRING* s = X509_EXTENSION_get_data(X509_get_ext(get(), i));
  const unsigned char* p = ASN1_STRING_get0_data(s);
  return ByteVec(p, p + ASN1_STRING_length(s));
}

std::string Cert::validity_problem(std::time_t at) const {
  if (X509_cmp_time(X509_get0_notBefore(get()), &at) > 0)
    return "not valid before " + time_text(X509_get0_notBefore(get()));
  if (X509_cmp_time(X509_get0_notAfter(get()), &at) < 0) return "expired on " + time_text(X509_get0_notAfter(get()));
  return "";
}

std::string Cert::not_after_text() const { return time_text(X509_get0_notAfter(get())); }

std::vector<Cert> load_certs(Bytes data, const std::string& where) {
  std::vector<Cert> out;
  BioPtr bio = mem_bio(data);
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(x);
  ERR_clear_error();
  if (out.empty()) {
    const unsigned char* p = data.data();
    if (X509* x = d2i_X509(nullptr, &p, static_cast<long>(data.size()))) out.emplace_back(x);
    ERR_clear_error();
  }
  if (out.empty()) fail(where, "no X.509 certificate (PEM or DER) in it");
  return out;
}

std::vector<Cert> load_cert_file(const std::string& path) { return load_certs(read_binary_file(path, 1 << 20), path); }

std::string signature_problem(const Cert& cert, const Cert& issuer) {
  EVP_PKEY* key = X509_get0_pubkey(issuer.get());
  if (key == nullptr) return "the issuer's public key cannot be read";
  const int rc = X509_verify(cert.get(), key);
  if (rc == 1) return "";
  const std::string why = openssl_error_text();
  ERR_clear_error();
  return "signature does not verify with " + issuer.subject_cn() + "'s key" + (why.empty() ? "" : " (" + why + ")");
}

bool ecdsa_verify_cert(const Cert& cert, Algo algo, Bytes data, Bytes r_be, Bytes s_be) {
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  return key != nullptr && verify_with(key, algo, data, r_be, s_be);
}

bool ecdsa_verify_p256_point(Bytes xy, Bytes data, Bytes r_be, Bytes s_be) {
  if (xy.size() != 64) return false;
  ByteVec point{0x04};
  append(point, xy);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* key = nullptr;
  const bool built = EVP_PKEY_fromdata_init(pctx) == 1 &&
                     EVP_PKEY_fromdata(pctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(pctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  PkeyPtr owned(key);
  ERR_clear_error();
  return built && verify_with(key, Algo::Sha256, data, r_be, s_be);
}

void Crl::Free::operator()(X509_crl_st* c) const { X509_CRL_free(c); }
Crl::Crl(X509_crl_st* owned) : c_(owned, Free{}) {}
std::string Crl::issuer_cn() const { return name_cn(X509_CRL_get_issuer(get())); }

bool Crl::signed_by(const Cert& issuer) const {
  EVP_PKEY* key = X509_get0_pubkey(issuer.get());
  const bool ok = key != nullptr && X509_CRL_verify(get(), key) == 1;
  ERR_clear_error();
  return ok;
}

bool Crl::revokes(const Cert& cert) const {
  if (X509_NAME_cmp(X509_CRL_get_issuer(get()), X509_get_issuer_name(cert.get())) != 0) return false;
  X509_REVOKED* entry = nullptr;
  return X509_CRL_get0_by_serial(get(), &entry, X509_get0_serialNumber(cert.get())) == 1;
}

std::string Crl::next_update_text() const {
  const ASN1_TIME* t = X509_CRL_get0_nextUpdate(get());
  return t != nullptr ? time_text(t) : "(none)";
}

bool Crl::stale_at(std::time_t at) const {
  const ASN1_TIME* t = X509_CRL_get0_nextUpdate(get());
  return t != nullptr && X509_cmp_time(t, &at) < 0;
}

std::size_t Crl::entries() const {
  const STACK_OF(X509_REVOKED)* s = X509_CRL_get_REVOKED(get());
  return s != nullptr ? static_cast<std::size_t>(sk_X509_REVOKED_num(s)) : 0;
}

std::optional<Crl> load_crl(Bytes data) {
  BioPtr bio = mem_bio(data);
  X509_CRL* c = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr);
  if (c == nullptr) {
    const unsigned char* p = data.data();
    c = d2i_X509_CRL(nullptr, &p, static_cast<long>(data.size()));
  }
  ERR_clear_error();
  if (c == nullptr) return std::nullopt;
  return Crl(c);
}

std::optional<Tlv> read_tlv(Bytes in) {
  if (in.size() < 2) return std::nullopt;
  Tlv t;
  t.tag = in[0];
  std::size_t len = in[1], hdr = 2;
  if (len & 0x80) {
    const std::size_t n = len & 0x7f;
    if (n == 0 || n > 4 || in.size() < 2 + n) return std::nullopt;
    len = 0;
    for (std::size_t i = 0; i < n; ++i) len = (len << 8) | in[2 + i];
    hdr = 2 + n;
  }
  if (len > in.size() - hdr) return std::nullopt;
  t.value = in.subspan(hdr, len);
  t.size = hdr + len;
  return t;
}

std::string oid_text(Bytes v) {
  if (v.empty()) return "";
  std::string s = std::to_string(v[0] / 40) + "." + std::to_string(v[0] % 40);
  std::uint64_t acc = 0;
  for (std::size_t i = 1; i < v.size(); ++i) {
    acc = (acc << 7) | (v[i] & 0x7f);
    if ((v[i] & 0x80) == 0) {
      s += "." + std::to_string(acc);
      acc = 0;
    }
  }
  return s;
}

std::optional<std::uint64_t> der_uint(Bytes v) {
  if (v.empty() || (v[0] & 0x80) || v.size() > 9 || (v.size() == 9 && v[0] != 0)) return std::nullopt;
  std::uint64_t x = 0;
  for (auto b : v) x = (x << 8) | b;
  return x;
}

}  // namespace coco::evidence
