// SPDX-License-Identifier: Apache-2.0
#include "attest/kdf_cost.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "util/error.h"

namespace coco::attest {
namespace {

template <class T, void (*Free)(T*)>
struct Freer {
  void operator()(T* p) const { Free(p); }
};
using SigPtr = std::unique_ptr<X509_SIG, Freer<X509_SIG, X509_SIG_free>>;
using Pbe2Ptr = std::unique_ptr<PBE2PARAM, Freer<PBE2PARAM, PBE2PARAM_free>>;
using Pbkdf2Ptr = std::unique_ptr<PBKDF2PARAM, Freer<PBKDF2PARAM, PBKDF2PARAM_free>>;
using ScryptPtr = std::unique_ptr<SCRYPT_PARAMS, Freer<SCRYPT_PARAMS, SCRYPT_PARAMS_free>>;
using PbePtr = std::unique_ptr<PBEPARAM, Freer<PBEPARAM, PBEPARAM_free>>;

// An INTEGER parameter as an unsigned 64-bit value; a negative or huge one is itself refused.
std::uint64_t uint_of(const ASN1_INTEGER* v, const char* what, const std::string& name) {
  std::uint64_t out = 0;
  if (v == nullptr || ASN1_INTEGER_get_uint64(&out, v) != 1)
    fail(name, std::string("encrypted key: ") + what + " is not a usable number");
  return out;
}

void check_iterations(std::uint64_t iterations, const std::string& name) {
  if (iterations > kMaxPbkdf2Iterations)
    fail(name, "encrypted key: " + std::to_string(iterations) + " key-derivation iterations (coco reads at most " +
                   std::to_string(kMaxPbkdf2Iterations) + ")");
}

template <class T>
T* unpack(const ASN1_ITEM* item, const ASN1_TYPE* param) {
  return param == nullptr ? nullptr : static_cast<T*>(ASN1_TYPE_unpack_sequence(item, param));
}

}  // namespace

void check_scrypt_work(std::uint64_t n, std::uint64_t r, std::uint64_t p, const std::string& name) {
  // Each factor is checked first so that the product cannot wrap.
  if (n > kMaxScryptWork || r > kMaxScryptWork || p > kMaxScryptWork || n * r > kMaxScryptWork ||
      n * r * p > kMaxScryptWork)
    fail(name, "encrypted key: scrypt N=" + std::to_string(n) + " r=" + std::to_string(r) + " p=" + std::to_string(p) +
                   " asks for more work than coco does (N*r*p at most " + std::to_string(kMaxScryptWork) + ")");
}

void check_pkcs8_kdf_cost(std::string_view pem, const std::string& name) {
  if (pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") == std::string_view::npos) return;
  std::unique_ptr<BIO, Freer<BIO, BIO_free_all>> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) fail(name, "out of memory reading the key");
  SigPtr sig(PEM_read_bio_PKCS8(bio.get(), nullptr, nullptr, nullptr));
  if (!sig) return;  // unreadable: PEM_read_bio_PrivateKey names the problem
  const X509_ALGOR* alg = nullptr;
  X509_SIG_get0(sig.get(), &alg, nullptr);
  const ASN1_OBJECT* oid = alg->algorithm;
  const ASN1_TYPE* type = alg->parameter;
  if (OBJ_obj2nid(oid) != NID_pbes2) {  // PKCS#5 v1 and PKCS#12 PBE: salt and iteration count
    PbePtr pbe(unpack<PBEPARAM>(ASN1_ITEM_rptr(PBEPARAM), type));
    if (pbe) check_iterations(uint_of(pbe->iter, "the iteration count", name), name);
    return;
  }
  Pbe2Ptr pbe2(unpack<PBE2PARAM>(ASN1_ITEM_rptr(PBE2PARAM), type));
  if (!pbe2 || pbe2->keyfunc == nullptr) return;
  const int kdf = OBJ_obj2nid(pbe2->keyfunc->algorithm);
  if (kdf == NID_id_pbkdf2) {
    Pbkdf2Ptr k(unpack<PBKDF2PARAM>(ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc->parameter));
    if (k) check_iterations(uint_of(k->iter, "the PBKDF2 iteration count", name), name);
  } else if (kdf == NID_id_scrypt) {
    ScryptPtr s(unpack<SCRYPT_PARAMS>(ASN1_ITEM_rptr(SCRYPT_PARAMS), pbe2->keyfunc->parameter));
    if (s)
      check_scrypt_work(uint_of(s->costParameter, "scrypt N", name), uint_of(s->blockSize, "scrypt r", name),
                        uint_of(s->parallelizationParameter, "scrypt p", name), name);
  }
}

}  // namespace coco::attest
