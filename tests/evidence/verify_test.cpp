// SPDX-License-Identifier: Apache-2.0
// Offline verification of the real evidence in ../shared/vectors/evidence: every genuine report
// and quote verifies; every single-byte change of a signed region, a wrong chain, a synthetic
// certificate, an expired certificate and a revoked one fail with the reason named.
#include <catch2/catch.hpp>

#include "evidence/collateral.h"
#include "evidence/snp_verify.h"
#include "evidence/tdx_verify.h"
#include "support/support.h"
#include "util/error.h"
#include "util/file.h"

using namespace coco;

namespace {

// After every source snapshot (the newest is 2026-08-21) and before any certificate here expires,
// except the VLEK (expired 2025-12-10), which is checked at kVlekTime.
const std::time_t kTime = evidence::parse_utc("2026-09-01T00:00:00Z", "test");
const std::time_t kVlekTime = evidence::parse_utc("2025-06-01T00:00:00Z", "test");

std::string evidence_vector(const std::string& rel) { return test::shared_path(std::string("vectors/evidence/") + rel); }

struct SnpCase {
  const char* report;
  const char* vek;
  const char* chain;
  bool vlek;
};
const SnpCase kSnp[] = {
    {"snp/milan-gsg-report.bin", "snp/milan-gsg-vcek.der", "snp/ask_ark_milan.pem", false},
    {"snp/milan-trustee-report.bin", "snp/milan-trustee-vcek.der", "snp/ask_ark_milan.pem", false},
    {"snp/milan-trustee-vlek-report.bin", "snp/milan-trustee-vlek.der", "snp/ask_ark_milan_vlek.pem", true},
    {"snp/derived/milan-virtee-report.bin", "snp/milan-virtee-vcek.der", "snp/ask_ark_milan.pem", false},
    {"snp/derived/milan-dstack-report.bin", "snp/milan-dstack-vcek.pem", "snp/ask_ark_milan.pem", false},
    {"snp/milan-azure-hcl-report.bin", "snp/milan-azure-vcek-chain.pem", "snp/ask_ark_milan.pem", false},
    {"snp/genoa-azure-evidence.json", "snp/genoa-azure-vcek.pem", "snp/ask_ark_genoa.pem", false},
    {"snp/derived/genoa-trustee-e2e-report.bin", "snp/derived/genoa-trustee-e2e-vcek.der", "snp/ask_ark_genoa.pem", false},
};

evidence::SnpVerifyInputs snp_inputs(const SnpCase& c) {
  evidence::SnpVerifyInputs in;
  in.vek = evidence::load_cert_file(evidence_vector(c.vek));
  in.vek_given = true;
  in.vek_is_vlek = c.vlek;
  in.ca = evidence::load_cert_file(evidence_vector(c.chain));
  in.at = c.vlek ? kVlekTime : kTime;
  return in;
}

std::string failed(const evidence::CheckList& checks) {
  std::string s;
  for (const auto& l : checks.lines())
    if (l.status == evidence::Status::Fail) s += l.name + ": " + l.detail + "\n";
  return s;
}

bool fails(const std::function<evidence::CheckList(const evidence::Evidence&)>& verify, const ByteVec& bytes) {
  try {
    return !verify(evidence::read_evidence(bytes, "tampered")).ok();
  } catch (const Error&) {
    return true;  // refused by the parser: rejected too
  }
}

const char* kTdxQuotes[] = {"tdx/v4-gtg-spr-e4.dat", "tdx/v5-gtg-sample.dat", "tdx/v4-gtg-cos113.dat",
                            "tdx/v4-trustee-4.dat", "tdx/v5-trustee-5.dat", "tdx/v4-trustee-6.dat",
                            "tdx/v4-azure-td.dat", "tdx/v4-dstack-ratls.dat", "tdx/derived/v4-dstack-quote-report.dat",
                            "tdx/derived/v4-dstack-tdx-lite.dat", "tdx/derived/v4-dstack-simulator.dat"};

}  // namespace

TEST_CASE("evidence verify: every genuine SEV-SNP report verifies", "[evidence][verify][vector]") {
  if (!test::shared_available("vectors/evidence")) return;
  std::size_t passed = 0;
  for (const auto& c : kSnp) {
    INFO(c.report);
    const auto checks = evidence::verify_snp(evidence::read_evidence_file(evidence_vector(c.report)), snp_inputs(c));
    CHECK(failed(checks).empty());
    CHECK(checks.count(evidence::Status::Pass) >= 10);
    passed += checks.count(evidence::Status::Pass);
  }
  const auto hcl = evidence::verify_snp(evidence::read_evidence_file(evidence_vector("snp/milan-azure-hcl-report.bin")), snp_inputs(kSnp[5]));
  REQUIRE(hcl.find("HCL runtime data bound") != nullptr);
  CHECK(hcl.find("HCL runtime data bound")->status == evidence::Status::Pass);
  WARN("evidence verify: " << std::size(kSnp) << " SNP reports, " << passed << " checks passed");
}

