// SPDX-License-Identifier: Apache-2.0
// coco evidence check: compare every field of a report or quote with coco's own outputs (refvals,
// measure snp|tdx, policy generate), a table of field / expected / actual / verdict; exit 1 on
// any mismatch, naming the likely cause.
#include "commands.h"
#include "io.h"
#include "evidence/check.h"
#include "util/encoding.h"
#include "util/error.h"
#include "util/file.h"

namespace coco::cli {
namespace {

struct CheckArgs {
  std::string file, ccel, report_data, min_tcb;
  std::vector<std::string> refvals, snp, tdx, policy;
};

std::vector<attest::NamedInput> read_inputs(const std::vector<std::string>& paths) {
  std::vector<attest::NamedInput> out;
  for (const auto& p : paths) out.push_back({p, read_text_file(p)});
  return out;
}

void print_rows(std::ostream& os, const std::vector<evidence::Row>& rows, const Style& st) {
  for (const auto& r : rows) {
    const std::string v = r.verdict == evidence::Verdict::Match      ? st.green("match")
                          : r.verdict == evidence::Verdict::Mismatch ? st.red("MISMATCH")
                                                                     : st.dim("info");
    os << v << "  " << st.bold(r.field) << '\n'
       << "    expected  " << r.expected << '\n'
       << "    actual    " << r.actual << '\n';
    if (!r.cause.empty()) os << "    " << (r.verdict == evidence::Verdict::Mismatch ? "likely cause: " : "") << r.cause << '\n';
  }
  const bool ok = evidence::all_match(rows);
  os << (ok ? "evidence matches the reference values" : "evidence does NOT match the reference values") << '\n';
}

}  // namespace

void add_evidence_check(CLI::App& evidence, Context& ctx) {
  auto a = std::make_shared<CheckArgs>();
  CLI::App* cmd = evidence.add_subcommand("check", "Compare a report or quote with coco's reference values, field by field");
  cmd->add_option("FILE", a->file, "SEV-SNP report or TDX quote (raw, hex, base64, Azure HCL, JSON)")
      ->required()
      ->check(input_file());
  cmd->add_option("--refvals", a->refvals, "coco refvals output (trustee-rvps, trustee-configmap or json)")
      ->check(input_file());
  cmd->add_option("--snp", a->snp, "coco measure snp --output json (launch_digest)")->check(input_file());
  cmd->add_option("--tdx", a->tdx, "coco measure tdx --output json (mrtd, rtmr)")->check(input_file());
  cmd->add_option("--policy", a->policy, "coco policy generate --output json (snp_hostdata, tdx_mrconfigid)")
      ->check(input_file());
  cmd->add_option("--ccel", a->ccel, "TDX: the CCEL event log, replayed against the quote's RTMRs")
      ->check(input_file());
  cmd->add_option("--report-data", a->report_data, "expected report_data, hex (zero-padded to 64 bytes)");
  cmd->add_option("--min-tcb", a->min_tcb,
                  "SEV-SNP: minimum SPLs, e.g. bootloader=3,tee=0,snp=8,microcode=115; TDX: minimum tee_tcb_svn (hex)");
  set_examples(cmd, {ctx.program + " evidence check report.bin --snp snp.json --policy policy.json",
                     ctx.program + " evidence check quote.dat --refvals rv.json --ccel CCEL --tdx tdx.json"});
  set_quiet_output(cmd, "\"match\" when every field matches, else \"mismatch\"");
  cmd->callback([a, &ctx] {
    const evidence::Evidence e = evidence::read_evidence_file(a->file);
    evidence::CheckInputs in;
    for (const auto& f : a->refvals) {
      auto refs = evidence::parse_refvals_document(read_text_file(f), f);
      in.refs.insert(in.refs.end(), refs.begin(), refs.end());
    }
    if (!a->snp.empty() || !a->tdx.empty() || !a->policy.empty()) {
      const attest::RefvalInputs inputs{read_inputs(a->snp), read_inputs(a->tdx), read_inputs(a->policy), {}};
      auto refs = attest::collect_reference_values(inputs, attest::RefEncoding::Hex);
      in.refs.insert(in.refs.end(), refs.begin(), refs.end());
    }
    if (!a->ccel.empty()) {
      if (e.kind != evidence::Kind::Tdx) usage_error("--ccel is the event log of a TDX guest; this is an SEV-SNP report");
      in.ccel = read_binary_file(a->ccel, 16 << 20);
      in.ccel_name = a->ccel;
      if (a->tdx.size() == 1) {
        in.tdx_measure = parse_json(read_text_file(a->tdx.front()), a->tdx.front());
        in.tdx_measure_name = a->tdx.front();
      }
    }
    if (!a->report_data.empty()) {
      in.report_data = from_hex(a->report_data, "--report-data");
      if (in.report_data->size() > 64) usage_error("--report-data is at most 64 bytes");
    }
    in.min_tcb = a->min_tcb;
    const auto rows = evidence::check_evidence(e, in);
    if (!evidence::all_match(rows)) ctx.exit_code = 1;
    const Json out = {{"source", e.source}, {"kind", evidence::kind_name(e.kind)}, {"match", evidence::all_match(rows)},
                      {"rows", evidence::rows_json(rows)}};
    ctx.emit(out, [&](std::ostream& os) { print_rows(os, rows, ctx.out_style()); },
             {evidence::all_match(rows) ? "match" : "mismatch"});
  });
}

}  // namespace coco::cli
