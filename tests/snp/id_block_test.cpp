// SPDX-License-Identifier: Apache-2.0
// coco snp id-block: layouts of specs/snp.md §2.2, signatures checked by the openssl CLI, public
// keys round-tripped against openssl's view of the PEM files.
#include <catch2/catch.hpp>

#include "support/support.h"
#include "util/encoding.h"
#include "util/file.h"
#include "util/output.h"

using namespace coco;
using test::run_coco;
using test::run_program;

namespace {

// The upstream test vector's launch digest (sev-snp-measure tests/test_id_block.py).
const std::string kLdBase64 = "B28FLQi9p6cAqipgjFyqawDrrSl7bWioWkWx5mmlWLZ+G5HShKMB/mPE+gdQRn7t";

ByteVec reversed(Bytes b) { return ByteVec(b.rbegin(), b.rend()); }

// DER INTEGER of a big-endian unsigned value.
ByteVec der_integer(ByteVec v) {
  while (v.size() > 1 && v[0] == 0) v.erase(v.begin());
  if (v[0] & 0x80) v.insert(v.begin(), 0);
  ByteVec out = {0x02, static_cast<std::uint8_t>(v.size())};
  append(out, v);
  return out;
}

// The ABI's 512-byte signature record (R, S little-endian, 72 bytes each) as an ECDSA-Sig-Value.
ByteVec der_signature(Bytes record) {
  ByteVec body = der_integer(reversed(record.subspan(0, 48)));
  append(body, der_integer(reversed(record.subspan(72, 48))));
  ByteVec out = {0x30, static_cast<std::uint8_t>(body.size())};
  append(out, body);
  return out;
}

// "04 || X || Y" from `openssl ec -text`, the uncompressed public point.
std::string openssl_public_point(const std::string& key) {
  const auto r = run_program({"openssl", "ec", "-in", key, "-text", "-noout"});
  REQUIRE(r.exit_code == 0);
  std::string hex;
  const auto pub = r.out.find("pub:");
  const auto end = r.out.find("ASN1 OID", pub);
  for (std::size_t i = pub + 4; i < end; ++i)
    if (std::isxdigit(static_cast<unsigned char>(r.out[i]))) hex += r.out[i];
  return hex;
}

bool openssl_verifies(const test::TempDir& dir, const std::string& key, Bytes signature_record, Bytes message) {
  const std::string pub = dir.file("pub.pem"), sig = dir.file("sig.der"), msg = dir.file("msg.bin");
  REQUIRE(run_program({"openssl", "ec", "-in", key, "-pubout", "-out", pub}).exit_code == 0);
  const ByteVec der = der_signature(signature_record);
  write_file_atomic(sig, as_chars(der));
  write_file_atomic(msg, as_chars(message));
  const auto r = run_program({"openssl", "dgst", "-sha384", "-verify", pub, "-signature", sig, msg});
  return r.exit_code == 0 && r.out == "Verified OK\n";
}

}  // namespace

