// SPDX-License-Identifier: Apache-2.0
// cosign interop (issue 15 item 14): cosign's encrypted private keys (scrypt + NaCl secretbox) and
// messageSignature bundles (cosign sign-blob --bundle). Independent checks: a key written by
// cosign itself, node's scrypt + tweetnacl opening the keys coco writes, @sigstore/sign making
// the bundles coco verifies and @sigstore/verify accepting the ones built here.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "attest/bundle.h"
#include "attest/cosign_key.h"
#include "attest/sigstore_js.h"
#include "support/support.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"
#include "util/output.h"

using coco::test::run_coco;
using coco::test::TempDir;
using Catch::Contains;

namespace {

// Written by cosign (generate-key-pair with an empty password; N=65536, r=8, p=1), published as a
// test key in the conforma/cli repository's vsa tests.
constexpr const char* kCosignWrittenKey = R"(-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----
eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjo2NTUzNiwiciI6
OCwicCI6MX0sInNhbHQiOiJLYU9OQzduQVJLOVgxM1FoaWFucjAwTTBGYys2Sitr
dnAxN1FuanpiVk9nPSJ9LCJjaXBoZXIiOnsibmFtZSI6Im5hY2wvc2VjcmV0Ym94
Iiwibm9uY2UiOiJVOHZqWWtqMlZOUFZGdlZFZWZ3bXZ5VGloUERrelBoaCJ9LCJj
aXBoZXJ0ZXh0IjoidWNWMnQ4TTZVNFJvb29FOXc0d3dkc3E1RDYrS2RKY245dERT
KzFwRDRGN040SVJOWEgzSTBua3h1a3NackFOUHR1emIvTkVYQ201dUp3Zjh3Qzl1
VlprbXdwNU5jRUZ6b3ZNS3JCZmNvdXdjaEkrMzkrQ0NhbVZPbzBucmRnZjhvcmpK
dXdrWDBYL1phY0RUTERGaUxyc1laMWVMMmlqMGU1MVRpZmVQNTl4WXNPK1FnM1Jv
OURRVjNQMk9ndDFDaVFHeGg1VXhUZytGc3c9PSJ9
-----END ENCRYPTED SIGSTORE PRIVATE KEY-----
)";
// Its public key, as node's scrypt + tweetnacl open it (cosign-decrypt.js).
constexpr const char* kCosignWrittenPub = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEMk2x2CCtYaFNteFO9CDuOMyDP54D
5+gXKKweldxuaq7Ns+3RIZDb/7fSkae3hDK7/ZdvR46/U6mvcFyncxHHSQ==
-----END PUBLIC KEY-----
)";

// A cheap KDF for round trips (cosign's own N=65536 costs 64 MiB per open).
const coco::attest::ScryptParams kFast{1024, 8, 1};

std::string write_private(const TempDir& dir, const std::string& name, const std::string& pem) {
  const std::string path = dir.write(name, pem);
  ::chmod(path.c_str(), 0600);
  return path;
}

// The key's JSON body, for tampering tests.
coco::Json body_of(const std::string& pem) {
  std::string b64;
  for (std::size_t pos = 0; pos < pem.size();) {
    const std::size_t eol = pem.find('\n', pos);
    const std::string line = pem.substr(pos, eol - pos);
    if (line.rfind("-----", 0) != 0) b64 += line;
    pos = eol == std::string::npos ? pem.size() : eol + 1;
  }
  const coco::ByteVec j = coco::from_base64(b64);
  return coco::parse_json(std::string(coco::as_chars(j)), "body");
}

std::string pem_of(const coco::Json& body) {
  const std::string text = body.dump();
  return "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n" +
         coco::to_base64(coco::Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())) +
         "\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n";
}

}  // namespace

