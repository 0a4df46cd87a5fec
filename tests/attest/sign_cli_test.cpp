// SPDX-License-Identifier: Apache-2.0
// coco key generate / sign / verify end to end, each result also checked by an independent
// verifier (plumbing.md §4.2): openssl over the DSSE PAE and over files, @sigstore/verify for
// bundles. Ed25519 signatures are deterministic and compared byte for byte with openssl's.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "attest/sigstore_js.h"
#include "support/support.h"
#include "util/encoding.h"
#include "util/file.h"
#include "util/output.h"

using coco::Json;
using coco::test::run_coco;
using coco::test::run_program;
using coco::test::TempDir;
using Catch::Contains;

namespace {

// The PAE an independent reader builds (DSSE protocol v1.0), written for openssl to verify.
std::string write_pae(const TempDir& dir, const Json& envelope) {
  const coco::ByteVec body = coco::from_base64(envelope["payload"].get<std::string>());
  const std::string type = envelope["payloadType"].get<std::string>();
  std::string pae = "DSSEv1 " + std::to_string(type.size()) + " " + type + " " + std::to_string(body.size()) + " ";
  pae.append(coco::as_chars(body));
  return dir.write("pae.bin", pae);
}

// openssl's verdict on a signature (base64) over a file, for the key's algorithm.
bool openssl_verifies(const TempDir& dir, const std::string& algorithm, const std::string& pub,
                      const std::string& message_file, const std::string& sig_b64) {
  const coco::ByteVec sig = coco::from_base64(sig_b64);
  const std::string sig_file = dir.write("sig.bin", std::string(coco::as_chars(sig)));
  const auto r = algorithm == "ed25519"
                     ? run_program({"openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in",
                                    message_file, "-sigfile", sig_file})
                     : run_program({"openssl", "dgst", "-sha256", "-verify", pub, "-signature", sig_file, message_file});
  return r.exit_code == 0;
}

Json load(const std::string& path) { return coco::parse_json(coco::read_text_file(path), path); }

std::string copy_private(const TempDir& dir, const std::string& testdata, const std::string& name) {
  const std::string to = dir.file(name);
  std::filesystem::copy_file(coco::test::source_path(testdata), to);
  ::chmod(to.c_str(), 0600);
  return to;
}

}  // namespace

TEST_CASE("Ed25519 bundle and detached signature equal openssl's byte for byte", "[attest][vector]") {
  TempDir dir;
  const std::string key = copy_private(dir, "testdata/attest/ed25519.key", "ed25519.key");
  const std::string file = dir.write("hello.txt", coco::read_text_file(coco::test::source_path("testdata/attest/hello.txt")));
  const Json expected = load(coco::test::source_path("testdata/attest/hello.txt.expected.json"));

  const auto sign = run_coco({"sign", file, "--key", key, "--output", "json"});
  REQUIRE(sign.exit_code == 0);
  CHECK(sign.err.empty());  // mode 0600: no permission warning
  CHECK(coco::test::schema_errors("sign.schema.json", sign.out) == "");
  const std::string bundle_path = file + ".sigstore.json";
  const std::string bundle_text = coco::read_text_file(bundle_path);
  CHECK(coco::test::schema_errors("bundle.schema.json", bundle_text) == "");
  const Json bundle = coco::parse_json(bundle_text, "bundle");
  CHECK(bundle["dsseEnvelope"]["payload"] == expected["statement_payload"]);
  CHECK(bundle["dsseEnvelope"]["signatures"][0]["sig"] == expected["dsse_sig"]);
  const std::string pub = coco::test::source_path("testdata/attest/ed25519.pub");
  REQUIRE(run_program({"openssl", "pkey", "-pubin", "-in", pub, "-outform", "DER", "-out", dir.file("pub.der")})
              .exit_code == 0);
  CHECK(bundle["verificationMaterial"]["publicKey"]["hint"] ==
        run_program({"sha256sum", dir.file("pub.der")}).out.substr(0, 64));

  REQUIRE(run_coco({"sign", file, "--key", key, "--format", "detached"}).exit_code == 0);
  CHECK(coco::read_text_file(file + ".sig") == expected["detached_sig"].get<std::string>() + "\n");
  const auto v = run_coco({"verify", file, "--key", pub, "--output", "json"});  // finds FILE.sigstore.json
  CHECK(v.exit_code == 0);
  CHECK(coco::test::schema_errors("verify.schema.json", v.out) == "");
  CHECK(coco::test::sigstore_js_verify(bundle_path, pub).rfind("failed", 0) != 0);
}

