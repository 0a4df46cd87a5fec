// SPDX-License-Identifier: Apache-2.0
// The X.509 pieces evidence verification needs, behind OpenSSL (STYLE.md "OpenSSL behind one RAII
// wrapper"): certificates from PEM or DER, "is A signed by B" (RSA-PSS for AMD, ECDSA for Intel,
// whatever the certificate names), validity at a given time, SubjectPublicKeyInfo fingerprints for
// the pinned roots, raw extension values by OID, CRLs, and raw ECDSA signatures over a digest.
#pragma once

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/bytes.h"
#include "util/digest.h"

struct x509_st;
struct X509_crl_st;
struct evp_pkey_st;

namespace coco::evidence {

class Cert {
 public:
  explicit Cert(x509_st* owned);
  x509_st* get() const { return x_.get(); }
  std::string subject_cn() const;          // the CN, else the whole subject line
  std::string issuer_cn() const;
  std::string serial_hex() const;          // lower-case hex, no leading zeros
  ByteVec der() const;
  ByteVec spki_sha256() const;             // SHA-256 of the DER SubjectPublicKeyInfo
  // The content of the extension's OCTET STRING, or nullopt when the certificate has none.
  std::optional<ByteVec> extension(const std::string& oid) const;
  // "" when `at` lies within notBefore..notAfter, else "expired on …" / "not valid before …".
  std::string validity_problem(std::time_t at) const;
  std::string not_after_text() const;

 private:
  struct Free {
    void operator()(x509_st* x) const;
  };
  std::shared_ptr<x509_st> x_;
};

// Every certificate in the file: PEM (any number) or one DER certificate. Throws coco::Error
// naming `where` when nothing parses.
std::vector<Cert> load_certs(Bytes data, const std::string& where);
std::vector<Cert> load_cert_file(const std::string& path);

// "" when `cert`'s signature verifies with `issuer`'s public key, else OpenSSL's reason.
std::string signature_problem(const Cert& cert, const Cert& issuer);

// Verifies an ECDSA signature given as big-endian r and s over `data` hashed with `algo`, with
// the key of `cert` (SNP: VCEK, P-384) or with a raw P-256 point x‖y (TDX attestation key).
bool ecdsa_verify_cert(const Cert& cert, Algo algo, Bytes data, Bytes r_be, Bytes s_be);
bool ecdsa_verify_p256_point(Bytes xy, Bytes data, Bytes r_be, Bytes s_be);

// Certificate revocation lists (PEM or DER).
class Crl {
 public:
  explicit Crl(X509_crl_st* owned);
  X509_crl_st* get() const { return c_.get(); }
  std::string issuer_cn() const;
  bool signed_by(const Cert& issuer) const;
  bool revokes(const Cert& cert) const;  // the serial is listed and the issuer names match
  std::string next_update_text() const;
  bool stale_at(std::time_t at) const;   // nextUpdate is before `at`
  std::size_t entries() const;

 private:
  struct Free {
    void operator()(X509_crl_st* c) const;
  };
  std::shared_ptr<X509_crl_st> c_;
};
std::optional<Crl> load_crl(Bytes data);  // nullopt when the bytes are not a CRL

// A minimal DER reader for extension contents (SGX and AMD extensions): one TLV at a time, with
// nesting bounded by the caller's recursion.
struct Tlv {
  std::uint8_t tag = 0;
  Bytes value;
  std::size_t size = 0;  // header + value
};
std::optional<Tlv> read_tlv(Bytes in);      // nullopt on truncation or an unsupported length form
std::string oid_text(Bytes value);          // "1.2.840.113741.1.13.1.4"
std::optional<std::uint64_t> der_uint(Bytes value);  // a non-negative INTEGER up to 64 bits

}  // namespace coco::evidence
