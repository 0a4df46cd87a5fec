// SPDX-License-Identifier: Apache-2.0
// Files named on the command line: "-" is standard input for an input and standard output for
// an output (-o), as in cosign, kubectl and skopeo; a missing input is coco's error (exit 1,
// "PATH: cannot open: …") in every command, checked while the flags are read.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace coco::cli {

// An input file that must exist; a missing one throws coco::Error (exit 1).
const CLI::Validator& input_file();
// The same, or "-" for standard input (read with read_input).
const CLI::Validator& input_or_stdin();
// A directory that must exist, with the same error.
const CLI::Validator& input_dir();

// The whole of an input: standard input for "-" (read once; a second "-" is a usage error).
std::string read_input(const std::string& path, std::uint64_t max_size = 64 << 20);
// The name to print for an input in messages: "<stdin>" for "-".
std::string input_name(const std::string& path);

// Writes an output: standard output for "-", else the file, atomically.
void write_output(const std::string& path, std::string_view content, unsigned mode = 0644);
bool is_stdout(const std::string& path);

}  // namespace coco::cli
