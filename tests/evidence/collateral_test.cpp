// SPDX-License-Identifier: Apache-2.0
// Intel collateral: signed TCB info and QE identity cut out exactly, TCB status, freshness and
// CRL revocation (the vectors' CRLs, and a CRL made here that revokes a certificate).
#include <catch2/catch.hpp>

#include "evidence/collateral.h"
#include "evidence/tdx_verify.h"
#include "support/support.h"
#include "util/error.h"

using namespace coco;

namespace {

std::string tdx_vector(const std::string& rel) { return test::shared_path("vectors/evidence/tdx/" + rel); }

evidence::Collateral gtg_collateral() {
  return evidence::load_collateral({tdx_vector("gtg-tcbinfo-50806f000000.json"), tdx_vector("gtg-qeidentity.json"),
                                    tdx_vector("gtg-pckcrl-platform.der"), tdx_vector("gtg-rootcrl.der"), tdx_vector("derived")});
}

evidence::Status status(const evidence::CheckList& c, const std::string& name) {
  const auto* l = c.find(name);
  INFO(name);
  REQUIRE(l != nullptr);
  return l->status;
}

}  // namespace

TEST_CASE("evidence collateral: a signed member is cut out byte for byte", "[evidence][collateral]") {
  const std::string text = R"( { "a" : "x}\"{", "tcbInfo":{"b":[1,{"c":"]"}],"d":"\\"} , "signature":"00"})";
  CHECK(evidence::raw_member(text, "tcbInfo", "t") == R"({"b":[1,{"c":"]"}],"d":"\\"})");
  CHECK(evidence::raw_member(text, "a", "t") == R"("x}\"{")");
  CHECK_THROWS_AS(evidence::raw_member(text, "enclaveIdentity", "t"), Error);
  CHECK_THROWS_AS(evidence::raw_member(R"({"tcbInfo": {"a": [1, 2)", "tcbInfo", "t"), Error);
  CHECK_THROWS_AS(evidence::parse_utc("2023-06-18 08:42:58", "t"), Error);
  CHECK(evidence::parse_utc("1970-01-02T00:00:00Z", "t") == 86400);
}

TEST_CASE("evidence collateral: go-tdx-guest's PCS responses against the SPR E4 quote", "[evidence][collateral][vector]") {
  if (!test::shared_available("vectors/evidence")) return;
  const auto c = gtg_collateral();
  CHECK(c.tcb_infos.size() == 1);
  CHECK(c.qe_identities.size() == 1);
  CHECK(c.crls.size() == 2);
  evidence::TdxVerifyInputs in;
  in.collateral = c;
  in.at = evidence::parse_utc("2023-06-20T00:00:00Z", "t");
  const auto e = evidence::read_evidence_file(test::shared_path("vectors/evidence/tdx/v4-gtg-spr-e4.dat"));
  auto checks = evidence::verify_tdx(e, in);
  for (const char* name : {"quote signature", "TCB Signing <- root", "TCB info signature", "TCB info fresh",
                           "QE identity signature", "QE identity fresh", "QE identity", "QE TCB status",
                           "PCK not revoked", "CA not revoked"})
    CHECK(status(checks, name) == evidence::Status::Pass);
  // The sample TCB info keeps two levels, both above this PCK's SGX component 1 (3 < 5).
  CHECK(status(checks, "TCB status") == evidence::Status::Fail);
  CHECK(checks.find("TCB status")->detail.find("SGX TCB 3,3,2,2,2,1,0,2") != std::string::npos);

  // A year later the TCB info, QE identity and PCK CRL are stale.
  in.at = evidence::parse_utc("2024-06-20T00:00:00Z", "t");
  checks = evidence::verify_tdx(e, in);
  CHECK(status(checks, "TCB info fresh") == evidence::Status::Fail);
  CHECK(status(checks, "QE identity fresh") == evidence::Status::Fail);
  CHECK(checks.find("PCK not revoked")->detail.find("expired at its next update") != std::string::npos);

  // A changed byte inside the signed tcbInfo text breaks its signature.
  test::TempDir dir;
  std::string tcb = test::slurp(tdx_vector("gtg-tcbinfo-50806f000000.json"));
  const auto at = tcb.find("\"tcbEvaluationDataNumber\":15");
  REQUIRE(at != std::string::npos);
  tcb[at + 26] = '6';
  in.collateral = evidence::load_collateral({dir.write("tcb.json", tcb), tdx_vector("derived")});
  in.at = evidence::parse_utc("2023-06-20T00:00:00Z", "t");
  checks = evidence::verify_tdx(e, in);
  CHECK(status(checks, "TCB info signature") == evidence::Status::Fail);
}

