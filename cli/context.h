// SPDX-License-Identifier: Apache-2.0
// What every command shares: the global flags, the rendering of results, and the completion
// table. Only cli/ knows CLI11; commands call one library function and hand its result to emit().
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "util/output.h"
#include "util/term.h"

namespace coco::cli {

struct Context {
  std::string program = "coco";  // "kubectl coco" when run as the kubectl plugin
  std::string output = "text";   // --output
  std::string color = "auto";    // --color
  bool quiet = false;            // -q/--quiet: only the primary values, no warnings or progress
  int exit_code = 0;             // a command sets 1 for "ran fine, the result is a mismatch"

  // Candidate values of options validated against a fixed set, for shell completion.
  std::map<const CLI::Option*, std::vector<std::string>> choices;

  Format format() const { return parse_format(output); }
  Style out_style() const { return Style{use_color(parse_color_mode(color), stdout_is_tty())}; }
  Style err_style() const { return Style{use_color(parse_color_mode(color), stderr_is_tty())}; }
  bool progress() const { return progress_allowed(quiet); }

  // Writes the result to stdout in the chosen --output form: JSON and YAML from `json`, text
  // from `text` (which falls back to YAML when null). With -q and text output, only `primary`
  // is printed, one value a line, so that X=$(coco … -q) captures it.
  void emit(const Json& json, const std::function<void(std::ostream&)>& text,
            const std::vector<std::string>& primary) const;
  void warn(const std::string& message) const;  // "coco: warning: …" on stderr unless --quiet
};

// An option whose value must be one of `values`; the values are also offered by completion.
CLI::Option* add_choice(CLI::App* cmd, Context& ctx, const std::string& name, std::string& value,
                        const std::vector<std::string>& values, const std::string& description);

// A command that only groups others ("coco measure"): it needs one of its subcommands.
CLI::App* add_group(CLI::App& parent, const std::string& name, const std::string& description);

// Example lines shown under "Examples:" in --help and as EXAMPLES in the man page.
void set_examples(CLI::App* cmd, const std::vector<std::string>& lines);
// What -q prints for the command, added to its help (after set_examples).
void set_quiet_output(CLI::App* cmd, const std::string& what);

}  // namespace coco::cli
