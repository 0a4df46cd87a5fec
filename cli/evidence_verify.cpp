// SPDX-License-Identifier: Apache-2.0
// coco evidence verify: check the signatures and certificate chains of an SEV-SNP report or a
// TDX quote offline, one line per check; exit 1 when any check fails.
#include <ctime>
#include <iomanip>

#include "commands.h"
#include "io.h"
#include "evidence/collateral.h"
#include "evidence/snp_verify.h"
#include "evidence/tdx_verify.h"
#include "util/error.h"

namespace coco::cli {
namespace {

struct EvidenceVerifyArgs {
  std::string file, vcek, vlek, ask_ark, at;
  std::vector<std::string> collateral;
};

void print_checks(std::ostream& os, const evidence::CheckList& checks, const Style& st) {
  std::size_t width = 0;
  for (const auto& l : checks.lines()) width = std::max(width, l.name.size());
  for (const auto& l : checks.lines()) {
    const std::string s = evidence::status_name(l.status);
    os << (l.status == evidence::Status::Pass   ? st.green(s)
           : l.status == evidence::Status::Fail ? st.red(s)
                                                : st.dim(s))
       << std::string(8 - s.size(), ' ') << std::left << std::setw(static_cast<int>(width + 2)) << l.name << l.detail
       << '\n';
  }
  os << (checks.ok() ? "verified" : "NOT verified") << ": " << checks.count(evidence::Status::Pass) << " passed, "
     << checks.count(evidence::Status::Fail) << " failed, " << checks.count(evidence::Status::Skip) << " skipped\n";
}

}  // namespace

void add_evidence_verify(CLI::App& evidence, Context& ctx) {
  auto a = std::make_shared<EvidenceVerifyArgs>();
  CLI::App* cmd = evidence.add_subcommand("verify", "Verify the signatures and certificate chains of a report or quote, "
                                                    "offline");
  cmd->add_option("FILE", a->file, "SEV-SNP report or TDX quote (raw, hex, base64, Azure HCL, JSON)")
      ->required()
      ->check(input_file());
  auto* vcek = cmd->add_option("--vcek", a->vcek, "SEV-SNP: the VCEK (PEM or DER; may be followed by ASK and ARK)")
                   ->check(input_file());
  cmd->add_option("--vlek", a->vlek, "SEV-SNP: the VLEK of a VLEK-signed report (PEM or DER)")
      ->check(input_file())
      ->excludes(vcek);
  cmd->add_option("--ask-ark", a->ask_ark, "SEV-SNP: the ASK (or ASVK) and ARK, PEM, as AMD KDS serves cert_chain")
      ->check(input_file());
  cmd->add_option("--collateral", a->collateral,
                  "TDX: PCS collateral, files or directories (TCB info, QE identity, CRLs, issuer chains)")
      ->check(CLI::ExistingPath);
  cmd->add_option("--at", a->at, "verify as of this UTC time, YYYY-MM-DDTHH:MM:SSZ (default: now)");
  set_examples(cmd, {ctx.program + " evidence verify report.bin --vcek vcek.der --ask-ark ask_ark_milan.pem",
                     ctx.program + " evidence verify quote.dat --collateral pcs/"});
  set_quiet_output(cmd, "\"verified\" when every check passes, else \"failed\"");
  cmd->callback([a, &ctx] {
    const evidence::Evidence e = evidence::read_evidence_file(a->file);
    const std::time_t at = a->at.empty() ? std::time(nullptr) : evidence::parse_utc(a->at, "--at");
    evidence::CheckList checks;
    if (e.kind == evidence::Kind::Snp) {
      if (!a->collateral.empty()) usage_error("--collateral is for TDX quotes; give an SEV-SNP report --vcek and --ask-ark");
      evidence::SnpVerifyInputs in;
      in.at = at;
      const std::string& vek = a->vlek.empty() ? a->vcek : a->vlek;
      if (!vek.empty()) {
        in.vek = evidence::load_cert_file(vek);
        in.vek_given = true;
        in.vek_is_vlek = !a->vlek.empty();
      }
      if (!a->ask_ark.empty()) in.ca = evidence::load_cert_file(a->ask_ark);
      checks = evidence::verify_snp(e, in);
    } else {
      if (!a->vcek.empty() || !a->vlek.empty() || !a->ask_ark.empty())
        usage_error("--vcek, --vlek and --ask-ark are for SEV-SNP reports; a TDX quote carries its PCK chain");
      evidence::TdxVerifyInputs in;
      in.at = at;
      in.collateral = evidence::load_collateral(a->collateral);
      checks = evidence::verify_tdx(e, in);
    }
    if (!checks.ok()) ctx.exit_code = 1;
    const Json out = {{"source", e.source}, {"kind", evidence::kind_name(e.kind)}, {"verified", checks.ok()},
                      {"checks", checks.to_json()}};
    ctx.emit(out, [&](std::ostream& os) { print_checks(os, checks, ctx.out_style()); },
             {checks.ok() ? "verified" : "failed"});
  });
}

}  // namespace coco::cli
