// SPDX-License-Identifier: Apache-2.0
// coco refvals against golden files written by an independent Python model of plumbing.md §3.1
// (testdata/refvals/README.md), on both sides of Trustee's SNP encoding change (v0.17 base64,
// v0.18 hex), plus malformed inputs that must name the file and the field.
#include <catch2/catch.hpp>
#include <random>

#include "attest/refvals.h"
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

std::string fixture(const std::string& name) { return coco::test::source_path("testdata/refvals/" + name); }

std::vector<std::string> all_inputs() {
  return {"--snp", fixture("snp-a.json"), "--snp", fixture("snp-b.json"), "--tdx", fixture("tdx-a.json"),
          "--tdx", fixture("tdx-b.json"), "--policy", fixture("policy.json"), "--image-hashes",
          fixture("image-hashes.json")};
}

coco::test::RunResult refvals(std::vector<std::string> extra) {
  std::vector<std::string> args = {"refvals"};
  for (auto& a : all_inputs()) args.push_back(a);
  for (auto& a : extra) args.push_back(a);
  return run_coco(args);
}

}  // namespace

TEST_CASE("refvals: RVPS message and ConfigMap for Trustee v0.17.0 and v0.18.0 match the golden files",
          "[attest][refvals][vector]") {
  for (const std::string version : {"v0.17.0", "v0.18.0"}) {
    INFO("trustee " << version);
    const auto rvps = refvals({"--trustee-version", version});
    REQUIRE(rvps.exit_code == 0);
    CHECK(rvps.out == coco::read_text_file(fixture("expected-rvps-" + version + ".json")));
    CHECK(coco::test::schema_errors("refvals-trustee-rvps.schema.json", rvps.out) == "");
    const auto cm = refvals({"--trustee-version", version, "--format", "trustee-configmap", "--expires", "2027-01-01"});
    REQUIRE(cm.exit_code == 0);
    CHECK(cm.out == coco::read_text_file(fixture("expected-configmap-" + version + ".json")));
    CHECK(coco::test::schema_errors("refvals-trustee-configmap.schema.json", cm.out) == "");
  }
  // The encoding alone gives the same bytes as the release that reads it.
  CHECK(refvals({"--encoding", "base64"}).out == coco::read_text_file(fixture("expected-rvps-v0.17.0.json")));
  CHECK(refvals({}).out == coco::read_text_file(fixture("expected-rvps-v0.18.0.json")));  // hex by default
  CHECK(refvals({"--trustee-version", "0.13.0"}).out == coco::read_text_file(fixture("expected-rvps-v0.17.0.json")));
  CHECK(refvals({"--trustee-version", "v0.21"}).out == coco::read_text_file(fixture("expected-rvps-v0.18.0.json")));
}

TEST_CASE("refvals --format json lists values and sources, -o and --sign-key write a verifiable bundle",
          "[attest][refvals]") {
  const auto json = refvals({"--format", "json", "--expires", "2030-02-28T12:00:00Z"});
  REQUIRE(json.exit_code == 0);
  CHECK(coco::test::schema_errors("refvals-json.schema.json", json.out) == "");
  const auto doc = coco::parse_json(json.out, "stdout");
  CHECK(doc["expiration"] == "2030-02-28T12:00:00Z");
  CHECK(doc["reference_values"][0]["name"] == "snp_launch_measurement");
  CHECK(doc["reference_values"][0]["values"].size() == 2);  // two measurement files, two accepted values

  TempDir dir;
  REQUIRE(run_coco({"key", "generate", "-o", dir.file("rv.key")}).exit_code == 0);
  const auto written = refvals({"-o", dir.file("rv.json"), "--sign-key", dir.file("rv.key"), "--output", "json"});
  REQUIRE(written.exit_code == 0);
  CHECK(coco::test::schema_errors("refvals-written.schema.json", written.out) == "");
  CHECK(coco::read_text_file(dir.file("rv.json")) == coco::read_text_file(fixture("expected-rvps-v0.18.0.json")));
  const auto v = run_coco({"verify", dir.file("rv.json"), "--key", dir.file("rv.pub"), "--predicate-type",
                           "https://coco-tools.github.io/attestation/reference-values/v1"});
  CHECK(v.exit_code == 0);
  CHECK(coco::test::sigstore_js_verify(dir.file("rv.json.sigstore.json"), dir.file("rv.pub")).rfind("failed", 0) != 0);
  CHECK(refvals({"--sign-key", dir.file("rv.key")}).exit_code == 2);  // nothing to sign without -o
}