TEST_CASE("coco key generate + sign: every algorithm verified by openssl and @sigstore/verify", "[attest]") {
  for (const std::string algorithm : {"p256", "p384", "ed25519"}) {
    INFO("algorithm " << algorithm);
    TempDir dir;
    const std::string key = dir.file("cosign.key"), pub = dir.file("cosign.pub");
    const auto gen = run_coco({"key", "generate", "--algorithm", algorithm, "-o", key, "--output", "json"});
    REQUIRE(gen.exit_code == 0);
    CHECK(coco::test::schema_errors("key-generate.schema.json", gen.out) == "");
    struct stat key_stat {};
    REQUIRE(::stat(key.c_str(), &key_stat) == 0);
    CHECK((key_stat.st_mode & 0777) == 0600);
    CHECK_THAT(coco::read_text_file(key), Contains("-----BEGIN PRIVATE KEY-----"));  // PKCS#8
    const auto text = run_program({"openssl", "pkey", "-pubin", "-in", pub, "-text", "-noout"});
    REQUIRE(text.exit_code == 0);
    CHECK_THAT(text.out, Contains(algorithm == "p256" ? "P-256" : algorithm == "p384" ? "P-384" : "ED25519"));
    // The public key beside the private one is the private key's own.
    CHECK(run_program({"openssl", "pkey", "-in", key, "-pubout"}).out == coco::read_text_file(pub));

    const std::string a = dir.write("a.json", "{\"a\": 1}\n"), b = dir.write("b.rego", "package agent_policy\n");
    REQUIRE(run_coco({"sign", a, b, "--key", key, "-o", dir.file("ab.sigstore.json")}).exit_code == 0);
    const Json bundle = load(dir.file("ab.sigstore.json"));
    const Json& env = bundle["dsseEnvelope"];
    CHECK(openssl_verifies(dir, algorithm, pub, write_pae(dir, env), env["signatures"][0]["sig"]));
    const Json st = coco::parse_json(coco::as_chars(coco::from_base64(env["payload"].get<std::string>())), "payload");
    CHECK(st["_type"] == "https://in-toto.io/Statement/v1");
    CHECK(st["subject"][1]["name"] == "b.rego");
    CHECK(st["subject"][1]["digest"]["sha256"] == run_program({"sha256sum", b}).out.substr(0, 64));
    CHECK(coco::test::sigstore_js_verify(dir.file("ab.sigstore.json"), pub).rfind("failed", 0) != 0);
    CHECK(run_coco({"verify", a, b, "--bundle", dir.file("ab.sigstore.json"), "--key", pub}).exit_code == 0);

    REQUIRE(run_coco({"sign", a, "--key", key, "--format", "dsse"}).exit_code == 0);
    const std::string dsse_text = coco::read_text_file(a + ".dsse.json");
    CHECK(coco::test::schema_errors("bundle-dsse.schema.json", dsse_text) == "");
    const Json dsse = coco::parse_json(dsse_text, "dsse");
    CHECK(openssl_verifies(dir, algorithm, pub, write_pae(dir, dsse), dsse["signatures"][0]["sig"]));
    CHECK(run_coco({"verify", a, "--bundle", a + ".dsse.json", "--key", pub}).exit_code == 0);

    REQUIRE(run_coco({"sign", a, "--key", key, "--format", "detached"}).exit_code == 0);
    CHECK(openssl_verifies(dir, algorithm, pub, a, coco::read_text_file(a + ".sig")));
    CHECK(run_coco({"verify", a, "--signature", a + ".sig", "--key", pub}).exit_code == 0);
  }
}

