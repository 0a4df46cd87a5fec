// SPDX-License-Identifier: Apache-2.0
// coco's entry point: build the command tree, parse, map every failure to an exit code
// (0 ok, 1 failure, 2 usage, 3 transient) and one line on stderr.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "commands.h"
#include "help.h"
#include "util/error.h"

namespace coco::cli {
namespace {

std::string basename_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// The deepest command the parser entered, whose usage the hint should point to.
const CLI::App* deepest(const CLI::App& app) {
  const CLI::App* at = &app;
  for (;;) {
    const auto subs = at->get_subcommands();
    if (subs.empty()) return at;
    at = subs.front();
  }
}

std::string command_path(const CLI::App* cmd, const std::string& program) {
  std::vector<std::string> names;
  for (const CLI::App* a = cmd; a->get_parent() != nullptr; a = a->get_parent()) names.push_back(a->get_name());
  std::string path = program;
  for (auto it = names.rbegin(); it != names.rend(); ++it) path += " " + *it;
  return path;
}

// "did you mean …" for a mistyped subcommand or option of the command in use.
std::string suggestion(const CLI::App* cmd, const std::vector<std::string>& unexpected) {
  if (unexpected.empty()) return "";
  const std::string word = unexpected.front();
  std::vector<std::string> known;
  if (word.rfind("-", 0) == 0) {
    for (const CLI::App* a = cmd; a != nullptr; a = a->get_parent())
      for (const CLI::Option* o : a->get_options())
        for (const auto& n : o->get_lnames()) known.push_back("--" + n);
  } else {
    for (const CLI::App* s : cmd->get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }))
      known.push_back(s->get_name());
  }
  const std::string bare = word.substr(0, word.find('='));
  std::string best;
  std::size_t best_distance = 3;
  for (const auto& k : known) {
    const std::size_t d = (k.rfind(bare, 0) == 0 && bare.size() >= 2) ? 0 : edit_distance(bare, k);
    if (d < best_distance) best_distance = d, best = k;
  }
  return best.empty() ? "" : "; did you mean '" + best + "'?";
}

bool has_subcommands(const CLI::App* cmd) {
  return !cmd->get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }).empty();
}

bool has_positionals(const CLI::App* cmd) {
  return !cmd->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty();
}

// A misspelt command is reported as one whatever follows it: CLI11 would go on and enter a
// later word that happens to name a command ("coco mesure snp" ran "coco snp"), or report the
// first flag it cannot place. The walk mirrors explicit_empty_values (argv.cpp).
// Returns the command the unknown word was given to, with the word; nullptr when all is well.
std::pair<const CLI::App*, std::string> unknown_command(const CLI::App& app, const std::vector<std::string>& args) {
  const CLI::App* cmd = &app;
  bool pending = false;
  for (const std::string& w : args) {
    if (pending) {
      pending = false;
      continue;
    }
    if (w == "--") return {nullptr, ""};
    if (w.size() > 1 && w[0] == '-') {
      if (w.find('=') != std::string::npos) continue;
      const CLI::Option* o = find_option(cmd, w);
      pending = o != nullptr && takes_value(o);
      continue;
    }
    if (const CLI::App* sub = find_subcommand(cmd, w)) {
      cmd = sub;
      continue;
    }
    if (!has_subcommands(cmd) || has_positionals(cmd)) return {nullptr, ""};  // a positional: CLI11 decides
    return {cmd, w};
  }
  return {nullptr, ""};
}

// `coco help [COMMAND…]` is `coco [COMMAND…] --help`.
std::vector<std::string> help_words(const std::vector<std::string>& args) {
  std::vector<std::string> out(args.begin() + 1, args.end());
  out.push_back("--help");
  return out;
}

