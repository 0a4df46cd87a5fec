// SPDX-License-Identifier: Apache-2.0
// coco policy settings: the effective generator settings of a profile (and a settings file), as
// JSON to copy and edit.
#include <iostream>

#include "commands.h"
#include "io.h"
#include "policy/settings.h"
#include "util/file.h"

namespace coco::cli {

void add_policy_settings(CLI::App& app, Context& ctx) {
  auto profile = std::make_shared<std::string>("upstream");
  auto file = std::make_shared<std::string>();
  CLI::App* cmd = group(app, "policy").add_subcommand("settings", "Print the effective policy settings");
  add_choice(cmd, ctx, "--profile", *profile, {"upstream", "aks"}, "settings profile (default: upstream)");
  cmd->add_option("--settings", *file, "a settings file to apply over the profile (checked)")->check(input_file());
  set_examples(cmd, {ctx.program + " policy settings --profile aks > settings.json",
                     ctx.program + " policy settings --settings settings.json"});
  set_quiet_output(cmd, "the settings (JSON, the whole document)");
  cmd->callback([profile, file, &ctx] {
    const auto p = policy::parse_profile(*profile);
    const Json s = file->empty() ? policy::default_settings(p) : policy::load_settings(p, read_text_file(*file), *file);
    const std::string text = render_json(s);  // settings are edited as JSON
    ctx.emit(s, [&](std::ostream& os) { os << text; }, {text.substr(0, text.size() - 1)});
  });
}

}  // namespace coco::cli