TEST_CASE("tampered bundles fail in coco verify, openssl and @sigstore/verify", "[attest][hostile]") {
  TempDir dir;
  const std::string key = dir.file("k.key"), pub = dir.file("k.pub"), other = dir.file("o.key");
  REQUIRE(run_coco({"key", "generate", "-o", key}).exit_code == 0);
  REQUIRE(run_coco({"key", "generate", "-o", other}).exit_code == 0);
  const std::string file = dir.write("policy.rego", "package agent_policy\ndefault AllowRequestsFailingPolicy := false\n");
  REQUIRE(run_coco({"sign", file, "--key", key}).exit_code == 0);
  const Json good = load(file + ".sigstore.json");

  auto payload_with = [&](const std::function<void(Json&)>& edit) {
    Json st = coco::parse_json(coco::as_chars(coco::from_base64(good["dsseEnvelope"]["payload"].get<std::string>())), "p");
    edit(st);
    return coco::to_base64(coco::as_bytes(st.dump()));
  };
  struct Tamper {
    const char* what;
    std::function<void(Json&)> edit;
  };
  const std::vector<Tamper> tampers = {
      {"payload", [&](Json& b) { b["dsseEnvelope"]["payload"] = payload_with([](Json& st) { st["predicate"]["x"] = 1; }); }},
      {"subject digest", [&](Json& b) {
         b["dsseEnvelope"]["payload"] = payload_with([](Json& st) { st["subject"][0]["digest"]["sha256"] = std::string(64, 'a'); });
       }},
      {"subject name", [&](Json& b) {
         b["dsseEnvelope"]["payload"] = payload_with([](Json& st) { st["subject"][0]["name"] = "other.rego"; });
       }},
      {"payload type", [](Json& b) { b["dsseEnvelope"]["payloadType"] = "application/json"; }},
      {"signature", [](Json& b) {
         coco::ByteVec sig = coco::from_base64(b["dsseEnvelope"]["signatures"][0]["sig"].get<std::string>());
         sig[sig.size() / 2] ^= 0x01;
         b["dsseEnvelope"]["signatures"][0]["sig"] = coco::to_base64(sig);
       }},
  };
  SECTION("tampered payload, subject, payload type or signature") for (const Tamper& t : tampers) {
    INFO("tampered " << t.what);
    Json bad = good;
    t.edit(bad);
    const std::string path = dir.write("bad.sigstore.json", bad.dump(2));
    const auto v = run_coco({"verify", file, "--bundle", path, "--key", pub});
    CHECK(v.exit_code == 1);
    CHECK_THAT(v.out, Contains("FAILED: ") && Contains("no signature verifies"));
    CHECK_THAT(v.out, !Contains("verified:"));
    CHECK_FALSE(openssl_verifies(dir, "p256", pub, write_pae(dir, bad["dsseEnvelope"]),
                                 bad["dsseEnvelope"]["signatures"][0]["sig"]));
    CHECK(coco::test::sigstore_js_verify(path, pub) != "verified");
  }

  SECTION("a bundle signed by another key") {
    REQUIRE(run_coco({"sign", file, "--key", other, "-o", dir.file("other.json")}).exit_code == 0);
    const auto v = run_coco({"verify", file, "--bundle", dir.file("other.json"), "--key", pub, "--output", "json"});
    CHECK(v.exit_code == 1);
    CHECK(coco::test::schema_errors("verify.schema.json", v.out) == "");
    CHECK_THAT(v.out, Contains("the bundle names key"));
    CHECK(coco::test::sigstore_js_verify(dir.file("other.json"), pub) != "verified");
  }
  SECTION("a file that changed after signing") {
    coco::write_file_atomic(file, "package agent_policy\ndefault AllowRequestsFailingPolicy := true\n");
    const auto v = run_coco({"verify", file, "--key", pub});
    CHECK(v.exit_code == 1);
    CHECK_THAT(v.out, Contains("changed after signing"));
  }
  SECTION("a file the statement does not name") {
    const std::string stranger = dir.write("stranger.rego", "package agent_policy\ndefault AllowRequestsFailingPolicy := false\n");
    const auto v = run_coco({"verify", stranger, "--bundle", file + ".sigstore.json", "--key", pub});
    CHECK(v.exit_code == 1);
    CHECK_THAT(v.out, Contains("no subject named \"stranger.rego\""));
  }
  SECTION("a detached signature over a changed file, and from another key") {
    REQUIRE(run_coco({"sign", file, "--key", key, "--format", "detached"}).exit_code == 0);
    REQUIRE(run_coco({"verify", file, "--signature", file + ".sig", "--key", pub}).exit_code == 0);
    REQUIRE(run_coco({"sign", file, "--key", other, "--format", "detached", "-o", dir.file("o.sig")}).exit_code == 0);
    CHECK(run_coco({"verify", file, "--signature", dir.file("o.sig"), "--key", pub}).exit_code == 1);
    CHECK_FALSE(openssl_verifies(dir, "p256", pub, file, coco::read_text_file(dir.file("o.sig"))));
    coco::write_file_atomic(file, "changed\n");
    CHECK(run_coco({"verify", file, "--signature", file + ".sig", "--key", pub}).exit_code == 1);
    CHECK_FALSE(openssl_verifies(dir, "p256", pub, file, coco::read_text_file(file + ".sig")));
  }
  SECTION("a required predicate type that differs") {
    const auto v = run_coco({"verify", file, "--key", pub, "--predicate-type", "https://slsa.dev/provenance/v1"});
    CHECK(v.exit_code == 1);
    CHECK_THAT(v.out, Contains("predicateType"));
  }
  SECTION("a key of another type than the signature's") {
    REQUIRE(run_coco({"key", "generate", "--algorithm", "ed25519", "-o", dir.file("ed.key")}).exit_code == 0);
    CHECK(run_coco({"verify", file, "--key", dir.file("ed.pub")}).exit_code == 1);
  }
}

