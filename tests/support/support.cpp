// SPDX-License-Identifier: Apache-2.0
#include "support/support.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include <catch2/catch.hpp>

#include "util/file.h"

namespace coco::test {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

RunResult run_program(const std::vector<std::string>& argv, const std::string& input,
                      const std::vector<std::string>& env) {
  TempDir io;
  const std::string in_path = io.write("stdin", input);
  const std::string out_path = io.file("stdout"), err_path = io.file("stderr");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int in = ::open(in_path.c_str(), O_RDONLY);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

RunResult run_coco(const std::vector<std::string>& args, const std::string& input,
                   const std::vector<std::string>& env, const std::string& argv0) {
  if (!argv0.empty()) {
    // A program name other than "coco": run through a symlink of that name.
    TempDir dir;
    const std::string link = dir.file(argv0);
    std::filesystem::create_symlink(COCO_BINARY, link);
    std::vector<std::string> argv{link};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv, input, env);
  }
  std::vector<std::string> argv{COCO_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, input, env);
}

std::string shared_path(const std::string& relative) { return std::string(COCO_SHARED_DIR) + "/" + relative; }
std::string source_path(const std::string& relative) { return std::string(COCO_SOURCE_DIR) + "/" + relative; }
ByteVec read_shared(const std::string& relative) { return read_binary_file(shared_path(relative), 1u << 30); }

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool shared_available(const std::string& relative) {
  if (std::filesystem::exists(shared_path(relative))) return true;
  if (under_ci()) FAIL("../shared/" << relative << " is missing, and CI must not skip it");
  WARN("../shared/" << relative << " is missing (a clone without ../shared): skipped");
  return false;
}

bool under_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && *ci != '\0';
}

bool have_program(const std::string& name) {
  return run_program({"sh", "-c", "command -v " + name + " >/dev/null"}).exit_code == 0;
}

TempDir::TempDir() {
  std::random_device rd;
  const char* base = std::getenv("TMPDIR");
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto p = std::filesystem::path(base ? base : "/tmp") / ("coco-test-" + std::to_string(rd()));
    if (std::filesystem::create_directory(p)) {
      path_ = p;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
  const std::string p = file(name);
  std::filesystem::create_directories(std::filesystem::path(p).parent_path());
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

std::string schema_errors(const std::string& schema_name, const std::string& json_text) {
  TempDir dir;
  const std::string doc = dir.write("doc.json", json_text);
  const RunResult r = run_program(
      {"/usr/bin/python3", "-c",
       "import json,sys,jsonschema\n"
       "schema=json.load(open(sys.argv[1]))\n"
       "jsonschema.validators.validator_for(schema).check_schema(schema)\n"
       "jsonschema.validate(json.load(open(sys.argv[2])), schema)\n",
       source_path("schemas/" + schema_name), doc});
  return r.exit_code == 0 ? "" : r.err;
}

}  // namespace coco::test