int run(int argc, char** argv) {
  Context ctx;
  const std::string invoked = basename_of(argc > 0 ? argv[0] : "coco");
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  if (invoked == "kubectl_complete-coco") args.insert(args.begin(), "__complete");  // kubectl >= 1.26
  if (invoked.rfind("kubectl-", 0) == 0) ctx.program = "kubectl coco";

  CLI::App app("coco: launch measurements, image hashes and pod policies for Confidential Containers",
               ctx.program);
  use_help_formatter(app);
  app.set_help_all_flag("--help-all", "Print help for every command");
  app.set_version_flag("--version", std::string(COCO_VERSION), "Print coco's version and exit");
  app.require_subcommand(1);
  app.fallthrough();  // global flags work after the subcommand too
  add_choice(&app, ctx, "--output", ctx.output, {"text", "json", "yaml"}, "Output format");
  app.add_flag("-q,--quiet", ctx.quiet, "Print only the primary value(s), one per line (each command's help says which), and no warnings");
  add_choice(&app, ctx, "--color", ctx.color, {"auto", "always", "never"}, "When to colour output");
  add_commands(app, ctx);
  set_examples(&app, {ctx.program + " version --output json", ctx.program + " completion bash > /etc/bash_completion.d/coco",
                      ctx.program + " COMMAND --help"});

  if (!args.empty() && args.front() == "__complete") {
    std::cout << complete_words(app, ctx, std::vector<std::string>(args.begin() + 1, args.end()));
    return 0;
  }
  if (!args.empty() && args.front() == "help") args = help_words(args);
  args = explicit_empty_values(app, args);
  if (const auto [cmd, word] = unknown_command(app, args); cmd != nullptr) {
    std::cerr << ctx.err_style().red("coco: ") << "unknown command '" << word << "' for '"
              << command_path(cmd, ctx.program) << "'" << suggestion(cmd, {word}) << '\n'
              << "Run '" << command_path(cmd, ctx.program) << " --help' for usage.\n";
    return static_cast<int>(Exit::Usage);
  }
  try {
    std::reverse(args.begin(), args.end());  // CLI11 takes the vector reversed
    app.parse(args);
    return ctx.exit_code;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version: exit 0
    const CLI::App* cmd = deepest(app);
    std::string message = e.what();
    if (message.empty()) message = e.get_name();
    std::vector<std::string> unexpected = app.remaining(true);
    // CLI11 gathers extras in no useful order: report a mistyped flag first.
    std::stable_partition(unexpected.begin(), unexpected.end(),
                          [](const std::string& w) { return w.rfind("-", 0) == 0; });
    if (!unexpected.empty()) {
      const std::string& word = unexpected.front();
      if (word.rfind("-", 0) == 0)
        message = "unknown flag '" + word + "' for '" + command_path(cmd, ctx.program) + "'";
      else if (!cmd->get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); }).empty())
        message = "unknown command '" + word + "' for '" + command_path(cmd, ctx.program) + "'";
      else
        message = "unexpected argument '" + word + "' for '" + command_path(cmd, ctx.program) + "'";
    } else if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr && message.rfind("A subcommand", 0) == 0) {
      message = "'" + command_path(cmd, ctx.program) + "' needs a command";
    }
    std::cerr << ctx.err_style().red("coco: ") << message << suggestion(cmd, unexpected) << '\n'
              << "Run '" << command_path(cmd, ctx.program) << " --help' for usage.\n";
    return static_cast<int>(Exit::Usage);
  } catch (const Error& e) {
    std::cerr << ctx.err_style().red("coco: ") << e.what() << '\n';
    return static_cast<int>(e.kind());
  } catch (const std::bad_alloc&) {
    std::cerr << "coco: out of memory\n";
    return static_cast<int>(Exit::Failure);
  } catch (const std::exception& e) {
    std::cerr << "coco: internal error: " << e.what() << '\n';
    return static_cast<int>(Exit::Failure);
  }
}

}  // namespace
}  // namespace coco::cli

int main(int argc, char** argv) { return coco::cli::run(argc, argv); }
