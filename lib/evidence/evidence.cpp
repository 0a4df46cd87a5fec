// SPDX-License-Identifier: Apache-2.0
#include "evidence/evidence.h"

#include "evidence/pck.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::evidence {
namespace {

constexpr std::size_t kHclHeaderSize = 0x20;
constexpr std::size_t kHclClaimsOffset = 0x4C0;  // IGVM request data after the 1184-byte report
constexpr std::uint32_t kHclReportTypeSnp = 2, kHclReportTypeTdx = 4;
constexpr std::size_t kMaxEvidenceSize = 16 << 20;

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::string strip_space(std::string_view text) {
  std::string out;
  for (char c : text)
    if (!is_space(c)) out.push_back(c);
  return out;
}

bool all_of_set(std::string_view s, std::string_view set) {
  if (s.empty()) return false;
  for (char c : s)
    if (set.find(c) == std::string_view::npos) return false;
  return true;
}

bool looks_tdx(const Reader& r) {
  if (r.size() < 8) return false;
  const auto key = r.le<std::uint16_t>(2);
  return r.le<std::uint32_t>(4) == kTeeTypeTdx && (key == 2 || key == 3);
}

void unwrap(Bytes data, const std::string& name, int depth, Evidence& e);

ByteVec json_bytes(const Json& v, const std::string& where) {
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    return ByteVec(s.begin(), s.end());
  }
  if (v.is_array()) {
    ByteVec out;
    for (const auto& x : v) {
      if (!x.is_number_unsigned() || x.get<std::uint64_t>() > 255) fail(where, "array element is not a byte value");
      out.push_back(static_cast<std::uint8_t>(x.get<std::uint64_t>()));
    }
    return out;
  }
  fail(where, "is neither a string nor an array of bytes");
}

void unwrap_json(std::string_view text, const std::string& name, int depth, Evidence& e) {
  const Json doc = parse_json(text, name);
  if (!doc.is_object()) fail(name, "JSON evidence must be an object with a quote or report member");
  for (const char* key : {"vcek", "vlek"})
    if (doc.contains(key) && doc[key].is_string()) {
      const std::string pem = doc[key].get<std::string>();
      for (auto& c : load_certs(as_bytes(pem), name + " ." + key)) e.embedded_certs.push_back(c);
    }
  for (const char* key : {"quote", "report", "attestation_report", "td_quote", "evidence"}) {
    if (!doc.contains(key) || !(doc[key].is_string() || doc[key].is_array())) continue;  // Azure's .quote is a TPM quote
    const std::string where = name + " ." + key;
    e.wrappers.push_back(std::string("JSON .") + key);
    const ByteVec inner = json_bytes(doc[key], where);
    unwrap(inner, where, depth + 1, e);
    return;
  }
  fail(name, "JSON evidence has none of the members quote, report, attestation_report, td_quote, evidence");
}

void unwrap_hcl(const Reader& r, Evidence& e) {
  e.wrappers.push_back("Azure HCL report");
  const std::uint32_t type = r.le<std::uint32_t>(kHclClaimsOffset + 8);
  if (type == kHclReportTypeTdx)
    r.fail(kHclClaimsOffset + 8, "Azure HCL report of type TDX holds a TDREPORT, not a quote: give the TD quote "
                                 "the host's quoting enclave made from it");
  if (type != kHclReportTypeSnp)
    r.fail(kHclClaimsOffset + 8, "Azure HCL report type " + std::to_string(type) + " is not SEV-SNP (2)");
  const std::uint32_t var_size = r.le<std::uint32_t>(kHclClaimsOffset + 16);
  const Bytes var = r.bytes(kHclClaimsOffset + 20, var_size);
  e.hcl_runtime_data = ByteVec(var.begin(), var.end());
  e.snp = parse_snp_report(r.sub(kHclHeaderSize, kSnpReportSize));
  e.kind = Kind::Snp;
}

void unwrap(Bytes data, const std::string& name, int depth, Evidence& e) {
  if (depth > kMaxWrapperDepth)
    fail(name, "evidence is wrapped more than " + std::to_string(kMaxWrapperDepth) + " times");
  const Reader r(data, name);
  if (data.size() >= 4 && as_chars(data.subspan(0, 4)) == "HCLA") return unwrap_hcl(r, e);
  if (looks_tdx(r)) {
    e.kind = Kind::Tdx;
    e.tdx = parse_tdx_quote(r);
    const std::string pem = e.tdx->pck_chain_pem;
    for (auto& c : load_certs(as_bytes(pem), name + ": PCK chain")) e.embedded_certs.push_back(c);
    return;
  }
  const std::string_view text = as_chars(data);
  std::size_t first = 0;
  while (first < text.size() && is_space(text[first])) ++first;
  if (first < text.size() && text[first] == '{') return unwrap_json(text, name, depth, e);
  const std::string compact = strip_space(text);
  if (all_of_set(compact, "0123456789abcdefABCDEF") && compact.size() % 2 == 0 && compact.size() >= 16) {
    e.wrappers.push_back("hex");
    const ByteVec inner = from_hex(compact, name);
    return unwrap(inner, name + " (hex-decoded)", depth + 1, e);
  }
  if (compact.size() >= 16 &&
      all_of_set(compact, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_")) {
    e.wrappers.push_back("base64");
    const ByteVec inner = from_base64(compact, name);
    return unwrap(inner, name + " (base64-decoded)", depth + 1, e);
  }
  if (r.size() >= 4) {
    const std::uint32_t v = r.le<std::uint32_t>(0);
    if (v >= 2 && v <= 5 && r.size() >= 8) {
      e.kind = Kind::Snp;
      e.snp = parse_snp_report(r);
      return;
    }
    if (r.le<std::uint16_t>(0) <= 5 && r.size() >= 8 && r.le<std::uint32_t>(4) == kTeeTypeTdx) {
      e.kind = Kind::Tdx;
      e.tdx = parse_tdx_quote(r);  // names the bad version or key type
      return;
    }
  }
  fail(name, "not an SEV-SNP attestation report (version 2-5, " + std::to_string(kSnpReportSize) +
                 " bytes) or a TDX quote (version 4/5, TEE type 0x81), raw, hex, base64, Azure HCL or JSON");
}

}  // namespace

Evidence read_evidence(Bytes data, const std::string& name) {
  Evidence e;
  e.source = name;
  unwrap(data, name, 0, e);
  return e;
}

Evidence read_evidence_file(const std::string& path) { return read_evidence(read_binary_file(path, kMaxEvidenceSize), path); }

std::string kind_name(Kind k) { return k == Kind::Snp ? "sev-snp" : "tdx"; }

Fields evidence_fields(const Evidence& e) {
  if (e.kind == Kind::Snp) return snp_fields(*e.snp);
  Fields f = tdx_fields(*e.tdx);
  if (!e.embedded_certs.empty()) {
    const PckInfo pck = parse_pck_extension(e.embedded_certs.front(), e.source + ": PCK leaf");
    f.push_back({"pck.fmspc", pck.fmspc, {}, ""});
    f.push_back({"pck.pceid", pck.pceid, {}, ""});
  }
  return f;
}

Json evidence_json(const Evidence& e) {
  Json out = {{"source", e.source}, {"kind", kind_name(e.kind)}, {"wrappers", e.wrappers}};
  out["fields"] = fields_json(evidence_fields(e));
  if (e.hcl_runtime_data) out["hcl_runtime_data_size"] = e.hcl_runtime_data->size();
  return out;
}

}  // namespace coco::evidence
