// SPDX-License-Identifier: Apache-2.0
// Signing keys (plumbing.md §4.2, §4.3): ECDSA P-256 (the default, cosign's key type), ECDSA
// P-384 and Ed25519 (deterministic signatures, RFC 8032 "pure" mode). ECDSA hashes with SHA-256
// on both curves, as cosign and @sigstore/verify do when they verify with a key file.
//
// Private keys are read from PEM: PKCS#8 ("PRIVATE KEY"), encrypted PKCS#8 ("ENCRYPTED PRIVATE
// KEY", passphrase from a file or COCO_KEY_PASSWORD, never from a flag value), SEC1
// ("EC PRIVATE KEY") and cosign's "ENCRYPTED SIGSTORE PRIVATE KEY" (attest/cosign_key.h, which
// also takes COSIGN_PASSWORD). Public keys are SubjectPublicKeyInfo PEM ("PUBLIC KEY"). ECDSA signatures
// are DER (X9.62 Ecdsa-Sig-Value), as openssl dgst, cosign and Sigstore write them.
//
// Also the SEV-SNP ID block's keys: raw (r, s) signatures with a chosen digest and the public
// point's coordinates. This file and util/digest.cpp are the only ones that include OpenSSL.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/bytes.h"
#include "util/digest.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, opaque here

namespace coco::attest {

enum class KeyAlgorithm { P256, P384, Ed25519 };

std::string to_string(KeyAlgorithm a);               // "p256", "p384", "ed25519"
KeyAlgorithm parse_key_algorithm(std::string_view);  // throws coco::Error (Usage)

using PkeyPtr = std::shared_ptr<evp_pkey_st>;

// An ECDSA signature as fixed-width big-endian integers (r, s), each the curve's field size:
// the form hardware structures such as the SEV-SNP ID block carry.
struct RawEcdsaSignature {
  ByteVec r, s;
};

class PublicKey {
 public:
  PublicKey(PkeyPtr key, KeyAlgorithm algorithm) : key_(std::move(key)), algorithm_(algorithm) {}
  KeyAlgorithm algorithm() const { return algorithm_; }
  ByteVec spki_der() const;  // DER SubjectPublicKeyInfo
  std::string pem() const;   // "-----BEGIN PUBLIC KEY-----…"
  // Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo: the Sigstore bundle's
  // publicKey.hint and the DSSE keyid coco writes.
  std::string hint() const;
  // False for a signature that does not verify, including one that is not even DER.
  bool verify(Bytes message, Bytes signature) const;
  // Streamed for ECDSA: one pass gives the file's SHA-256 (returned in *sha256) and the verdict.
  bool verify_file(const std::string& path, Bytes signature, ByteVec* sha256 = nullptr) const;
  // ECDSA keys: the public point's coordinates, big-endian, each the field size (48 on P-384).
  ByteVec ec_x() const;
  ByteVec ec_y() const;

 private:
  PkeyPtr key_;
  KeyAlgorithm algorithm_;
};

class PrivateKey {
 public:
  PrivateKey(PkeyPtr key, KeyAlgorithm algorithm) : key_(std::move(key)), algorithm_(algorithm) {}
  KeyAlgorithm algorithm() const { return algorithm_; }
  PublicKey public_key() const;
  ByteVec sign(Bytes message) const;
  // Streamed for ECDSA: the file is read once, its SHA-256 (returned in *sha256) is signed.
  ByteVec sign_file(const std::string& path, ByteVec* sha256 = nullptr) const;
  // ECDSA keys: hashes `message` with `algo` (whatever the curve) and returns (r, s).
  RawEcdsaSignature sign_raw(Algo algo, Bytes message) const;
  // PKCS#8 PEM; encrypted with AES-256-CBC (PBKDF2) when a passphrase is given.
  std::string pem(const std::optional<std::string>& passphrase = std::nullopt) const;
  // Unencrypted PKCS#8 DER: what cosign's encrypted key format seals (attest/cosign_key.h).
  ByteVec pkcs8_der() const;

 private:
  PkeyPtr key_;
  KeyAlgorithm algorithm_;
};

PrivateKey generate_key(KeyAlgorithm algorithm);

// `name` is the input as the user named it, for messages. Throws coco::Error (Failure) for an
// unreadable or truncated PEM, an encrypted key without or with a wrong passphrase, a public key
// where a private one is needed (and the reverse), and key types coco does not sign with.
PrivateKey parse_private_key(std::string_view pem, const std::string& name,
                             const std::optional<std::string>& passphrase);
PublicKey parse_public_key(std::string_view pem, const std::string& name);
// An unencrypted PKCS#8 DER private key (the plaintext of a cosign key).
PrivateKey parse_private_key_der(Bytes der, const std::string& name);

// The passphrase for an encrypted key: the first line of `pass_file` when one is named, else
// the environment variable COCO_KEY_PASSWORD when set, else none.
std::optional<std::string> key_passphrase(const std::string& pass_file);

// Reads a private key file, and says (in `warning`) when group or others may read it.
PrivateKey load_private_key(const std::string& path, const std::optional<std::string>& passphrase,
                            std::string* warning = nullptr);
PublicKey load_public_key(const std::string& path);

}  // namespace coco::attest
