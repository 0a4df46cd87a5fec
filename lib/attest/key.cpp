// SPDX-License-Identifier: Apache-2.0
#include "attest/key.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>

#include "attest/cosign_key.h"
#include "attest/kdf_cost.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::attest {
namespace {

[[noreturn]] void openssl_failed(const char* call) {
  throw Error(Exit::Failure, "openssl", std::string(call) + " failed: " + openssl_error_text());
}

PkeyPtr wrap(EVP_PKEY* p) { return PkeyPtr(p, EVP_PKEY_free); }

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct SigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};

std::size_t field_size(EVP_PKEY* key) { return static_cast<std::size_t>((EVP_PKEY_get_bits(key) + 7) / 8); }

ByteVec padded(const BIGNUM* bn, std::size_t size) {
  ByteVec out(size);
  if (BN_bn2binpad(bn, out.data(), static_cast<int>(size)) != static_cast<int>(size)) openssl_failed("BN_bn2binpad");
  return out;
}

ByteVec ec_coordinate(EVP_PKEY* key, KeyAlgorithm a, const char* param) {
  if (a == KeyAlgorithm::Ed25519) throw Error(Exit::Failure, "openssl", "an Ed25519 key has no EC point");
  BIGNUM* v = nullptr;
  if (EVP_PKEY_get_bn_param(key, param, &v) != 1) openssl_failed("EVP_PKEY_get_bn_param");
  std::unique_ptr<BIGNUM, BnFree> own(v);
  return padded(v, field_size(key));
}

BioPtr memory_bio(std::string_view text) {
  BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) openssl_failed("BIO_new_mem_buf");
  return bio;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

// The algorithm of a key OpenSSL parsed; nullopt for a type coco does not sign with.
std::optional<KeyAlgorithm> algorithm_of(EVP_PKEY* key, std::string* described) {
  const int id = EVP_PKEY_get_base_id(key);
  if (id == EVP_PKEY_ED25519) return KeyAlgorithm::Ed25519;
  if (id == EVP_PKEY_EC) {
    char group[64] = {};
    std::size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1)
      ERR_clear_error();
    const std::string g(group);
    if (g == "prime256v1" || g == "P-256") return KeyAlgorithm::P256;
    if (g == "secp384r1" || g == "P-384") return KeyAlgorithm::P384;
    *described = "an EC key on curve " + (g.empty() ? std::string("(unnamed)") : g);
    return std::nullopt;
  }
  const char* type = EVP_PKEY_get0_type_name(key);
  *described = std::string("a ") + (type ? type : "unknown-type") + " key";
  return std::nullopt;
}

KeyAlgorithm require_supported(EVP_PKEY* key, const std::string& name) {
  std::string described;
  if (auto a = algorithm_of(key, &described)) return *a;
  fail(name, "holds " + described + "; coco signs with ECDSA P-256, ECDSA P-384 or Ed25519");
}

// ECDSA hashes with SHA-256 on both curves: that is what cosign (sign-blob, verify-blob --key)
// and @sigstore/verify use for a key file, whatever the curve; a P-384/SHA-384 bundle fails in
// @sigstore/verify 4 (tried). Ed25519 hashes internally (NULL digest, "pure" Ed25519).
const EVP_MD* message_digest(KeyAlgorithm a) {
  return a == KeyAlgorithm::Ed25519 ? nullptr : EVP_sha256();
}

struct PasswordState {
  const std::optional<std::string>* passphrase;
  bool asked = false;
};

int password_callback(char* buf, int size, int /*rwflag*/, void* user) {
  auto* state = static_cast<PasswordState*>(user);
  state->asked = true;
  if (!state->passphrase->has_value()) return -1;
  const std::string& p = **state->passphrase;
  if (p.size() > static_cast<std::size_t>(size)) return -1;
  std::memcpy(buf, p.data(), p.size());
  return static_cast<int>(p.size());
}

}  // namespace

std::string to_string(KeyAlgorithm a) {
  switch (a) {
    case KeyAlgorithm::P256: return "p256";
    case KeyAlgorithm::P384: return "p384";
    case KeyAlgorithm::Ed25519: return "ed25519";
  }
  return "?";
}

KeyAlgorithm parse_key_algorithm(std::string_view name) {
  if (name == "p256") return KeyAlgorithm::P256;
  if (name == "p384") return KeyAlgorithm::P384;
  if (name == "ed25519") return KeyAlgorithm::Ed25519;
  throw Error(Exit::Usage, "unknown key algorithm '" + std::string(name) + "' (p256, p384, ed25519)");
}

ByteVec PublicKey::spki_der() const {
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(key_.get(), &der);
  if (n <= 0) openssl_failed("i2d_PUBKEY");
  ByteVec out(der, der + n);
  OPENSSL_free(der);
  return out;
}

