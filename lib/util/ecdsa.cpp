#include "util/ecdsa.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "util/error.h"

namespace coco {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct SigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};

// Refuses to prompt for a passphrase: encrypted keys fail with a clear message instead.
int no_passphrase(char*, int, int, void* asked) {
  *static_cast<bool*>(asked) = true;
  return -1;
}

ByteVec to_padded(const BIGNUM* bn, std::size_t size, const std::string& name) {
  ByteVec out(size);
  if (BN_bn2binpad(bn, out.data(), static_cast<int>(size)) != static_cast<int>(size))
    fail(name, "a key value does not fit " + std::to_string(size) + " bytes");
  return out;
}

const EVP_MD* evp_md_of(Algo a) {
  switch (a) {
    case Algo::Sha256: return EVP_sha256();
    case Algo::Sha384: return EVP_sha384();
    case Algo::Sha512: return EVP_sha512();
  }
  return nullptr;
}

}  // namespace

void EcPrivateKey::Free::operator()(evp_pkey_st* k) const { EVP_PKEY_free(k); }

EcPrivateKey::EcPrivateKey(std::unique_ptr<evp_pkey_st, Free> key, std::string name)
    : key_(std::move(key)), name_(std::move(name)) {}
EcPrivateKey::EcPrivateKey(EcPrivateKey&&) noexcept = default;
EcPrivateKey& EcPrivateKey::operator=(EcPrivateKey&&) noexcept = default;
EcPrivateKey::~EcPrivateKey() = default;

EcPrivateKey EcPrivateKey::from_pem(std::string_view pem, const std::string& name) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) fail(name, "cannot read: " + openssl_error_text());
  bool asked = false;
  std::unique_ptr<evp_pkey_st, Free> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, &asked));
  if (!key) {
    const std::string detail = openssl_error_text();
    if (asked) fail(name, "the private key is encrypted; give an unencrypted PEM key (openssl pkey -in KEY -out PLAIN)");
    fail(name, "not a PEM private key (" + detail + ")");
  }
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC) fail(name, std::string("is a ") + EVP_PKEY_get0_type_name(key.get()) + " key, not an EC key");
  return EcPrivateKey(std::move(key), name);
}

std::string EcPrivateKey::curve() const {
  char group[80] = {0};
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key_.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1)
    fail(name_, "the EC key names no curve: " + openssl_error_text());
  return std::string(group, len);
}

std::size_t EcPrivateKey::field_size() const {
  return static_cast<std::size_t>((EVP_PKEY_get_bits(key_.get()) + 7) / 8);
}

ByteVec EcPrivateKey::public_x() const {
  BIGNUM* x = nullptr;
  if (EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X, &x) != 1) fail(name_, "no public point: " + openssl_error_text());
  std::unique_ptr<BIGNUM, BnFree> own(x);
  return to_padded(x, field_size(), name_);
}

ByteVec EcPrivateKey::public_y() const {
  BIGNUM* y = nullptr;
  if (EVP_PKEY_get_bn_param(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, &y) != 1) fail(name_, "no public point: " + openssl_error_text());
  std::unique_ptr<BIGNUM, BnFree> own(y);
  return to_padded(y, field_size(), name_);
}

std::string EcPrivateKey::public_pem() const {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) fail(name_, "cannot write the public key: " + openssl_error_text());
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

EcdsaSignature EcPrivateKey::sign(Algo algo, Bytes message) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, evp_md_of(algo), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) != 1)
    fail(name_, "cannot sign: " + openssl_error_text());
  ByteVec der(len);
  if (EVP_DigestSign(ctx.get(), der.data(), &len, message.data(), message.size()) != 1)
    fail(name_, "cannot sign: " + openssl_error_text());
  const unsigned char* p = der.data();
  std::unique_ptr<ECDSA_SIG, SigFree> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
  if (!sig) fail(name_, "OpenSSL returned an unreadable signature: " + openssl_error_text());
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  return {to_padded(r, field_size(), name_), to_padded(s, field_size(), name_)};
}

}  // namespace coco
