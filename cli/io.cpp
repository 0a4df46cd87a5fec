// SPDX-License-Identifier: Apache-2.0
#include "io.h"

#include <sys/stat.h>

#include <cerrno>
#include <iostream>

#include "util/error.h"
#include "util/file.h"

namespace coco::cli {
namespace {

bool stdin_taken = false;

CLI::Validator existing(bool directory, bool stdin_ok) {
  return CLI::Validator(
      [directory, stdin_ok](std::string& value) -> std::string {
        if (value == "-" && stdin_ok) return "";
        struct stat st {};
        if (::stat(value.c_str(), &st) != 0) fail(value, "cannot open: " + errno_text(errno));
        if (directory && !S_ISDIR(st.st_mode)) fail(value, "not a directory");
        if (!directory && S_ISDIR(st.st_mode)) fail(value, "is a directory, not a file");
        return "";
      },
      directory ? "DIR" : "FILE");
}

}  // namespace

const CLI::Validator& input_file() {
  static const CLI::Validator v = existing(false, false);
  return v;
}

const CLI::Validator& input_or_stdin() {
  static const CLI::Validator v = existing(false, true);
  return v;
}

const CLI::Validator& input_dir() {
  static const CLI::Validator v = existing(true, false);
  return v;
}

std::string read_input(const std::string& path, std::uint64_t max_size) {
  if (path != "-") return read_text_file(path, max_size);
  if (stdin_taken) usage_error("standard input (-) can be read only once");
  stdin_taken = true;
  std::string text, chunk(65536, '\0');
  while (std::cin.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || std::cin.gcount() > 0) {
    text.append(chunk.data(), static_cast<std::size_t>(std::cin.gcount()));
    if (text.size() > max_size) fail("<stdin>", "more than " + std::to_string(max_size) + " bytes");
  }
  return text;
}

std::string input_name(const std::string& path) { return path == "-" ? "<stdin>" : path; }

bool is_stdout(const std::string& path) { return path == "-"; }

void write_output(const std::string& path, std::string_view content, unsigned mode) {
  if (!is_stdout(path)) {
    write_file_atomic(path, content, mode);
    return;
  }
  std::cout << content;
  std::cout.flush();
  if (!std::cout) fail("<stdout>", "write failed");
}

}  // namespace coco::cli
