// SPDX-License-Identifier: Apache-2.0
// Parsing real SEV-SNP reports and TDX quotes (../shared/vectors/evidence): every field of
// expected.tsv, the wrappers they came in, and hostile inputs (truncations, bad length fields,
// wrong versions) that must give a named coco::Error, never a crash.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <sstream>

#include "evidence/evidence.h"
#include "support/support.h"
#include "util/encoding.h"
#include "util/error.h"

using namespace coco;

namespace {

const std::string kEvidenceDir = "vectors/evidence/";

std::map<std::string, std::vector<std::pair<std::string, std::string>>> expected_fields() {
  std::istringstream in(test::slurp(test::shared_path(kEvidenceDir + "expected.tsv")));
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    const auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    if (t1 == std::string::npos || t2 == std::string::npos) continue;
    out[line.substr(0, t1)].push_back({line.substr(t1 + 1, t2 - t1 - 1), line.substr(t2 + 1)});
  }
  return out;
}

// The value to compare with a field of expected.tsv ("x (decoded)" reads the decoded note of x).
std::optional<std::string> lookup(const evidence::Fields& fields, const std::string& name) {
  const std::string suffix = " (decoded)";
  if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    const std::string base = name.substr(0, name.size() - suffix.size());
    for (const auto& f : fields)
      if (f.name == base) return f.note;
    return std::nullopt;
  }
  return evidence::find_field(fields, name);
}

evidence::Evidence load(const std::string& rel) { return evidence::read_evidence_file(test::shared_path(kEvidenceDir + rel)); }