TEST_CASE("evidence verify: every genuine TDX quote verifies", "[evidence][verify][vector]") {
  if (!test::shared_available("vectors/evidence")) return;
  std::size_t passed = 0;
  for (const char* q : kTdxQuotes) {
    INFO(q);
    evidence::TdxVerifyInputs in;
    in.at = kTime;
    const auto checks = evidence::verify_tdx(evidence::read_evidence_file(evidence_vector(q)), in);
    CHECK(failed(checks).empty());
    CHECK(checks.count(evidence::Status::Pass) == 10);
    passed += checks.count(evidence::Status::Pass);
  }
  WARN("evidence verify: " << std::size(kTdxQuotes) << " TDX quotes, " << passed << " checks passed");
}

TEST_CASE("evidence verify: every single-byte change of the signed SNP region is rejected", "[evidence][verify][tamper]") {
  if (!test::shared_available("vectors/evidence")) return;
  const SnpCase& c = kSnp[0];
  const auto in = snp_inputs(c);
  const ByteVec base = test::read_shared(std::string("vectors/evidence/") + c.report);
  auto verify = [&](const evidence::Evidence& e) { return evidence::verify_snp(e, in); };
  REQUIRE_FALSE(fails(verify, base));
  std::size_t rejected = 0;
  for (std::size_t i = 0; i < evidence::kSnpSignedSize; ++i) {
    ByteVec m = base;
    m[i] ^= 0x01;
    INFO("byte " << i);
    CHECK(fails(verify, m));
    rejected += fails(verify, m) ? 1 : 0;
  }
  // The source tests' own mutations: virtee byte 21 ^= 0x80, trustee byte 42 += 1 and reported_tcb + 1.
  ByteVec m = base;
  m[0x180] += 1;
  const auto tcb = evidence::verify_snp(evidence::read_evidence(m, "t"), in);
  CHECK(tcb.find("report signature")->status == evidence::Status::Fail);
  CHECK(tcb.find("TCB extensions = reported_tcb")->status == evidence::Status::Fail);
  CHECK(rejected == evidence::kSnpSignedSize);
  WARN("evidence verify: " << rejected << " SNP tamper cases rejected");
}

TEST_CASE("evidence verify: every single-byte change of a TDX quote's signed region is rejected", "[evidence][verify][tamper]") {
  if (!test::shared_available("vectors/evidence")) return;
  evidence::TdxVerifyInputs in;
  in.at = kTime;
  auto verify = [&](const evidence::Evidence& e) { return evidence::verify_tdx(e, in); };
  std::size_t rejected = 0, total = 0;
  for (const char* q : {"tdx/v4-gtg-spr-e4.dat", "tdx/v5-gtg-sample.dat"}) {
    const ByteVec base = test::read_shared(std::string("vectors/evidence/") + q);
    REQUIRE_FALSE(fails(verify, base));
    const auto quote = evidence::read_evidence(base, q);
    for (std::size_t i = 0; i < quote.tdx->signed_size; ++i) {
      ByteVec m = base;
      m[i] ^= 0x01;
      INFO(q << " byte " << i);
      const bool f = fails(verify, m);
      CHECK(f);
      rejected += f ? 1 : 0;
      ++total;
    }
  }
  // go-tdx-guest TestNegativeVerification: certificate bytes changed (PCK leaf, intermediate, root).
  const ByteVec base = test::read_shared(std::string("vectors/evidence/") + "tdx/v4-gtg-spr-e4.dat");
  for (std::size_t off : {0xb77u, 0xf5fu, 0x1329u, 0x1343u}) {
    ByteVec m = base;
    m[off] = 0x32;
    INFO("certificate byte " << off);
    CHECK(fails(verify, m));
  }
  // The QE report (signed by the PCK) and the QE auth data (bound by its report_data).
  const auto q = evidence::read_evidence(base, "q");
  const std::size_t qe_report = q.tdx->signed_size + 4 + 134;
  for (std::size_t off : {qe_report, qe_report + 100, qe_report + 383, qe_report + 384 + 64 + 2}) {
    ByteVec m = base;
    m[off] ^= 0x01;
    INFO("signature data byte " << off);
    CHECK(fails(verify, m));
  }
  CHECK(rejected == total);
  WARN("evidence verify: " << rejected << " TDX tamper cases rejected");
}