TEST_CASE("a key written by cosign opens with its empty password and not with another", "[attest][cosign]") {
  const auto key = coco::attest::parse_cosign_private_key(kCosignWrittenKey, "cosign.key", std::string());
  CHECK(key.algorithm() == coco::attest::KeyAlgorithm::P256);
  CHECK(key.public_key().pem() == kCosignWrittenPub);
  CHECK_THROWS_WITH(coco::attest::parse_cosign_private_key(kCosignWrittenKey, "cosign.key", std::string("x")),
                    Contains("cosign.key: cannot decrypt the cosign key: wrong password"));
  ::unsetenv("COSIGN_PASSWORD");
  CHECK_THROWS_WITH(coco::attest::parse_private_key(kCosignWrittenKey, "cosign.key", std::nullopt),
                    Contains("COSIGN_PASSWORD"));
  ::setenv("COSIGN_PASSWORD", "", 1);  // cosign's convention: set and empty is the empty password
  CHECK(coco::attest::parse_private_key(kCosignWrittenKey, "cosign.key", std::nullopt).public_key().pem() ==
        kCosignWrittenPub);
  ::unsetenv("COSIGN_PASSWORD");
}

TEST_CASE("cosign keys coco writes open again and in node's scrypt and tweetnacl", "[attest][cosign]") {
  using coco::attest::KeyAlgorithm;
  TempDir dir;
  for (KeyAlgorithm a : {KeyAlgorithm::P256, KeyAlgorithm::P384, KeyAlgorithm::Ed25519}) {
    INFO(coco::attest::to_string(a));
    const auto key = coco::attest::generate_key(a);
    const std::string pem = coco::attest::cosign_private_key_pem(key, "s3cret pw", kFast);
    CHECK(pem.rfind("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n", 0) == 0);
    const coco::Json body = body_of(pem);
    CHECK(body["kdf"]["params"]["N"] == 1024);
    CHECK(coco::from_base64(body["kdf"]["salt"].get<std::string>()).size() == 32);
    CHECK(coco::from_base64(body["cipher"]["nonce"].get<std::string>()).size() == 24);
    const auto back = coco::attest::parse_cosign_private_key(pem, "k", std::string("s3cret pw"));
    CHECK(back.algorithm() == a);
    CHECK(back.pkcs8_der() == key.pkcs8_der());
    std::string older = pem;  // older cosign releases named the block "ENCRYPTED COSIGN PRIVATE KEY"
    for (std::size_t at; (at = older.find("SIGSTORE")) != std::string::npos;) older.replace(at, 8, "COSIGN");
    CHECK(coco::attest::is_cosign_private_key(older));
    CHECK(coco::attest::parse_cosign_private_key(older, "k", std::string("s3cret pw")).pkcs8_der() == key.pkcs8_der());
    CHECK_THROWS_WITH(coco::attest::parse_cosign_private_key(pem, "k", std::string("s3cret pW")),
                      Contains("wrong password"));
    const std::string path = write_private(dir, "k.key", pem);
    if (auto r = coco::test::sigstore_js_run("cosign-decrypt.js", {path, "s3cret pw"})) {
      INFO(r->err);
      CHECK(r->exit_code == 0);
      CHECK(r->out == key.public_key().pem());
    }
  }
}

