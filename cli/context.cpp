// SPDX-License-Identifier: Apache-2.0
#include "context.h"

#include <iostream>

namespace coco::cli {

void Context::emit(const Json& json, const std::function<void(std::ostream&)>& text,
                   const std::vector<std::string>& primary) const {
  if (quiet && format() == Format::Text) {
    for (const auto& p : primary) std::cout << p << '\n';
    std::cout.flush();
    return;
  }
  switch (format()) {
    case Format::Json: std::cout << render_json(json); break;
    case Format::Yaml: std::cout << render_yaml(json); break;
    case Format::Text:
      if (text)
        text(std::cout);
      else
        std::cout << render_yaml(json);
      break;
  }
  std::cout.flush();
}

void Context::warn(const std::string& message) const {
  if (quiet) return;
  std::cerr << err_style().yellow("coco: warning: ") << message << '\n';
}

CLI::Option* add_choice(CLI::App* cmd, Context& ctx, const std::string& name, std::string& value,
                        const std::vector<std::string>& values, const std::string& description) {
  CLI::Option* opt = cmd->add_option(name, value, description);
  opt->check(CLI::IsMember(values))->type_name(name.rfind("-", 0) == 0 ? "VALUE" : "");
  ctx.choices[opt] = values;
  return opt;
}

CLI::App* add_group(CLI::App& parent, const std::string& name, const std::string& description) {
  CLI::App* group = parent.add_subcommand(name, description);
  group->require_subcommand(1);
  return group;
}

void set_examples(CLI::App* cmd, const std::vector<std::string>& lines) {
  std::string text = "\nExamples:\n";
  for (const auto& l : lines) text += "  " + l + "\n";
  if (cmd->get_parent() != nullptr)
    text += "\nGlobal flags (before or after the command): --output text|json|yaml, -q/--quiet, "
            "--color auto|always|never\n";
  cmd->footer(text);
}

void set_quiet_output(CLI::App* cmd, const std::string& what) {
  cmd->footer(cmd->get_footer() + "With -q, prints only " + what + ", one per line.\n");
}

}  // namespace coco::cli