TEST_CASE("snp id-block: layout, openssl-verified signatures, round-tripped keys", "[snp][cli][vector]") {
  test::TempDir dir;
  const std::string id = dir.file("id.pem"), author = dir.file("author.pem");
  REQUIRE(run_program({"openssl", "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", id}).exit_code == 0);  // SEC1
  REQUIRE(run_program({"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", author}).exit_code == 0);  // PKCS#8
  const auto r = run_coco({"snp", "id-block", "--measurement", kLdBase64, "--idkey", id, "--authorkey", author, "--output", "json"});
  REQUIRE(r.exit_code == 0);
  CHECK(test::schema_errors("snp-id-block.schema.json", r.out) == "");
  const Json j = parse_json(r.out, "stdout");
  const ByteVec ld = from_base64(kLdBase64);
  const ByteVec block = from_base64(j["id_block"].get<std::string>());
  const ByteVec auth = from_base64(j["id_auth"].get<std::string>());
  // snp.md §3.2 test_id_block: LD, 32 zero bytes, version 1, SVN 0, policy 0x30000.
  CHECK(to_hex(block) == to_hex(ld) + std::string(64, '0') + "01000000" + "00000000" + "0000030000000000");
  REQUIRE(auth.size() == 4096);
  const Reader a(auth, "id-auth");
  CHECK(a.le<std::uint32_t>(0) == 1);
  CHECK(a.le<std::uint32_t>(4) == 1);
  CHECK(a.le<std::uint32_t>(0x240) == 2);  // ID key curve: P-384
  CHECK(a.le<std::uint32_t>(0x880) == 2);  // author key curve
  for (auto [from, to] : {std::pair{0x8, 0x40}, {0x40 + 144, 0x240}, {0x240 + 148, 0x680}, {0x680 + 144, 0x880}, {0x880 + 148, 0x1000}})
    for (int i = from; i < to; ++i) REQUIRE(auth[static_cast<std::size_t>(i)] == 0);

  const Bytes id_record = Bytes(auth).subspan(0x240, 1028), author_record = Bytes(auth).subspan(0x880, 1028);
  CHECK(openssl_verifies(dir, id, Bytes(auth).subspan(0x40, 512), block));
  CHECK(openssl_verifies(dir, author, Bytes(auth).subspan(0x680, 512), id_record));
  ByteVec tampered = block;
  tampered[0] ^= 1;
  CHECK_FALSE(openssl_verifies(dir, id, Bytes(auth).subspan(0x40, 512), tampered));

  // QX, QY little-endian in the record == openssl's 04||X||Y.
  for (auto [key, record] : {std::pair{id, id_record}, std::pair{author, author_record}}) {
    const ByteVec x = reversed(record.subspan(4, 48)), y = reversed(record.subspan(4 + 72, 48));
    CHECK("04" + to_hex(x) + to_hex(y) == openssl_public_point(key));
    for (std::size_t i = 4 + 48; i < 4 + 72; ++i) CHECK(record[i] == 0);
  }
  // The digests a verifier compares with the report: SHA-384 of each record, by openssl.
  write_file_atomic(dir.file("id.rec"), as_chars(id_record));
  const auto dgst = run_program({"openssl", "dgst", "-sha384", "-r", dir.file("id.rec")});
  CHECK(dgst.out.substr(0, 96) == j["id_key_digest"].get<std::string>());

  // Text form: snp-create-id-block's three lines.
  const auto text = run_coco({"snp", "id-block", "--measurement", to_hex(ld), "--id-key", id, "--author-key", author});
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::StartsWith("id-block=" + j["id_block"].get<std::string>() + ",id-auth="));
  CHECK_THAT(text.out, Catch::Contains("\nid_key_hash: " + to_base64(from_hex(j["id_key_digest"].get<std::string>())) + "\n"));
  CHECK_THAT(text.out, Catch::Contains("\nauthor_key: " + to_base64(from_hex(j["author_key_digest"].get<std::string>())) + "\n"));
}

TEST_CASE("snp id-block: family, image, SVN, policy, and no author key", "[snp][cli]") {
  test::TempDir dir;
  const std::string id = dir.file("id.pem");
  REQUIRE(run_program({"openssl", "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", id}).exit_code == 0);
  const auto r = run_coco({"snp", "id-block", "--measurement", std::string(96, 'a'), "--id-key", id, "--family-id",
                           "00112233445566778899aabbccddeeff", "--image-id", "ffeeddccbbaa99887766554433221100", "--svn", "7",
                           "--policy", "0x70000", "--output", "json"});
  REQUIRE(r.exit_code == 0);
  CHECK(test::schema_errors("snp-id-block.schema.json", r.out) == "");
  const Json j = parse_json(r.out, "stdout");
  CHECK(to_hex(from_base64(j["id_block"].get<std::string>())) ==
        std::string(96, 'a') + "00112233445566778899aabbccddeeff" + "ffeeddccbbaa99887766554433221100" + "01000000" + "07000000" +
            "0000070000000000");
  CHECK(j["author_key_digest"].is_null());
  CHECK_THAT(j["qemu_object_properties"].get<std::string>(), Catch::EndsWith(",author-key-enabled=off"));
  const ByteVec auth = from_base64(j["id_auth"].get<std::string>());
  for (std::size_t i = 0x680; i < auth.size(); ++i) REQUIRE(auth[i] == 0);
}