TEST_CASE("evidence collateral: a CRL that lists the certificate revokes it", "[evidence][collateral]") {
  if (!test::have_program("openssl")) {
    WARN("skipped: no openssl program to make a test CA");
    return;
  }
  test::TempDir d;
  const std::string cnf = d.write("ca.cnf",
                                  "[ca]\ndefault_ca = test\n[test]\ndatabase = " + d.file("index.txt") +
                                      "\ndefault_md = sha256\ndefault_crl_days = 30\n");
  d.write("index.txt", "");
  auto run = [&](const std::vector<std::string>& argv) {
    const auto r = test::run_program(argv);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  };
  run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
       d.file("ca.key"), "-out", d.file("ca.pem"), "-subj", "/CN=Test PCK CA", "-days", "30"});
  for (const char* leaf : {"good", "bad"}) {
    run({"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
         d.file(std::string(leaf) + ".key"), "-out", d.file(std::string(leaf) + ".csr"), "-subj",
         std::string("/CN=") + leaf});
    run({"openssl", "x509", "-req", "-in", d.file(std::string(leaf) + ".csr"), "-CA", d.file("ca.pem"), "-CAkey",
         d.file("ca.key"), "-CAcreateserial", "-out", d.file(std::string(leaf) + ".pem"), "-days", "30"});
  }
  run({"openssl", "ca", "-config", cnf, "-keyfile", d.file("ca.key"), "-cert", d.file("ca.pem"), "-revoke",
       d.file("bad.pem")});
  run({"openssl", "ca", "-config", cnf, "-keyfile", d.file("ca.key"), "-cert", d.file("ca.pem"), "-gencrl", "-out",
       d.file("ca.crl")});
  const auto c = evidence::load_collateral({d.file("ca.crl")});
  REQUIRE(c.crls.size() == 1);
  const auto ca = evidence::load_cert_file(d.file("ca.pem")).front();
  const auto good = evidence::load_cert_file(d.file("good.pem")).front();
  const auto bad = evidence::load_cert_file(d.file("bad.pem")).front();
  const std::time_t now = std::time(nullptr);
  evidence::CheckList out;
  evidence::check_revocation(out, "good", good, ca, c.crls, now);
  evidence::check_revocation(out, "bad", bad, ca, c.crls, now);
  evidence::check_revocation(out, "late", good, ca, c.crls, now + 90 * 86400);
  evidence::check_revocation(out, "other", good, good, c.crls, now);
  CHECK(out.find("good not revoked")->status == evidence::Status::Pass);
  CHECK(out.find("bad not revoked")->status == evidence::Status::Fail);
  CHECK(out.find("bad not revoked")->detail.find("is revoked by the CRL of Test PCK CA") != std::string::npos);
  CHECK(out.find("late not revoked")->status == evidence::Status::Fail);
  CHECK(out.find("other not revoked")->status == evidence::Status::Skip);
  // The CRL checked against a key that did not sign it.
  const auto other_ca = evidence::load_cert_file(d.file("good.pem")).front();
  CHECK_FALSE(c.crls.front().signed_by(other_ca));
  CHECK(c.crls.front().signed_by(ca));
}