TEST_CASE("several signatures on one DSSE envelope", "[attest]") {
  TempDir dir;
  for (const char* k : {"ci", "release", "stranger"})
    REQUIRE(run_coco({"key", "generate", "--algorithm", std::string(k) == "release" ? "ed25519" : "p256", "-o",
                      dir.file(std::string(k) + ".key")}).exit_code == 0);
  const std::string file = dir.write("rv.json", "{}\n");
  REQUIRE(run_coco({"sign", file, "--key", dir.file("ci.key"), "--key", dir.file("release.key"), "--format", "dsse"})
              .exit_code == 0);
  const Json env = load(file + ".dsse.json");
  REQUIRE(env["signatures"].size() == 2);
  CHECK(openssl_verifies(dir, "p256", dir.file("ci.pub"), write_pae(dir, env), env["signatures"][0]["sig"]));
  CHECK(openssl_verifies(dir, "ed25519", dir.file("release.pub"), write_pae(dir, env), env["signatures"][1]["sig"]));
  CHECK(run_coco({"verify", file, "--bundle", file + ".dsse.json", "--key", dir.file("ci.pub"), "--key",
                  dir.file("release.pub")}).exit_code == 0);
  const auto missing = run_coco({"verify", file, "--bundle", file + ".dsse.json", "--key", dir.file("ci.pub"), "--key",
                                 dir.file("stranger.pub")});
  CHECK(missing.exit_code == 1);
  CHECK_THAT(missing.out, Contains("stranger.pub"));
  const auto two_in_bundle = run_coco({"sign", file, "--key", dir.file("ci.key"), "--key", dir.file("release.key")});
  CHECK(two_in_bundle.exit_code == 2);
  CHECK_THAT(two_in_bundle.err, Contains("exactly one signature"));
}

