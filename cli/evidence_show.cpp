// SPDX-License-Identifier: Apache-2.0
// coco evidence show: parse an SEV-SNP report or a TDX quote (raw, hex, base64, Azure HCL, JSON)
// and print every field with its spec name, bit fields decoded into names.
#include <iomanip>

#include "commands.h"
#include "io.h"
#include "evidence/evidence.h"
#include "util/encoding.h"

namespace coco::cli {
namespace {

void print_fields(std::ostream& os, const evidence::Evidence& e, const Style& st) {
  os << st.bold(e.kind == evidence::Kind::Snp ? "SEV-SNP attestation report" : "TDX quote") << "  " << e.source;
  for (const auto& w : e.wrappers) os << "  [" << w << "]";
  os << '\n';
  const evidence::Fields fields = evidence::evidence_fields(e);
  std::size_t width = 0;
  for (const auto& f : fields) width = std::max(width, f.name.size());
  for (const auto& f : fields) {
    os << std::left << std::setw(static_cast<int>(width + 2)) << f.name << f.value << '\n';
    std::string extra;
    for (const auto& flag : f.flags) extra += (extra.empty() ? "" : " ") + flag;
    if (!f.note.empty()) extra += (extra.empty() ? "" : "; ") + f.note;
    if (!extra.empty()) os << std::string(width + 2, ' ') << st.dim(extra) << '\n';
  }
}

}  // namespace

void add_evidence_show(CLI::App& evidence, Context& ctx) {
  auto file = std::make_shared<std::string>();
  CLI::App* cmd = evidence.add_subcommand("show", "Print every field of an SEV-SNP report or a TDX quote");
  cmd->add_option("FILE", *file, "report or quote: raw, hex, base64, Azure HCL report or JSON with quote/report")
      ->required()
      ->check(input_file());
  set_examples(cmd, {ctx.program + " evidence show report.bin",
                     ctx.program + " evidence show quote.dat --output json"});
  set_quiet_output(cmd, "the launch measurement (SEV-SNP), or MRTD and RTMR0-3 (TDX)");
  cmd->callback([file, &ctx] {
    const evidence::Evidence e = evidence::read_evidence_file(*file);
    std::vector<std::string> primary;
    if (e.snp) primary.push_back(to_hex(e.snp->measurement()));
    if (e.tdx) {
      primary.push_back(to_hex(e.tdx->mr_td()));
      for (int i = 0; i < 4; ++i) primary.push_back(to_hex(e.tdx->rtmr(i)));
    }
    ctx.emit(evidence::evidence_json(e), [&](std::ostream& os) { print_fields(os, e, ctx.out_style()); }, primary);
  });
}

}  // namespace coco::cli
