// SPDX-License-Identifier: Apache-2.0
// OPA's own v1 test-case suite (../shared/vectors/rego/opa/v1) run through coco::rego::Engine,
// compared as OPA's runner does (vectors/rego/README.md): rows as an unordered set, numbers by
// value, sets as sorted arrays, sort_bindings, want_error_code / want_error. Folders, files and
// single cases listed in tests/rego/opa-skipped.txt are not run (each with its reason); every other
// case must pass.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <catch2/catch.hpp>

#include "rego/rego.h"
#include "rego/value.h"
#include "support/support.h"
#include "util/error.h"

namespace fs = std::filesystem;
using coco::rego::Engine;
using coco::rego::Json;
using coco::rego::Value;

namespace {

using coco::test::slurp;

std::map<std::string, std::string> skipped_folders() {
  std::map<std::string, std::string> out;
  std::istringstream in(slurp(coco::test::source_path("tests/rego/opa-skipped.txt")));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto sp = line.find_first_of(" \t");
    std::string folder = line.substr(0, sp);
    std::string reason = sp == std::string::npos ? "" : line.substr(line.find_first_not_of(" \t", sp));
    out[folder] = reason;
  }
  return out;
}

Value row_value(const Json& row, bool sort_bindings) {
  coco::rego::Object o;
  for (auto it = row.begin(); it != row.end(); ++it) {
    Value v = Value::from_json(it.value());
    if (sort_bindings && v.is_array()) {
      coco::rego::Array a = v.as_array();
      std::sort(a.begin(), a.end());
      v = Value::array(std::move(a));
    }
    o.emplace(Value::string(it.key()), v);
  }
  return Value::object(std::move(o));
}

// "" when the case passes, else why not. `early_exit`: Engine::set_early_exit (OPA evaluates
// so too: its answers hold either way).
std::string run_case(const Json& c, bool early_exit) {
  coco::rego::Limits limits;
  limits.max_steps = 5'000'000;
  Engine e(limits);
  bool want_error = c.contains("want_error_code") || c.contains("want_error");
  std::vector<coco::rego::Bindings> rows;
  try {
    if (c.contains("modules")) {
      std::size_t i = 0;
      for (const auto& m : c["modules"]) e.add_module("test-" + std::to_string(i++) + ".rego", m.get<std::string>());
    }
    if (c.contains("data")) e.set_data(c["data"]);
    if (c.contains("input_term")) e.set_input_term(c["input_term"].get<std::string>());
    else if (c.contains("input")) e.set_input(c["input"]);
    e.set_strict_builtin_errors(c.value("strict_error", false));
    e.set_early_exit(early_exit);
    rows = e.query(c["query"].get<std::string>());
  } catch (const coco::Error& err) {
    std::string msg = err.what();
    if (!want_error) return "unexpected error: " + msg;
    if (c.contains("want_error_code")) {
      std::string code = c["want_error_code"].get<std::string>();
      if (msg.find(code) == std::string::npos) return "want error code " + code + ", got: " + msg;
    }
    return "";
  }
  if (want_error) return "want an error, got " + std::to_string(rows.size()) + " rows";
  if (!c.contains("want_result")) return "";
  bool sort_bindings = c.value("sort_bindings", false);
  std::vector<Value> want, got;
  for (const auto& r : c["want_result"]) want.push_back(row_value(r, sort_bindings));
  for (const auto& r : rows) {
    Json j = Json::object();
    for (const auto& [k, v] : r) j[k] = v;
    got.push_back(row_value(j, sort_bindings));
  }
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  got.erase(std::unique(got.begin(), got.end()), got.end());
  want.erase(std::unique(want.begin(), want.end()), want.end());
  if (want == got) return "";
  std::string w, g;
  for (const auto& v : want) w += v.to_rego_text() + " ";
  for (const auto& v : got) g += v.to_rego_text() + " ";
  if (w.size() > 400) w = w.substr(0, 400) + "…";
  if (g.size() > 400) g = g.substr(0, 400) + "…";
  return "want " + w + "got " + g;
}

}  // namespace

TEST_CASE("rego engine passes OPA's v1 conformance suite outside the skipped folders, with and without early exit",
          "[rego][opa]") {
  if (!coco::test::shared_available("vectors/rego/opa/v1")) return;
  auto skipped = skipped_folders();
  const char* only = std::getenv("COCO_REGO_FOLDER");    // debugging: one folder
  const bool verbose = std::getenv("COCO_REGO_VERBOSE");  // debugging: every failure
  fs::path root = coco::test::shared_path("vectors/rego/opa/v1");
  std::vector<fs::path> folders;
  for (const auto& d : fs::directory_iterator(root))
    if (d.is_directory()) folders.push_back(d.path());
  std::sort(folders.begin(), folders.end());
  std::size_t total_pass = 0, total_fail = 0, total_skip = 0;
  std::vector<std::string> failures;
  for (const auto& dir : folders) {
    std::string folder = dir.filename().string();
    if (only && folder != only) continue;
    std::vector<fs::path> files;
    for (const auto& f : fs::directory_iterator(dir))
      if (f.path().extension() == ".json") files.push_back(f.path());
    std::sort(files.begin(), files.end());
    std::size_t pass = 0, fail = 0, skip = 0;
    bool skip_folder = skipped.count(folder) > 0;
    for (const auto& file : files) {
      Json doc = Json::parse(slurp(file));
      std::size_t idx = 0;
      std::string file_key = folder + "/" + file.filename().string();
      for (const auto& c : doc["cases"]) {
        ++idx;
        // Entries may name a folder, a file (folder/file.json) or one case (folder/file.json#N).
        if (skip_folder || skipped.count(file_key) || skipped.count(file_key + "#" + std::to_string(idx))) {
          ++skip;
          continue;
        }
        std::string why = run_case(c, false);
        if (why.empty() && !(why = run_case(c, true)).empty()) why = "with early exit: " + why;
        if (why.empty()) {
          ++pass;
        } else {
          ++fail;
          std::string line = folder + "/" + file.filename().string() + "#" + std::to_string(idx) + " (" +
                             c.value("note", std::string()) + "): " + why;
          if (verbose) std::printf("  FAIL %s\n", line.c_str());
          failures.push_back(line);
        }
      }
    }
    std::printf("%s: %zu passed, %zu failed, %zu skipped%s\n", folder.c_str(), pass, fail, skip,
                skip_folder ? (" (" + skipped[folder] + ")").c_str() : "");
    total_pass += pass;
    total_fail += fail;
    total_skip += skip;
  }
  std::printf("total: %zu passed, %zu failed, %zu skipped\n", total_pass, total_fail, total_skip);
  for (std::size_t i = 0; i < failures.size() && i < 40; ++i) UNSCOPED_INFO(failures[i]);
  CHECK(total_fail == 0);
}
