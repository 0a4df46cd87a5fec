// ECDSA keys for signing structures the hardware checks (the SNP ID block, specs/snp.md §2.2):
// loading an unencrypted PEM private key, its public point as fixed-width big-endian
// coordinates, and raw (r, s) signatures. The one other file besides digest.cpp that includes
// OpenSSL.
#pragma once

#include <memory>
#include <string>

#include "util/bytes.h"
#include "util/digest.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, opaque here

namespace coco {

struct EcdsaSignature {
  ByteVec r, s;  // big-endian, zero-padded to the curve's size
};

class EcPrivateKey {
 public:
  // SEC1 "EC PRIVATE KEY" or PKCS#8 PEM. Throws coco::Error naming `name` for anything else
  // (encrypted, not EC, unreadable).
  static EcPrivateKey from_pem(std::string_view pem, const std::string& name);
  EcPrivateKey(EcPrivateKey&&) noexcept;
  EcPrivateKey& operator=(EcPrivateKey&&) noexcept;
  ~EcPrivateKey();

  const std::string& name() const { return name_; }
  std::string curve() const;               // OpenSSL's group name: "secp384r1", "prime256v1", …
  std::size_t field_size() const;          // bytes per coordinate: 48 for P-384
  ByteVec public_x() const;                // big-endian, field_size() bytes
  ByteVec public_y() const;
  std::string public_pem() const;          // SubjectPublicKeyInfo
  EcdsaSignature sign(Algo algo, Bytes message) const;  // hashes message with algo, then signs

 private:
  struct Free {
    void operator()(evp_pkey_st* k) const;
  };
  EcPrivateKey(std::unique_ptr<evp_pkey_st, Free> key, std::string name);
  std::unique_ptr<evp_pkey_st, Free> key_;
  std::string name_;
};

}  // namespace coco
