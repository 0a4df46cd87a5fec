// SPDX-License-Identifier: Apache-2.0
// Shell completion in the cobra protocol (plumbing.md §5.2): `coco __complete WORDS… PARTIAL`
// prints one candidate per line ("value\tdescription") and a last line ":<directive>". The bash,
// zsh and fish scripts under completions/ only forward to it, and kubectl's plugin completion
// (kubectl_complete-coco) speaks the same protocol, so there is one implementation.
#include <iostream>

#include "commands.h"
#include "completion_scripts.h"

namespace coco::cli {
namespace {

// cobra's ShellCompDirective bits.
constexpr int kNoSpace = 2;
constexpr int kNoFileComp = 4;

std::string one_line(const std::string& text) {
  std::string s = text.substr(0, text.find('\n'));
  for (char& c : s)
    if (c == '\t') c = ' ';
  return s;
}

std::string candidates(const std::vector<std::pair<std::string, std::string>>& items, const std::string& prefix,
                       int directive) {
  std::string out;
  for (const auto& [value, description] : items)
    if (value.rfind(prefix, 0) == 0) out += value + (description.empty() ? "" : "\t" + one_line(description)) + "\n";
  return out + ":" + std::to_string(directive) + "\n";
}

std::vector<std::pair<std::string, std::string>> values_of(const Context& ctx, const CLI::Option* o,
                                                           const std::string& prefix_text) {
  std::vector<std::pair<std::string, std::string>> items;
  if (const auto it = ctx.choices.find(o); it != ctx.choices.end())
    for (const auto& v : it->second) items.emplace_back(prefix_text + v, "");
  return items;
}

}  // namespace

std::string complete_words(const CLI::App& app, const Context& ctx, const std::vector<std::string>& all_words) {
  // `help COMMAND…` completes the command words.
  const std::vector<std::string> words(all_words.begin() + (!all_words.empty() && all_words.size() > 1 &&
                                                            all_words.front() == "help"),
                                       all_words.end());
  const std::string partial = words.empty() ? "" : words.back();
  const CLI::App* cmd = &app;
  const CLI::Option* pending = nullptr;  // an option whose value is the next word
  bool options_ended = false;
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    const std::string& w = words[i];
    if (pending != nullptr) {
      pending = nullptr;
      continue;
    }
    if (!options_ended && w == "--") {
      options_ended = true;
    } else if (!options_ended && w.size() > 1 && w[0] == '-') {
      if (w.find('=') != std::string::npos) continue;
      const CLI::Option* o = find_option(cmd, w);
      if (o != nullptr && takes_value(o)) pending = o;
    } else if (const CLI::App* sub = find_subcommand(cmd, w)) {
      cmd = sub;
    }
  }

  if (pending != nullptr) {
    const auto values = values_of(ctx, pending, "");
    return candidates(values, partial, values.empty() ? 0 : kNoFileComp);
  }
  if (!options_ended && partial.rfind("-", 0) == 0) {
    if (const auto eq = partial.find('='); eq != std::string::npos) {
      const CLI::Option* o = find_option(cmd, partial.substr(0, eq));
      if (o == nullptr) return ":" + std::to_string(kNoFileComp) + "\n";
      const auto values = values_of(ctx, o, partial.substr(0, eq + 1));
      if (values.empty() && takes_value(o)) return ":0\n";  // a free value: the shell offers file names
      return candidates(values, partial, kNoFileComp);
    }
    std::vector<std::pair<std::string, std::string>> items;
    for (const CLI::App* a = cmd; a != nullptr; a = a->get_parent())
      for (const CLI::Option* o : a->get_options()) {
        if (o->get_group().empty()) continue;  // hidden
        for (const auto& n : o->get_lnames()) items.emplace_back("--" + n, o->get_description());
      }
    return candidates(items, partial, kNoFileComp);
  }
  std::vector<std::pair<std::string, std::string>> items;
  for (const CLI::App* s : cmd->get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
    items.emplace_back(s->get_name(), s->get_description());
  const bool has_positionals = !cmd->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty();
  return candidates(items, partial, has_positionals ? 0 : kNoFileComp);
}

void add_completion(CLI::App& app, Context& ctx) {
  auto shell = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("completion", "Print a shell completion script (bash, zsh or fish)");
  add_choice(cmd, ctx, "shell", *shell, {"bash", "zsh", "fish"}, "Shell to complete in")->required();
  set_examples(cmd, {"source <(" + ctx.program + " completion bash)",
                     ctx.program + " completion zsh > \"${fpath[1]}/_coco\"",
                     ctx.program + " completion fish > ~/.config/fish/completions/coco.fish"});
  cmd->callback([shell] {
    if (*shell == "bash") std::cout << kBashCompletion;
    if (*shell == "zsh") std::cout << kZshCompletion;
    if (*shell == "fish") std::cout << kFishCompletion;
  });
}

}  // namespace coco::cli
