// SPDX-License-Identifier: Apache-2.0
// coco evidence verify: check the signatures and certificate chains of an SEV-SNP report or a
// TDX quote offline, one line per check; exit 1 when any check fails.
#include <ctime>
#include <iomanip>

#include "commands.h"
#include "io.h"
#include "evidence/collateral.h"
#include "evidence/fetch.h"
#include "evidence/snp_verify.h"
#include "evidence/tdx_verify.h"
#include "oci/cache.h"
#include "util/error.h"

namespace coco::cli {
namespace {

struct EvidenceVerifyArgs {
  std::string file, vcek, vlek, ask_ark, at;
  std::vector<std::string> collateral;
  bool fetch = false, no_cache = false;
  evidence::FetchOptions fetch_opts;
  std::string cache_dir;
};

void print_fetched(std::ostream& os, const std::vector<evidence::FetchedItem>& items, const Style& st) {
  for (const auto& i : items)
    os << st.dim(i.from_cache ? "cached  " : "fetched ") << i.what << " from " << i.url << '\n';
}

Json fetched_json(const std::vector<evidence::FetchedItem>& items) {
  Json a = Json::array();
  for (const auto& i : items) a.push_back({{"what", i.what}, {"url", i.url}, {"cached", i.from_cache}});
  return a;
}

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
  CLI::App* cmd = evidence.add_subcommand("verify", "Verify the signatures and certificate chains of a report or quote "
                                                    "(offline unless --fetch)");
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
      ->check(CLI::ExistingPath.description(""))
      ->type_name("PATH");
  cmd->add_option("--at", a->at, "verify as of this UTC time, YYYY-MM-DDTHH:MM:SSZ (default: now)")->type_name("TIME");
  const std::string fetch_group = "Fetching (--fetch)";
  cmd->add_flag("--fetch", a->fetch,
                "fetch what is not given: the VCEK and ASK/ARK from AMD KDS, the TCB info, QE identity and CRLs "
                "from Intel PCS (cached)")
      ->group(fetch_group);
  add_choice(cmd, ctx, "--product", a->fetch_opts.product, {"Milan", "Genoa", "Turin"},
             "SEV-SNP: the processor (default: from the report's CPUID; needed for version 2 reports)")
      ->group(fetch_group);
  cmd->add_option("--kds-url", a->fetch_opts.kds_url, "AMD KDS base URL (default: " + std::string(evidence::kAmdKdsUrl) + ")")
      ->type_name("URL")
      ->group(fetch_group);
  cmd->add_option("--pcs-url", a->fetch_opts.pcs_url,
                  "Intel PCS base URL (default: " + std::string(evidence::kIntelPcsUrl) +
                      "); another URL also serves the root CA's CRL as /IntelSGXRootCA.der")
      ->type_name("URL")
      ->group(fetch_group);
  cmd->add_option("--fetch-timeout", a->fetch_opts.timeout_s, "seconds per request (default: 30)")
      ->check(CLI::Range(1, 3600))
      ->group(fetch_group);
  cmd->add_option("--cache-dir", a->cache_dir, "cache directory (default: $XDG_CACHE_HOME/coco); answers go in evidence/")
      ->type_name("DIR")
      ->group(fetch_group);
  cmd->add_flag("--no-cache", a->no_cache, "neither read nor write cached certificates and collateral")->group(fetch_group);
  set_examples(cmd, {ctx.program + " evidence verify report.bin --vcek vcek.der --ask-ark ask_ark_milan.pem",
                     ctx.program + " evidence verify quote.dat --collateral pcs/",
                     ctx.program + " evidence verify report.bin --fetch"});
  set_quiet_output(cmd, "\"verified\" when every check passes, else \"failed\"");
  cmd->callback([a, cmd, &ctx] {
    const evidence::Evidence e = evidence::read_evidence_file(a->file);
    const std::time_t at = a->at.empty() ? std::time(nullptr) : evidence::parse_utc(a->at, "--at");
    evidence::CheckList checks;
    evidence::FetchOptions fo = a->fetch_opts;
    fo.now = std::time(nullptr);
    if (!a->no_cache) fo.cache_dir = evidence::fetch_cache_dir(a->cache_dir.empty() ? oci::default_cache_dir() : a->cache_dir);
    std::vector<evidence::FetchedItem> fetched;
    if (!a->fetch) {
      for (const char* flag : {"--product", "--kds-url", "--pcs-url", "--fetch-timeout", "--cache-dir", "--no-cache"})
        if (cmd->count(flag) > 0) usage_error(std::string(flag) + " is for --fetch");
    }
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
      if (a->fetch) {
        // The VEK is fetched unless given or carried by the evidence (Azure); the CA chain unless given.
        const bool need_vek = vek.empty() && e.embedded_certs.empty();
        if (need_vek || in.ca.empty()) {
          auto got = evidence::fetch_snp(e, need_vek, !a->vlek.empty() || e.snp->signing_key() == evidence::SnpSigningKey::Vlek, fo);
          if (need_vek) in.vek = std::move(got.vek);
          if (in.ca.empty()) in.ca = std::move(got.ca);
          fetched = std::move(got.items);
        }
      }
      checks = evidence::verify_snp(e, in);
    } else {
      if (!a->vcek.empty() || !a->vlek.empty() || !a->ask_ark.empty())
        usage_error("--vcek, --vlek and --ask-ark are for SEV-SNP reports; a TDX quote carries its PCK chain");
      evidence::TdxVerifyInputs in;
      in.at = at;
      in.collateral = evidence::load_collateral(a->collateral);
      if (a->fetch && in.collateral.empty()) {
        auto got = evidence::fetch_tdx(e, fo);
        in.collateral = std::move(got.collateral);
        fetched = std::move(got.items);
      } else if (a->fetch) {
        ctx.warn("--collateral given: nothing is fetched");
      }
      checks = evidence::verify_tdx(e, in);
    }
    if (!checks.ok()) ctx.exit_code = 1;
    Json out = {{"source", e.source}, {"kind", evidence::kind_name(e.kind)}, {"verified", checks.ok()},
                {"checks", checks.to_json()}};
    if (a->fetch) out["fetched"] = fetched_json(fetched);
    ctx.emit(out, [&](std::ostream& os) {
      print_fetched(os, fetched, ctx.out_style());
      print_checks(os, checks, ctx.out_style());
    },
             {checks.ok() ? "verified" : "failed"});
  });
}

}  // namespace coco::cli