std::string PublicKey::pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) openssl_failed("PEM_write_bio_PUBKEY");
  return bio_text(bio.get());
}

std::string PublicKey::hint() const { return to_hex(digest(Algo::Sha256, spki_der())); }

bool PublicKey::verify(Bytes message, Bytes signature) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) openssl_failed("EVP_MD_CTX_new");
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, message_digest(algorithm_), nullptr, key_.get()) != 1)
    openssl_failed("EVP_DigestVerifyInit");
  const int r = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size());
  ERR_clear_error();  // a malformed signature leaves a DER error queued: it is simply "no"
  return r == 1;
}

bool PublicKey::verify_file(const std::string& path, Bytes signature, ByteVec* sha256) const {
  if (algorithm_ == KeyAlgorithm::Ed25519) {  // pure Ed25519 hashes the message twice: map it
    const MappedFile file(path);
    if (sha256) *sha256 = digest(Algo::Sha256, file.bytes());
    return verify(file.bytes(), signature);
  }
  const ByteVec d = digest_file(Algo::Sha256, path);
  if (sha256) *sha256 = d;
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key_.get(), nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1)
    openssl_failed("EVP_PKEY_verify_init");
  const int r = EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), d.data(), d.size());
  ERR_clear_error();
  return r == 1;
}

ByteVec PublicKey::ec_x() const { return ec_coordinate(key_.get(), algorithm_, OSSL_PKEY_PARAM_EC_PUB_X); }
ByteVec PublicKey::ec_y() const { return ec_coordinate(key_.get(), algorithm_, OSSL_PKEY_PARAM_EC_PUB_Y); }

RawEcdsaSignature PrivateKey::sign_raw(Algo algo, Bytes message) const {
  if (algorithm_ == KeyAlgorithm::Ed25519) throw Error(Exit::Failure, "openssl", "an Ed25519 key makes no ECDSA signature");
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, evp_md(algo), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1)
    openssl_failed("EVP_DigestSign");
  ByteVec der(len);
  if (EVP_DigestSign(ctx.get(), der.data(), &len, message.data(), message.size()) != 1) openssl_failed("EVP_DigestSign");
  const unsigned char* p = der.data();
  std::unique_ptr<ECDSA_SIG, SigFree> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
  if (!sig) openssl_failed("d2i_ECDSA_SIG");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  return {padded(r, field_size(key_.get())), padded(s, field_size(key_.get()))};
}

PublicKey PrivateKey::public_key() const {
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(key_.get(), &der);
  if (n <= 0) openssl_failed("i2d_PUBKEY");
  const unsigned char* p = der;
  EVP_PKEY* pub = d2i_PUBKEY(nullptr, &p, n);
  OPENSSL_free(der);
  if (!pub) openssl_failed("d2i_PUBKEY");
  return PublicKey(wrap(pub), algorithm_);
}

ByteVec PrivateKey::sign(Bytes message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) openssl_failed("EVP_MD_CTX_new");
  if (EVP_DigestSignInit(ctx.get(), nullptr, message_digest(algorithm_), nullptr, key_.get()) != 1)
    openssl_failed("EVP_DigestSignInit");
  std::size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1) openssl_failed("EVP_DigestSign");
  ByteVec sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1) openssl_failed("EVP_DigestSign");
  sig.resize(len);  // DER ECDSA signatures vary in length
  return sig;
}

ByteVec PrivateKey::sign_file(const std::string& path, ByteVec* sha256) const {
  if (algorithm_ == KeyAlgorithm::Ed25519) {
    const MappedFile file(path);
    if (sha256) *sha256 = digest(Algo::Sha256, file.bytes());
    return sign(file.bytes());
  }
  // ECDSA signs a digest: hashing the file ourselves gives the same signature as
  // EVP_DigestSign with SHA-256 and lets the caller reuse the digest (one read of the file).
  const ByteVec d = digest_file(Algo::Sha256, path);
  if (sha256) *sha256 = d;
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key_.get(), nullptr));
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1)
    openssl_failed("EVP_PKEY_sign_init");
  std::size_t len = 0;
  if (EVP_PKEY_sign(ctx.get(), nullptr, &len, d.data(), d.size()) != 1) openssl_failed("EVP_PKEY_sign");
  ByteVec sig(len);
  if (EVP_PKEY_sign(ctx.get(), sig.data(), &len, d.data(), d.size()) != 1) openssl_failed("EVP_PKEY_sign");
  sig.resize(len);
  return sig;
}