TEST_CASE("key files: encrypted, SEC1, wrong types and damaged PEM give clear errors", "[attest][hostile]") {
  TempDir dir;
  const std::string file = dir.write("f.txt", "data\n");
  const std::string pass = dir.write("pass.txt", "correct horse\n"), wrong = dir.write("wrong.txt", "battery staple\n");
  REQUIRE(run_program({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256",
                       "-pass", "pass:correct horse", "-out", dir.file("enc.key")}).exit_code == 0);
  ::chmod(dir.file("enc.key").c_str(), 0600);
  REQUIRE(run_program({"openssl", "pkey", "-in", dir.file("enc.key"), "-passin", "pass:correct horse", "-pubout", "-out",
                       dir.file("enc.pub")}).exit_code == 0);

  const auto no_pass = run_coco({"sign", file, "--key", dir.file("enc.key")});
  CHECK(no_pass.exit_code == 1);
  CHECK_THAT(no_pass.err, Contains("enc.key: the key is encrypted") && Contains("--key-pass-file"));
  const auto bad_pass = run_coco({"sign", file, "--key", dir.file("enc.key"), "--key-pass-file", wrong});
  CHECK(bad_pass.exit_code == 1);
  CHECK_THAT(bad_pass.err, Contains("wrong passphrase"));
  CHECK_THAT(bad_pass.err, !Contains("battery"));  // a passphrase never reaches a message
  CHECK(run_coco({"sign", file, "--key", dir.file("enc.key"), "--key-pass-file", pass}).exit_code == 0);
  CHECK(run_coco({"verify", file, "--key", dir.file("enc.pub")}).exit_code == 0);
  CHECK(run_coco({"sign", file, "--key", dir.file("enc.key"), "--format", "detached"}, "", {"COCO_KEY_PASSWORD=correct horse"})
            .exit_code == 0);
  CHECK(run_coco({"verify", file, "--signature", file + ".sig", "--key", dir.file("enc.pub")}).exit_code == 0);

  // coco key generate --key-pass-file writes encrypted PKCS#8 that openssl opens with the passphrase.
  REQUIRE(run_coco({"key", "generate", "-o", dir.file("gen.key"), "--key-pass-file", pass}).exit_code == 0);
  CHECK_THAT(coco::read_text_file(dir.file("gen.key")), Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
  CHECK(run_program({"openssl", "pkey", "-in", dir.file("gen.key"), "-passin", "pass:correct horse", "-noout"}).exit_code == 0);
  const auto exists = run_coco({"key", "generate", "-o", dir.file("gen.key")});
  CHECK(exists.exit_code == 1);
  CHECK_THAT(exists.err, Contains("already exists"));

  // SEC1 "EC PRIVATE KEY" (openssl ecparam -genkey) signs; a world-readable key gets a warning.
  REQUIRE(run_program({"openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", dir.file("sec1.key")}).exit_code == 0);
  ::chmod(dir.file("sec1.key").c_str(), 0644);
  REQUIRE(run_program({"openssl", "ec", "-in", dir.file("sec1.key"), "-pubout", "-out", dir.file("sec1.pub")}).exit_code == 0);
  const auto sec1 = run_coco({"sign", file, "--key", dir.file("sec1.key"), "-o", dir.file("sec1.json")});
  CHECK(sec1.exit_code == 0);
  CHECK_THAT(sec1.err, Contains("warning") && Contains("readable by group or others"));
  CHECK(run_coco({"verify", file, "--bundle", dir.file("sec1.json"), "--key", dir.file("sec1.pub")}).exit_code == 0);

  struct Bad {
    const char* name;
    std::vector<std::string> make;  // openssl command writing OUT
    const char* error;
  };
  const std::vector<Bad> bad = {
      {"rsa.key", {"openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "OUT"},
       "holds a RSA key; coco signs with ECDSA P-256"},
      {"k1.key", {"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1", "-out", "OUT"},
       "an EC key on curve secp256k1"},
      {"pub.key", {"openssl", "pkey", "-in", dir.file("sec1.key"), "-pubout", "-out", "OUT"}, "holds a public key"},
  };
  for (const Bad& b : bad) {
    INFO(b.name);
    std::vector<std::string> cmd = b.make;
    for (auto& a : cmd)
      if (a == "OUT") a = dir.file(b.name);
    REQUIRE(run_program(cmd).exit_code == 0);
    const auto r = run_coco({"sign", file, "--key", dir.file(b.name)});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains(b.error));
  }
  const std::string pem = coco::read_text_file(dir.file("sec1.key"));
  const auto truncated = run_coco({"sign", file, "--key", dir.write("cut.key", pem.substr(0, pem.size() / 2))});
  CHECK(truncated.exit_code == 1);
  CHECK_THAT(truncated.err, Contains("cut.key: not a readable PEM private key"));
  const auto private_as_public = run_coco({"verify", file, "--bundle", dir.file("sec1.json"), "--key", dir.file("sec1.key")});
  CHECK(private_as_public.exit_code == 1);
  CHECK_THAT(private_as_public.err, Contains("holds a private key"));
  const auto not_json = run_coco({"verify", file, "--bundle", file, "--key", dir.file("sec1.pub")});
  CHECK(not_json.exit_code == 1);
  CHECK_THAT(not_json.err, Contains("f.txt"));
  CHECK(run_coco({"sign", file, "--key", dir.file("sec1.key"), "--format", "pgp"}).exit_code == 2);
}
