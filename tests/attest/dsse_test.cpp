// SPDX-License-Identifier: Apache-2.0
// Unit tests of lib/attest: the DSSE PAE (protocol.md example), key parsing of every truncation
// of a PEM, and random mutations of a signed bundle, which must parse and fail verification or
// throw a coco::Error naming the input, never crash (also run under ASan/UBSan).
#include <catch2/catch.hpp>
#include <random>

#include "attest/bundle.h"
#include "attest/dsse.h"
#include "attest/key.h"
#include "attest/signing.h"
#include "attest/statement.h"
#include "support/support.h"
#include "util/error.h"
#include "util/file.h"

using namespace coco::attest;
using Catch::Contains;

TEST_CASE("DSSE PAE of the protocol's example", "[attest][vector]") {
  // secure-systems-lab/dsse protocol.md: PAE("http://example.com/HelloWorld", "hello world").
  const coco::ByteVec p = pae("http://example.com/HelloWorld", coco::as_bytes("hello world"));
  CHECK(std::string(coco::as_chars(p)) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  CHECK(std::string(coco::as_chars(pae("", {}))) == "DSSEv1 0  0 ");
}

TEST_CASE("keys: sign and verify round trip, the wrong key or message is refused", "[attest]") {
  for (KeyAlgorithm a : {KeyAlgorithm::P256, KeyAlgorithm::P384, KeyAlgorithm::Ed25519}) {
    INFO(to_string(a));
    const PrivateKey key = generate_key(a);
    const PrivateKey reread = parse_private_key(key.pem(), "k.pem", std::nullopt);
    CHECK(reread.public_key().hint() == key.public_key().hint());
    const PrivateKey encrypted = parse_private_key(key.pem("pw"), "k.pem", std::string("pw"));
    CHECK(encrypted.public_key().hint() == key.public_key().hint());
    CHECK_THROWS_WITH(parse_private_key(key.pem("pw"), "k.pem", std::string("px")), Contains("wrong passphrase"));
    const coco::ByteVec sig = key.sign(coco::as_bytes("message"));
    const PublicKey pub = parse_public_key(key.public_key().pem(), "k.pub");
    CHECK(pub.verify(coco::as_bytes("message"), sig));
    CHECK_FALSE(pub.verify(coco::as_bytes("messagf"), sig));
    CHECK_FALSE(generate_key(a).public_key().verify(coco::as_bytes("message"), sig));
    CHECK_FALSE(pub.verify(coco::as_bytes("message"), coco::as_bytes("not a signature")));
  }
}

TEST_CASE("keys: every truncation of a PEM key fails cleanly", "[attest][hostile]") {
  const std::string pems[] = {generate_key(KeyAlgorithm::P256).pem(), generate_key(KeyAlgorithm::Ed25519).pem("pw"),
                              generate_key(KeyAlgorithm::P384).public_key().pem()};
  for (std::size_t n = 0; n + 1 < pems[0].size(); ++n)
    CHECK_THROWS_AS(parse_private_key(pems[0].substr(0, n), "cut.pem", std::nullopt), coco::Error);
  for (std::size_t n = 0; n + 1 < pems[1].size(); ++n)
    CHECK_THROWS_AS(parse_private_key(pems[1].substr(0, n), "cut.pem", std::string("pw")), coco::Error);
  for (std::size_t n = 0; n + 1 < pems[2].size(); ++n)
    CHECK_THROWS_AS(parse_public_key(pems[2].substr(0, n), "cut.pub"), coco::Error);
}

TEST_CASE("bundle: random mutations verify as false or throw a coco::Error", "[attest][hostile]") {
  coco::test::TempDir dir;
  const std::string file = dir.write("f.txt", "signed content\n");
  // The committed test key: Ed25519 signs deterministically, so every run mutates the same bundle.
  const PrivateKey key = load_private_key(coco::test::source_path("testdata/attest/ed25519.key"), std::nullopt);
  Statement st;
  st.subjects.push_back(file_subject(file));
  st.predicate_type = std::string(kFilesPredicate);
  const std::string good = sign_statement(st, {key}, SignFormat::Bundle);
  const std::vector<NamedKey> keys = {{"k.pub", key.public_key()}};
  REQUIRE(verify_signed_files({file}, good, "b.json", keys, std::nullopt).verified);

  std::mt19937 rng(11);
  int verified = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string bad = good;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !bad.empty(); ++e) {
      const std::size_t at = rng() % bad.size();
      switch (rng() % 3) {
        case 0: bad[at] = static_cast<char>(rng() % 256); break;
        case 1: bad.erase(at, 1 + rng() % 16); break;
        default: bad.resize(at); break;
      }
    }
    try {
      if (verify_signed_files({file}, bad, "b.json", keys, std::nullopt).verified) {
        // Only edits that leave the signed bytes alone may still verify (whitespace, key hint).
        ++verified;
        const SignedDocument d = parse_signed_document(bad, "b.json");
        CHECK(to_json(d.envelope)["payload"] == to_json(parse_signed_document(good, "g").envelope)["payload"]);
      }
    } catch (const coco::Error& e) {
      CHECK(std::string(e.what()).rfind("b.json", 0) == 0);
    }
  }
  CHECK(verified < 3000);
}

TEST_CASE("policy statement: per-pod initdata subjects with the TEE's digest algorithm verify", "[attest]") {
  coco::test::TempDir dir;
  const std::string initdata = dir.write("web.initdata.toml", "version = \"0.1.0\"\nalgorithm = \"sha384\"\n");
  PodBinding pod{"Deployment", "web", "shop", true, coco::Algo::Sha384,
                 // sha384 of the two lines above, from `sha384sum`
                 coco::test::run_program({"sha384sum", initdata}).out.substr(0, 96), {"r.example/web@sha256:" + std::string(64, '1')}};
  const Statement st = policy_statement({pod}, {{"profile", "default"}});
  CHECK(st.subjects.at(0).name == "shop/Deployment/web.initdata.toml");
  const PrivateKey key = generate_key(KeyAlgorithm::P256);
  const std::string bundle = sign_statement(st, {key}, SignFormat::Bundle);
  const std::vector<NamedKey> keys = {{"k.pub", key.public_key()}};
  const Verification ok = verify_signed_files({initdata}, bundle, "b.json", keys, std::string(kPolicyPredicate));
  CHECK(ok.verified);
  CHECK(ok.files.at(0).actual.rfind("sha384:", 0) == 0);
  coco::write_file_atomic(initdata, "version = \"0.1.0\"\nalgorithm = \"sha512\"\n");
  const Verification changed = verify_signed_files({initdata}, bundle, "b.json", keys, std::nullopt);
  CHECK_FALSE(changed.verified);
  CHECK_THAT(changed.reason, Contains("changed after signing"));
}