std::string PrivateKey::pem(const std::optional<std::string>& passphrase) const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) openssl_failed("BIO_new");
  const int ok = passphrase
                     ? PEM_write_bio_PKCS8PrivateKey(bio.get(), key_.get(), EVP_aes_256_cbc(), passphrase->data(),
                                                     static_cast<int>(passphrase->size()), nullptr, nullptr)
                     : PEM_write_bio_PKCS8PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  if (ok != 1) openssl_failed("PEM_write_bio_PKCS8PrivateKey");
  return bio_text(bio.get());
}

ByteVec PrivateKey::pkcs8_der() const {
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, decltype(&PKCS8_PRIV_KEY_INFO_free)> info(EVP_PKEY2PKCS8(key_.get()),
                                                                               PKCS8_PRIV_KEY_INFO_free);
  if (!info) openssl_failed("EVP_PKEY2PKCS8");
  unsigned char* der = nullptr;
  const int n = i2d_PKCS8_PRIV_KEY_INFO(info.get(), &der);
  if (n <= 0) openssl_failed("i2d_PKCS8_PRIV_KEY_INFO");
  ByteVec out(der, der + n);
  OPENSSL_cleanse(der, static_cast<std::size_t>(n));
  OPENSSL_free(der);
  return out;
}

PrivateKey generate_key(KeyAlgorithm algorithm) {
  EVP_PKEY* key = nullptr;
  switch (algorithm) {
    case KeyAlgorithm::P256: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
    case KeyAlgorithm::P384: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"); break;
    case KeyAlgorithm::Ed25519: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
  }
  if (!key) openssl_failed("EVP_PKEY_Q_keygen");
  return PrivateKey(wrap(key), algorithm);
}

PrivateKey parse_private_key(std::string_view pem, const std::string& name,
                             const std::optional<std::string>& passphrase) {
  if (pem.find("-----BEGIN PUBLIC KEY-----") != std::string_view::npos &&
      pem.find("PRIVATE KEY-----") == std::string_view::npos)
    fail(name, "holds a public key; signing needs the private key");
  if (is_cosign_private_key(pem)) return parse_cosign_private_key(pem, name, passphrase);
  check_pkcs8_kdf_cost(pem, name);
  PasswordState state{&passphrase};
  BioPtr bio = memory_bio(pem);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, password_callback, &state);
  if (!key) {
    const std::string detail = openssl_error_text();
    if (state.asked && !passphrase)
      fail(name, "the key is encrypted; give its passphrase with --key-pass-file FILE or the "
                 "COCO_KEY_PASSWORD environment variable");
    if (state.asked) fail(name, "cannot decrypt the key: wrong passphrase, or the key is damaged");
    fail(name, "not a readable PEM private key (PKCS#8 or SEC1 EC): " + detail);
  }
  PkeyPtr owned = wrap(key);
  return PrivateKey(owned, require_supported(key, name));
}

PrivateKey parse_private_key_der(Bytes der, const std::string& name) {
  const unsigned char* p = der.data();
  EVP_PKEY* key = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size()));
  if (!key || p != der.data() + der.size()) {
    if (key) EVP_PKEY_free(key);
    fail(name, "the decrypted key is not a PKCS#8 DER private key: " + openssl_error_text());
  }
  PkeyPtr owned = wrap(key);
  return PrivateKey(owned, require_supported(key, name));
}

PublicKey parse_public_key(std::string_view pem, const std::string& name) {
  if (pem.find("PRIVATE KEY-----") != std::string_view::npos)
    fail(name, "holds a private key; verification takes the public key (\"BEGIN PUBLIC KEY\")");
  BioPtr bio = memory_bio(pem);
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (!key) fail(name, "not a readable PEM public key (SubjectPublicKeyInfo): " + openssl_error_text());
  PkeyPtr owned = wrap(key);
  return PublicKey(owned, require_supported(key, name));
}

std::optional<std::string> key_passphrase(const std::string& pass_file) {
  if (!pass_file.empty()) {
    std::string text = read_text_file(pass_file, 1 << 16);
    const auto eol = text.find_first_of("\r\n");
    if (eol != std::string::npos) text.resize(eol);
    return text;
  }
  if (const char* env = std::getenv("COCO_KEY_PASSWORD")) return std::string(env);
  return std::nullopt;
}

PrivateKey load_private_key(const std::string& path, const std::optional<std::string>& passphrase,
                            std::string* warning) {
  const std::string pem = read_text_file(path, 1 << 20);
  PrivateKey key = parse_private_key(pem, path, passphrase);
  struct stat st {};
  if (warning && ::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    *warning = path + ": private key is readable by group or others (mode " + mode + "); chmod 600 it";
  }
  return key;
}

PublicKey load_public_key(const std::string& path) {
  return parse_public_key(read_text_file(path, 1 << 20), path);
}

}  // namespace coco::attest
