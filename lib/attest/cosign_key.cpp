// SPDX-License-Identifier: Apache-2.0
#include "attest/cosign_key.h"

#include "attest/kdf_cost.h"

#include <sodium.h>

#include <cctype>
#include <cstdlib>

#include "util/encoding.h"
#include "util/error.h"
#include "util/output.h"

namespace coco::attest {
namespace {

constexpr std::string_view kLabels[] = {"ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY"};
constexpr std::string_view kKdfName = "scrypt";
constexpr std::string_view kCipherName = "nacl/secretbox";
constexpr std::size_t kSaltSize = 32;  // go-securesystemslib's saltSize

void init_sodium() {
  if (sodium_init() < 0) throw Error(Exit::Failure, "libsodium", "sodium_init failed");
}

// The base64 body of the first cosign block; nullopt when there is none.
std::optional<std::string> pem_body(std::string_view pem, const std::string& name) {
  for (std::string_view label : kLabels) {
    const std::string begin = "-----BEGIN " + std::string(label) + "-----";
    const std::string end = "-----END " + std::string(label) + "-----";
    const std::size_t b = pem.find(begin);
    if (b == std::string_view::npos) continue;
    const std::size_t e = pem.find(end, b + begin.size());
    if (e == std::string_view::npos) fail(name, "the " + std::string(label) + " block has no END line");
    std::string body;
    for (char c : pem.substr(b + begin.size(), e - b - begin.size()))
      if (!std::isspace(static_cast<unsigned char>(c))) body.push_back(c);
    return body;
  }
  return std::nullopt;
}

const Json& cosign_member(const Json& object, const char* key, const std::string& name, const std::string& path) {
  if (!object.is_object() || !object.contains(key)) fail(name, "cosign key: missing \"" + path + "\"");
  return object[key];
}

std::string string_member(const Json& object, const char* key, const std::string& name, const std::string& path) {
  const Json& v = cosign_member(object, key, name, path);
  if (!v.is_string()) fail(name, "cosign key: \"" + path + "\" is not a string");
  return v.get<std::string>();
}

ByteVec base64_member(const Json& object, const char* key, const std::string& name, const std::string& path) {
  return from_base64(string_member(object, key, name, path), name + ": cosign key \"" + path + "\"");
}

std::uint64_t uint_member(const Json& object, const char* key, const std::string& name, const std::string& path) {
  const Json& v = cosign_member(object, key, name, path);
  if (!v.is_number_unsigned()) fail(name, "cosign key: \"" + path + "\" is not a positive integer");
  return v.get<std::uint64_t>();
}

ScryptParams checked_params(const Json& params, const std::string& name) {
  ScryptParams p;
  p.n = uint_member(params, "N", name, "kdf.params.N");
  const std::uint64_t r = uint_member(params, "r", name, "kdf.params.r");
  const std::uint64_t par = uint_member(params, "p", name, "kdf.params.p");
  if (p.n < 2 || (p.n & (p.n - 1)) != 0) fail(name, "cosign key: scrypt N=" + std::to_string(p.n) + " is not a power of two");
  if (r == 0 || par == 0 || r > 64 || par > 64)
    fail(name, "cosign key: scrypt r=" + std::to_string(r) + " p=" + std::to_string(par) + " out of range (1..64)");
  if (p.n > kMaxScryptMemory / 128 / r)
    fail(name, "cosign key: scrypt N=" + std::to_string(p.n) + " r=" + std::to_string(r) + " needs more than " +
                   std::to_string(kMaxScryptMemory >> 20) + " MiB");
  check_scrypt_work(p.n, r, par, name);
  p.r = static_cast<std::uint32_t>(r);
  p.p = static_cast<std::uint32_t>(par);
  return p;
}

ByteVec derive_key(std::string_view password, Bytes salt, const ScryptParams& p, const std::string& name) {
  ByteVec key(crypto_secretbox_KEYBYTES);
  if (crypto_pwhash_scryptsalsa208sha256_ll(reinterpret_cast<const std::uint8_t*>(password.data()), password.size(),
                                            salt.data(), salt.size(), p.n, p.r, p.p, key.data(), key.size()) != 0)
    fail(name, "cosign key: scrypt failed (out of memory?)");
  return key;
}

}  // namespace

bool is_cosign_private_key(std::string_view pem) {
  for (std::string_view label : kLabels)
    if (pem.find("-----BEGIN " + std::string(label) + "-----") != std::string_view::npos) return true;
  return false;
}

PrivateKey parse_cosign_private_key(std::string_view pem, const std::string& name,
                                    const std::optional<std::string>& passphrase) {
  init_sodium();
  const std::optional<std::string> body = pem_body(pem, name);
  if (!body) fail(name, "not a cosign encrypted private key");
  const ByteVec json_bytes = from_base64(*body, name + ": cosign key PEM body");
  const Json doc = parse_json(std::string_view(reinterpret_cast<const char*>(json_bytes.data()), json_bytes.size()),
                              name + " (cosign key JSON)");
  const Json& kdf = cosign_member(doc, "kdf", name, "kdf");
  const std::string kdf_name = string_member(kdf, "name", name, "kdf.name");
  if (kdf_name != kKdfName) fail(name, "cosign key: unsupported kdf \"" + kdf_name + "\" (coco reads scrypt)");
  const ScryptParams params = checked_params(cosign_member(kdf, "params", name, "kdf.params"), name);
  const ByteVec salt = base64_member(kdf, "salt", name, "kdf.salt");
  const Json& cipher = cosign_member(doc, "cipher", name, "cipher");
  const std::string cipher_name = string_member(cipher, "name", name, "cipher.name");
  if (cipher_name != kCipherName)
    fail(name, "cosign key: unsupported cipher \"" + cipher_name + "\" (coco reads nacl/secretbox)");
  const ByteVec nonce = base64_member(cipher, "nonce", name, "cipher.nonce");
  if (nonce.size() != crypto_secretbox_NONCEBYTES)
    fail(name, "cosign key: cipher.nonce is " + std::to_string(nonce.size()) + " bytes, secretbox takes " +
                   std::to_string(crypto_secretbox_NONCEBYTES));
  const ByteVec sealed = base64_member(doc, "ciphertext", name, "ciphertext");
  if (sealed.size() <= crypto_secretbox_MACBYTES) fail(name, "cosign key: ciphertext is too short to hold a key");

  std::optional<std::string> password = passphrase;
  if (!password)
    if (const char* env = std::getenv("COSIGN_PASSWORD")) password = std::string(env);
  if (!password)
    fail(name, "a cosign encrypted key; give its password with COSIGN_PASSWORD (empty for none), "
               "--key-pass-file FILE or COCO_KEY_PASSWORD");
  ByteVec key = derive_key(*password, salt, params, name);
  ByteVec der(sealed.size() - crypto_secretbox_MACBYTES);
  const int opened = crypto_secretbox_open_easy(der.data(), sealed.data(), sealed.size(), nonce.data(), key.data());
  sodium_memzero(key.data(), key.size());
  if (opened != 0) fail(name, "cannot decrypt the cosign key: wrong password, or the key is damaged");
  try {
    PrivateKey k = parse_private_key_der(der, name);
    sodium_memzero(der.data(), der.size());
    return k;
  } catch (...) {
    sodium_memzero(der.data(), der.size());
    throw;
  }
}

std::string cosign_private_key_pem(const PrivateKey& key, std::string_view password, ScryptParams params) {
  init_sodium();
  ByteVec salt(kSaltSize), nonce(crypto_secretbox_NONCEBYTES);
  randombytes_buf(salt.data(), salt.size());
  randombytes_buf(nonce.data(), nonce.size());
  ByteVec secret = derive_key(password, salt, params, "cosign key");
  ByteVec der = key.pkcs8_der();
  ByteVec sealed(der.size() + crypto_secretbox_MACBYTES);
  crypto_secretbox_easy(sealed.data(), der.data(), der.size(), nonce.data(), secret.data());
  sodium_memzero(secret.data(), secret.size());
  sodium_memzero(der.data(), der.size());
  // Field order as Go's encoding/json writes go-securesystemslib's structs.
  const std::string json = R"({"kdf":{"name":"scrypt","params":{"N":)" + std::to_string(params.n) +
                           R"(,"r":)" + std::to_string(params.r) + R"(,"p":)" + std::to_string(params.p) +
                           R"(},"salt":")" + to_base64(salt) + R"("},"cipher":{"name":"nacl/secretbox","nonce":")" +
                           to_base64(nonce) + R"("},"ciphertext":")" + to_base64(sealed) + R"("})";
  const std::string b64 = to_base64(Bytes(reinterpret_cast<const std::uint8_t*>(json.data()), json.size()));
  std::string out = "-----BEGIN " + std::string(kLabels[0]) + "-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  out += "-----END " + std::string(kLabels[0]) + "-----\n";
  return out;
}

}  // namespace coco::attest
