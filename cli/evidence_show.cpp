// coco evidence show: parse an SEV-SNP report or a TDX quote (raw, hex, base64, Azure HCL, JSON)
// and print every field with its spec name, bit fields decoded into names.
#include <iomanip>

#include "commands.h"
#include "evidence/evidence.h"

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
      ->check(CLI::ExistingFile);
  set_examples(cmd, {ctx.program + " evidence show report.bin",
                     ctx.program + " evidence show quote.dat --output json"});
  cmd->callback([file, &ctx] {
    const evidence::Evidence e = evidence::read_evidence_file(*file);
    ctx.emit(evidence::evidence_json(e), [&](std::ostream& os) { print_fields(os, e, ctx.out_style()); });
  });
}

}  // namespace coco::cli
