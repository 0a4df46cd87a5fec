#include "commands.h"

#include <utility>

namespace coco::cli {
namespace {

// Command groups, with the description --help shows. A group appears when its first command is
// added, in the order of the add_* calls below.
const std::pair<const char*, const char*> kGroups[] = {
    {"measure", "Pre-compute TEE launch measurements (SEV-SNP, TDX)"},
    {"snp", "AMD SEV-SNP tools: ID blocks"},
    {"tdx", "Intel TDX tools: Authenticode hashes, event-log replay"},
    {"image", "Inspect OCI images and hash their layers"},
    {"policy", "Generate and check Kata agent pod policies"},
    {"evidence", "Read, verify and check SEV-SNP reports and TDX quotes"},
    {"key", "Signing keys"},
    {"cache", "The content-addressed layer cache"},
};

}  // namespace

CLI::App& group(CLI::App& app, const std::string& name) {
  for (CLI::App* s : app.get_subcommands([](const CLI::App*) { return true; }))
    if (s->get_name() == name) return *s;
  for (const auto& [n, description] : kGroups)
    if (name == n) return *add_group(app, name, description);
  throw std::logic_error("unknown command group " + name);
}

void add_commands(CLI::App& app, Context& ctx) {
  // One line per command; the group a command joins is named here.
  add_version(app, ctx);
  add_completion(app, ctx);
  add_measure_snp(group(app, "measure"), ctx);
  add_snp_id_block(group(app, "snp"), ctx);
  add_measure_tdx(group(app, "measure"), ctx);
  add_tdx_authenticode(group(app, "tdx"), ctx);
  add_tdx_replay(group(app, "tdx"), ctx);
  add_image_inspect(group(app, "image"), ctx);
  add_image_hash(group(app, "image"), ctx);
  add_cache_dir(group(app, "cache"), ctx);
  add_cache_prune(group(app, "cache"), ctx);
  add_policy_generate(app, ctx);
  add_policy_digest(app, ctx);
  add_policy_settings(app, ctx);
  add_policy_test(app, ctx);
  add_policy_explain(app, ctx);
  add_key_generate(group(app, "key"), ctx);
  add_sign(app, ctx);
  add_verify(app, ctx);
  add_refvals(app, ctx);
  add_evidence_show(group(app, "evidence"), ctx);
  add_evidence_verify(group(app, "evidence"), ctx);
  add_evidence_check(group(app, "evidence"), ctx);
  add_hidden_man(app, ctx);
}

}  // namespace coco::cli
