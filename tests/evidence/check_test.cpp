// SPDX-License-Identifier: Apache-2.0
// evidence check: reference values made from expected.tsv in each of coco's formats match the
// real evidence; a changed value is a mismatch naming the likely cause; the CCEL log replays to
// the COS quote's RTMRs. The CLI runs end to end (exit codes, JSON schemas).
#include <catch2/catch.hpp>

#include "evidence/check.h"
#include "support/support.h"
#include "util/encoding.h"
#include "util/error.h"

using namespace coco;

namespace {

const std::string kDir = "vectors/evidence/";
std::string p(const std::string& rel) { return test::shared_path(kDir + rel); }

const char* kGsgMeasurement =
    "b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01";
const char* kDstackHostData = "783f0057820acb99249af56cc3b07b4e8d80f65183167cba9cf437bb680f742f";
const char* kDstackMeasurement =
    "7f51e17f72a04d5422cb2c00998166536019a217376f3aa45a630e59c805a599847ff250dbffcd07e1ba639771d6f05d";

const evidence::Row* row(const std::vector<evidence::Row>& rows, const std::string& field) {
  for (const auto& r : rows)
    if (r.field == field) return &r;
  return nullptr;
}

std::string cos_rtmr(int i) {
  const auto e = evidence::read_evidence_file(p("tdx/v4-gtg-cos113.dat"));
  return to_hex(e.tdx->rtmr(i));
}

}  // namespace

TEST_CASE("evidence check: SEV-SNP measurement and host_data against refvals documents", "[evidence][check][vector]") {
  if (!test::shared_available("vectors/evidence")) return;
  const auto e = evidence::read_evidence_file(p("snp/derived/milan-dstack-report.bin"));
  // The three refvals formats, and base64 values as Trustee before v0.18 kept them.
  const Json listing = {{"reference_values",
                         {{{"name", "snp_launch_measurement"}, {"values", {kDstackMeasurement}}},
                          {{"name", "snp_init_data"}, {"values", {kDstackHostData}}}}}};
  const Json payload = {{"snp_launch_measurement", {to_base64(from_hex(kDstackMeasurement))}},
                        {"snp_init_data", {kDstackHostData}}};
  const Json rvps = {{"version", "0.1.0"}, {"type", "sample"}, {"payload", to_base64(as_bytes(payload.dump()))}};
  const Json configmap = Json::array({{{"name", "snp_launch_measurement"}, {"value", {kGsgMeasurement, kDstackMeasurement}}},
                                      {{"name", "snp_init_data"}, {"value", {kDstackHostData}}}});
  const std::string nonce = "attest-test-fixture-2026";
  for (const Json& doc : {listing, rvps, configmap}) {
    INFO(doc.dump());
    evidence::CheckInputs in;
    in.refs = evidence::parse_refvals_document(doc.dump(), "rv.json");
    in.report_data = ByteVec(nonce.begin(), nonce.end());
    in.min_tcb = "bootloader=4,tee=0,snp=23,microcode=213";
    const auto rows = evidence::check_evidence(e, in);
    CHECK(evidence::all_match(rows));
    REQUIRE(row(rows, "measurement") != nullptr);
    CHECK(row(rows, "measurement")->verdict == evidence::Verdict::Match);
    CHECK(row(rows, "host_data")->verdict == evidence::Verdict::Match);
    CHECK(row(rows, "report_data")->verdict == evidence::Verdict::Match);
    CHECK(row(rows, "reported_tcb >= minimum")->verdict == evidence::Verdict::Match);
  }
  // Another measurement, other initdata, another nonce, a newer minimum: each a named mismatch.
  evidence::CheckInputs in;
  in.refs = {{"snp_launch_measurement", {kGsgMeasurement}, {}}, {"snp_init_data", {std::string(64, '0')}, {}}};
  in.report_data = ByteVec{1, 2, 3};
  in.min_tcb = "snp=24";
  const auto rows = evidence::check_evidence(e, in);
  CHECK_FALSE(evidence::all_match(rows));
  for (const char* f : {"measurement", "host_data", "report_data", "reported_tcb >= minimum"}) {
    INFO(f);
    REQUIRE(row(rows, f) != nullptr);
    CHECK(row(rows, f)->verdict == evidence::Verdict::Mismatch);
  }
  CHECK(row(rows, "measurement")->cause.find("measure snp") != std::string::npos);
  CHECK(row(rows, "host_data")->cause.find("initdata") != std::string::npos);
  CHECK(row(rows, "policy DEBUG")->verdict == evidence::Verdict::Match);
  // go-sev-guest's report was launched with DEBUG allowed.
  const auto debug = evidence::check_evidence(evidence::read_evidence_file(p("snp/milan-gsg-report.bin")), in);
  CHECK(row(debug, "policy DEBUG")->verdict == evidence::Verdict::Mismatch);
  CHECK_THROWS_AS(evidence::parse_refvals_document("{\"x\": 1}", "rv.json"), Error);
}