TEST_CASE("refvals: malformed inputs name the file and the field", "[attest][refvals][hostile]") {
  TempDir dir;
  struct Case {
    std::string flag, content, error;
  };
  const std::string d48(96, 'a');
  const std::vector<Case> cases = {
      {"--snp", "{\"mode\": \"snp\", \"launch_digest\": \"abcd\"}", "launch_digest: expected 96 hex digits (48 bytes)"},
      {"--snp", "{\"mode\": \"snp\"}", "launch_digest: missing"},
      {"--snp", "{\"mode\": \"seves\", \"launch_digest\": \"00\"}", "mode: \"seves\" is not an SEV-SNP launch digest"},
      {"--snp", "{\"mode\": \"snp\", \"launch_digest\": 7}", "launch_digest: expected a hex string"},
      {"--snp", "[1, 2]", "the document: expected a JSON object"},
      {"--snp", "{\"mode\": \"snp\", \"launch_digest\": ", "bad.json"},
      {"--tdx", "{\"rtmr\": []}", "mrtd: missing"},
      {"--tdx", "{\"mrtd\": \"" + d48 + "\", \"rtmr\": [null, null]}", "rtmr: expected an array of 4"},
      {"--tdx", "{\"mrtd\": \"" + d48 + "\", \"rtmr\": [null, \"zz\", null, null]}", "rtmr[1]: expected 96 hex"},
      {"--policy", "{\"pods\": [{\"snp_hostdata\": \"00\"}]}", "pods[0].snp_hostdata: expected 64 hex digits"},
      {"--policy", "{\"pods\": {}}", "pods: expected an array"},
      {"--image-hashes", "{\"images\": [{\"reference\": \"a/b:1\", \"index_digest\": null, \"manifest_digest\": \"md5:00\"}]}",
       "images[0].manifest_digest: expected \"sha256:"},
  };
  for (const Case& c : cases) {
    INFO(c.flag << " " << c.content);
    const std::string file = dir.write("bad.json", c.content);
    const auto r = run_coco({"refvals", c.flag, file});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains("bad.json") && Contains(c.error));
    CHECK(r.out.empty());
  }
  CHECK(run_coco({"refvals"}).exit_code == 2);
  const auto conflict = run_coco({"refvals", "--snp", fixture("snp-a.json"), "--encoding", "hex", "--trustee-version", "v0.17.0"});
  CHECK(conflict.exit_code == 2);
  CHECK_THAT(conflict.err, Contains("reads base64"));
  for (const char* date : {"2027-02-30", "tomorrow", "2027-01-01T25:00:00Z", "2027-01-01 00:00:00"})
    CHECK(run_coco({"refvals", "--snp", fixture("snp-a.json"), "--expires", date}).exit_code == 2);
  CHECK(run_coco({"refvals", "--snp", fixture("snp-a.json"), "--trustee-version", "latest"}).exit_code == 2);
  // A failed run leaves no output file behind.
  const auto failed = run_coco({"refvals", "--snp", dir.write("bad.json", "{}"), "-o", dir.file("out.json")});
  CHECK(failed.exit_code == 1);
  CHECK_FALSE(coco::file_exists(dir.file("out.json")));
}

TEST_CASE("refvals: random mutations of the inputs parse or fail with a coco::Error", "[attest][refvals][hostile]") {
  const std::string base = coco::read_text_file(fixture("policy.json"));
  const std::string tdx = coco::read_text_file(fixture("tdx-a.json"));
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string p = base, t = tdx;
    for (std::string* s : {&p, &t}) {
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        const std::size_t at = rng() % s->size();
        switch (rng() % 3) {
          case 0: (*s)[at] = static_cast<char>(rng() % 256); break;
          case 1: s->erase(at, 1 + rng() % 8); break;
          default: s->resize(at); break;
        }
        if (s->empty()) s->push_back('{');
      }
    }
    coco::attest::RefvalInputs in;
    in.policy.push_back({"m.json", p});
    in.tdx.push_back({"t.json", t});
    try {
      const auto values = coco::attest::collect_reference_values(in, coco::attest::RefEncoding::Base64);
      CHECK_FALSE(values.empty());
    } catch (const coco::Error& e) {
      const std::string what = e.what();
      CHECK((what.rfind("m.json", 0) == 0 || what.rfind("t.json", 0) == 0));
    }
  }
}
