// SPDX-License-Identifier: Apache-2.0
// How --help and the man pages show a command: option value names without CLI11's type noise
// (TEXT:FILE, UINT:INT in [1 - 4096]), defaults and "required" said once in the description, and
// every paragraph wrapped to the terminal's width (80 columns when stdout is not a terminal).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace coco::cli {

// The value placeholder of an option ("FILE", "N", "VALUE"); "" for a flag.
std::string metavar(const CLI::Option* o);
// The description with " (default: X)", "(repeatable)" and "Required." added where they apply.
std::string option_description(const CLI::Option* o);
// `text` broken into lines of at most `width` columns, each after `indent` spaces but the first.
std::string wrap(const std::string& text, std::size_t width, std::size_t indent = 0);
// The width help text wraps to: the terminal's columns when stdout is one, else 80.
std::size_t help_width();

// Installs the formatter on `app` (subcommands inherit it).
void use_help_formatter(CLI::App& app);

}  // namespace coco::cli