TEST_CASE("damaged cosign keys are refused with the field named", "[attest][cosign]") {
  const auto key = coco::attest::generate_key(coco::attest::KeyAlgorithm::P256);
  const coco::Json good = body_of(coco::attest::cosign_private_key_pem(key, "pw", kFast));
  const auto refused = [](coco::Json body) {
    try {
      coco::attest::parse_cosign_private_key(pem_of(body), "bad.key", std::string("pw"));
    } catch (const coco::Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  coco::Json b = good;
  b["kdf"]["name"] = "pbkdf2";
  CHECK_THAT(refused(b), Contains("bad.key: cosign key: unsupported kdf \"pbkdf2\""));
  b = good;
  b["cipher"]["name"] = "aes-gcm";
  CHECK_THAT(refused(b), Contains("unsupported cipher \"aes-gcm\""));
  b = good;
  b["kdf"]["params"]["N"] = 1000;
  CHECK_THAT(refused(b), Contains("not a power of two"));
  b = good;
  b["kdf"]["params"]["N"] = 1u << 24;  // 2 GiB of scrypt memory: refused before allocating it
  CHECK_THAT(refused(b), Contains("needs more than 1024 MiB"));
  b = good;
  b["kdf"]["params"].erase("r");
  CHECK_THAT(refused(b), Contains("missing \"kdf.params.r\""));
  b = good;
  b["cipher"]["nonce"] = coco::to_base64(coco::ByteVec(12, 1));
  CHECK_THAT(refused(b), Contains("cipher.nonce is 12 bytes"));
  b = good;
  coco::ByteVec sealed = coco::from_base64(good["ciphertext"].get<std::string>());
  sealed[20] ^= 1;
  b["ciphertext"] = coco::to_base64(sealed);
  CHECK_THAT(refused(b), Contains("wrong password, or the key is damaged"));
  b = good;
  b["ciphertext"] = coco::to_base64(coco::ByteVec(16, 0));
  CHECK_THAT(refused(b), Contains("too short"));
  CHECK_THROWS_WITH(coco::attest::parse_cosign_private_key(
                        "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nbm90IGEga2V5\n", "cut.key", std::string()),
                    Contains("cut.key: the ENCRYPTED SIGSTORE PRIVATE KEY block has no END line"));
  CHECK_THROWS_WITH(coco::attest::parse_cosign_private_key("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"
                                                           "bm90IGEga2V5\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n",
                                                           "junk.key", std::string()),
                    Contains("junk.key (cosign key JSON)"));
}

TEST_CASE("coco sign takes cosign.key with COSIGN_PASSWORD and its bundle verifies independently", "[attest][cosign]") {
  TempDir dir;
  const std::string key = write_private(dir, "cosign.key", kCosignWrittenKey);
  const std::string pub = dir.write("cosign.pub", kCosignWrittenPub);
  const std::string file = dir.write("policy.rego", "package agent_policy\n");
  auto r = run_coco({"sign", file, "--key", key}, "", {"COSIGN_PASSWORD="});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  r = run_coco({"verify", file, "--key", pub});
  CHECK(r.exit_code == 0);
  CHECK(coco::test::sigstore_js_verify(file + ".sigstore.json", pub).rfind("failed", 0) != 0);
  r = run_coco({"sign", file, "--key", key}, "", {"COSIGN_PASSWORD=hunter2-not-it"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("cannot decrypt the cosign key"));
  CHECK_THAT(r.out + r.err, !Contains("hunter2"));  // the password itself never reaches a message
  // --key-pass-file / COCO_KEY_PASSWORD come before COSIGN_PASSWORD.
  const std::string pass = dir.write("pass.txt", "\n");
  r = run_coco({"sign", file, "--key", key, "--key-pass-file", pass}, "", {"COSIGN_PASSWORD=wrong"});
  CHECK(r.exit_code == 0);
}

TEST_CASE("messageSignature bundles from @sigstore/sign verify, a changed blob does not", "[attest][cosign]") {
  TempDir dir;
  const auto key = coco::attest::generate_key(coco::attest::KeyAlgorithm::P256);
  const std::string key_path = write_private(dir, "k.pem", key.pem());
  const std::string pub = dir.write("k.pub", key.public_key().pem());
  const std::string blob = dir.write("blob.txt", "measurements\n");
  auto made = coco::test::sigstore_js_run("sign-message.js", {key_path, blob});
  if (!made) return;
  INFO(made->err);
  REQUIRE(made->exit_code == 0);
  const std::string bundle = dir.write("blob.bundle", made->out);
  CHECK_THAT(made->out, Contains("\"messageSignature\""));
  auto r = run_coco({"verify", blob, "--bundle", bundle, "--key", pub, "--output", "json"});
  INFO(r.out + r.err);
  CHECK(r.exit_code == 0);
  const coco::Json v = coco::parse_json(r.out, "verify");
  CHECK(v["format"] == "message-bundle");
  CHECK(v["signers"][0] == key.public_key().hint());
  CHECK(coco::test::schema_errors("verify.schema.json", r.out).empty());
  const auto other = coco::attest::generate_key(coco::attest::KeyAlgorithm::P256);
  const std::string other_pub = dir.write("o.pub", other.public_key().pem());
  r = run_coco({"verify", blob, "--bundle", bundle, "--key", other_pub});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Contains("does not verify with"));
  CHECK_THAT(r.out, Contains("the bundle names key " + key.public_key().hint()));
  r = run_coco({"verify", blob, "--bundle", bundle, "--key", pub, "--predicate-type", "x"});
  CHECK(r.exit_code == 2);
  dir.write("blob.txt", "measurements!\n");
  r = run_coco({"verify", blob, "--bundle", bundle, "--key", pub});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Contains("does not match the bundle's messageDigest"));
}

TEST_CASE("messageSignature bundles built here pass @sigstore/verify and coco, cosign 2.x bundles too", "[attest][cosign]") {
  TempDir dir;
  for (auto a : {coco::attest::KeyAlgorithm::P256, coco::attest::KeyAlgorithm::Ed25519}) {
    INFO(coco::attest::to_string(a));
    const auto key = coco::attest::generate_key(a);
    const std::string pub = dir.write("k.pub", key.public_key().pem());
    const std::string blob = dir.write("blob.bin", std::string(5000, 'x'));
    coco::ByteVec sha;
    const coco::ByteVec sig = key.sign_file(blob, &sha);
    const coco::Json bundle = {
        {"mediaType", coco::attest::kBundleMediaType},
        {"verificationMaterial", {{"publicKey", {{"hint", key.public_key().hint()}}}, {"tlogEntries", coco::Json::array()}}},
        {"messageSignature",
         {{"messageDigest", {{"algorithm", "SHA2_256"}, {"digest", coco::to_base64(sha)}}},
          {"signature", coco::to_base64(sig)}}}};
    const std::string path = dir.write("blob.sigstore.json", bundle.dump());
    CHECK(run_coco({"verify", blob, "--bundle", path, "--key", pub}).exit_code == 0);
    // @sigstore/verify 4 hands "sha256" to node's crypto.verify for every messageSignature, which
    // node refuses for Ed25519 keys (its own @sigstore/sign bundles fail too): ECDSA only there.
    if (a != coco::attest::KeyAlgorithm::Ed25519) {
      const std::string js = coco::test::sigstore_js_verify(path, pub, blob);
      CHECK(js.rfind("failed", 0) != 0);
    }
    // cosign 2.x sign-blob --bundle without --new-bundle-format: the same signature, older JSON.
    const coco::Json legacy = {{"base64Signature", coco::to_base64(sig)}, {"cert", ""}, {"rekorBundle", nullptr}};
    const std::string legacy_path = dir.write("blob.cosign.bundle", legacy.dump());
    CHECK(run_coco({"verify", blob, "--bundle", legacy_path, "--key", pub}).exit_code == 0);
    coco::ByteVec bad = sig;
    bad[bad.size() / 2] ^= 0x40;
    dir.write("blob.cosign.bundle", coco::Json{{"base64Signature", coco::to_base64(bad)}}.dump());
    CHECK(run_coco({"verify", blob, "--bundle", legacy_path, "--key", pub}).exit_code == 1);
  }
  coco::Json both = {{"mediaType", coco::attest::kBundleMediaType},
                     {"verificationMaterial", coco::Json::object()},
                     {"messageSignature", {{"signature", "AA=="}}},
                     {"dsseEnvelope", coco::Json::object()}};
  CHECK_THROWS_WITH(coco::attest::parse_signed_document(both.dump(), "b.json"), Contains("has both"));
  both.erase("dsseEnvelope");
  both["messageSignature"]["messageDigest"] = {{"algorithm", "SHA2_384"}, {"digest", "AA=="}};
  CHECK_THROWS_WITH(coco::attest::parse_signed_document(both.dump(), "b.json"), Contains("SHA2_384"));
}