TEST_CASE("evidence check: TDX registers, mr_config_id and the CCEL replay", "[evidence][check][vector]") {
  if (!test::shared_available("vectors/evidence")) return;
  const auto e = evidence::read_evidence_file(p("tdx/v4-gtg-cos113.dat"));
  evidence::CheckInputs in;
  in.refs = {{"mr_td", {to_hex(e.tdx->mr_td())}, {}}, {"mr_config_id", {std::string(96, '0')}, {}}};
  for (int i = 0; i < 4; ++i) in.refs.push_back({"rtmr_" + std::to_string(i), {cos_rtmr(i)}, {}});
  in.ccel = test::read_shared(kDir + "tdx/gtg-cos113-ccel-data.bin");
  in.ccel_name = "ccel";
  in.report_data = test::read_shared(kDir + "tdx/gtg-cos113-nonce.bin");
  in.min_tcb = "04010700000000000000000000000000";
  auto rows = evidence::check_evidence(e, in);
  CHECK(evidence::all_match(rows));
  for (int i = 0; i < 4; ++i) CHECK(row(rows, "rtmr" + std::to_string(i) + " (event log replay)")->verdict == evidence::Verdict::Match);
  // A changed RTMR2 reference names the command line or initrd; a log cut short no longer replays.
  in.refs[4].values = {std::string(96, 'a')};  // rtmr_2
  in.ccel = test::read_shared(kDir + "tdx/trustee-ccel-data.bin");
  rows = evidence::check_evidence(e, in);
  CHECK(row(rows, "rtmr2")->verdict == evidence::Verdict::Mismatch);
  CHECK(row(rows, "rtmr2")->cause.find("command line") != std::string::npos);
  CHECK(row(rows, "rtmr0 (event log replay)")->verdict == evidence::Verdict::Mismatch);
  CHECK_FALSE(evidence::all_match(rows));
  in.min_tcb = "05000000000000000000000000000000";
  rows = evidence::check_evidence(e, in);
  CHECK(row(rows, "tee_tcb_svn >= minimum")->verdict == evidence::Verdict::Mismatch);
}

TEST_CASE("evidence CLI: show, verify and check end to end", "[evidence][cli][vector]") {
  if (!test::shared_available("vectors/evidence")) return;
  auto r = test::run_coco({"evidence", "show", p("tdx/v5-gtg-sample.dat"), "--output", "json"});
  REQUIRE(r.exit_code == 0);
  CHECK(test::schema_errors("evidence-show.schema.json", r.out).empty());
  CHECK(parse_json(r.out, "show")["fields"]["pck.fmspc"] == "90c06f000000");
  r = test::run_coco({"evidence", "show", p("snp/milan-azure-hcl-report.bin")});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Azure HCL report") != std::string::npos);
  CHECK(r.out.find("SMT_EN") != std::string::npos);

  r = test::run_coco({"evidence", "verify", p("snp/milan-gsg-report.bin"), "--vcek", p("snp/milan-gsg-vcek.der"),
                      "--ask-ark", p("snp/ask_ark_milan.pem"), "--at", "2026-09-01T00:00:00Z", "--output", "json"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(test::schema_errors("evidence-verify.schema.json", r.out).empty());
  r = test::run_coco({"evidence", "verify", p("snp/milan-gsg-report.bin"), "--vcek", p("snp/milan-trustee-vcek.der"),
                      "--ask-ark", p("snp/ask_ark_milan.pem")});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("failed  report signature") != std::string::npos);
  r = test::run_coco({"evidence", "verify", p("tdx/v4-gtg-spr-e4.dat"), "--vcek", p("snp/milan-gsg-vcek.der")});
  CHECK(r.exit_code == 2);

  test::TempDir d;
  const Json snp = {{"mode", "snp"}, {"launch_digest", kGsgMeasurement}};
  r = test::run_coco({"evidence", "check", p("snp/milan-gsg-report.bin"), "--snp", d.write("snp.json", snp.dump()),
                      "--output", "json"});
  CHECK(test::schema_errors("evidence-check.schema.json", r.out).empty());
  CHECK(r.exit_code == 1);  // DEBUG is allowed by this report's policy
  const Json rows = parse_json(r.out, "check")["rows"];
  CHECK(rows[0]["field"] == "measurement");
  CHECK(rows[0]["verdict"] == "match");
  const Json tdx = {{"mrtd", cos_rtmr(0)}, {"rtmr", {cos_rtmr(0), cos_rtmr(1), cos_rtmr(2), cos_rtmr(3)}}};
  r = test::run_coco({"evidence", "check", p("tdx/v4-gtg-cos113.dat"), "--tdx", d.write("tdx.json", tdx.dump())});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("MISMATCH  mr_td") != std::string::npos);
  CHECK(r.out.find("TDVF") != std::string::npos);
}

TEST_CASE("evidence CLI: the README's unsigned report matches testdata/refvals and does not verify", "[evidence][cli]") {
  const std::string report = test::source_path("testdata/evidence/unsigned-snp-report.hex");
  auto r = test::run_coco({"evidence", "check", report, "--snp", test::source_path("testdata/refvals/snp-a.json"),
                           "--policy", test::source_path("testdata/refvals/policy.json"), "--report-data",
                           "636f636f2d726561646d652d64656d6f"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("evidence matches the reference values") != std::string::npos);
  r = test::run_coco({"evidence", "check", report, "--snp", test::source_path("testdata/refvals/snp-b.json")});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("likely cause: the guest was launched with other firmware") != std::string::npos);
  r = test::run_coco({"evidence", "verify", report});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("SIGNING_KEY is 7") != std::string::npos);
}
