// SPDX-License-Identifier: Apache-2.0
// Argument words before CLI11 sees them. CLI11 2.1 reads "--name=" as "--name" with no value and
// then takes the NEXT word as the value, so `measure snp --append= --guest-features=0x1` measured
// the command line "--guest-features=0x1" (issue 12.1). Here "--name=" of an option that takes a
// value becomes the two words "--name" "", which CLI11 stores as an empty value, for every
// command at once. The walk mirrors CLI11's: it follows subcommands, skips the word an option
// consumes, and stops at "--".
#include "commands.h"

namespace coco::cli {

const CLI::Option* find_option(const CLI::App* cmd, const std::string& word) {
  for (const CLI::App* a = cmd; a != nullptr; a = a->get_parent()) {
    for (const CLI::Option* o : a->get_options()) {
      if (word.rfind("--", 0) == 0) {
        for (const auto& n : o->get_lnames())
          if (word == "--" + n) return o;
      } else if (word.size() == 2 && word[0] == '-') {
        for (const auto& n : o->get_snames())
          if (word.substr(1) == n) return o;
      }
    }
  }
  return nullptr;
}

const CLI::App* find_subcommand(const CLI::App* cmd, const std::string& word) {
  for (const CLI::App* s : cmd->get_subcommands([](const CLI::App*) { return true; }))
    if (s->get_name() == word) return s;
  return nullptr;
}

// A flag expects no value (CLI11 2.1 still gives it a type size of 1: --flag=false).
bool takes_value(const CLI::Option* o) { return o->get_expected_max() > 0 && !o->get_positional(); }

std::vector<std::string> explicit_empty_values(const CLI::App& app, const std::vector<std::string>& args) {
  std::vector<std::string> out;
  out.reserve(args.size() + 4);
  const CLI::App* cmd = &app;
  bool pending = false;  // the previous word was an option whose value is this word
  bool options_ended = false;
  for (const std::string& w : args) {
    out.push_back(w);
    if (options_ended) continue;
    if (pending) {
      pending = false;
      continue;
    }
    if (w == "--") {
      options_ended = true;
    } else if (w.size() > 2 && w.rfind("--", 0) == 0) {
      const auto eq = w.find('=');
      if (eq == std::string::npos) {
        const CLI::Option* o = find_option(cmd, w);
        pending = o != nullptr && takes_value(o);
      } else if (eq + 1 == w.size()) {
        const CLI::Option* o = find_option(cmd, w.substr(0, eq));
        if (o != nullptr && takes_value(o)) {
          out.back() = w.substr(0, eq);
          out.emplace_back();
        }
      }
    } else if (w.size() == 2 && w[0] == '-' && w[1] != '-') {
      const CLI::Option* o = find_option(cmd, w);
      pending = o != nullptr && takes_value(o);
    } else if (const CLI::App* sub = find_subcommand(cmd, w)) {
      cmd = sub;
    }
  }
  return out;
}

}  // namespace coco::cli
