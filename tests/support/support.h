// SPDX-License-Identifier: Apache-2.0
// Test helpers: run the built binary, read ../shared, make scratch directories.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "util/bytes.h"

namespace coco::test {

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs the built coco with `args` (no shell), feeding `input` on stdin. `env` entries
// ("NAME=value") are added to the environment; `argv0` replaces the program name.
RunResult run_coco(const std::vector<std::string>& args, const std::string& input = "",
                   const std::vector<std::string>& env = {}, const std::string& argv0 = "");

// Runs any program the same way (independent tools: openssl, veritysetup, python3).
RunResult run_program(const std::vector<std::string>& argv, const std::string& input = "",
                      const std::vector<std::string>& env = {});

std::string shared_path(const std::string& relative);  // ../shared/<relative>
std::string source_path(const std::string& relative);  // the repository checkout
ByteVec read_shared(const std::string& relative);
// The whole of a small test input (a vector file, a policy) as text; "" when it cannot be read.
std::string slurp(const std::filesystem::path& path);
// Whether ../shared/<relative> exists. When it does not: outside CI a test prints one visible
// line and skips (a user's clone has no ../shared); under CI (CI set) it fails, so nothing is
// skipped silently there. Use as: if (!coco::test::shared_available("vectors/rego")) return;
bool shared_available(const std::string& relative);
// Whether this run is CI's (the environment variable CI is set and not empty): there a missing
// input or tool fails the test instead of skipping it.
bool under_ci();
bool have_program(const std::string& name);

// A fresh directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

// Validates a JSON document against a schema in schemas/ with Debian's python3-jsonschema, an
// independent validator. Returns "" when valid, else the validator's message.
std::string schema_errors(const std::string& schema_name, const std::string& json_text);

}  // namespace coco::test