std::string error_of(Bytes bytes) {
  try {
    evidence::read_evidence(bytes, "mutant");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("evidence: every field of expected.tsv matches the parse", "[evidence][vector]") {
  if (!test::shared_available("vectors/evidence")) return;
  const auto want = expected_fields();
  REQUIRE(want.size() == 19);
  std::size_t matched = 0;
  for (const auto& [file, fields] : want) {
    INFO(file);
    const evidence::Evidence e = load(file);
    CHECK(e.kind == (file.rfind("snp/", 0) == 0 ? evidence::Kind::Snp : evidence::Kind::Tdx));
    const evidence::Fields got = evidence::evidence_fields(e);
    for (const auto& [name, value] : fields) {
      INFO(name);
      const auto have = lookup(got, name);
      REQUIRE(have.has_value());
      CHECK(*have == value);
      matched += *have == value ? 1 : 0;
    }
  }
  WARN("evidence: " << want.size() << " files parsed, " << matched << " fields matched");
  CHECK(matched == 525);
}

TEST_CASE("evidence: wrappers give the same report or quote as the raw bytes", "[evidence][vector]") {
  if (!test::shared_available("vectors/evidence")) return;
  const std::pair<const char*, const char*> same[] = {
      {"snp/milan-virtee-report.hex", "snp/derived/milan-virtee-report.bin"},
      {"snp/milan-azure-hcl-report.bin", "snp/derived/milan-azure-report.bin"},
      {"snp/genoa-azure-evidence.json", "snp/derived/genoa-azure-report.bin"},
      {"tdx/dstack-quote-report.json", "tdx/derived/v4-dstack-quote-report.dat"},
      {"tdx/dstack-tdx-lite-getquote.json", "tdx/derived/v4-dstack-tdx-lite.dat"},
  };
  for (const auto& [wrapped, raw] : same) {
    INFO(wrapped);
    const auto a = load(wrapped), b = load(raw);
    CHECK_FALSE(a.wrappers.empty());
    CHECK(b.wrappers.empty());
    if (a.kind == evidence::Kind::Snp) {
      CHECK(a.snp->raw == b.snp->raw);
    } else {
      CHECK(a.tdx->raw == b.tdx->raw);
    }
  }
  const auto hcl = load("snp/milan-azure-hcl-report.bin");
  CHECK(hcl.wrappers == std::vector<std::string>{"Azure HCL report"});
  CHECK(hcl.hcl_runtime_data.has_value());
  const auto azure = load("snp/genoa-azure-evidence.json");
  CHECK(azure.embedded_certs.size() == 1);  // the JSON's vcek
  // base64 of a raw report is read too.
  const ByteVec raw = test::read_shared(kEvidenceDir + "snp/milan-gsg-report.bin");
  const auto b64 = evidence::read_evidence(as_bytes(to_base64(raw) + "\n"), "b64");
  CHECK(b64.wrappers == std::vector<std::string>{"base64"});
  CHECK(b64.snp->raw == raw);
}

TEST_CASE("evidence: decoded policy, platform info, TD attributes and XFAM", "[evidence][vector]") {
  if (!test::shared_available("vectors/evidence")) return;
  const auto snp = evidence::evidence_fields(load("snp/milan-gsg-report.bin"));
  auto flags = [](const evidence::Fields& f, const std::string& name) {
    for (const auto& x : f)
      if (x.name == name) return x.flags;
    return std::vector<std::string>{};
  };
  CHECK(flags(snp, "policy") == std::vector<std::string>{"SMT", "RESERVED_MBO", "DEBUG"});
  CHECK(flags(snp, "platform_info") == std::vector<std::string>{"SMT_EN"});
  const auto tdx = evidence::evidence_fields(load("tdx/v4-gtg-spr-e4.dat"));
  CHECK(flags(tdx, "td_attributes") == std::vector<std::string>{"PKS"});
  CHECK(flags(tdx, "xfam") == std::vector<std::string>{"FP", "SSE", "AVX", "AVX512_OPMASK", "AVX512_ZMM_HI256",
                                                        "AVX512_HI16_ZMM", "PKRU", "CET_U", "CET_S", "AMX_TILECFG",
                                                        "AMX_TILEDATA"});
  const auto debug_td = evidence::evidence_fields(load("tdx/v4-trustee-4.dat"));
  CHECK(flags(debug_td, "td_attributes") == std::vector<std::string>{"DEBUG", "SEPT_VE_DISABLE"});
}

TEST_CASE("evidence: every truncation of a report and a quote is a named error", "[evidence][mutation]") {
  if (!test::shared_available("vectors/evidence")) return;
  const ByteVec snp = test::read_shared(kEvidenceDir + "snp/milan-gsg-report.bin");
  for (std::size_t n = 0; n < snp.size(); ++n) {
    const std::string err = error_of(ByteVec(snp.begin(), snp.begin() + static_cast<long>(n)));
    INFO(n);
    REQUIRE_FALSE(err.empty());
    CHECK(err.find("mutant") == 0);
  }
  const ByteVec quote = test::read_shared(kEvidenceDir + "tdx/v4-gtg-spr-e4.dat");
  const std::size_t quote_end = quote.size() - 39;  // 39 bytes of text follow the signature data
  for (std::size_t n = 0; n < quote_end; n += (n < 700 ? 1 : 7)) {
    const std::string err = error_of(ByteVec(quote.begin(), quote.begin() + static_cast<long>(n)));
    INFO(n);
    REQUIRE_FALSE(err.empty());
    CHECK(err.find("mutant") == 0);
  }
  CHECK(error_of(ByteVec(quote.begin(), quote.begin() + static_cast<long>(quote_end))).empty());
}

TEST_CASE("evidence: bad versions and length fields are named", "[evidence][mutation]") {
  if (!test::shared_available("vectors/evidence")) return;
  const ByteVec snp = test::read_shared(kEvidenceDir + "snp/milan-gsg-report.bin");
  auto snp_with = [&](std::size_t off, std::uint8_t v) {
    ByteVec m = snp;
    m[off] = v;
    return error_of(m);
  };
  CHECK(snp_with(0, 6).find("not an SEV-SNP attestation report") != std::string::npos);
  CHECK(snp_with(0x34, 2).find("signature algorithm 2") != std::string::npos);
  CHECK(snp_with(0x48, 0x08).find("SIGNING_KEY 2 is reserved") != std::string::npos);

  const ByteVec quote = test::read_shared(kEvidenceDir + "tdx/v4-gtg-spr-e4.dat");
  auto quote_with = [&](std::size_t off, std::uint8_t v) {
    ByteVec m = quote;
    m[off] = v;
    return error_of(m);
  };
  // go-tdx-guest TestNegativeVerification: version byte 3, signed data size byte 0x278.
  CHECK(quote_with(0, 3).find("quote version 3") != std::string::npos);
  CHECK(quote_with(0x278, 0x10).find("mutant: offset") == 0);
  CHECK(quote_with(2, 3).find("attestation key type 3") != std::string::npos);
  // sig_data_len at 632: larger than the input, smaller than its content.
  CHECK(quote_with(632 + 3, 0x7f).find("needs") != std::string::npos);
  CHECK(quote_with(632 + 1, 0x00).find("mutant: offset") == 0);
  // certification data type (632 + 4 + 128) and the inner PCK chain type.
  CHECK(quote_with(632 + 4 + 128, 5).find("not QE report certification data") != std::string::npos);
  const ByteVec v5 = test::read_shared(kEvidenceDir + "tdx/v5-gtg-sample.dat");
  ByteVec m = v5;
  m[48] = 4;  // body type
  CHECK(error_of(m).find("body type 4") != std::string::npos);
  m = v5;
  m[50] = 0x48;  // body size
  CHECK(error_of(m).find("does not match body type 3") != std::string::npos);
  CHECK(error_of(as_bytes("{\"nonce\": \"00\"}")).find("none of the members") != std::string::npos);
  CHECK(error_of(as_bytes("hello, world")).find("not an SEV-SNP") != std::string::npos);
  // A JSON that wraps itself past the depth limit stops.
  std::string nested = to_hex(snp);
  for (int i = 0; i < 6; ++i) nested = "{\"report\": \"" + to_base64(as_bytes(nested)) + "\"}";
  CHECK(error_of(as_bytes(nested)).find("wrapped more than") != std::string::npos);
}

TEST_CASE("evidence: random byte flips never crash the parsers", "[evidence][mutation]") {
  if (!test::shared_available("vectors/evidence")) return;
  for (const char* f : {"tdx/v5-gtg-sample.dat", "tdx/v4-azure-td.dat", "snp/milan-azure-hcl-report.bin"}) {
    const ByteVec base = test::read_shared(kEvidenceDir + f);
    std::uint32_t seed = 12345;
    for (int i = 0; i < 3000; ++i) {
      seed = seed * 1103515245u + 12345u;
      ByteVec m = base;
      m[(seed >> 8) % m.size()] ^= static_cast<std::uint8_t>(1u + (seed >> 24) % 255u);
      try {
        const auto e = evidence::read_evidence(m, "mutant");
        (void)evidence::evidence_fields(e);
      } catch (const Error& e) {
        CHECK(std::string(e.what()).find("mutant") != std::string::npos);
      }
    }
  }
}
