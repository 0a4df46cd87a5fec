// SPDX-License-Identifier: Apache-2.0
#include "evidence/check.h"

#include <algorithm>

#include "tdx/ccel.h"
#include "tdx/replay_diff.h"
#include "util/encoding.h"
#include "util/error.h"

namespace coco::evidence {
namespace {

bool is_hex(const std::string& s) {
  return !s.empty() && s.size() % 2 == 0 &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

// Reference values are hex, or base64 for SNP values made for Trustee before v0.18.
std::string as_hex(const std::string& v) {
  if (is_hex(v)) {
    std::string l = v;
    for (auto& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return l;
  }
  try {
    return to_hex(from_base64(v));
  } catch (const Error&) {
    return v;
  }
}

const attest::ReferenceValue* find_ref(const std::vector<attest::ReferenceValue>& refs, const std::string& name) {
  for (const auto& r : refs)
    if (r.name == name) return &r;
  return nullptr;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " | ") + x;
  return s;
}

void compare(std::vector<Row>& rows, const std::vector<attest::ReferenceValue>& refs, const std::string& ref_name,
             const std::string& field, Bytes actual_bytes, const std::string& cause) {
  const attest::ReferenceValue* r = find_ref(refs, ref_name);
  if (r == nullptr) return;
  const std::string actual = to_hex(actual_bytes);
  std::vector<std::string> want;
  for (const auto& v : r->values) want.push_back(as_hex(v));
  const bool ok = std::find(want.begin(), want.end(), actual) != want.end();
  rows.push_back({field, join(want), actual, ok ? Verdict::Match : Verdict::Mismatch, ok ? "" : cause});
}

const char* kRtmrCause[] = {
    "RTMR0: the TD's firmware configuration differs (TDVF build, ACPI tables, TD HOB, memory size, Secure Boot "
    "variables)",
    "RTMR1: a different kernel (or shim/boot loader) was booted than the one measured",
    "RTMR2: the kernel command line or the initrd differ from the ones measured",
    "RTMR3: runtime extensions by the guest (coco measures no RTMR3 events at launch)"};

void tdx_rows(std::vector<Row>& rows, const TdxQuote& q, const CheckInputs& in) {
  compare(rows, in.refs, "mr_td", "mr_td", q.mr_td(), "a different TDVF firmware image or TD memory layout than measured");
  for (int i = 0; i < 4; ++i)
    compare(rows, in.refs, "rtmr_" + std::to_string(i), "rtmr" + std::to_string(i), q.rtmr(i), kRtmrCause[i]);
  compare(rows, in.refs, "mr_config_id", "mr_config_id", q.mr_config_id(),
          "the pod's initdata differs from the generated policy's (annotation edited, or the runtime passed none)");
  if (!in.ccel) return;
  const tdx::EventLog log = tdx::parse_ccel(Reader(*in.ccel, in.ccel_name));
  const auto replayed = tdx::replay(log);
  for (int i = 0; i < 4; ++i) {
    const std::string actual = to_hex(q.rtmr(i));
    const std::string got = to_hex(replayed[static_cast<std::size_t>(i)]);
    rows.push_back({"rtmr" + std::to_string(i) + " (event log replay)", got, actual,
                    got == actual ? Verdict::Match : Verdict::Mismatch,
                    got == actual ? "" : "the event log is not the log of this TD (or was cut short)"});
  }
  if (!in.tdx_measure) return;
  const auto diffs = tdx::diff_log(log, tdx::parse_expectation(*in.tdx_measure, in.tdx_measure_name));
  for (const auto& d : diffs) {
    if (d.match() || !d.diverges_at) continue;
    rows.push_back({"rtmr" + std::to_string(d.rtmr) + " first diverging event #" + std::to_string(*d.diverges_at + 1),
                    d.expected_description.empty() ? "(no more events)" : d.expected_description,
                    d.log_description.empty() ? "(no more events)" : d.log_description, Verdict::Mismatch,
                    "the log and coco's expectation part here"});
  }
}

void snp_tcb_row(std::vector<Row>& rows, const SnpReport& rep, const std::string& spec) {
  const TcbParts have = split_tcb(rep.reported_tcb, rep.is_turin());
  TcbParts min;
  std::size_t pos = 0;
  while (pos < spec.size()) {
    const std::size_t comma = std::min(spec.find(',', pos), spec.size());
    const std::string item = spec.substr(pos, comma - pos);
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos) usage_error("--min-tcb: \"" + item + "\" is not NAME=NUMBER");
    const std::string name = item.substr(0, eq);
    int value = 0;
    try {
      value = std::stoi(item.substr(eq + 1));
    } catch (const std::exception&) {
      usage_error("--min-tcb: \"" + item + "\" is not NAME=NUMBER");
    }
    if (name == "bootloader") min.bootloader = value;
    else if (name == "tee") min.tee = value;
    else if (name == "snp") min.snp = value;
    else if (name == "microcode") min.microcode = value;
    else if (name == "fmc") min.fmc = value;
    else usage_error("--min-tcb: unknown SPL " + name + " (bootloader, tee, snp, microcode, fmc)");
    pos = comma + 1;
  }
  const bool ok = have.bootloader >= min.bootloader && have.tee >= min.tee && have.snp >= min.snp &&
                  have.microcode >= min.microcode && (min.fmc < 0 || have.fmc >= min.fmc);
  rows.push_back({"reported_tcb >= minimum", tcb_text(min), tcb_text(have), ok ? Verdict::Match : Verdict::Mismatch,
                  ok ? "" : "the host runs older firmware or microcode than the minimum: update the host"});
}

void tdx_tcb_row(std::vector<Row>& rows, const TdxQuote& q, const std::string& spec) {
  const ByteVec min = from_hex(spec, "--min-tcb");
  if (min.size() != 16) usage_error("--min-tcb for a TDX quote is the 16-byte tee_tcb_svn in hex");
  const Bytes have = q.tee_tcb_svn();
  bool ok = true;
  for (std::size_t i = 0; i < 16; ++i) ok = ok && have[i] >= min[i];
  rows.push_back({"tee_tcb_svn >= minimum", spec, to_hex(have), ok ? Verdict::Match : Verdict::Mismatch,
                  ok ? "" : "the TDX module or its SEAM loader is older than the minimum: update the host"});
}

}  // namespace

std::vector<attest::ReferenceValue> parse_refvals_document(const std::string& text, const std::string& where) {
  Json doc = parse_json(text, where);
  std::vector<attest::ReferenceValue> out;
  auto strings = [&](const Json& v, const std::string& path) {
    std::vector<std::string> s;
    if (v.is_string()) return std::vector<std::string>{v.get<std::string>()};
    if (!v.is_array()) fail(where, path + ": expected a string or an array of strings");
    for (const auto& x : v) {
      if (!x.is_string()) fail(where, path + ": expected strings");
      s.push_back(x.get<std::string>());
    }
    return s;
  };
  if (doc.is_object() && doc.contains("payload")) {  // trustee-rvps: base64 of {name: [values]}
    const ByteVec payload = from_base64(doc["payload"].get<std::string>(), where + " .payload");
    doc = parse_json(as_chars(payload), where + " .payload");
    if (!doc.is_object()) fail(where, ".payload: expected a JSON object of reference values");
    for (const auto& [name, v] : doc.items()) out.push_back({name, strings(v, ".payload." + name), {where}});
  } else if (doc.is_array()) {  // trustee-configmap
    for (std::size_t i = 0; i < doc.size(); ++i) {
      const std::string p = "[" + std::to_string(i) + "]";
      if (!doc[i].is_object() || !doc[i].contains("name") || !doc[i].contains("value"))
        fail(where, p + ": expected {name, value}");
      out.push_back({doc[i]["name"].get<std::string>(), strings(doc[i]["value"], p + ".value"), {where}});
    }
  } else if (doc.is_object() && doc.contains("reference_values")) {  // coco's json listing
    for (const auto& r : doc["reference_values"]) {
      if (!r.is_object() || !r.contains("name") || !r.contains("values")) fail(where, "reference_values: expected {name, values}");
      out.push_back({r["name"].get<std::string>(), strings(r["values"], "reference_values." + r["name"].get<std::string>()), {where}});
    }
  } else {
    fail(where, "not a coco refvals document (trustee-rvps, trustee-configmap or json)");
  }
  return out;
}

std::vector<Row> check_evidence(const Evidence& e, const CheckInputs& in) {
  std::vector<Row> rows;
  if (e.kind == Kind::Snp) {
    const SnpReport& rep = *e.snp;
    compare(rows, in.refs, "snp_launch_measurement", "measurement", rep.measurement(),
            "the guest was launched with other firmware, kernel, initrd, command line, vCPU count or type than "
            "`measure snp` was given");
    compare(rows, in.refs, "snp_init_data", "host_data", rep.host_data(),
            "the pod's initdata differs from the generated policy's (annotation edited, or the runtime passed none)");
    if (!in.min_tcb.empty()) snp_tcb_row(rows, rep, in.min_tcb);
    const bool debug = (rep.policy >> 19) & 1;
    rows.push_back({"policy DEBUG", "off", debug ? "on" : "off", debug ? Verdict::Mismatch : Verdict::Match,
                    debug ? "the guest policy allows debugging: its memory is readable by the host" : ""});
  } else {
    tdx_rows(rows, *e.tdx, in);
    if (!in.min_tcb.empty()) tdx_tcb_row(rows, *e.tdx, in.min_tcb);
    const bool debug = (e.tdx->body_field(120, 1)[0] & 1) != 0;
    rows.push_back({"td_attributes DEBUG", "off", debug ? "on" : "off", debug ? Verdict::Mismatch : Verdict::Match,
                    debug ? "the TD is a debug TD: its memory is readable by the host" : ""});
  }
  if (in.report_data) {
    ByteVec want = *in.report_data;
    want.resize(64, 0);
    const Bytes have = e.kind == Kind::Snp ? e.snp->report_data() : e.tdx->report_data();
    const bool ok = std::equal(want.begin(), want.end(), have.begin());
    rows.push_back({"report_data", to_hex(want), to_hex(have), ok ? Verdict::Match : Verdict::Mismatch,
                    ok ? "" : "the report answers another nonce or binds another key (replayed or not this session's)"});
  }
  if (rows.empty() || (rows.size() == 1 && in.refs.empty()))
    rows.push_back({"reference values", "(none given)", "", Verdict::Info, "give --refvals, --snp, --tdx or --policy"});
  return rows;
}

bool all_match(const std::vector<Row>& rows) {
  return std::none_of(rows.begin(), rows.end(), [](const Row& r) { return r.verdict == Verdict::Mismatch; });
}

Json rows_json(const std::vector<Row>& rows) {
  Json out = Json::array();
  for (const auto& r : rows)
    out.push_back({{"field", r.field},
                   {"expected", r.expected},
                   {"actual", r.actual},
                   {"verdict", r.verdict == Verdict::Match ? "match" : r.verdict == Verdict::Mismatch ? "mismatch" : "info"},
                   {"cause", r.cause}});
  return out;
}

}  // namespace coco::evidence