TEST_CASE("snp id-block: bad keys and values", "[snp][cli][hostile]") {
  test::TempDir dir;
  const std::string p256 = dir.file("p256.pem"), rsa = dir.file("rsa.pem"), enc = dir.file("enc.pem"), good = dir.file("good.pem");
  REQUIRE(run_program({"openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", p256}).exit_code == 0);
  REQUIRE(run_program({"openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", rsa}).exit_code == 0);
  REQUIRE(run_program({"openssl", "ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", good}).exit_code == 0);
  REQUIRE(run_program({"openssl", "pkey", "-in", good, "-aes256", "-passout", "pass:secret", "-out", enc}).exit_code == 0);
  const std::string garbage = dir.write("garbage.pem", "not a key\n");
  const std::string ld = std::string(96, '0');
  struct Case {
    std::vector<std::string> args;
    int exit;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"--measurement", ld, "--id-key", p256}, 1, p256 + ": is an ECDSA P-256 key; SNP ID and author keys must be ECDSA P-384"},
           {{"--measurement", ld, "--id-key", good, "--author-key", rsa}, 1, rsa + ": holds a RSA key"},
           {{"--measurement", ld, "--id-key", enc}, 1, enc + ": the key is encrypted; give its passphrase with --key-pass-file"},
           {{"--measurement", ld, "--id-key", garbage}, 1, garbage + ": not a readable PEM private key"},
           {{"--measurement", ld, "--id-key", dir.file("none.pem")}, 1, "none.pem: cannot open"},
           {{"--measurement", "abcd", "--id-key", good}, 2, "--measurement: expected the 48-byte SNP launch digest"},
           {{"--measurement", ld, "--id-key", good, "--family-id", "0011"}, 2, "--family-id: expected 32 hex digits"},
           {{"--measurement", ld, "--id-key", good, "--policy", "0x10000"}, 2, "--policy 0x10000: bit 17 is reserved and must be 1"},
           {{"--measurement", ld, "--id-key", good, "--policy", "zz"}, 2, "--policy: 'zz' is not a number"},
           {{"--measurement", ld, "--id-key", good, "--svn", "-1"}, 2, "--svn: '-1'"},
           {{"--measurement", ld}, 2, "--id-key"},
           {{"--measurement", ld, "--id-key", enc, "--key-pass-file", dir.write("wrong.txt", "wrong\n")}, 1, enc + ": "},
       }) {
    std::vector<std::string> args = {"snp", "id-block"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    INFO(c.message);
    const auto r = run_coco(args);
    CHECK(r.exit_code == c.exit);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains(c.message));
    CHECK_THAT(r.err, !Catch::Contains("secret"));
  }
  // An encrypted ID key with its passphrase is the same key: the same ID key digest.
  const auto plain = run_coco({"snp", "id-block", "--measurement", ld, "--id-key", good, "--output", "json"});
  const auto unlocked = run_coco({"snp", "id-block", "--measurement", ld, "--id-key", enc, "--key-pass-file",
                                  dir.write("pass.txt", "secret\n"), "--output", "json"});
  REQUIRE(plain.exit_code == 0);
  REQUIRE(unlocked.exit_code == 0);
  CHECK(parse_json(unlocked.out, "out")["id_key_digest"] == parse_json(plain.out, "out")["id_key_digest"]);
}
