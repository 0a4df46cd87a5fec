// SPDX-License-Identifier: Apache-2.0
// Encrypted key files whose key derivation would run for minutes are refused before it starts;
// ordinary ones (OpenSSL's defaults) still open.
#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <chrono>

#include "attest/cosign_key.h"
#include "attest/kdf_cost.h"
#include "attest/key.h"
#include "util/error.h"

using Catch::Matchers::Contains;

namespace {

// An "ENCRYPTED PRIVATE KEY" block whose PBES2 parameters are `alg` over junk ciphertext: building
// it runs no key derivation, so a test can ask for any cost.
std::string encrypted_pem(X509_ALGOR* alg) {
  REQUIRE(alg != nullptr);
  X509_SIG* sig = X509_SIG_new();
  X509_ALGOR* slot = nullptr;
  ASN1_OCTET_STRING* digest = nullptr;
  X509_SIG_getm(sig, &slot, &digest);  // the signature's own members
  REQUIRE(X509_ALGOR_copy(slot, alg) == 1);
  X509_ALGOR_free(alg);
  REQUIRE(ASN1_OCTET_STRING_set(digest, reinterpret_cast<const unsigned char*>("0123456789abcdef"), 16) == 1);
  BIO* bio = BIO_new(BIO_s_mem());
  REQUIRE(PEM_write_bio_PKCS8(bio, sig) == 1);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  X509_SIG_free(sig);
  return pem;
}

}  // namespace

TEST_CASE("an encrypted PKCS#8 key asking for 2^31 PBKDF2 iterations is refused at once", "[attest][key][hostile]") {
  unsigned char salt[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  const std::string pem =
      encrypted_pem(PKCS5_pbe2_set_iv(EVP_aes_256_cbc(), 0x7fffffff, salt, sizeof salt, nullptr, NID_hmacWithSHA256));
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(coco::attest::parse_private_key(pem, "hostile.pem", std::string("pw")),
                    Contains("hostile.pem") && Contains("2147483647 key-derivation iterations"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  // Within the bound the key is read as before (and, junk inside, fails to decrypt by name).
  const std::string ok = encrypted_pem(PKCS5_pbe2_set_iv(EVP_aes_256_cbc(), 2048, salt, sizeof salt, nullptr, NID_hmacWithSHA256));
  CHECK_THROWS_WITH(coco::attest::parse_private_key(ok, "ok.pem", std::string("pw")), Contains("cannot decrypt the key"));
}

TEST_CASE("an encrypted PKCS#8 key asking for scrypt work beyond the bound is refused", "[attest][key][hostile]") {
  unsigned char salt[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  // 128 * N * r = 16 MiB fits OpenSSL's memory limit; N * r * p = 2^23 is twice coco's work bound.
  const std::string pem = encrypted_pem(PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), salt, sizeof salt, nullptr, 1 << 14, 8, 64));
  CHECK_THROWS_WITH(coco::attest::parse_private_key(pem, "scrypt.pem", std::string("pw")),
                    Contains("scrypt.pem") && Contains("scrypt N=16384 r=8 p=64"));
}

TEST_CASE("cosign keys share the scrypt work bound", "[attest][key][hostile]") {
  CHECK_NOTHROW(coco::attest::check_scrypt_work(1 << 16, 8, 1, "k"));  // cosign's own parameters
  CHECK_THROWS_WITH(coco::attest::check_scrypt_work(1 << 16, 8, 64, "cosign.key"), Contains("cosign.key"));
  CHECK_THROWS_WITH(coco::attest::check_scrypt_work(std::uint64_t{1} << 62, 64, 64, "k"), Contains("N*r*p at most"));
}