TEST_CASE("evidence verify: wrong chains and synthetic certificates fail", "[evidence][verify]") {
  if (!test::shared_available("vectors/evidence")) return;
  SnpCase c = kSnp[1];  // trustee: VCEK checked against the ASVK chain
  c.chain = "snp/ask_ark_milan_vlek.pem";
  auto checks = evidence::verify_snp(evidence::read_evidence_file(evidence_vector(c.report)), snp_inputs(c));
  CHECK(checks.find("VCEK <- ASK")->status == evidence::Status::Fail);
  c.chain = "snp/ask_ark_genoa.pem";  // a Genoa chain for a Milan VCEK
  checks = evidence::verify_snp(evidence::read_evidence_file(evidence_vector(c.report)), snp_inputs(c));
  CHECK(checks.find("VCEK <- ASK")->status == evidence::Status::Fail);
  // Another chip's VCEK: the signature and hwID fail.
  c = kSnp[0];
  c.vek = "snp/milan-trustee-vcek.der";
  checks = evidence::verify_snp(evidence::read_evidence_file(evidence_vector(c.report)), snp_inputs(c));
  CHECK(checks.find("report signature")->status == evidence::Status::Fail);
  CHECK(checks.find("hwID = chip_id")->status == evidence::Status::Fail);
  CHECK(checks.find("TCB extensions = reported_tcb")->status == evidence::Status::Fail);
  // trustee's synthetic hwID certificates parse (raw and DER-wrapped) but do not chain to AMD.
  for (const char* fake : {"snp/invalid/vcek-fake-hwid-raw.der", "snp/invalid/vcek-fake-hwid-der.der"}) {
    INFO(fake);
    const auto cert = evidence::load_cert_file(evidence_vector(fake));
    const auto hwid = evidence::read_hwid(cert.front());
    REQUIRE(hwid.has_value());
    REQUIRE(hwid->size() == 64);
    for (std::size_t i = 0; i < 64; ++i) CHECK((*hwid)[i] == i);
    c = kSnp[1];
    c.vek = fake;
    checks = evidence::verify_snp(evidence::read_evidence_file(evidence_vector(c.report)), snp_inputs(c));
    CHECK(checks.find("VCEK <- ASK")->status == evidence::Status::Fail);
    CHECK(checks.find("report signature")->status == evidence::Status::Fail);
  }
  // A VLEK-signed report given a VCEK, and no key at all.
  c = kSnp[2];
  c.vlek = false;
  checks = evidence::verify_snp(evidence::read_evidence_file(evidence_vector(c.report)), snp_inputs(c));
  CHECK(checks.find("signing key type")->status == evidence::Status::Fail);
  checks = evidence::verify_snp(evidence::read_evidence_file(evidence_vector(c.report)), {});
  CHECK(checks.find("report signature")->detail.find("no VLEK given") == 0);
  // The Turin VCEK chains to the Turin ARK, whose key is pinned.
  const auto turin = evidence::load_cert_file(evidence_vector("snp/turin-virtee-vcek.der"));
  const auto turin_ca = evidence::load_cert_file(evidence_vector("snp/ask_ark_turin_vcek.pem"));
  CHECK(evidence::signature_problem(turin[0], turin_ca[0]).empty());
  CHECK(evidence::read_hwid(turin[0])->size() == 8);
  CHECK_FALSE(evidence::signature_problem(turin[0], evidence::load_cert_file(evidence_vector("snp/ask_ark_milan.pem"))[0]).empty());
}

TEST_CASE("evidence verify: expired certificates fail with their date", "[evidence][verify]") {
  if (!test::shared_available("vectors/evidence")) return;
  auto in = snp_inputs(kSnp[2]);  // the VLEK expired on 2025-12-10
  in.at = kTime;
  auto checks = evidence::verify_snp(evidence::read_evidence_file(evidence_vector(kSnp[2].report)), in);
  CHECK(checks.find("VLEK validity")->status == evidence::Status::Fail);
  CHECK(checks.find("VLEK validity")->detail.find("expired on Dec 10") != std::string::npos);
  evidence::TdxVerifyInputs tin;
  tin.at = evidence::parse_utc("2060-01-01T00:00:00Z", "t");
  checks = evidence::verify_tdx(evidence::read_evidence_file(evidence_vector("tdx/v4-gtg-spr-e4.dat")), tin);
  CHECK(checks.find("PCK validity")->status == evidence::Status::Fail);
  CHECK(checks.find("CA validity")->status == evidence::Status::Fail);
  CHECK(checks.find("root validity")->status == evidence::Status::Fail);
}
