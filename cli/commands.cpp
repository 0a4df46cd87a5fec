// SPDX-License-Identifier: Apache-2.0
#include "commands.h"

#include <string>
#include <utility>
#include <vector>

namespace coco::cli {
namespace {

// Command groups, with the description --help shows and the examples of the group's page. A
// group appears when its first command is added, in the order of the add_* calls below.
struct GroupInfo {
  const char* name;
  const char* description;
  std::vector<std::string> examples;  // after the program name
};

const GroupInfo kGroups[] = {
    {"measure", "Pre-compute TEE launch measurements (SEV-SNP, TDX)",
     {"measure snp --mode snp --vcpus 4 --vcpu-type EPYC-v4 --ovmf /usr/share/ovmf/OVMF.fd",
      "measure tdx --firmware /usr/share/ovmf/OVMF.fd --kernel vmlinuz -q"}},
    {"snp", "AMD SEV-SNP tools: ID blocks",
     {"snp id-block --measurement \"$LD\" --id-key id.pem --author-key author.pem"}},
    {"tdx", "Intel TDX tools: Authenticode hashes, event-log replay",
     {"tdx authenticode /boot/vmlinuz-$(uname -r)", "tdx replay --ccel /sys/firmware/acpi/tables/data/CCEL"}},
    {"image", "Inspect OCI images and hash their layers",
     {"image inspect docker.io/library/busybox:1.36", "image hash oci:./layout:v1 --verity tar",
      "image hash dir:./skopeo-dir --output json"}},
    {"policy", "Generate and check Kata agent pod policies",
     {"policy generate -f pod.yaml -o pod.out.yaml", "policy digest pod.out.yaml -q",
      "policy test -f pod.out.yaml --negative"}},
    {"evidence", "Read, verify and check SEV-SNP reports and TDX quotes",
     {"evidence show report.bin", "evidence verify report.bin --vcek vcek.pem --ask-ark ask_ark.pem",
      "evidence check report.bin --refvals rv.json"}},
    {"key", "Signing keys", {"key generate -o cosign.key", "key generate --algorithm ed25519 -o release.key"}},
    {"cache", "The content-addressed layer cache", {"cache dir", "cache prune"}},
};

}  // namespace

CLI::App& group(CLI::App& app, const std::string& name) {
  for (CLI::App* s : app.get_subcommands([](const CLI::App*) { return true; }))
    if (s->get_name() == name) return *s;
  for (const GroupInfo& g : kGroups) {
    if (name != g.name) continue;
    CLI::App* cmd = add_group(app, name, g.description);
    std::vector<std::string> lines;
    for (const auto& e : g.examples) lines.push_back(app.get_name() + " " + e);
    set_examples(cmd, lines);
    return *cmd;
  }
  throw std::logic_error("unknown command group " + name);
}

void add_commands(CLI::App& app, Context& ctx) {
  // One line per command; the group a command joins is named here.
  add_help(app, ctx);
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
