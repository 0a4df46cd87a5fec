// SPDX-License-Identifier: Apache-2.0
// coco policy digest: recompute the initdata digest, SNP HOSTDATA and TDX MRCONFIGID of the
// policies already written into manifests.
#include "commands.h"
#include "policy/generate.h"
#include "util/encoding.h"

namespace coco::cli {

void add_policy_digest(CLI::App& app, Context& ctx) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = group(app, "policy").add_subcommand("digest", "Digests of the policies in annotated manifests");
  cmd->add_option("files", *files, "annotated manifest files, directories, or - for stdin")->required();
  set_examples(cmd, {ctx.program + " policy digest deploy.yaml", ctx.program + " policy digest deploy.yaml --output json"});
  set_quiet_output(cmd, "each pod's initdata (or policy) digest, in hex");
  cmd->callback([files, &ctx] {
    std::vector<policy::PodReport> pods;
    for (const auto& file : *files)
      for (const auto& in : policy::read_inputs(file))
        for (auto& p : policy::digests(in.text, in.name)) pods.push_back(std::move(p));
    std::vector<std::string> digests;
    for (const auto& p : pods) digests.push_back(to_hex(p.binding.digest));
    ctx.emit(policy::report_json(pods), [&](std::ostream& os) { os << policy::report_text(pods); }, digests);
  });
}

}  // namespace coco::cli
